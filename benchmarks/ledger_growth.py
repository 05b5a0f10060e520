"""Bulk load, `quotes`, `check` and `contested` on ledgers of growing size, from a batch's part files repeated with variations.

    python benchmarks/ledger_growth.py PARTS [--sizes 1000 10000] [--added 100] [--measure quotes check contested]

PARTS is the output folder of `counterclaim batch` (for example on ../shared/data/polnear/train/text). For
each size, the parts' documents are repeated until the ledger holds that many: copy k of a document has a
third of its words respelled (letters permuted, length kept, so every offset stays true), which makes it a
new story to the near-duplicate check while two thirds of its vocabulary stays real. The benchmark prints
documents per second of the bulk load, then the time of each measured command on the ledger, and again after
adding `--added` more documents: the cost of adding them should not grow with the ledger (aim: within 1.5x
from the smallest size to the largest).

What costs the same per item at any size is given rather than computed, so that what is timed after adding
documents is the new documents' own work and what grows with the ledger. The claims of the first ledger's
documents are embedded once and their copies take the same vectors. Before the ledger is first linked, each
copied claim's clause read is its original's, and the stance pairs of that first link are read by a stand-in
(numbers drawn from a hash of the pair): which pairs linking asks about depends on the claims and their
vectors, not on the answers, so the relink after adding documents asks the real model exactly the pairs a
ledger linked for real would ask, and is timed with it (the model loaded beforehand). The ledger is linked as
one that grows: its first `--first` documents whole, then `--step` documents at a time linked into it.

`contested` is timed in its two parts: linking the added documents (what adding them costs, counted toward the
aim) and then listing every contested proposition with all its claims (what `contested` prints: its cost is that
of the output, which grows with the ledger; it is reported per claim listed). So is `quotes`: bringing the findings
up to date (counted), then listing every finding (reported per finding).
"""

from __future__ import annotations

import argparse
import hashlib
import string
import tempfile
import time
from pathlib import Path

from counterclaim.batch.parts import read_part
from counterclaim.claims import Extraction
from counterclaim.store import Ledger

WORD_CHARS = set(string.ascii_letters)


def respelled(text: str, copy: int) -> str:
    """The text with about a third of its words respelled for this copy; lengths kept."""
    if copy == 0:
        return text
    table = str.maketrans(string.ascii_lowercase + string.ascii_uppercase,
                          string.ascii_lowercase[copy % 25 + 1:] + string.ascii_lowercase[: copy % 25 + 1]
                          + string.ascii_uppercase[copy % 25 + 1:] + string.ascii_uppercase[: copy % 25 + 1])
    out, word = [], []

    def flush() -> None:
        if word:
            token = "".join(word)
            chosen = hashlib.blake2b(f"{copy}:{token.lower()}".encode(), digest_size=1).digest()[0] < 86
            out.append(token.translate(table) if chosen else token)
            word.clear()

    for ch in text:
        if ch in WORD_CHARS:
            word.append(ch)
        else:
            flush()
            out.append(ch)
    flush()
    return "".join(out)


def variant(extraction: Extraction, copy: int) -> Extraction:
    """Copy `copy` of a document, with its claims' texts read again from the respelled text."""
    from dataclasses import replace

    from counterclaim.model import TextSpans

    text = respelled(extraction.document.text, copy)
    doc_id = f"{extraction.document.doc_id}~{copy}"
    document = replace(extraction.document, text=text, doc_id=doc_id, path=f"{extraction.document.path}~{copy}",
                       title=respelled(extraction.document.title or "", copy) or None)

    def spans(value: TextSpans | None) -> TextSpans | None:
        return None if value is None else TextSpans.from_offsets(text, value.spans)

    claims = [replace(c, doc_id=doc_id, content=spans(c.content), cue=spans(c.cue), source=spans(c.source)) for c in extraction.claims]
    return Extraction(document, claims, extraction.speakers)


def stories(parts: Path) -> list[Extraction]:
    found = []
    for path in sorted(parts.glob("part-*.parquet")):
        found += [item for item in read_part(path) if isinstance(item, Extraction)]
    return found


