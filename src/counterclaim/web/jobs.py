"""Documents added from the web app, ingested in the background, one job at a time, with progress a page can show.

One worker thread holds the extraction pipeline (loaded by the first job, about ten seconds) and the ledger's write
lock only while it stores; pages keep reading the ledger meanwhile. Uploaded files are read as bytes and labelled by
their base name; nothing a user sends is ever opened as a path.
"""

from __future__ import annotations

import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from counterclaim.errors import InputError, shown
from counterclaim.ingest import document_from_bytes

if TYPE_CHECKING:
    from counterclaim.claims import ClaimExtractor
    from counterclaim.model import Document

UPLOAD_PREFIX = "upload"


@dataclass(slots=True)
class Job:
    """What a job was given and how far it has got: `state` goes queued -> reading -> linking -> done (or failed)."""

    id: str
    names: list[str]
    state: str = "queued"
    done: int = 0
    added: int = 0
    known: int = 0
    linked: int = 0
    refused: int = 0  # files refused before the job (too large), counted as done and failed
    to_link: int = 0
    failures: list[str] = field(default_factory=list)
    documents: list[int] = field(default_factory=list)
    message: str = ""
    started: float = field(default_factory=time.time)
    finished: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "state": self.state, "files": self.names, "total": len(self.names) + self.refused, "done": self.done,
            "added": self.added, "known": self.known, "failures": self.failures, "documents": self.documents,
            "linking": {"done": self.linked, "total": self.to_link}, "message": self.message,
            "seconds": round((self.finished or time.time()) - self.started, 1),
        }


def upload_name(filename: str | None, n: int) -> str:
    """The label of an uploaded file: its base name only (no folders, whatever the browser sent), under `upload/`."""
    base = PurePath((filename or "").replace("\\", "/")).name.strip() or f"pasted-{n}.txt"
    return f"{UPLOAD_PREFIX}/{base}"


class Ingestion:
    """The background worker that turns uploads into stored, linked documents."""

    def __init__(self, db_path: str, link: bool = True, max_bytes: int = 10_000_000) -> None:
        self.db_path = db_path
        self.link = link
        self.max_bytes = max_bytes
        self.jobs: dict[str, Job] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="counterclaim-ingest")
        self._extractor: ClaimExtractor | None = None
        self._lock = threading.Lock()

    def submit(self, uploads: list[tuple[str, bytes]], refused: list[str] | None = None) -> Job:
        """Queue uploaded (name, bytes) pairs as one job, with the reasons files were refused before it; returns at once."""
        refused = refused or []
        job = Job(id=secrets.token_hex(8), names=[name for name, _ in uploads], failures=list(refused), done=len(refused), refused=len(refused))
        with self._lock:
            self.jobs[job.id] = job
        self._pool.submit(self._run, job, uploads)
        return job

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, job: Job, uploads: list[tuple[str, bytes]]) -> None:
        try:
            self._ingest(job, uploads)
            job.state = "done"
        except Exception as problem:  # a job must end with a message, never take the server down
            job.state = "failed"
            job.message = shown(f"{type(problem).__name__}: {problem}")
        finally:
            job.finished = time.time()

    def _ingest(self, job: Job, uploads: list[tuple[str, bytes]]) -> None:
        from counterclaim.claims import ClaimExtractor, analysis_failure
        from counterclaim.store import Ledger

        job.state = "reading"
        documents: list[Document] = []
        for name, data in uploads:
            try:
                documents.append(document_from_bytes(name, data, self.max_bytes))
            except InputError as problem:
                job.failures.append(str(problem))
                job.done += 1
        if self._extractor is None:
            self._extractor = ClaimExtractor()

        def failed(document: Document, problem: Exception) -> None:
            job.failures.append(analysis_failure(document, problem))
            job.done += 1

        with Ledger(self.db_path) as ledger:
            fresh = []
            for document in documents:
                found = ledger.stored_as(document)
                if found is None:
                    fresh.append(document)
                else:
                    ledger.record_appearance(found[0], document, found[1])
                    job.known += 1
                    job.done += 1
                    job.documents.append(found[0])
            for extraction in self._extractor.extract(fresh, on_error=failed):
                outcome = ledger.store(extraction)
                job.added += outcome == "added"
                job.known += outcome != "added"
                stored = ledger.stored_as(extraction.document)
                if stored is not None:
                    job.documents.append(stored[0])
                job.done += 1
            if self.link and job.added:
                from counterclaim.link.propositions import link_new

                job.state = "linking"

                def progress(done: int, total: int) -> None:
                    job.linked, job.to_link = done, total

                link_new(ledger, progress)
