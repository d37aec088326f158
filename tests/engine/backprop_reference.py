"""An independent implementation of the derivation, in plain Python, for the tests.

Written from Croft's equations (`docs/derivation.md`), not from the
engine: it imports nothing from `app.engine`. Weights are nested lists, a layer
per entry, one row per neuron, one column per input and the bias weight last
(its input is the constant 1), as the project's conventions fix them.

    b = Σ_i v_i·s_i + bias,  h = σ(b)             (each hidden layer, front to back)
    a = Σ_j w_j·h_j + bias,  r = σ(a)             (the output neuron)
    e = d - r,  l = ½e²
    δ_o = e·σ'(a) = e·r(1 - r)                      (tanh: e·(1 - r²))
    δ_h = σ'(b)·Σ_k δ_k·w_k = h(1 - h)·Σ_k δ_k·w_k  (back to front)
    ∂l/∂w = -δ·x,  Δw(n) = η·δ·x + α·Δw(n-1),  w(n+1) = w(n) + Δw(n)

The hidden local gradient is computed as the derivation writes it, σ' times the
sum; the engine multiplies inside the sum. The two can differ in the last bit,
which is why comparisons after thousands of epochs use a small tolerance.
"""

from __future__ import annotations

import math

Layers = list[list[list[float]]]

PATTERNS = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]


def sigma(x: float, activation: str) -> float:
    """σ(x) = 1/(1 + e^-x), or tanh(x)."""
    if activation == "tanh":
        return math.tanh(x)
    try:
        return 1.0 / (1.0 + math.exp(-x))
    except OverflowError:  # e^-x beyond the largest double: σ(x) is 0 to double precision
        return 0.0


def sigma_prime(y: float, activation: str) -> float:
    """σ'(x) written with the output y = σ(x): y(1 - y), or 1 - y² for tanh."""
    if activation == "tanh":
        return 1.0 - y * y
    return y * (1.0 - y)


def forward(layers: Layers, s: tuple[float, float], activation: str) -> list[list[float]]:
    """The input vector of every layer and the response: [s, h(1), ..., h(L-1), [r]]."""
    xs = [list(s)]
    for layer in layers:
        x = xs[-1]
        xs.append([sigma(sum(w * xi for w, xi in zip(row[:-1], x, strict=True)) + row[-1],
                         activation) for row in layer])
    return xs


def local_gradients(layers: Layers, xs: list[list[float]], d: float,
                    activation: str) -> tuple[float, list[list[float]]]:
    """e = d - r and δ of every neuron, layer by layer (front to back)."""
    r = xs[-1][0]
    e = d - r
    deltas: list[list[float]] = [[] for _ in layers]
    deltas[-1] = [e * sigma_prime(r, activation)] if activation == "tanh" else [e * r * (1.0 - r)]
    for index in range(len(layers) - 2, -1, -1):
        after = layers[index + 1]
        deltas[index] = [
            sigma_prime(h, activation) * sum(
                delta_k * after[k][j] for k, delta_k in enumerate(deltas[index + 1]))
            for j, h in enumerate(xs[index + 1])
        ]
    return e, deltas


def weight_steps(layers: Layers, xs: list[list[float]], deltas: list[list[float]],
                 eta: float) -> Layers:
    """η·δ·x for every weight (x = 1 for the bias)."""
    return [
        [[eta * deltas[index][j] * xi for xi in [*xs[index], 1.0]] for j in range(len(layer))]
        for index, layer in enumerate(layers)
    ]


def zeros_like(layers: Layers) -> Layers:
    """A nested structure of zeros shaped like `layers`."""
    return [[[0.0 for _ in row] for row in layer] for layer in layers]


