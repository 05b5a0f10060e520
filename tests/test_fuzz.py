"""Fuzzing reading and extraction with generated text, HTML, transcripts and bytes.

CI runs a short search (the `ci` profile); for a longer one locally:

    HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/test_fuzz.py

Asserted for every input: no exception but a one-line `InputError`, spans that slice
back to their texts, and the two bounds that keep the time per character linear
(no token longer than `MAX_RUN`, no part longer than `PART_CHARS`); time itself is
measured in `benchmarks/hostile_inputs.py`, not asserted.
"""

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counterclaim import claims as claims_module
from counterclaim.claims import part_bounds
from counterclaim.errors import InputError
from counterclaim.ingest import document_from_text, read_document
from counterclaim.nlp.long_runs import MAX_RUN

settings.register_profile("ci", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("long", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SENTENCES = [
    'The minister said the bridge was safe.', '"We deny that," the spokesman said.', "Critics called the report propaganda.",
    "NAZARY: We refute this.", "HOST: Is that true?", '"Unclosed quote, he said', "[/sic] [bold]", "\x1b[2J\x1b]0;t\x07",
    "0001-01-01", "on Sunday", "=SUM(A1)", "\u202eevil\u202c", "\ufeff", "\u2028",
]
HOSTILE_CHARACTERS = st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from('"\'\u201c\u201d()[]\n\n:-\u2014.\U0001F600\u0301')
PIECES = st.one_of(
    st.sampled_from(SENTENCES),
    st.text(HOSTILE_CHARACTERS, max_size=80),
    st.builds(lambda c, n: c * n, st.sampled_from('"(.!-\U0001F600\u6f22a'), st.integers(100, 3000)),
)
TEXTS = st.lists(PIECES, min_size=1, max_size=12).map(lambda parts: " ".join(parts))


def check_extraction(extractor, text: str) -> None:
    document = document_from_text("fuzz", text)
    assert max((len(t) for t in extractor.nlp.make_doc(text)), default=0) <= MAX_RUN
    assert all(end - start <= claims_module.PART_CHARS for start, end in part_bounds(text))
    for claim in extractor.extract_one(document):
        for part in (claim.content, claim.cue, claim.source):
            if part is not None:
                assert " ".join(text[s:e] for s, e in part.spans) == part.text


@given(text=TEXTS)
def test_generated_text_and_transcripts_extract_with_true_spans(extractor, text):
    check_extraction(extractor, text)


@given(body=TEXTS, tag=st.sampled_from(["p", "div", "span", "table", "script", "b"]), close=st.booleans())
def test_generated_html_is_read_or_refused_in_one_line(extractor, tmp_path_factory, body, tag, close):
    markup = f"<html><body><{tag}>{body}" + (f"</{tag}></body></html>" if close else "")
    path = tmp_path_factory.mktemp("html") / "page.html"
    path.write_text(markup, encoding="utf-8")
    try:
        document = read_document(path)
    except InputError as refusal:
        assert "\n" not in str(refusal)
        return
    check_extraction(extractor, document.text)


@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_are_read_or_refused_in_one_line(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "file.txt"
    path.write_bytes(data)
    try:
        document = read_document(path)
    except InputError as refusal:
        assert "\n" not in str(refusal)
        return
    assert document.text.strip() and "\x00" not in document.text
