"""Bulk load, `quotes` and `check` on ledgers of growing size, from a batch's part files repeated with variations.

    python benchmarks/ledger_growth.py PARTS [--sizes 1000 10000] [--added 100] [--contested]

PARTS is the output folder of `counterclaim batch` (for example on ../shared/data/polnear/train/text). For
each size, the parts' documents are repeated until the ledger holds that many: copy k of a document has a
third of its words respelled (letters permuted, length kept, so every offset stays true), which makes it a
new story to the near-duplicate check while two thirds of its vocabulary stays real. The benchmark prints
documents per second of the bulk load, then the time of `quotes` and `check` on the ledger, and again after
adding `--added` more documents: the cost of adding them should not grow with the ledger (aim: within 1.5x
from the smallest size to the largest). The claims of the first ledger's documents are embedded once; their
copies take the same vectors (embedding costs the same per claim at any size), so that what is timed after
adding documents is embedding their claims and what grows with the ledger.
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


def give_vectors(ledger: Ledger, known: dict[str, bytes]) -> None:
    """Store for every claim the vector of the claim it was copied from, embedding those not embedded before."""
    from counterclaim.link.embeddings import embed
    from counterclaim.link.propositions import load_units
    from counterclaim.link.vectors import meaning_hash

    units = load_units(ledger)
    fresh = {original(u.record["claim_id"]): u.meaning for u in units if original(u.record["claim_id"]) not in known}
    keys = list(fresh)
    for start in range(0, len(keys), 512):
        chunk = keys[start : start + 512]
        for key, vector in zip(chunk, embed([fresh[k] for k in chunk]), strict=True):
            known[key] = vector.astype("float16").tobytes()
    rows = [(u.id, meaning_hash(u.meaning), known[original(u.record["claim_id"])]) for u in units]
    ledger.write(lambda: ledger.db.executemany("INSERT OR REPLACE INTO claim_vectors (claim_id, meaning_hash, vector) VALUES (?, ?, ?)", rows))


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("parts", type=Path)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--added", type=int, default=100)
    args = parser.parse_args()
    from counterclaim.link.check import check, prepare
    from counterclaim.link.fidelity import check_quotes

    base = stories(args.parts)
    print(f"{len(base)} documents in {args.parts}; copies have a third of their words respelled")
    rows = []
    vectors: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for size in args.sizes:
            db = Path(scratch) / f"ledger-{size}.db"
            made = (variant(base[n % len(base)], n // len(base)) for n in range(size + args.added))
            batch: list[Extraction] = []
            loaded = 0
            load_seconds = 0.0
            with Ledger(db) as ledger:
                for extraction in made:
                    batch.append(extraction)
                    if len(batch) == 100 or loaded + len(batch) == size:
                        load_seconds += timed(lambda batch=batch: ledger.store_many(batch))
                        loaded += len(batch)
                        batch = []
                    if loaded == size:
                        break
                give_vectors(ledger, vectors)
                quotes_before = timed(lambda: check_quotes(ledger))
                prepare_before = timed(lambda: prepare(ledger))
                check_before = timed(lambda: check(ledger, "The campaign denied the report"))
                added = [next(made) for _ in range(args.added)]
                add_seconds = timed(lambda added=added: ledger.store_many(added))
                quotes_after = timed(lambda: check_quotes(ledger))
                prepare_after = timed(lambda: prepare(ledger))
                check_after = timed(lambda: check(ledger, "The campaign denied the report"))
                counts = ledger.counts()
            row = (size, counts["claims"], size / load_seconds, quotes_before, quotes_after, prepare_before, prepare_after,
                   check_before, check_after, add_seconds)
            rows.append(row)
            print(f"{size:7d} documents ({counts['claims']} claims): bulk load {row[2]:.0f} documents/s; quotes {quotes_before:.1f} s, "
                  f"after adding {args.added}: {quotes_after:.1f} s; embedding new claims {prepare_before:.1f} s, then {prepare_after:.1f} s; "
                  f"check {check_before:.2f} s, then {check_after:.2f} s", flush=True)
    first, last = rows[0], rows[-1]
    print(f"cost of adding {args.added} documents and running quotes + check, at {last[0]} / at {first[0]}: "
          f"{(last[4] + last[6] + last[8] + last[9]) / (first[4] + first[6] + first[8] + first[9]):.2f}x (aim: at most 1.5x)")


if __name__ == "__main__":
    main()
