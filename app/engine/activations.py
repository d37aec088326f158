"""The squashing functions of the derivation, written once for the trace and the kernels.

sigmoid: σ(x) = 1 / (1 + e^-x), σ'(x) = σ(x)(1 - σ(x)).
tanh (an option): σ(x) = tanh(x), σ'(x) = 1 - tanh²(x).
Both derivatives are written with the neuron's output y = σ(x), as the derivation
does (r(1 - r), h(1 - h)). These plain Python functions are what the traced path
runs, and `kernels.py` compiles these very functions with numba, so traced and
fast paths compute the same formulas in the same order, to the last bit.
"""

from __future__ import annotations

import math

from numba.extending import overload

#: The kernels' codes for the activations (an int is cheaper to test than a name).
SIGMOID, TANH = 0, 1

#: Activation name -> code.
ACTIVATION_CODES: dict[str, int] = {"sigmoid": SIGMOID, "tanh": TANH}
ACTIVATION_NAMES: tuple[str, ...] = tuple(ACTIVATION_CODES)


#: σ' below this counts as saturated: the flat part of the curve, 4 % of the steepest slope
#: (sigmoid 0.25 at r = ½, tanh 1 at 0). There δ = σ' · (...) all but vanishes and the
#: neuron's weights stop moving: the usual reason a net gets stuck.
SATURATED_BELOW: dict[str, float] = {"sigmoid": 0.01, "tanh": 0.04}


def exp(x: float) -> float:
    """e^x, inf beyond the largest double, as C's exp gives it (Python's raises instead)."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


@overload(exp)
def _compiled_exp(x):  # numba's typing hook: takes the argument's type, returns the code
    """In compiled code, exp is C's exp: it already gives inf on overflow."""
    return lambda x: math.exp(x)


def sigma(x: float, code: int) -> float:
    """σ(x): the output of a neuron whose weighted input is x (b, or a at the output)."""
    if code == SIGMOID:
        return 1.0 / (1.0 + exp(-x))
    return math.tanh(x)


def sigma_prime(y: float, code: int) -> float:
    """σ'(x) from the output y = σ(x): y(1 - y) for sigmoid (h(1 - h), r(1 - r)), 1 - y²
    for tanh."""
    if code == SIGMOID:
        return y * (1.0 - y)
    return 1.0 - y * y


def output_delta(e: float, r: float, code: int) -> float:
    """The output neuron's local gradient δ_o = e · σ'(a) = e · r(1 - r), left to right."""
    if code == SIGMOID:
        return e * r * (1.0 - r)
    return e * (1.0 - r * r)
