"""Reading an encoder's linear layers with 8-bit integer matrix products: the products cost a quarter of float32's.

Each weight matrix is rounded to 8 bits once, one scale per output channel. Each row of a layer's input (one
subword's vector) is rounded when read, with a scale of its own: so what a layer gives for a row depends on that row
alone, never on which other windows share the forward pass (torch's dynamic quantization takes one scale for a whole
batch, which lets a claim change with its neighbours in a batch, and lost 0.7 and 0.8 points of PolNeAR dev content
and attribution F1 where this loses at most 0.12). The integer products are exact, and so the same on every CPU;
the scales, attention, layer norms and activations stay in float32.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import nn

LEVELS = 127  # int8 values run -127..127: symmetric, so zero stays exact


def quantized_rows(values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """A 2-D float tensor as int8 rows and each row's scale (a column: the row is `int8 * scale`)."""
    scale = values.abs().amax(dim=1, keepdim=True).clamp_(min=1e-12).div_(LEVELS)
    return torch.div(values, scale).round_().to(torch.int8), scale


class SharedInput:
    """Where layers that read the same input (a block's query, key and value) find it already rounded, once."""

    __slots__ = ("source", "rounded")

    def __init__(self) -> None:
        self.source: torch.Tensor | None = None
        self.rounded: tuple[torch.Tensor, torch.Tensor] | None = None

    def rows(self, values: torch.Tensor, first: bool, last: bool) -> tuple[torch.Tensor, torch.Tensor]:
        """The input's int8 rows and scales: rounded by the group's first layer, kept until its last has read them."""
        if first or self.source is not values or self.rounded is None:
            self.source, self.rounded = values, quantized_rows(values.reshape(-1, values.shape[-1]))
        rounded = self.rounded
        if last:
            self.source = self.rounded = None
        return rounded


class Int8Linear(nn.Module):
    """A linear layer read as int8 input rows times int8 weights, accumulated exactly in int32, then scaled back."""

    def __init__(self, linear: nn.Linear, shared: SharedInput | None = None, first: bool = True, last: bool = True) -> None:
        super().__init__()
        weight = linear.weight.detach().float()
        scale = weight.abs().amax(dim=1).clamp(min=1e-12) / LEVELS
        self.register_buffer("weight_t", torch.round(weight / scale[:, None]).to(torch.int8).t().contiguous())
        self.register_buffer("scale", scale)
        bias = linear.bias.detach().float() if linear.bias is not None else torch.zeros(linear.out_features)
        self.register_buffer("bias", bias.clone())
        self.shared, self.first, self.last = shared, first, last

    def forward(self, values: torch.Tensor) -> torch.Tensor:
        if self.shared is not None:
            rows, row_scale = self.shared.rows(values, self.first, self.last)
        else:
            rows, row_scale = quantized_rows(values.reshape(-1, values.shape[-1]))
        products = torch._int_mm(rows, self.weight_t)
        out = torch.addcmul(self.bias, torch.mul(products, row_scale), self.scale)
        return out.reshape(*values.shape[:-1], out.shape[-1])


def quantize_layers(layers: Iterable[tuple[nn.Module, str]], shared_inputs: tuple[str, ...] = ("query", "key", "value")) -> None:
    """Replace each named linear layer (parent module, attribute name) by its `Int8Linear`; the layers of one parent
    named in `shared_inputs` read one input and round it once."""
    by_parent: dict[int, list[tuple[nn.Module, str]]] = {}
    for parent, name in layers:
        if isinstance(getattr(parent, name), nn.Linear):
            by_parent.setdefault(id(parent), []).append((parent, name))
    for group in by_parent.values():
        sharing = [(parent, name) for parent, name in group if name in shared_inputs]
        shared = SharedInput() if len(sharing) > 1 else None
        for parent, name in group:
            if shared is not None and (parent, name) in sharing:
                k = sharing.index((parent, name))
                setattr(parent, name, Int8Linear(getattr(parent, name), shared, first=k == 0, last=k == len(sharing) - 1))
            else:
                setattr(parent, name, Int8Linear(getattr(parent, name)))
