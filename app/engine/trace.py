"""The traced path: one pattern's forward and backward pass with every quantity kept.

Written on plain Python floats, in the same order of operations as the compiled
kernels (`kernels.py`), so a traced step and a fast step give the same weights.
The symbols are the derivation's (docs/derivation.md): signal s; in each hidden
layer the weights v, weighted input b and output h; at the output the weights w,
weighted input a and response r; desired response d, error e = d - r, objective
l = ½e², local gradients δ_o and δ_h, weight gradient ∂l/∂w = -δ·x, and the change
Δw = η·δ·x + α·Δw(n-1). With several hidden layers the next layer's v plays the
part of w for the layer before it; x is a layer's input (s, or the h before it).
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

    The fields carry the wire's names (docs/protocol.md); the properties below give
    the derivation's. Lists indexed by layer run front to back over the weight
    layers: entry 0 is the first hidden layer, the last entry the output layer.
    Matrices have one row per neuron and one column per input, then the bias (input 1)
    last when the net has biases (`bias`).
    """

    epoch: int
    """Epochs completed before this pattern's epoch (the epoch it belongs to, from 0)."""
    pattern: int
    """Index of the pattern in the epoch, from 0."""
    s: list[float]
    """The signal: the inputs."""
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
    """Local gradient δ of every neuron per layer: δ_h for hidden layers, δ_o at the output."""
    gradient: list[Matrix]
    """∂l/∂w = -δ · x for every weight."""
    learning: list[Matrix]
    """The gradient step η · δ · x for every weight."""
    momentum: list[Matrix]
    """The momentum part α · Δw(n-1) of every weight's change (0 where none applies)."""
    change: list[Matrix]
    """Δw applied to every weight by this pattern (batch mode: zero until the epoch's last)."""
    weights_before: list[Matrix]
    """v of each hidden layer, then w, before this pattern's update."""
    weights_after: list[Matrix]
    """The same after it."""
    phase: str = "update"
    """The last phase revealed; the quantities of later phases are not yet shown."""
    batch: bool = False
    inputs: list[list[float]] = field(default_factory=list)
    """The input vector x of every layer (the signal s, then each hidden layer's h)."""
    bias: bool = True
    """Every neuron has a bias weight (the last column of its row)."""

    @property
    def b(self) -> list[list[float]]:
        """Weighted inputs of each hidden layer's neurons."""
        return self.weighted[:-1]

    @property
    def h(self) -> list[list[float]]:
        """Outputs of each hidden layer's neurons."""
        return self.outputs[:-1]

    @property
    def a(self) -> float:
        """Weighted input of the output neuron."""
        return self.weighted[-1][0]

    @property
    def delta_o(self) -> float:
        """Local gradient of the output neuron."""
        return self.delta[-1][0]

    @property
    def delta_h(self) -> list[list[float]]:
        """Local gradients of each hidden layer's neurons."""
        return self.delta[:-1]

    @property
    def v(self) -> list[Matrix]:
        """Weights into each hidden layer (before the update)."""
        return self.weights_before[:-1]

    @property
    def w(self) -> Matrix:
        """Weights into the output neuron (before the update)."""
        return self.weights_before[-1]


def forward(layers: list[Matrix], s: list[float], activation: str,
            bias: bool = True) -> tuple[list, list]:
    """b = Σ v·x (+ bias) and h = σ(b) layer by layer (a and r at the output), for signal s."""
    code = ACTIVATION_CODES[activation]
    weighted: list[list[float]] = []
    outputs: list[list[float]] = []
    x = list(s)
    for weights in layers:  # each hidden layer's v, then w
        b = []  # the layer's weighted inputs (a at the output)
        for row in weights:
            total = 0.0
            for i in range(len(x)):
                total += row[i] * x[i]
            if bias:
                total += row[len(x)]  # the bias weight: its input is 1
            b.append(total)
        h = [sigma(b_j, code) for b_j in b]  # the layer's outputs (r at the output)
        weighted.append(b)
        outputs.append(h)
        x = h
    return weighted, outputs