def train(layers: Layers, samples: list[tuple[tuple[float, float], float]], epochs: int,
          eta: float, alpha: float = 0.0, batch: bool = False, activation: str = "sigmoid",
          table: tuple[int, ...] = (0, 1, 1, 0)) -> tuple[Layers, Layers, int | None]:
    """Train `epochs` epochs of 4 samples each (`samples` has 4 or 4·epochs entries).

    Returns the weights, the last changes Δw, and the project's convergence: after each
    epoch's pass, with the weights as they are then, is every one of the 4 patterns'
    |e| < 0.1 (their desired responses in `table`)? The epoch (counted from 1) after
    which that became and stayed true, None if it is not true at the end.
    """
    w = [[list(row) for row in layer] for layer in layers]
    previous = zeros_like(w)
    converged = None
    for epoch in range(epochs):
        chunk = samples if len(samples) == 4 else samples[4 * epoch : 4 * epoch + 4]
        total = zeros_like(w)
        for s, d in chunk:
            xs = forward(w, s, activation)
            _, deltas = local_gradients(w, xs, d, activation)
            steps = weight_steps(w, xs, deltas, eta)
            if batch:
                for t_layer, s_layer in zip(total, steps, strict=True):
                    for t_row, s_row in zip(t_layer, s_layer, strict=True):
                        for i, step in enumerate(s_row):
                            t_row[i] += step
            else:
                w, previous = _apply(w, previous, steps, alpha)
        if batch:
            w, previous = _apply(w, previous, total, alpha)
        close = all(abs(d - forward(w, s, activation)[-1][0]) < 0.1
                    for s, d in zip(PATTERNS, table, strict=True))
        if not close:
            converged = None
        elif converged is None:
            converged = epoch + 1
    return w, previous, converged


def _apply(w: Layers, previous: Layers, steps: Layers, alpha: float) -> tuple[Layers, Layers]:
    """Δw(n) = step + α·Δw(n-1); w(n+1) = w(n) + Δw(n)."""
    changes = [
        [[step + alpha * prev for step, prev in zip(s_row, p_row, strict=True)]
         for s_row, p_row in zip(s_layer, p_layer, strict=True)]
        for s_layer, p_layer in zip(steps, previous, strict=True)
    ]
    after = [
        [[wi + dw for wi, dw in zip(w_row, c_row, strict=True)]
         for w_row, c_row in zip(w_layer, c_layer, strict=True)]
        for w_layer, c_layer in zip(w, changes, strict=True)
    ]
    return after, changes


def loss(layers: Layers, table: tuple[int, ...], activation: str = "sigmoid") -> float:
    """L = mean over the 4 patterns of l = ½e²."""
    total = 0.0
    for s, d in zip(PATTERNS, table, strict=True):
        e = d - forward(layers, s, activation)[-1][0]
        total += 0.5 * e * e
    return total / 4.0


def gradient(layers: Layers, table: tuple[int, ...], activation: str = "sigmoid") -> Layers:
    """∂L/∂w = mean over the 4 patterns of -δ·x, for every weight."""
    total = zeros_like(layers)
    for s, d in zip(PATTERNS, table, strict=True):
        xs = forward(layers, s, activation)
        _, deltas = local_gradients(layers, xs, d, activation)
        for index, layer in enumerate(total):
            x = [*xs[index], 1.0]
            for j, row in enumerate(layer):
                for i in range(len(row)):
                    row[i] += -deltas[index][j] * x[i] / 4.0
    return total


def flat(layers: Layers) -> list[float]:
    """The weights in the conventional flat order: layer, neuron row, inputs then bias."""
    return [x for layer in layers for row in layer for x in row]


def random_layers(sizes: tuple[int, ...], rng: object, spread: float = 1.0,
                  bias: bool = True) -> Layers:
    """Weights uniform in [-spread, spread] from a `random.Random`-like `rng` (a bias
    column last in every row when `bias`)."""
    return [
        [[rng.uniform(-spread, spread) for _ in range(sizes[i] + bias)]
         for _ in range(sizes[i + 1])]
        for i in range(len(sizes) - 1)
    ]
