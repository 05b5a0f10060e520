"""A large ledger grown once and kept, then measured after adding documents: `ledger_growth.py`'s steps, split so
that a ledger of 100,000 documents (45 minutes to grow on two cores) is built once and measured again.

    python benchmarks/grown_ledger.py grow PARTS LEDGER --to 100000 [--first 1000] [--step 10000] [--quotes]
    python benchmarks/grown_ledger.py measure PARTS LEDGER [--added 100] [--quotes]

`grow` stores copies of the parts' documents (as `ledger_growth.py` makes them) until LEDGER holds `--to`, linking
the first `--first` whole and then every `--step` into it with stand-in stance reads; run again with a larger `--to`,
it goes on from where the ledger is. `measure` works on a copy of LEDGER: it times `check` (the first call packs the
vectors, and from 200,000 of them trains the cells), adds `--added` documents, and times what `ledger_growth.py`
times after adding them: the bulk load, embedding their claims, `check`, linking them (the shipped stance model reads
the pairs not read before) and listing every contested proposition. Compare with `ledger_growth.py --sizes 1000` run
beside it: the cost of adding is the load, the embedding, `check` and the linking.

With `--quotes`, `grow` links nothing: it gives the copies their originals' vectors every `--step` documents and checks
every quote once the ledger holds `--to` (or brings the findings up to date, when it had some); and `measure` times
what `ledger_growth.py --measure quotes` times after adding documents: the load, `quotes` (bringing the findings up to
date, counted) and embedding the new claims, then listing every finding (not counted).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from counterclaim.store import Ledger
from ledger_growth import CountingStance, give_vectors, grow, stories, timed, variant

STATEMENT = "The campaign denied the report"


def stories_stored(ledger: Ledger) -> int:
    """How many of the copies were stored, in order: each has a path of its own, while a near duplicate of a stored
    one is kept as another place of that document (so the ledger may hold fewer documents)."""
    return ledger.db.execute("SELECT count(*) FROM document_paths").fetchone()[0]


def grow_ledger(parts: Path, path: Path, to: int, first: int, step: int, quotes: bool = False) -> None:
    from counterclaim.link.fidelity import update_quote_checks

    base = stories(parts)
    vectors: dict[str, bytes] = {}
    clause_reads: dict[str, bool] = {}
    with Ledger(path) as ledger:
        loaded = stories_stored(ledger)
        given = ledger.db.execute("SELECT coalesce(max(document_id), 0) FROM claims WHERE id IN (SELECT claim_id FROM claim_vectors)").fetchone()[0]
        for start in range(loaded, to, 100):
            ledger.store_many([variant(base[n % len(base)], n // len(base)) for n in range(start, min(start + 100, to))])
            done = min(start + 100, to)
            if done == first or (done > first and (done - first) % step == 0) or done == to:
                if not quotes:
                    print(f"{done} documents: linked in {grow(ledger, vectors, clause_reads):.1f} s", flush=True)
                    continue
                documents = [row[0] for row in ledger.db.execute("SELECT id FROM documents WHERE id > ?", (given,))]
                give_vectors(ledger, vectors, documents)
                given = max(documents, default=given)
                print(f"{done} documents stored", flush=True)
        if quotes:
            print(f"quotes checked in {timed(lambda: update_quote_checks(ledger)):.1f} s", flush=True)


@contextmanager
def copied(parts: Path, path: Path, added: int) -> Iterator[tuple[Ledger, dict[str, int], int, list]]:
    """A copy of the ledger, open (measuring changes the copy only), with its counts, how many copies it stored, and the
    next `added` copies to add to it."""
    base = stories(parts)
    with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
        copy = Path(scratch) / path.name
        shutil.copy(path, copy)
        with Ledger(copy) as ledger:
            size = stories_stored(ledger)
            yield ledger, ledger.counts(), size, [variant(base[n % len(base)], n // len(base)) for n in range(size, size + added)]


def measure_quotes(parts: Path, path: Path, added: int) -> None:
    from counterclaim.link.check import prepare
    from counterclaim.link.fidelity import stored_checks, update_quote_checks

    with copied(parts, path, added) as (ledger, counts, size, new):
        before = timed(lambda: prepare(ledger))
        load = timed(lambda: ledger.store_many(new))
        checked = timed(lambda: update_quote_checks(ledger))
        embedding = timed(lambda: prepare(ledger))
        findings: list = []
        listing = timed(lambda: findings.extend(stored_checks(ledger)))
    print(f"{size} documents ({counts['documents']} after merging near duplicates, {counts['claims']} claims): embedding {before:.1f} s; "
          f"after adding {added}: load {load:.1f} s, quotes {checked:.1f} s, embedding {embedding:.1f} s, then listing the {len(findings)} "
          f"findings {listing:.1f} s, {listing / max(len(findings), 1) * 1e6:.0f} us a finding; cost of adding {load + checked + embedding:.1f} s")


def measure(parts: Path, path: Path, added: int) -> None:
    from counterclaim.link.check import check, prepare
    from counterclaim.link.propositions import link_new, relink

    counting = CountingStance()
    with copied(parts, path, added) as (ledger, counts, size, new):
        before = timed(lambda: prepare(ledger))
        first = timed(lambda: check(ledger, STATEMENT))
        again = timed(lambda: check(ledger, STATEMENT))
        load = timed(lambda: ledger.store_many(new))
        embedding = timed(lambda: prepare(ledger))
        checked = timed(lambda: check(ledger, STATEMENT))
        linking = timed(lambda: link_new(ledger, model=counting))
        listed: list = []
        listing = timed(lambda: listed.extend(relink(ledger, model=counting, contested_only=True)[0]))
        members = sum(len(p.members) for p in listed)
    print(f"{size} documents ({counts['documents']} after merging near duplicates, {counts['claims']} claims): embedding {before:.1f} s; "
          f"check {first:.1f} s (the first), {again:.2f} s again; "
          f"after adding {added}: load {load:.1f} s, embedding {embedding:.1f} s, check {checked:.2f} s, contested linking {linking:.1f} s "
          f"({counting.read} pairs read), then listing the {len(listed)} contested propositions ({members} claims) {listing:.1f} s, "
          f"{listing / max(members, 1) * 1e6:.0f} us a claim; cost of adding {load + embedding + checked + linking:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    grown = commands.add_parser("grow")
    measured = commands.add_parser("measure")
    for command in (grown, measured):
        command.add_argument("parts", type=Path)
        command.add_argument("ledger", type=Path)
    grown.add_argument("--to", type=int, required=True)
    grown.add_argument("--first", type=int, default=1000)
    grown.add_argument("--step", type=int, default=10000)
    measured.add_argument("--added", type=int, default=100)
    for command in (grown, measured):
        command.add_argument("--quotes", action="store_true", help="quote checks rather than linking (see above)")
    args = parser.parse_args()
    if args.command == "grow":
        grow_ledger(args.parts, args.ledger, args.to, args.first, args.step, args.quotes)
    elif args.quotes:
        measure_quotes(args.parts, args.ledger, args.added)
    else:
        measure(args.parts, args.ledger, args.added)


if __name__ == "__main__":
    main()
