"""Compiled training loops (numba): the fast path, with no trace.

The derivation written as scalar loops over one flat weight vector, in the same
formulas and order of operations as the traced path (`trace.py`) and the C
reference (`bench/reference/backprop_221.c`), so all three give the same weights,
to the last bit. σ, σ' and δ_o are the very functions of `activations.py`, compiled.

Each network shape gets its own entry points (`kernels_for`), closures that hold
the shape's `Layout` as a constant: the compiler sees every layer size and offset,
unrolls the tiny loops, and one 2-2-1 net trains at the speed of plain C. The
closures capture nothing but that tuple of whole numbers, so numba's on-disk
cache (`cache=True`, in the folder `kernel_cache` picks) keys each shape's machine
code by it: a shape compiles once per install, not once per process.

Buffers, all float64 and flat:
- weights: layer after layer, each neuron's row of input weights with the bias last
  (v then w in the 2-2-1 net);
- last_change: each weight's last change Δw(n-1), for momentum;
- summed: batch mode's sum of η·δ·x over the epoch's patterns so far;
- out: every neuron's output, the signal s first, then each hidden layer's h, then r;
- delta: every neuron's local gradient δ (δ_h, then δ_o; the signal's slots unused).
`code` picks the activation (`activations.SIGMOID`, `TANH`).

Status codes returned: TRAINED, CONVERGED (stopped there), DIVERGED.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numba import njit, prange

from . import activations, kernel_cache

TRAINED, CONVERGED, DIVERGED = 0, 1, 2

#: An epoch converges when every pattern's |e| in its training pass is below this.
CONVERGENCE_ERROR = 0.1

#: (sizes, weight_start, neuron_start): neurons per layer (signal first); where each
#: layer's weights start in the flat vector (and the total last); where each layer's
#: neurons start in `out` and `delta` (and the total last).
Layout = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]

sigma = njit(nogil=True, inline="always")(activations.sigma)
sigma_prime = njit(nogil=True, inline="always")(activations.sigma_prime)
output_delta = njit(nogil=True, inline="always")(activations.output_delta)


def layout(sizes: tuple[int, ...]) -> Layout:
    """The constants a shape's kernels are compiled with (see `Layout`)."""
    sizes = tuple(int(n) for n in sizes)
    weight_start = [0]
    for layer in range(len(sizes) - 1):
        weight_start.append(weight_start[-1] + sizes[layer + 1] * (sizes[layer] + 1))
    neuron_start = [0]
    for n in sizes:
        neuron_start.append(neuron_start[-1] + n)
    return sizes, tuple(weight_start), tuple(neuron_start)


@njit(nogil=True, inline="always")
def forward(net, weights, out, code):
    """Every neuron's output: the weighted input (b, or a at the output) is the bias plus
    Σ weight · input, and the output (h, or r) is σ of it."""
    sizes, weight_start, neuron_start = net
    for layer in range(len(sizes) - 1):
        inputs = sizes[layer]
        for j in range(sizes[layer + 1]):
            row = weight_start[layer] + j * (inputs + 1)
            weighted = 0.0
            for i in range(inputs):
                weighted += weights[row + i] * out[neuron_start[layer] + i]
            weighted += weights[row + inputs]
            out[neuron_start[layer + 1] + j] = sigma(weighted, code)


@njit(nogil=True, inline="always")
def backward(net, weights, out, delta, d, code):
    """e = d - r, δ_o = e·r(1-r), then back to front δ_h = Σ_k h(1-h)·δ_k·w_k. Returns e."""
    sizes, weight_start, neuron_start = net
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
                          * weights[weight_start[layer] + k * (n + 1) + j])
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
    sizes, weight_start, neuron_start = net
    for layer in range(len(sizes) - 1):
        inputs = sizes[layer]
        for j in range(sizes[layer + 1]):
            eta_delta = eta * delta[neuron_start[layer + 1] + j]
            row = weight_start[layer] + j * (inputs + 1)
            for i in range(inputs):  # η·δ·x, x the neuron's input i (s, or an h)
                step = eta_delta * out[neuron_start[layer] + i]
                if batch:
                    summed[row + i] += step
                else:
                    move(weights, last_change, row + i, step, alpha)
            if batch:  # the bias: its input is 1
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
def mean_loss(net, weights, code, inputs, targets):
    """Mean over the patterns of l = ½e², with the current weights."""
    sizes, neuron_start = net[0], net[2]
    out = np.empty(neuron_start[-1])
    total = 0.0
    for p in range(inputs.shape[0]):
        set_signal(net, out, inputs, p)
        forward(net, weights, out, code)
        e = targets[p] - out[neuron_start[len(sizes) - 1]]
        total += 0.5 * e * e
    return total / inputs.shape[0]


