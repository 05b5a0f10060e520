"""A random sample of extracted claims from real news beyond PolNeAR, printed for judging by reading.

    python benchmarks/real_news_sample.py --ptc ../shared/data/ptc --fnc1 ../shared/data/fnc1 \
        [--transcript ../shared/seed/panjshir-npr-2021-09-03.txt] --seed 13 [--documents 20] [--per-document 3] [--out FILE]

PolNeAR is hard news from seven US publishers; this sample is drawn from what it
lacks: PTC's articles (wire copy, partisan and opinion sites, 2017-2019) and
FNC-1's bodies (rumour coverage by tabloids and online outlets, 2014-2015), half
the documents from each, plus any transcripts named. From each document, up to
`--per-document` of its claims are drawn. Each claim is printed in its paragraph
with the content in [[ ]], the cue in << >> and the source in {{ }}, followed by
the speaker, polarity and mode the pipeline gave it, for a reader to judge:
is it an attribution, is the content span where a careful reader would put it,
is the speaker right, is the polarity right. The documents stay where they are.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

from counterclaim.claims import ClaimExtractor
from counterclaim.ingest import document_from_text
from counterclaim.model import Claim


def ptc_documents(folder: Path) -> list[tuple[str, str]]:
    return [(f"ptc/{p.stem}", p.read_text(encoding="utf-8")) for p in sorted((folder / "train-articles").glob("*.txt"))]


def fnc1_documents(folder: Path) -> list[tuple[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with open(folder / "train_bodies.csv", encoding="utf-8", newline="") as handle:
        return [(f"fnc1/{row['Body ID']}", row["articleBody"]) for row in csv.DictReader(handle)]


def marked_paragraph(text: str, claim: Claim) -> str:
    """The paragraph(s) holding the claim, with its content, cue and source marked."""
    marks: list[tuple[int, str]] = []
    for role, (open_mark, close_mark) in (("content", ("[[", "]]")), ("cue", ("<<", ">>")), ("source", ("{{", "}}"))):
        spans = getattr(claim, role)
        for start, end in spans.spans if spans is not None else []:
            marks += [(start, open_mark), (end, close_mark)]
    first = min(position for position, _ in marks)
    last = max(position for position, _ in marks)
    start = text.rfind("\n", 0, first) + 1
    end = text.find("\n", last)
    end = len(text) if end == -1 else end
    pieces, cursor = [], start
    for position, mark in sorted(marks, key=lambda m: (m[0], m[1] in ("]]", ">>", "}}"))):
        pieces += [text[cursor:position], mark]
        cursor = position
    pieces.append(text[cursor:end])
    return "".join(pieces).strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ptc", type=Path, required=True, help="the PTC folder (train-articles/)")
    parser.add_argument("--fnc1", type=Path, required=True, help="the FNC-1 folder (train_bodies.csv)")
    parser.add_argument("--transcript", type=Path, action="append", default=[], help="a transcript to add whole")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--documents", type=int, default=20, help="documents drawn, half from each source")
    parser.add_argument("--per-document", type=int, default=3)
    parser.add_argument("--out", type=Path, help="write the sample here (default: standard output)")
    args = parser.parse_args()

    draw = random.Random(args.seed)
    half = args.documents // 2
    documents = draw.sample(ptc_documents(args.ptc), half) + draw.sample(fnc1_documents(args.fnc1), args.documents - half)
    documents += [(f"transcript/{path.stem}", path.read_text(encoding="utf-8")) for path in args.transcript]
    extractor = ClaimExtractor()
    lines = [f"# Real-news sample, seed {args.seed}: {len(documents)} documents, up to {args.per_document} claims each", ""]
    number = 0
    for doc_id, text in documents:
        [extraction] = list(extractor.extract([document_from_text(doc_id, text)]))
        claims = [c for c in extraction.claims if c.mode != "question"]
        for claim in sorted(draw.sample(claims, min(args.per_document, len(claims))), key=lambda c: c.content.start):
            number += 1
            speaker = f"{claim.speaker.name} ({claim.speaker.kind})" if claim.speaker else "none"
            lines += [
                f"## {number}. {doc_id}",
                "",
                marked_paragraph(extraction.document.text, claim),
                "",
                f"speaker: {speaker}; polarity: {claim.polarity}; mode: {claim.mode}",
                "",
            ]
    output = "\n".join(lines)
    if args.out:
        args.out.write_text(output, encoding="utf-8")
    else:
        print(output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
