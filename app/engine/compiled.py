"""The derivation's passes as scalar loops, compiled by numba (the kernels' body).

The same formulas in the same order of operations as the traced path (`trace.py`),
the textbook step and the C reference (`bench/reference/backprop_221.c`), so all
give the same weights, to the last bit. σ, σ' and δ_o are the very functions of
`activations.py`, compiled. Every function here is inlined into the per-shape entry
points of `kernels.py`, which pass the shape's `Layout` as a constant: the loops
below then run over constant bounds and the compiler unrolls them.

Buffers, all float64 and flat:
- weights: layer after layer, each neuron's row of input weights with the bias last
  when the net has biases (v then w in the 2-2-1 net);
- last_change: each weight's last change Δw(n-1), for momentum;
- summed: batch mode's sum of η·δ·x over the epoch's patterns so far;
- out: every neuron's output, the signal s first, then each hidden layer's h, then r;
- delta: every neuron's local gradient δ (δ_h, then δ_o; the signal's slots unused).
`code` picks the activation (`activations.SIGMOID`, `TANH`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import activations
from .status import CONVERGENCE_ERROR

TRAINED, CONVERGED, DIVERGED = 0, 1, 2

#: (sizes, weight_start, neuron_start, bias): neurons per layer (signal first); where each
#: layer's weights start in the flat vector (the total last); where each layer's neurons
#: start in `out` and `delta` (the total last); 1 when every neuron has a bias weight, else 0.
Layout = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], int]

sigma = njit(nogil=True, inline="always")(activations.sigma)
sigma_prime = njit(nogil=True, inline="always")(activations.sigma_prime)
output_delta = njit(nogil=True, inline="always")(activations.output_delta)


def layout(sizes: tuple[int, ...], bias: bool = True) -> Layout:
    """The constants a shape's kernels are compiled with (see `Layout`)."""
    sizes = tuple(int(n) for n in sizes)
    weight_start = [0]
    for layer in range(len(sizes) - 1):
        weight_start.append(weight_start[-1] + sizes[layer + 1] * (sizes[layer] + int(bias)))
    neuron_start = [0]
    for n in sizes:
        neuron_start.append(neuron_start[-1] + n)
    return sizes, tuple(weight_start), tuple(neuron_start), int(bias)


@njit(nogil=True, inline="always")
def forward(net, weights, out, code):
    """Every neuron's output: the weighted input (b, or a at the output) is Σ weight · input
    (plus the bias weight), and the output (h, or r) is σ of it."""
    sizes, weight_start, neuron_start, bias = net
    for layer in range(len(sizes) - 1):
        inputs = sizes[layer]
        for j in range(sizes[layer + 1]):
            row = weight_start[layer] + j * (inputs + bias)
            weighted = 0.0
            for i in range(inputs):
                weighted += weights[row + i] * out[neuron_start[layer] + i]
            if bias:
                weighted += weights[row + inputs]
            out[neuron_start[layer + 1] + j] = sigma(weighted, code)


@njit(nogil=True, inline="always")
def backward(net, weights, out, delta, d, code):
    """e = d - r, δ_o = e·r(1-r), then back to front δ_h = Σ_k h(1-h)·δ_k·w_k. Returns e."""
    sizes, weight_start, neuron_start, bias = net
    last = len(sizes) - 1
    r = out[neuron_start[last]]
    e = d - r
    delta[neuron_start[last]] = output_delta(e, r, code)
    for layer in range(last - 1, 0, -1):
        n = sizes[layer]
        for j in range(n):
            dh_db = sigma_prime(out[neuron_start[layer] + j], code)  # ∂h/∂b = h(1 - h)
            total = 0.0
            for k in range(sizes[layer + 1]):  # δ_k of the next layer, through its weight w_k
                total += (dh_db * delta[neuron_start[layer + 1] + k]
                          * weights[weight_start[layer] + k * (n + bias) + j])
            delta[neuron_start[layer] + j] = total
    return e


@njit(nogil=True, inline="always")
def move(weights, last_change, k, change, alpha):
    """Δw(n) = η·δ·x + α·Δw(n-1); w(n+1) = w(n) + Δw(n)."""
    if alpha != 0.0:
        change += alpha * last_change[k]
    last_change[k] = change
    weights[k] += change


@njit(nogil=True, inline="always")
def update(net, weights, last_change, summed, out, delta, eta, alpha, batch):
    """Online: every weight moves by η·δ·x now; batch: η·δ·x is summed for the epoch's end."""
    sizes, weight_start, neuron_start, bias = net
    for layer in range(len(sizes) - 1):
        inputs = sizes[layer]
        for j in range(sizes[layer + 1]):
            eta_delta = eta * delta[neuron_start[layer + 1] + j]
            row = weight_start[layer] + j * (inputs + bias)
            for i in range(inputs):  # η·δ·x, x the neuron's input i (s, or an h)
                step = eta_delta * out[neuron_start[layer] + i]
                if batch:
                    summed[row + i] += step
                else:
                    move(weights, last_change, row + i, step, alpha)
            if bias:  # the bias weight: its input is 1
                if batch:
                    summed[row + inputs] += eta_delta
                else:
                    move(weights, last_change, row + inputs, eta_delta, alpha)


