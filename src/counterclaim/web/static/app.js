// counterclaim web app: the little behaviour the pages need. Served from the package; no outside scripts.
"use strict";

// Document view: a click on a claim's words marks all of that claim's words and opens its details beside the text.
function openClaim(id) {
  document.querySelectorAll("article.text a.active").forEach((a) => a.classList.remove("active"));
  document.querySelectorAll(".claim-detail.open").forEach((d) => d.classList.remove("open"));
  document.querySelectorAll(`article.text a[data-claim="${CSS.escape(id)}"]`).forEach((a) => a.classList.add("active"));
  const detail = document.getElementById(`claim-${id}`);
  if (detail) {
    detail.classList.add("open");
    // scroll the list of claims beside the text, not the page: the words clicked stay where they are
    const list = detail.closest("aside.claims");
    if (list) list.scrollTo({ top: detail.offsetTop - list.offsetTop - 8, behavior: "smooth" });
    else detail.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
}

document.addEventListener("click", (event) => {
  const piece = event.target.closest("article.text a[data-claim]");
  if (piece) {
    event.preventDefault();
    history.replaceState(null, "", `#claim-${piece.dataset.claim}`);
    openClaim(piece.dataset.claim);
  }
});

// A background job's page follows its progress until it is done.
function followJob(box) {
  const state = box.dataset.state;
  if (state === "done" || state === "failed") return;
  setTimeout(() => window.location.reload(), 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  const job = document.getElementById("job");
  if (job) followJob(job);
  const match = window.location.hash.match(/^#claim-(\d+)$/);
  if (match) openClaim(match[1]);
});
