"""The squashing functions of the derivation, on plain Python floats.

sigmoid: σ(x) = 1 / (1 + e^-x), σ'(x) = σ(x)(1 - σ(x)).
tanh (an option): σ'(x) = 1 - tanh²(x).
Both derivatives are written in terms of the neuron's output y = σ(x), as the
derivation does (r(1 - r), h(1 - h)). The compiled kernels use the same formulas
in the same order of operations, so traced and fast paths agree to the last bit.
"""

from __future__ import annotations

import math

#: Activation name -> the code the compiled kernels take.
ACTIVATION_CODES: dict[str, int] = {"sigmoid": 0, "tanh": 1}
ACTIVATION_NAMES: tuple[str, ...] = tuple(ACTIVATION_CODES)


#: σ' below this counts as saturated: the flat part of the curve, 4 % of the steepest slope
#: (sigmoid 0.25 at r = ½, tanh 1 at 0). There δ = σ' · (...) all but vanishes and the
#: neuron's weights stop moving: the usual reason a net gets stuck.
SATURATED_BELOW: dict[str, float] = {"sigmoid": 0.01, "tanh": 0.04}


def sigmoid(x: float) -> float:
    """σ(x) = 1 / (1 + e^-x), as the C yardstick computes it (e^-x may overflow to inf)."""
    try:
        return 1.0 / (1.0 + math.exp(-x))
    except OverflowError:  # e^-x beyond the largest double: C gets inf, then 1/inf = 0
        return 0.0


def activate(x: float, activation: str) -> float:
    """The neuron's output for weighted input `x`."""
    if activation == "sigmoid":
        return sigmoid(x)
    return math.tanh(x)


def slope(y: float, activation: str) -> float:
    """σ'(x) from the output y = σ(x): y(1 - y) for sigmoid, 1 - y² for tanh."""
    if activation == "sigmoid":
        return y * (1.0 - y)
    return 1.0 - y * y


def output_delta(e: float, r: float, activation: str) -> float:
    """Local gradient of the output neuron, δ_o = e · r(1 - r), evaluated left to right."""
    if activation == "sigmoid":
        return e * r * (1.0 - r)
    return e * (1.0 - r * r)
