"""The traced path: one pattern's forward and backward pass with every quantity kept.

Written on plain Python floats, in the same order of operations as the compiled
kernels (`kernels.py`), so a traced step and a fast step give the same weights.
The symbols are the derivation's: signal s, weighted input (b in a hidden layer,
a at the output), output (h hidden, r the response), desired response d, error
e = d - r, objective l = ½e², local gradient δ, weight gradient ∂l/∂w = -δ·x,
and the change Δw = η·δ·x + α·Δw(n-1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .activations import ACTIVATION_CODES, output_delta, sigma, sigma_prime

#: The phases of one pattern's step, in order; the page animates them.
PHASES: tuple[str, ...] = ("forward", "error", "delta_output", "delta_hidden", "update")

Matrix = list[list[float]]


@dataclass
class PatternTrace:
    """Every quantity of the derivation for one pattern.

    Lists indexed by layer run front to back over the weight layers: entry 0 is the
    first hidden layer, the last entry the output layer. Matrices have one row per
    neuron and one column per input, the bias (input 1) last.
    """

    epoch: int
    """Epochs completed before this pattern's epoch (the epoch it belongs to, from 0)."""
    pattern: int
    """Index of the pattern in the epoch, 0 to 3."""
    s: list[float]
    """The signal: the two inputs."""
    d: float
    """The desired response."""
    weighted: list[list[float]]
    """Weighted input of every neuron per layer: b for hidden layers, a at the output."""
    outputs: list[list[float]]
    """Output of every neuron per layer: h for hidden layers, r at the output."""
    r: float
    """The response."""
    e: float
    """The error e = d - r."""
    l: float  # noqa: E741 - the derivation's own symbol for the objective
    """The objective l = ½e²."""
    delta: list[list[float]]
    """Local gradient δ of every neuron per layer."""
    gradient: list[Matrix]
    """∂l/∂w = -δ · x for every weight."""
    learning: list[Matrix]
    """The gradient step η · δ · x for every weight."""
    momentum: list[Matrix]
    """The momentum part α · Δw(n-1) of every weight's change (0 where none applies)."""
    change: list[Matrix]
    """Δw applied to every weight by this pattern (batch mode: zero until the epoch's last)."""
    weights_before: list[Matrix]
    weights_after: list[Matrix]
    phase: str = "update"
    """The last phase revealed; the quantities of later phases are not yet shown."""
    batch: bool = False
    inputs: list[list[float]] = field(default_factory=list)
    """The input vector x of every layer (the signal s, then each hidden layer's h)."""


def forward(layers: list[Matrix], s: list[float], activation: str) -> tuple[list, list]:
    """Weighted inputs and outputs of every layer for signal `s`."""
    code = ACTIVATION_CODES[activation]
    weighted: list[list[float]] = []
    outputs: list[list[float]] = []
    x = list(s)
    for layer in layers:
        sums = []
        for row in layer:
            total = 0.0
            for i in range(len(x)):
                total += row[i] * x[i]
            total += row[len(x)]
            sums.append(total)
        weighted.append(sums)
        x = [sigma(v, code) for v in sums]
        outputs.append(x)
    return weighted, outputs


def backward(layers: list[Matrix], outputs: list[list[float]], d: float,
             activation: str) -> tuple[float, list[list[float]]]:
    """The error e and the local gradients δ of every layer, back to front."""
    code = ACTIVATION_CODES[activation]
    r = outputs[-1][0]
    e = d - r
    deltas: list[list[float]] = [[] for _ in layers]
    deltas[-1] = [output_delta(e, r, code)]
    for index in range(len(layers) - 2, -1, -1):
        after = layers[index + 1]
        row_deltas = []
        for j, h in enumerate(outputs[index]):
            grad = sigma_prime(h, code)
            total = 0.0
            for k, next_row in enumerate(after):
                total += grad * deltas[index + 1][k] * next_row[j]
            row_deltas.append(total)
        deltas[index] = row_deltas
    return e, deltas


def trace_pattern(layers: list[Matrix], previous: list[Matrix], accumulated: list[Matrix] | None,
                  s: list[float], d: float, activation: str, eta: float, alpha: float,
                  epoch: int, pattern: int, apply_batch: bool) -> PatternTrace:
    """Trace one pattern from the weights `layers` and the last changes `previous`.

    Online (`accumulated` is None): every weight changes by η·δ·x + α·Δw(n-1) now.
    Batch: η·δ·x is added to `accumulated` (in place); when `apply_batch` (the epoch's
    last pattern) the sum plus α·Δw(n-1) is applied. Inputs are not modified
    otherwise; the new weights are in `weights_after`.
    """
    weighted, outputs = forward(layers, s, activation)
    e, deltas = backward(layers, outputs, d, activation)
    r = outputs[-1][0]
    inputs = [list(s), *outputs[:-1]]
    gradient, learning, momentum, change, after = [], [], [], [], []
    for index, layer in enumerate(layers):
        x = [*inputs[index], 1.0]
        grad_rows, learn_rows, mom_rows, change_rows, after_rows = [], [], [], [], []
        for j, row in enumerate(layer):
            g = eta * deltas[index][j]
            learn = [g * xi if i < len(x) - 1 else g for i, xi in enumerate(x)]
            grad_rows.append([-deltas[index][j] * xi for xi in x])
            learn_rows.append(learn)
            if accumulated is not None:
                sums = accumulated[index][j]
                for i, step in enumerate(learn):
                    sums[i] += step
                steps = list(sums) if apply_batch else [0.0] * len(x)
            else:
                steps = list(learn)
            moms = [0.0] * len(x)
            if (accumulated is None or apply_batch) and alpha != 0.0:
                for i in range(len(x)):
                    moms[i] = alpha * previous[index][j][i]
                    steps[i] += moms[i]
            mom_rows.append(moms)
            change_rows.append(steps)
            after_rows.append([w + dw for w, dw in zip(row, steps, strict=True)])
        gradient.append(grad_rows)
        learning.append(learn_rows)
        momentum.append(mom_rows)
        change.append(change_rows)
        after.append(after_rows)
    return PatternTrace(
        epoch=epoch, pattern=pattern, s=list(s), d=d, weighted=weighted, outputs=outputs,
        r=r, e=e, l=0.5 * e * e, delta=deltas, gradient=gradient, learning=learning,
        momentum=momentum, change=change, weights_before=[[list(r_) for r_ in m] for m in layers],
        weights_after=after, batch=accumulated is not None, inputs=inputs,
    )