@njit(nogil=True, inline="always")
def train_epochs(net, weights, last_change, summed, code, eta, alpha, batch, inputs, targets,
                 epochs, stop_on_convergence, loss_every, loss_offset, loss_out, eval_inputs,
                 eval_targets):
    """Train `epochs` epochs in place; return (epochs done, status, first converged epoch).

    `inputs`/`targets` hold the 4 patterns (reused every epoch) or 4 samples per
    epoch. After each epoch whose count `loss_offset + epochs so far` is a multiple
    of `loss_every` (0: never), the loss on `eval_*` with the current weights goes
    into the next slot of `loss_out`. The first epoch (from 0) whose training
    pass saw |e| < CONVERGENCE_ERROR on every pattern is returned, -1 if none.
    Non-finite weights stop training with the status DIVERGED.
    """
    neuron_start = net[2]
    out = np.empty(neuron_start[-1])
    delta = np.empty(neuron_start[-1])
    reuse = inputs.shape[0] == 4
    converged = -1
    recorded = 0
    for epoch in range(epochs):
        all_close = True
        for p in range(4):
            row = p if reuse else epoch * 4 + p
            set_signal(net, out, inputs, row)
            forward(net, weights, out, code)
            e = backward(net, weights, out, delta, targets[row], code)
            if not abs(e) < CONVERGENCE_ERROR:
                all_close = False
            update(net, weights, last_change, summed, out, delta, eta, alpha, batch)
        if batch:
            apply_batch(net, weights, last_change, summed, alpha)
        if not finite(net, weights):
            return epoch + 1, DIVERGED, converged
        if loss_every > 0 and (loss_offset + epoch + 1) % loss_every == 0:
            loss_out[recorded] = mean_loss(net, weights, code, eval_inputs, eval_targets)
            recorded += 1
        if all_close and converged < 0:
            converged = epoch
            if stop_on_convergence:
                return epoch + 1, CONVERGED, converged
    return epochs, TRAINED, converged


@dataclass(frozen=True)
class Kernels:
    """The compiled functions for one network shape (see `kernels_for`)."""

    train: Any
    train_many: Any
    train_in_turn: Any
    loss: Any
    outputs_over: Any


@lru_cache(maxsize=64)
def kernels_for(sizes: tuple[int, ...]) -> Kernels:
    """The kernels for a network with these layer sizes (signal first, response last).

    Each entry point compiles on its first call with new argument types: from the
    on-disk cache in milliseconds when this install has compiled the shape before,
    else about half a second per function (then saved for the next process).
    """
    kernel_cache.configure()
    net = layout(sizes)  # the one thing the closures capture: it keys the disk cache

    @njit(nogil=True, cache=True)
    def loss(weights, code, inputs, targets):
        """Mean over the patterns of l = ½e², with the current weights."""
        return mean_loss(net, weights, code, inputs, targets)

    @njit(nogil=True, cache=True)
    def outputs_over(weights, code, inputs, result):
        """Every neuron's output (inputs included) for each input row, into result[row]."""
        out = np.empty(net[2][-1])
        for p in range(inputs.shape[0]):
            set_signal(net, out, inputs, p)
            forward(net, weights, out, code)
            for k in range(out.shape[0]):
                result[p, k] = out[k]

    @njit(nogil=True, cache=True)
    def train(weights, last_change, summed, code, eta, alpha, batch, inputs, targets, epochs,
              stop_on_convergence, loss_every, loss_offset, loss_out, eval_inputs, eval_targets):
        """`train_epochs` for one net (see there)."""
        return train_epochs(net, weights, last_change, summed, code, eta, alpha, batch, inputs,
                            targets, epochs, stop_on_convergence, loss_every, loss_offset,
                            loss_out, eval_inputs, eval_targets)

    @njit(nogil=True, parallel=True, cache=True)
    def train_many(weights, code, eta, alpha, batch, inputs, targets, epochs,
                   epochs_done, status, converged, final_loss):
        """Train the K networks in the rows of `weights` side by side on all cores.

        Each starts with no momentum and stops at convergence. Per network: epochs
        done, status, first converged epoch (-1 if none), final loss.
        """
        no_loss = np.empty(0)
        for k in prange(weights.shape[0]):
            w = weights[k]
            last_change = np.zeros(w.shape[0])
            summed = np.zeros(w.shape[0])
            done, st, conv = train_epochs(net, w, last_change, summed, code, eta, alpha, batch,
                                          inputs, targets, epochs, True, 0, 0, no_loss, inputs,
                                          targets)
            epochs_done[k] = done
            status[k] = st
            converged[k] = conv
            final_loss[k] = mean_loss(net, w, code, inputs, targets)

    @njit(nogil=True, cache=True)
    def train_in_turn(weights, last_changes, sums, code, eta, alpha, batch, inputs, targets,
                      epochs, first, budget, epochs_done, status, converged, final_loss):
        """Go on training the nets from row `first`, one after another, for `budget` epochs.

        The resumable form of `train_many`, on one core: net k trains until it
        converges, diverges or has had `epochs` epochs, then net k + 1 starts. A net
        cut short by the budget keeps its momentum (`last_changes[k]`) and goes on at
        the next call, so the result is the same, to the last bit, however the work
        is sliced. Returns the first net not finished (the row count once all are)
        and the epochs trained.
        """
        no_loss = np.empty(0)
        k = first
        trained = 0
        while k < weights.shape[0] and budget > 0:
            todo = min(epochs - epochs_done[k], budget)
            done, st, conv = train_epochs(net, weights[k], last_changes[k], sums[k], code, eta,
                                          alpha, batch, inputs, targets, todo, True, 0, 0,
                                          no_loss, inputs, targets)
            if conv >= 0:
                converged[k] = epochs_done[k] + conv
            epochs_done[k] += done
            budget -= done
            trained += done
            if st != TRAINED or epochs_done[k] >= epochs:
                status[k] = st
                final_loss[k] = mean_loss(net, weights[k], code, inputs, targets)
                k += 1
        return k, trained

    return Kernels(train=train, train_many=train_many, train_in_turn=train_in_turn, loss=loss,
                   outputs_over=outputs_over)
