"""The records every stage shares, and their JSON form.

This module is the contract: ingest produces `Document`, the nlp stage produces
`Claim`, and every later stage (ledger, linking, export) reads only these.
Offsets are Python character offsets into `Document.text`, end exclusive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

DocumentKind = Literal["article", "transcript", "article+transcript"]
ClaimMode = Literal["direct", "mixed", "indirect", "turn", "question"]
Polarity = Literal["assert", "deny"]

Offsets = tuple[int, int]


def slug(name: str) -> str:
    """A readable id from a name: `Ali Nazary` -> `ali-nazary`."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "unknown"


@dataclass(slots=True)
class Turn:
    """One speaker turn of a transcript: the label as written and the span it covers."""

    label: str
    start: int
    end: int
    label_start: int | None = None
    label_end: int | None = None
    is_introduction: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "span": [self.start, self.end],
            "label_span": None if self.label_start is None else [self.label_start, self.label_end],
            "is_introduction": self.is_introduction,
        }

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> Turn:
        label_span = record.get("label_span") or (None, None)
        return cls(record["label"], record["span"][0], record["span"][1], label_span[0], label_span[1], bool(record["is_introduction"]))


@dataclass(slots=True)
class Document:
    """A text exactly as read, with what is known about it.

    `text` is never altered after reading: every offset in the project points into it.
    `transcript_start` is where the transcript part begins when an article and its
    transcript share one file.
    """

    doc_id: str
    text: str
    kind: DocumentKind = "article"
    path: str | None = None
    title: str | None = None
    date: str | None = None
    author: str | None = None
    site: str | None = None
    turns: list[Turn] = field(default_factory=list)
    transcript_start: int | None = None
    encoding: str | None = None  # the encoding assumed in reading the file, when it was not UTF-8
    url: str | None = None  # where the story was published, from a feed, web archive or JSON Lines record
    from_summary: bool = False  # a feed entry whose page was not saved: the text is the feed's summary

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "kind": self.kind,
            "path": self.path,
            "title": self.title,
            "date": self.date,
            "author": self.author,
            "site": self.site,
            "transcript_start": self.transcript_start,
            "url": self.url,
            "from_summary": self.from_summary,
            "turns": [t.to_json() for t in self.turns],
            "length": len(self.text),
        }


@dataclass(slots=True)
class TextSpans:
    """Text made of one or more character ranges; `text` is the slices joined by a space."""

    spans: list[Offsets]
    text: str

    @classmethod
    def from_offsets(cls, source_text: str, spans: list[Offsets]) -> TextSpans:
        ordered = sorted((int(s), int(e)) for s, e in spans if e > s)
        return cls(spans=ordered, text=" ".join(source_text[s:e] for s, e in ordered))

    def shifted(self, offset: int) -> TextSpans:
        """The same text at ranges `offset` characters later: from a part of a text to the whole."""
        return TextSpans(spans=[(s + offset, e + offset) for s, e in self.spans], text=self.text)

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "spans": [[s, e] for s, e in self.spans]}

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> TextSpans:
        return cls(spans=[(int(s), int(e)) for s, e in record["spans"]], text=record["text"])


@dataclass(slots=True)
class Speaker:
    """The entity a source mention refers to, as far as this document tells.

    `id` is unique within a document; later stages merge speakers across documents.
    """

    id: str
    name: str
    role: str | None = None
    affiliation: str | None = None
    kind: Literal["person", "organization", "unnamed"] = "person"
    aliases: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "affiliation": self.affiliation,
            "kind": self.kind,
            "aliases": list(self.aliases),
        }

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> Speaker:
        return cls(record["id"], record["name"], record.get("role"), record.get("affiliation"), record["kind"], list(record.get("aliases") or []))


@dataclass(slots=True)
class Quantity:
    """A number in a claim, parsed so that sources can be compared: `about 10,000 fighters`."""

    text: str
    value: float
    unit: str | None = None
    approx: bool = False

    def to_json(self) -> dict[str, Any]:
        value: float | int = int(self.value) if float(self.value).is_integer() else self.value
        return {"text": self.text, "value": value, "unit": self.unit, "approx": self.approx}

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> Quantity:
        return cls(record["text"], float(record["value"]), record.get("unit"), bool(record.get("approx")))