def original(claim_id: str) -> str:
    """The claim id of the claim a copy's claim was copied from."""
    doc_id, _, where = claim_id.partition("#")
    return doc_id.rsplit("~", 1)[0] + "#" + where


def give_vectors(ledger: Ledger, known: dict[str, bytes], documents: list[int] | None = None) -> None:
    """Store for every claim (of these documents) the vector of the claim it was copied from, embedding those not embedded before."""
    from counterclaim.link.embeddings import embed
    from counterclaim.link.propositions import load_units
    from counterclaim.link.vectors import meaning_hash

    units = load_units(ledger, documents=documents)
    fresh = {original(u.record["claim_id"]): u.meaning for u in units if original(u.record["claim_id"]) not in known}
    keys = list(fresh)
    for start in range(0, len(keys), 512):
        chunk = keys[start : start + 512]
        for key, vector in zip(chunk, embed([fresh[k] for k in chunk]), strict=True):
            known[key] = vector.astype("float16").tobytes()
    rows = [(u.id, meaning_hash(u.meaning), known[original(u.record["claim_id"])]) for u in units]
    ledger.write(lambda: ledger.db.executemany("INSERT OR REPLACE INTO claim_vectors (claim_id, meaning_hash, vector) VALUES (?, ?, ?)", rows))


class StandInStance:
    """Stance probabilities from a hash of the pair: for the first link of a grown ledger, whose cost is not what is measured."""

    def probabilities(self, pairs):
        import numpy as np

        rows = [np.frombuffer(hashlib.blake2b(f"{p.claim}\x00{p.text}".encode(), digest_size=4).digest(), dtype=np.uint8) + 1.0
                for p in pairs]
        table = np.array(rows, dtype="float32").reshape(len(pairs), 4)
        return table / table.sum(axis=1, keepdims=True)


class CountingStance:
    """The shipped stance model, counting the pairs it reads."""

    def __init__(self) -> None:
        from counterclaim.link.stance import load_stance_model

        self.model = load_stance_model()
        self.read = 0

    def probabilities(self, pairs):
        self.read += len(pairs)
        return self.model.probabilities(pairs)


def give_clauses(ledger: Ledger, known: dict[str, bool], documents: list[int] | None = None) -> None:
    """Store for every claim's text (of these documents) the clause read of the claim it was copied from, tagging those not tagged before."""
    from counterclaim.link.checkable import clauses
    from counterclaim.link.propositions import load_units
    from counterclaim.link.reads import forget_other_models, text_key

    forget_other_models(ledger)
    units = load_units(ledger, documents=documents)
    fresh: dict[str, str] = {}
    for unit in units:
        key = original(unit.record["claim_id"])
        if key not in known and (key not in fresh or unit.record["claim_id"].split("#")[0].endswith("~0")):
            fresh[key] = unit.text  # copy 0 is the original text
    for key, clause in zip(fresh, clauses(list(fresh.values())), strict=True):
        known[key] = clause
    rows = [(text_key(u.text), int(known[original(u.record["claim_id"])])) for u in units]
    ledger.write(lambda: ledger.db.executemany("INSERT OR REPLACE INTO clause_reads (key, value) VALUES (?, ?)", rows))


def grow(ledger: Ledger, vectors: dict[str, bytes], clause_reads: dict[str, bool]) -> float:
    """Link the documents stored since the last link, with their copied reads and stand-in stance reads; the seconds it took."""
    from counterclaim.link.incremental import changes
    from counterclaim.link.propositions import link_new

    added = changes(ledger)[0]
    give_vectors(ledger, vectors, added)
    give_clauses(ledger, clause_reads, added)
    return timed(lambda: link_new(ledger, model=StandInStance()))


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


