"""The attribution tagger's parts: decoding, windows over long paragraphs, adapters, saving and loading, training."""

import json

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from counterclaim.eval.polnear import GoldClaim, GoldDocument
from counterclaim.nlp.attribution import (
    LABELS,
    MAX_SUBWORDS,
    WINDOW_OVERLAP,
    WINDOW_WORDS,
    AttributionNetwork,
    LowRankAdapter,
    RoleSpan,
    encode_paragraph,
    load_network,
    model_paths,
    tags_to_spans,
    viterbi,
    viterbi_many,
)


def log_probs(*rows: dict[str, float]) -> np.ndarray:
    """Rows of tag log-probabilities; tags not named get a small share."""
    table = np.full((len(rows), len(LABELS)), 0.01)
    for n, row in enumerate(rows):
        for label, p in row.items():
            table[n, LABELS.index(label)] = p
    return np.log(table / table.sum(axis=1, keepdims=True))


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    from counterclaim.nlp.encoder import minilm_path

    return AutoTokenizer.from_pretrained(minilm_path())


def test_viterbi_never_opens_a_span_with_i():
    # Taken one by one, the most likely tags would be O I-CONTENT I-CONTENT: a span without its B-.
    table = log_probs({"O": 0.9}, {"I-CONTENT": 0.5, "B-CONTENT": 0.4}, {"I-CONTENT": 0.9})
    assert viterbi(table) == ["O", "B-CONTENT", "I-CONTENT"]


def test_viterbi_never_changes_role_inside_a_span():
    table = log_probs({"B-SOURCE": 0.9}, {"I-CUE": 0.6, "I-SOURCE": 0.3}, {"O": 0.9})
    assert viterbi(table) == ["B-SOURCE", "I-SOURCE", "O"]
    assert viterbi(np.zeros((0, len(LABELS)))) == []


def test_many_sequences_decoded_together_get_the_tags_each_gets_alone():
    rng = np.random.default_rng(0)
    lengths = [0, 1, 1, 2, 7, 40, 3, 0, 150, 40]
    sequences = [np.log(rng.dirichlet(np.full(len(LABELS), 0.3), size=n)) for n in lengths]
    sequences.append(log_probs({"B-SOURCE": 0.5, "I-SOURCE": 0.5}, {"I-CUE": 0.9}))  # ties and a forbidden opening
    decoded = viterbi_many(sequences)
    assert decoded == [viterbi(s) for s in sequences]
    assert [len(tags) for tags in decoded] == [*lengths, 2] and viterbi_many([]) == []


def test_tags_to_spans_joins_runs():
    tags = ["B-SOURCE", "I-SOURCE", "B-CUE", "O", "B-CONTENT", "I-CONTENT", "B-CONTENT"]
    assert tags_to_spans(list(range(10, 17)), tags) == [
        RoleSpan("SOURCE", 10, 12), RoleSpan("CUE", 12, 13), RoleSpan("CONTENT", 14, 16), RoleSpan("CONTENT", 16, 17),
    ]


def test_long_paragraphs_are_tagged_in_overlapping_windows_whose_kept_parts_tile_it(tokenizer):
    words = [f"word{n % 7}" for n in range(WINDOW_WORDS * 2 + 15)]
    windows = encode_paragraph(tokenizer, words, paragraph=3)
    stride = WINDOW_WORDS - WINDOW_OVERLAP
    assert [w.word_start for w in windows] == [0, stride, 2 * stride]
    kept = [w.word_start + i for w in windows for i in range(*w.keep)]
    assert kept == list(range(len(words)))  # every word read once, from one window
    for window in windows[1:]:
        assert window.keep[0] >= WINDOW_OVERLAP // 2  # no word is kept from within a quarter window of an inner edge
    assert all(w.paragraph == 3 and len(w.ids) <= MAX_SUBWORDS for w in windows)
    first = windows[0]
    assert tokenizer.convert_ids_to_tokens(first.ids[first.first[1]]) == "word"  # the first piece of "word1"
    assert encode_paragraph(tokenizer, []) == []
    [short] = encode_paragraph(tokenizer, words[:WINDOW_WORDS])
    assert short.keep == (0, WINDOW_WORDS)


def test_windows_of_any_paragraph_tile_it_even_when_some_are_shortened_for_their_subwords(tokenizer):
    import random

    draw = random.Random(0)
    for _ in range(30):
        words = [draw.choice(["the", "said", "Xq7Zk9Vw3Jp5Xq7Zk9Vw3Jp5", '"' * 50]) for _ in range(draw.randint(1, 900))]
        windows = encode_paragraph(tokenizer, words)
        assert [w.word_start + i for w in windows for i in range(*w.keep)] == list(range(len(words)))
        assert all(len(w.ids) <= MAX_SUBWORDS for w in windows)


