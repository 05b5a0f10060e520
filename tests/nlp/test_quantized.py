"""Linear layers read with 8-bit products: close to float32, and each row's result its own, whatever shares its batch."""

import pytest
import torch

from counterclaim.nlp.attribution import AttributionNetwork
from counterclaim.nlp.quantized import Int8Linear, SharedInput, quantize_layers, quantized_rows


def layer(inputs: int = 64, outputs: int = 48, seed: int = 0) -> torch.nn.Linear:
    torch.manual_seed(seed)
    return torch.nn.Linear(inputs, outputs)


def test_rows_are_rounded_each_with_its_own_scale():
    values = torch.tensor([[1.0, -2.0, 0.5], [100.0, 0.0, -50.0], [0.0, 0.0, 0.0]])
    rows, scale = quantized_rows(values)
    assert rows.dtype == torch.int8 and rows.abs().max() == 127
    assert rows[0].tolist() == [64, -127, 32] and rows[1].tolist() == [127, 0, -64]
    assert rows[2].tolist() == [0, 0, 0] and torch.isfinite(scale).all()  # an all-zero row stays zero, no division by 0
    assert torch.allclose(rows * scale, values, atol=float(scale.max()) / 2 + 1e-6)


def test_an_int8_layer_computes_nearly_what_the_float_layer_did():
    linear = layer()
    x = torch.randn(2, 5, 64)
    expected = linear(x).detach()
    got = Int8Linear(linear)(x)
    assert got.shape == expected.shape and got.dtype == torch.float32
    assert (got - expected).norm() / expected.norm() < 0.02


def test_a_rows_result_does_not_depend_on_the_rows_beside_it():
    """One scale per row: a window's tags never change with what shares its batch (a per-batch scale would: the large row below would
    coarsen every other row's rounding)."""
    quantized = Int8Linear(layer())
    torch.manual_seed(3)
    alone = torch.randn(1, 64)
    batch = torch.cat([torch.randn(3, 64) * 50, alone, torch.randn(2, 64)])
    assert torch.equal(quantized(alone)[0], quantized(batch)[3])

    def one_scale_for_the_batch(values: torch.Tensor) -> torch.Tensor:
        scale = values.abs().max() / 127
        return torch.round(values / scale) * scale

    assert not torch.equal(one_scale_for_the_batch(alone)[0], one_scale_for_the_batch(batch)[3])


def test_layers_that_read_one_input_round_it_once_and_give_what_each_would_alone():
    block = torch.nn.Module()
    block.query, block.key, block.value, block.dense = layer(seed=1), layer(seed=2), layer(seed=3), layer(seed=4)
    alone = {name: Int8Linear(getattr(block, name)) for name in ("query", "key", "value", "dense")}
    quantize_layers([(block, "query"), (block, "key"), (block, "value"), (block, "dense")])
    assert block.query.shared is block.key.shared is block.value.shared and isinstance(block.query.shared, SharedInput)
    assert block.dense.shared is None
    x, y = torch.randn(4, 64), torch.randn(4, 64)
    for values in (x, y):  # a second input is rounded afresh, not taken from the first
        for name in ("query", "key", "value", "dense"):
            assert torch.equal(getattr(block, name)(values), alone[name](values))
    assert block.query.shared.source is None  # the last reader lets the input go


def test_a_quantized_tagger_keeps_its_fingerprint_and_the_float_blocks_a_branch_copies():
    network = AttributionNetwork(rank=2)
    network.merge_adapters()
    network.eval()
    fingerprint = network.fingerprint()
    last = network.encoder.encoder.layer[-1].output.dense.weight.detach().clone()
    network.quantize(keep_float_blocks=2)
    assert network.quantized and network.fingerprint() == fingerprint
    assert isinstance(network.encoder.encoder.layer[-1].output.dense, Int8Linear)
    [_, kept] = network.last_float_blocks(2)
    assert torch.equal(kept.output.dense.weight, last)
    with pytest.raises(ValueError, match="keep_float_blocks=3"):
        network.last_float_blocks(3)
    ids, mask = torch.tensor([[101, 2002, 2056, 1012, 102]]), torch.ones((1, 5), dtype=torch.long)
    with torch.inference_mode():
        assert torch.isfinite(network(ids, mask)).all()