MEASURES = ("quotes", "check", "contested")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("parts", type=Path)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--added", type=int, default=100)
    parser.add_argument("--first", type=int, default=1000, help="documents linked whole first (default: 1000)")
    parser.add_argument("--step", type=int, default=10000, help="then documents linked into the ledger at a time (default: 10000)")
    parser.add_argument("--measure", nargs="+", choices=MEASURES, default=list(MEASURES), help="the commands to time (default: all)")
    args = parser.parse_args()
    from counterclaim.link.check import check, prepare
    from counterclaim.link.fidelity import stored_checks, update_quote_checks
    from counterclaim.link.incremental import changes
    from counterclaim.link.propositions import link_new, relink

    base = stories(args.parts)
    print(f"{len(base)} documents in {args.parts}; copies have a third of their words respelled")
    steps = {
        "quotes": lambda ledger: update_quote_checks(ledger),
        "embedding": lambda ledger: prepare(ledger),
        "check": lambda ledger: check(ledger, "The campaign denied the report"),
    }
    measured = [m for m in ("quotes", "embedding", "check") if m in args.measure or (m == "embedding" and args.measure)]
    costs: list[tuple[int, float]] = []  # (size, seconds of adding documents and running what is measured)
    vectors: dict[str, bytes] = {}
    clause_reads: dict[str, bool] = {}
    counting = CountingStance() if "contested" in args.measure else None
    with tempfile.TemporaryDirectory() as scratch:
        for size in args.sizes:
            db = Path(scratch) / f"ledger-{size}.db"
            made = (variant(base[n % len(base)], n // len(base)) for n in range(size + args.added))
            batch: list[Extraction] = []
            loaded = 0
            load_seconds = 0.0
            before: dict[str, float] = {}
            after: dict[str, float] = {}
            first_link = 0.0
            with Ledger(db) as ledger:
                for extraction in made:
                    batch.append(extraction)
                    if len(batch) == 100 or loaded + len(batch) == size:
                        load_seconds += timed(lambda batch=batch: ledger.store_many(batch))
                        loaded += len(batch)
                        batch = []
                    if counting is not None and loaded < size and (loaded == args.first or (loaded - args.first) % args.step == 0):
                        first_link += grow(ledger, vectors, clause_reads)  # linked as a ledger that grows is
                    if loaded == size:
                        break
                give_vectors(ledger, vectors, changes(ledger)[0] if first_link else None)
                for name in measured:
                    before[name] = timed(lambda name=name: steps[name](ledger))
                if counting is not None:
                    first_link += grow(ledger, vectors, clause_reads)
                added = [next(made) for _ in range(args.added)]
                add_seconds = timed(lambda added=added: ledger.store_many(added))
                for name in measured:
                    after[name] = timed(lambda name=name: steps[name](ledger))
                findings: list = []
                if "quotes" in measured:
                    listing = timed(lambda findings=findings: findings.extend(stored_checks(ledger)))
                if counting is not None:
                    counting.read = 0
                    after["contested"] = timed(lambda: link_new(ledger, model=counting))
                    listed: list = []
                    again = timed(lambda listed=listed: listed.extend(relink(ledger, model=counting, contested_only=True)[0]))
                    members = sum(len(p.members) for p in listed)
                counts = ledger.counts()
            costs.append((size, add_seconds + sum(after.values())))
            line = [f"{size:7d} documents ({counts['claims']} claims): bulk load {size / load_seconds:.0f} documents/s"]
            line += [f"{name} {before[name]:.1f} s, after adding {args.added}: {after[name]:.1f} s" for name in measured]
            if "quotes" in measured:
                line.append(f"then listing the {len(findings)} findings {listing:.2f} s, {listing / max(len(findings), 1) * 1e6:.0f} us a finding")
            if counting is not None:
                line.append(f"contested (first link {first_link:.1f} s with stand-in reads) after adding {args.added}: linking "
                            f"{after['contested']:.1f} s, {counting.read} pairs read; then listing the {len(listed)} contested propositions "
                            f"({members} claims) {again:.2f} s, {again / max(members, 1) * 1e6:.0f} us a claim")
            print("; ".join(line), flush=True)
    (first_size, first_cost), (last_size, last_cost) = costs[0], costs[-1]
    print(f"cost of adding {args.added} documents and running {' + '.join(args.measure)} (with embedding the new claims), "
          f"at {last_size} / at {first_size}: {last_cost / first_cost:.2f}x (aim: at most 1.5x)")


if __name__ == "__main__":
    main()