@dataclass(slots=True)
class TechniqueUse:
    """A persuasion technique (SemEval-2020 Task 11's names) used in a claim's content, and where."""

    technique: str
    spans: list[Offsets]

    def shifted(self, offset: int) -> TechniqueUse:
        return TechniqueUse(self.technique, [(s + offset, e + offset) for s, e in self.spans])

    def to_json(self) -> dict[str, Any]:
        return {"technique": self.technique, "spans": [list(span) for span in self.spans]}

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> TechniqueUse:
        return cls(record["technique"], [(int(s), int(e)) for s, e in record["spans"]])


@dataclass(slots=True)
class Claim:
    """One attributed claim: what was claimed, by whom, with which cue, where."""

    doc_id: str
    mode: ClaimMode
    polarity: Polarity
    content: TextSpans
    cue: TextSpans | None = None
    source: TextSpans | None = None
    speaker: Speaker | None = None
    reported_by: Speaker | None = None
    hedges: list[str] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    techniques: list[TechniqueUse] = field(default_factory=list)
    clauses: list[TextSpans] = field(default_factory=list)  # `said that A and that B`: A and B, each a statement of its own

    def shifted(self, offset: int) -> Claim:
        """The claim with every range `offset` characters later: claims of a part of a long document."""
        return replace(
            self,
            content=self.content.shifted(offset),
            cue=self.cue.shifted(offset) if self.cue else None,
            source=self.source.shifted(offset) if self.source else None,
            techniques=[t.shifted(offset) for t in self.techniques],
            clauses=[c.shifted(offset) for c in self.clauses],
        )

    def statements(self) -> list[Claim]:
        """The claim as the ledger links it: one claim per coordinated clause (`said that A and that B` asserts A and
        asserts B, which can belong to different propositions), else the claim itself. A reader marks one content;
        a proposition is about one state of affairs."""
        if len(self.clauses) < 2:
            return [self]
        return [
            replace(
                self, content=clause, clauses=[],
                quantities=[q for q in self.quantities if q.text in clause.text],
                techniques=[t for t in self.techniques if all(clause.start <= s and e <= clause.end for s, e in t.spans)],
            )
            for clause in self.clauses
        ]

    @property
    def claim_id(self) -> str:
        """Stable across runs and unique in a document: the content's character range, and where
        the source stands (a denial and the unnamed reports it denies can share one content)."""
        where = f"/{self.source.start}" if self.source is not None else ""
        return f"{self.doc_id}#{self.content.start}-{self.content.end}{where}"

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "claim_id": self.claim_id,
            "mode": self.mode,
            "polarity": self.polarity,
            "content": self.content.to_json(),
            "cue": self.cue.to_json() if self.cue else None,
            "source": self.source.to_json() if self.source else None,
            "speaker": self.speaker.to_json() if self.speaker else None,
            "reported_by": self.reported_by.to_json() if self.reported_by else None,
            "hedges": list(self.hedges),
            "quantities": [q.to_json() for q in self.quantities],
            "techniques": [t.to_json() for t in self.techniques],
            "clauses": [c.to_json() for c in self.clauses],
        }

    @classmethod
    def from_json(cls, record: dict[str, Any], speakers: dict[str, Speaker] | None = None) -> Claim:
        """The claim a `to_json` record describes; with `speakers`, a speaker given by id (a string) is looked up there."""

        def speaker(value: dict[str, Any] | str | None) -> Speaker | None:
            if isinstance(value, str):
                return (speakers or {})[value]
            return None if value is None else Speaker.from_json(value)

        def spans(value: dict[str, Any] | None) -> TextSpans | None:
            return None if value is None else TextSpans.from_json(value)

        return cls(
            doc_id=record["doc_id"], mode=record["mode"], polarity=record["polarity"], content=TextSpans.from_json(record["content"]),
            cue=spans(record.get("cue")), source=spans(record.get("source")),
            speaker=speaker(record.get("speaker")), reported_by=speaker(record.get("reported_by")),
            hedges=list(record.get("hedges") or []), quantities=[Quantity.from_json(q) for q in record.get("quantities") or []],
            techniques=[TechniqueUse.from_json(t) for t in record.get("techniques") or []],
            clauses=[TextSpans.from_json(c) for c in record.get("clauses") or []],
        )