def test_a_window_too_long_in_subwords_is_halved(tokenizer):
    words = ["Xq7Zk9Vw3Jp5"] * WINDOW_WORDS  # several subwords each: 200 words exceed 512 subwords
    windows = encode_paragraph(tokenizer, words)
    assert len(windows) > 1
    assert sum(len(w.first) for w in windows) == len(words)
    assert all(len(w.ids) <= MAX_SUBWORDS and min(w.first) > 0 for w in windows)


def test_a_word_without_subwords_is_marked(tokenizer):
    [window] = encode_paragraph(tokenizer, ["He", "\u200b", "said"])
    assert window.first[1] == -1 and window.first[0] > 0 and window.first[2] > 0


def test_a_merged_adapter_computes_what_the_adapter_did():
    torch.manual_seed(1)
    adapter = LowRankAdapter(torch.nn.Linear(8, 5), rank=2)
    torch.nn.init.normal_(adapter.b)
    x = torch.randn(3, 8)
    expected = adapter(x).detach()
    assert torch.allclose(adapter.merged()(x), expected, atol=1e-5)


def test_saved_weights_load_into_a_network_that_tags_the_same(tmp_path):
    torch.manual_seed(2)
    network = AttributionNetwork(rank=2)
    for name, parameter in network.named_parameters():
        if name.endswith(".b"):
            torch.nn.init.normal_(parameter, std=0.05)
    network.eval()
    weights, meta = model_paths(tmp_path)
    save_file(network.trained_state(), str(weights))
    meta.write_text(json.dumps({"rank": 2}), encoding="utf-8")
    ids, mask = torch.tensor([[101, 2002, 2056, 1012, 102]]), torch.ones((1, 5), dtype=torch.long)
    loaded, _ = load_network(tmp_path)
    with torch.no_grad():
        assert torch.allclose(loaded(ids, mask), network(ids, mask), atol=1e-4)


def test_weights_of_another_shape_are_refused(tmp_path):
    weights, meta = model_paths(tmp_path)
    save_file({"head.weight": torch.zeros(2, 2)}, str(weights))
    meta.write_text(json.dumps({"rank": 2}), encoding="utf-8")
    with pytest.raises((ValueError, RuntimeError)):
        load_network(tmp_path)


def test_missing_weights_say_how_to_train_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="counterclaim train attribution"):
        load_network(tmp_path)


def test_training_writes_a_model_the_pipeline_loads(tmp_path, tokenizer):
    """One epoch on two sentences: the command's whole path, not its quality."""
    from counterclaim.nlp.pipeline import load_base_pipeline
    from counterclaim.nlp.training import parse_gold, train_attribution

    text = "Ann Lee said the dam was safe.\nThe council denied that the road was closed.\n"
    gold = GoldDocument("a", text, [
        GoldClaim(content=[(13, 29)], source=[(0, 7)], cue=[(8, 12)], direct=False),
        GoldClaim(content=[(50, 74)], source=[(31, 42)], cue=[(43, 49)], direct=False),
    ])
    pairs = parse_gold(load_base_pipeline(), [gold])
    steps = []
    meta = train_attribution(pairs, tmp_path, epochs=1, rank=2, progress=lambda step, total: steps.append((step, total)))
    assert steps and steps[-1][0] == steps[-1][1]
    assert meta["words"] == 17 and meta["rank"] == 2
    network, saved = load_network(tmp_path)
    assert saved["labels"] == list(LABELS)
    windows = encode_paragraph(tokenizer, ["Ann", "said"])
    assert network.word_log_probs(windows)[0].shape == (2, len(LABELS))


def test_a_transcript_turn_is_read_without_its_label():
    """The tagger sees `The authority says ...`, not `TOMAS FERRER: The authority says ...` (the label's claims come from the turn)."""
    from counterclaim.model import Turn
    from counterclaim.nlp.attribution import paragraph_sequences
    from counterclaim.nlp.pipeline import load_base_pipeline

    text = "HOST: Is it true?\nTOMAS FERRER: The authority says every village was warned. We refute this.\n"
    doc = load_base_pipeline().make_doc(text)
    host, guest = text.index("Is"), text.index("The authority")
    doc._.turns = [Turn("HOST", host, guest - 1, 0, 4), Turn("TOMAS FERRER", guest, len(text) - 1, guest - 14, guest - 2)]
    words = [[t.text for t in sequence] for sequence in paragraph_sequences(doc)]
    assert words == [["Is", "it", "true", "?"], ["The", "authority", "says", "every", "village", "was", "warned", ".", "We", "refute", "this", "."]]
