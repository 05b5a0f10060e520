from counterclaim.model import Claim, Speaker, TextSpans


def test_text_spans_join_slices_with_a_space_in_order():
    text = '"One," he said. "Two."'
    spans = TextSpans.from_offsets(text, [(16, 22), (0, 6)])
    assert spans.spans == [(0, 6), (16, 22)]
    assert spans.text == '"One," "Two."'


def test_claim_json_has_the_contract_fields():
    text = "Ann said it rained."
    claim = Claim(
        doc_id="d",
        mode="indirect",
        polarity="assert",
        content=TextSpans.from_offsets(text, [(9, 18)]),
        cue=TextSpans.from_offsets(text, [(4, 8)]),
        source=TextSpans.from_offsets(text, [(0, 3)]),
        speaker=Speaker(id="ann", name="Ann"),
    )
    record = claim.to_json()
    assert record["claim_id"] == "d#9-18/0"
    assert record["content"] == {"text": "it rained", "spans": [[9, 18]]}
    assert record["cue"]["text"] == "said" and record["source"]["text"] == "Ann"
    assert set(record["speaker"]) >= {"id", "name", "role", "affiliation"}
    assert set(record) >= {"doc_id", "claim_id", "mode", "polarity", "content", "cue", "source", "speaker"}
