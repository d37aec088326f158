"""One training step of the 2-2-1 net, written exactly as the derivation writes it.

Read it beside docs/derivation.md: every line is one of its equations, in its
symbols. v[j] are hidden neuron j's weights (input 0, input 1, bias last), w the
output neuron's (h₀, h₁, bias). Online, sigmoid, no momentum: the engine's other
paths do the same arithmetic in the same order, so this step gives their weights
to the last bit (tests/engine/test_engine_textbook.py).
"""

from __future__ import annotations

from .activations import SIGMOID, sigma


def σ(x: float) -> float:
    """The sigmoid, σ(x) = 1 / (1 + e^-x)."""
    return sigma(x, SIGMOID)


def step(v: list[list[float]], w: list[float], s: list[float], d: float,
         η: float) -> tuple[list[list[float]], list[float], float]:
    """Train on one pattern (signal s, desired response d); the new v, w and the objective l."""
    b = [v[j][0] * s[0] + v[j][1] * s[1] + v[j][2] for j in (0, 1)]  # weighted input to hidden
    h = [σ(b[j]) for j in (0, 1)]                           # hidden neuron output
    a = w[0] * h[0] + w[1] * h[1] + w[2]                    # weighted input to output neuron
    r = σ(a)                                                # response from output neuron
    e = d - r                                               # error
    l = 0.5 * e * e  # noqa: E741 - the objective, l = ½e²
    δ_o = e * r * (1 - r)                                   # local gradient, output neuron
    δ_h = [h[j] * (1 - h[j]) * δ_o * w[j] for j in (0, 1)]  # local gradient, hidden neuron j
    Δw = [η * δ_o * h[0], η * δ_o * h[1], η * δ_o]          # Δw = η·δ_o·h (the bias's h is 1)
    Δv = [[η * δ_h[j] * s[0], η * δ_h[j] * s[1], η * δ_h[j]] for j in (0, 1)]  # Δv = η·δ_h·s
    w = [w[i] + Δw[i] for i in (0, 1, 2)]                   # descend the gradient
    v = [[v[j][i] + Δv[j][i] for i in (0, 1, 2)] for j in (0, 1)]
    return v, w, l
