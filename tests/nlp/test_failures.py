"""A document the pipeline fails on costs only itself: the rest of the batch is extracted."""

import pytest
from spacy.language import Language

from counterclaim.ingest import document_from_text

OK = "The minister said the bridge was safe.\n"


@Language.component("counterclaim_test_explodes")
def explodes(doc):
    if "EXPLODE" in doc.text:
        raise ValueError("a component's bug")
    return doc


@pytest.fixture
def failing(extractor):
    extractor.nlp.add_pipe("counterclaim_test_explodes", first=True)
    try:
        yield extractor
    finally:
        extractor.nlp.remove_pipe("counterclaim_test_explodes")


def test_a_failing_document_is_reported_and_the_others_are_extracted(failing, monkeypatch):
    from counterclaim import claims as claims_module

    monkeypatch.setattr(claims_module, "PART_CHARS", 60)
    documents = [
        document_from_text("first", OK),
        document_from_text("bad", OK + "\n\n" + "EXPLODE " * 3 + "\n\n" + OK),  # its middle part fails
        document_from_text("last", OK * 3),
    ]
    failures = []
    done = list(failing.extract(documents, on_error=lambda document, problem: failures.append((document.doc_id, str(problem)))))
    assert [e.document.doc_id for e in done] == ["first", "last"]
    assert failures == [("bad", "a component's bug")]
    assert [c.content.text for c in done[1].claims] == ["the bridge was safe"] * 3


def test_without_a_handler_the_failure_is_raised(failing):
    with pytest.raises(ValueError, match="bug"):
        failing.extract_one(document_from_text("bad", "EXPLODE\n"))