@njit(nogil=True, inline="always")
def apply_batch(net, weights, last_change, summed, alpha):
    """Batch mode's end of epoch: every weight moves by its sum (plus momentum)."""
    for k in range(net[1][-1]):
        move(weights, last_change, k, summed[k], alpha)
        summed[k] = 0.0


@njit(nogil=True, inline="always")
def finite(net, weights):
    """True while every weight is a finite number."""
    for k in range(net[1][-1]):
        if not math.isfinite(weights[k]):
            return False
    return True


@njit(nogil=True, inline="always")
def set_signal(net, out, inputs, row):
    """Put pattern `row`'s signal s into the input slots of `out`."""
    for i in range(net[0][0]):
        out[i] = inputs[row, i]


@njit(nogil=True, inline="always")
def response(net, out):
    """The response r in `out` after a forward pass."""
    return out[net[2][len(net[0]) - 1]]


@njit(nogil=True, inline="always")
def mean_loss(net, weights, code, inputs, targets):
    """Mean over the patterns of l = ½e², with the current weights."""
    out = np.empty(net[2][-1])
    total = 0.0
    for p in range(inputs.shape[0]):
        set_signal(net, out, inputs, p)
        forward(net, weights, out, code)
        e = targets[p] - response(net, out)
        total += 0.5 * e * e
    return total / inputs.shape[0]


@njit(nogil=True, inline="always")
def close_from(net, weights, probe, code, patterns, targets, first):
    """Every pattern from `first` on has |e| < CONVERGENCE_ERROR with these weights."""
    for p in range(first, patterns.shape[0]):
        set_signal(net, probe, patterns, p)
        forward(net, weights, probe, code)
        if not abs(targets[p] - response(net, probe)) < CONVERGENCE_ERROR:
            return False
    return True


@njit(nogil=True, inline="always")
def train_epochs(net, weights, last_change, summed, code, eta, alpha, batch, sampled, inputs,
                 targets, epochs, converged_before, stop_on_convergence, loss_every,
                 loss_offset, loss_out, patterns, pattern_targets):
    """Train `epochs` epochs in place; return (epochs done, status, converged since).

    One epoch is a pass over the P `patterns` (or, `sampled`, over the P samples of
    this epoch in `inputs`/`targets`, P rows per epoch). After each epoch whose count
    `loss_offset + epochs so far` is a multiple of `loss_every` (0: never), the loss
    on the patterns goes into the next slot of `loss_out`.

    Converged: after an epoch's pass, with the weights as they are then, every
    pattern's |e| < CONVERGENCE_ERROR (the truth table's test). Online, the next
    epoch's first forward pass is pattern 0's with those very weights: it is done
    once, for the test and the next epoch both, and the other patterns are tried only
    when pattern 0 passes. "Converged since" is -1 when the net is not converged at
    the end, 0 when it was already (`converged_before`) and stayed so, else the epoch
    (counted from 1 in this call) after which it was first judged converged. Non-finite
    weights stop training with the status DIVERGED; `stop_on_convergence`, CONVERGED.
    """
    count = net[2][-1]
    out = np.empty(count)
    delta = np.empty(count)
    probe = np.empty(count)
    size = patterns.shape[0]
    converged = 0 if converged_before else -1
    primed = False  # `out` holds pattern 0's forward pass with the current weights
    recorded = 0
    for epoch in range(epochs):
        for p in range(size):
            if not (p == 0 and primed):
                set_signal(net, out, inputs, epoch * size + p if sampled else p)
                forward(net, weights, out, code)
            backward(net, weights, out, delta, targets[epoch * size + p if sampled else p], code)
            update(net, weights, last_change, summed, out, delta, eta, alpha, batch)
        if batch:
            apply_batch(net, weights, last_change, summed, alpha)
        if not finite(net, weights):
            return epoch + 1, DIVERGED, -1
        if loss_every > 0 and (loss_offset + epoch + 1) % loss_every == 0:
            loss_out[recorded] = mean_loss(net, weights, code, patterns, pattern_targets)
            recorded += 1
        if sampled:
            close = close_from(net, weights, probe, code, patterns, pattern_targets, 0)
        else:
            set_signal(net, out, patterns, 0)
            forward(net, weights, out, code)
            primed = True
            close = abs(pattern_targets[0] - response(net, out)) < CONVERGENCE_ERROR \
                and close_from(net, weights, probe, code, patterns, pattern_targets, 1)
        if not close:
            converged = -1
        elif converged < 0:
            converged = epoch + 1
            if stop_on_convergence:
                return epoch + 1, CONVERGED, converged
    return epochs, TRAINED, converged
