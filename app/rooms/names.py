"""The page's names for neurons and weights, for polls and their CSV: h₁, r, w₁,₁, v₁,₀.

One naming function on the server, used by the poll questions, their choices and
the answers CSV, written to give exactly what the page draws (`static/js/layout.js`
`neuronLabel` and `weightLabel`; `tests/rooms/test_rooms_names.py` runs both and
compares): inputs s₁ s₂, hidden neurons h₁ h₂ (h¹₁ h²₁ with several hidden layers),
the output r; weights v into hidden neurons (v¹, v² with several hidden layers), w
into the output, subscripted neuron,input with input 0 for the bias (its input is
the constant 1). The simplest case (one input, one hidden neuron, no biases) reads
s, v, h, w, r.
"""

from __future__ import annotations

from collections.abc import Sequence

SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def sub(n: int) -> str:
    """Subscript digits: 12 -> ₁₂."""
    return str(n).translate(SUB)


def sup(n: int) -> str:
    """Superscript digits: 2 -> ²."""
    return str(n).translate(SUP)


def neuron_name(sizes: Sequence[int], layer: int, index: int) -> str:
    """Neuron `index` of layer `layer` of a net with `sizes` (inputs first, output last); a
    layer of one neuron has no subscript (s, h, r in the simplest case)."""
    if layer == 0:
        return "s" if sizes[0] == 1 else f"s{sub(index + 1)}"
    if layer == len(sizes) - 1:
        return "r" if sizes[layer] == 1 else f"r{sub(index + 1)}"
    if len(sizes) - 2 > 1:
        return f"h{sup(layer)}{sub(index + 1)}"
    return "h" if sizes[layer] == 1 else f"h{sub(index + 1)}"


def weight_name(sizes: Sequence[int], layer: int, neuron: int, column: int,
                bias: bool = True) -> str:
    """The weight of weight layer `layer` into `neuron` from input `column` (the bias last,
    when the net has biases); the only weight of a layer of a net without biases has no
    subscript (v, w in the simplest case)."""
    weight_layers = len(sizes) - 1
    if layer == weight_layers - 1:
        symbol = "w"
    elif weight_layers > 2:
        symbol = f"v{sup(layer + 1)}"
    else:
        symbol = "v"
    if not bias and sizes[layer] == 1 and sizes[layer + 1] == 1 and weight_layers <= 2:
        return symbol
    source = 0 if bias and column == sizes[layer] else column + 1
    return f"{symbol}{sub(neuron + 1)},{sub(source)}"


def delta_neurons(sizes: Sequence[int]) -> list[tuple[int, int, str]]:
    """Every neuron that has a local gradient δ: (δ layer from 0, index, name), h… then r."""
    return [(layer - 1, j, neuron_name(sizes, layer, j))
            for layer in range(1, len(sizes)) for j in range(sizes[layer])]