def backward(layers: list[Matrix], outputs: list[list[float]], d: float,
             activation: str) -> tuple[float, list[list[float]]]:
    # (a weight's column j is its input j, with or without a bias column after them)
    """e = d - r, δ_o = e·r(1 - r), then back to front δ_h = Σ_k h(1 - h)·δ_k·w_k."""
    code = ACTIVATION_CODES[activation]
    r = outputs[-1][0]
    e = d - r
    deltas: list[list[float]] = [[] for _ in layers]
    deltas[-1] = [output_delta(e, r, code)]
    for index in range(len(layers) - 2, -1, -1):
        w = layers[index + 1]  # the weights out of this layer, into the next
        delta_next = deltas[index + 1]
        delta_h = []
        for j, h in enumerate(outputs[index]):
            dh_db = sigma_prime(h, code)  # ∂h/∂b = h(1 - h)
            total = 0.0
            for k, row in enumerate(w):
                total += dh_db * delta_next[k] * row[j]
            delta_h.append(total)
        deltas[index] = delta_h
    return e, deltas


def trace_pattern(layers: list[Matrix], previous: list[Matrix], accumulated: list[Matrix] | None,
                  s: list[float], d: float, activation: str, eta: float, alpha: float,
                  epoch: int, pattern: int, apply_batch: bool, bias: bool = True) -> PatternTrace:
    """Trace one pattern from the weights `layers` and the last changes `previous`.

    Online (`accumulated` is None): every weight changes by η·δ·x + α·Δw(n-1) now.
    Batch: η·δ·x is added to `accumulated` (in place); when `apply_batch` (the epoch's
    last pattern) the sum plus α·Δw(n-1) is applied. Inputs are not modified
    otherwise; the new weights are in `weights_after`.
    """
    weighted, outputs = forward(layers, s, activation, bias)
    e, deltas = backward(layers, outputs, d, activation)
    r = outputs[-1][0]
    inputs = [list(s), *outputs[:-1]]
    gradient, learning, momentum, change, after = [], [], [], [], []
    for index, weights in enumerate(layers):
        x = [*inputs[index], 1.0] if bias else list(inputs[index])  # and 1 for the bias
        first_bias = len(inputs[index])
        gradient_rows, learning_rows, momentum_rows, change_rows, after_rows = [], [], [], [], []
        for j, row in enumerate(weights):
            delta = deltas[index][j]
            eta_delta = eta * delta
            descent = [eta_delta * x[i] if i < first_bias else eta_delta for i in range(len(x))]
            gradient_rows.append([-delta * x_i for x_i in x])  # ∂l/∂w = -δ·x
            learning_rows.append(descent)  # η·δ·x
            if accumulated is not None:
                sums = accumulated[index][j]
                for i, step in enumerate(descent):
                    sums[i] += step
                dw = list(sums) if apply_batch else [0.0] * len(x)
            else:
                dw = list(descent)
            from_momentum = [0.0] * len(x)
            if (accumulated is None or apply_batch) and alpha != 0.0:
                for i in range(len(x)):
                    from_momentum[i] = alpha * previous[index][j][i]  # α·Δw(n-1)
                    dw[i] += from_momentum[i]
            momentum_rows.append(from_momentum)
            change_rows.append(dw)
            after_rows.append([w_i + dw_i for w_i, dw_i in zip(row, dw, strict=True)])
        gradient.append(gradient_rows)
        learning.append(learning_rows)
        momentum.append(momentum_rows)
        change.append(change_rows)
        after.append(after_rows)
    return PatternTrace(
        epoch=epoch, pattern=pattern, s=list(s), d=d, weighted=weighted, outputs=outputs,
        r=r, e=e, l=0.5 * e * e, delta=deltas, gradient=gradient, learning=learning,
        momentum=momentum, change=change, weights_before=[[list(w) for w in m] for m in layers],
        weights_after=after, batch=accumulated is not None, inputs=inputs, bias=bias,
    )
