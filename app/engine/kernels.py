"""Compiled training loops (numba): the fast path, with no trace.

The derivation written as scalar loops over one flat weight vector. Each network
shape gets its own compiled kernels (`kernels_for`), with the layer sizes baked in
as constants, so the compiler unrolls the tiny loops and one 2-2-1 network trains
at the speed of plain C. The formulas and their order of operations are the same
as in the traced path (`trace.py`) and the C yardstick, so all three give the
same weights, to the last bit.

Buffers, all float64 and flat:
- w: the weights, layer after layer, each layer's neuron rows with the bias last;
- dw: each weight's last change Δw(n-1), for momentum;
- acc: batch mode's sum of η·δ·x over the epoch's patterns so far;
- act: every neuron's output, the signal s first, then h, then r;
- delta: every neuron's local gradient δ (the input slots stay unused).
`code` picks the activation: 0 sigmoid, 1 tanh.

Status codes returned: TRAINED, CONVERGED (stopped there), DIVERGED.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numba import njit, prange

TRAINED, CONVERGED, DIVERGED = 0, 1, 2

#: An epoch converges when every pattern's |e| in its training pass is below this.
CONVERGENCE_ERROR = 0.1


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
    """Compile (once per process) the kernels for a network with these layer sizes.

    Compilation happens lazily on first call, about half a second per function.
    """
    S = tuple(int(n) for n in sizes)  # constants baked into the kernels
    L = len(S) - 1
    WO = tuple(int(x) for x in np.cumsum([0] + [S[i + 1] * (S[i] + 1) for i in range(L)]))
    AO = tuple(int(x) for x in np.cumsum([0, *S]))
    N_W = WO[-1]
    N_ACT = AO[-1]
    OUT = AO[L]

    @njit(nogil=True, inline="always")
    def squash(x, code):
        if code == 0:
            return 1.0 / (1.0 + math.exp(-x))
        return math.tanh(x)

    @njit(nogil=True, inline="always")
    def forward(w, act, code):
        # weighted input = Σ_i weight_i · input_i + bias weight; output = σ(weighted input)
        for layer in range(L):
            n_in = S[layer]
            cols = n_in + 1
            for j in range(S[layer + 1]):
                row = WO[layer] + j * cols
                weighted = 0.0
                for i in range(n_in):
                    weighted += w[row + i] * act[AO[layer] + i]
                weighted += w[row + n_in]
                act[AO[layer + 1] + j] = squash(weighted, code)

    @njit(nogil=True, inline="always")
    def backward(w, act, delta, d, code):
        # δ_o = e·r(1-r); then, back to front, δ_h = Σ_k h(1-h)·δ_k·w_k. Returns e.
        r = act[OUT]
        e = d - r
        if code == 0:
            delta[OUT] = e * r * (1.0 - r)
        else:
            delta[OUT] = e * (1.0 - r * r)
        for layer in range(L - 1, 0, -1):
            n = S[layer]
            cols = n + 1
            for j in range(n):
                h = act[AO[layer] + j]
                slope = h * (1.0 - h) if code == 0 else 1.0 - h * h
                total = 0.0
                for k in range(S[layer + 1]):
                    total += slope * delta[AO[layer + 1] + k] * w[WO[layer] + k * cols + j]
                delta[AO[layer] + j] = total
        return e

    @njit(nogil=True, inline="always")
    def move(w, dw, k, change, alpha):
        # Δw(n) = η·δ·x + α·Δw(n-1); w(n+1) = w(n) + Δw(n)
        if alpha != 0.0:
            change += alpha * dw[k]
        dw[k] = change
        w[k] += change

    @njit(nogil=True, inline="always")
    def update(w, dw, acc, act, delta, eta, alpha, batch):
        # online: every weight moves now; batch: η·δ·x is summed for the epoch's end
        for layer in range(L):
            n_in = S[layer]
            cols = n_in + 1
            for j in range(S[layer + 1]):
                g = eta * delta[AO[layer + 1] + j]
                row = WO[layer] + j * cols
                for i in range(n_in):
                    if batch:
                        acc[row + i] += g * act[AO[layer] + i]
                    else:
                        move(w, dw, row + i, g * act[AO[layer] + i], alpha)
                if batch:
                    acc[row + n_in] += g
                else:
                    move(w, dw, row + n_in, g, alpha)

    @njit(nogil=True, inline="always")
    def apply_batch(w, dw, acc, alpha):
        for k in range(N_W):
            move(w, dw, k, acc[k], alpha)
            acc[k] = 0.0

    @njit(nogil=True, inline="always")
    def finite(w):
        for k in range(N_W):
            if not math.isfinite(w[k]):
                return False
        return True

    @njit(nogil=True)
    def loss(w, code, inputs, targets):
        """Mean over the patterns of l = ½e², with the current weights."""
        act = np.empty(N_ACT)
        total = 0.0
        for p in range(inputs.shape[0]):
            act[0] = inputs[p, 0]
            act[1] = inputs[p, 1]
            forward(w, act, code)
            e = targets[p] - act[OUT]
            total += 0.5 * e * e
        return total / inputs.shape[0]

    @njit(nogil=True)
    def outputs_over(w, code, inputs, result):
        """Every neuron's output (inputs included) for each input row, into result[row]."""
        act = np.empty(N_ACT)
        for p in range(inputs.shape[0]):
            act[0] = inputs[p, 0]
            act[1] = inputs[p, 1]
            forward(w, act, code)
            for k in range(N_ACT):
                result[p, k] = act[k]

    @njit(nogil=True)
    def train(w, dw, acc, code, eta, alpha, batch, inputs, targets, epochs,
              stop_on_convergence, loss_every, loss_offset, loss_out, eval_inputs, eval_targets):
        """Train `epochs` epochs in place; return (epochs done, status, first converged epoch).

        `inputs`/`targets` hold the 4 patterns (reused every epoch) or 4 samples per
        epoch. After each epoch whose count `loss_offset + epochs so far` is a multiple
        of `loss_every` (0: never), the loss on `eval_*` with the current weights goes
        into the next slot of `loss_out`. The first epoch (from 0) whose training
        pass saw |e| < CONVERGENCE_ERROR on every pattern is returned, -1 if none.
        Non-finite weights stop training with the status DIVERGED.
        """
        act = np.empty(N_ACT)
        delta = np.empty(N_ACT)
        reuse = inputs.shape[0] == 4
        converged = -1
        recorded = 0
        for epoch in range(epochs):
            all_close = True
            for p in range(4):
                row = p if reuse else epoch * 4 + p
                act[0] = inputs[row, 0]
                act[1] = inputs[row, 1]
                forward(w, act, code)
                e = backward(w, act, delta, targets[row], code)
                if not abs(e) < CONVERGENCE_ERROR:
                    all_close = False
                update(w, dw, acc, act, delta, eta, alpha, batch)
            if batch:
                apply_batch(w, dw, acc, alpha)
            if not finite(w):
                return epoch + 1, DIVERGED, converged
            if loss_every > 0 and (loss_offset + epoch + 1) % loss_every == 0:
                loss_out[recorded] = loss(w, code, eval_inputs, eval_targets)
                recorded += 1
            if all_close and converged < 0:
                converged = epoch
                if stop_on_convergence:
                    return epoch + 1, CONVERGED, converged
        return epochs, TRAINED, converged

    @njit(nogil=True, parallel=True)
    def train_many(weights, code, eta, alpha, batch, inputs, targets, epochs,
                   epochs_done, status, converged, final_loss):
        """Train the K networks in the rows of `weights` side by side on all cores.

        Each starts with no momentum and stops at convergence. Per network: epochs
        done, status, first converged epoch (-1 if none), final loss.
        """
        no_loss = np.empty(0)
        for k in prange(weights.shape[0]):
            w = weights[k]
            dw = np.zeros(N_W)
            acc = np.zeros(N_W)
            done, st, conv = train(w, dw, acc, code, eta, alpha, batch, inputs, targets,
                                   epochs, True, 0, 0, no_loss, inputs, targets)
            epochs_done[k] = done
            status[k] = st
            converged[k] = conv
            final_loss[k] = loss(w, code, inputs, targets)

    @njit(nogil=True)
    def train_in_turn(weights, dws, accs, code, eta, alpha, batch, inputs, targets, epochs,
                      first, budget, epochs_done, status, converged, final_loss):
        """Go on training the nets from row `first`, one after another, for `budget` epochs.

        The resumable form of `train_many`, on one core: net k trains until it
        converges, diverges or has had `epochs` epochs, then net k + 1 starts. A net
        cut short by the budget keeps its momentum (`dws[k]`) and goes on at the next
        call, so the result is the same, to the last bit, however the work is sliced.
        Returns the first net not finished (the row count once all are) and the
        epochs trained.
        """
        no_loss = np.empty(0)
        k = first
        trained = 0
        while k < weights.shape[0] and budget > 0:
            todo = min(epochs - epochs_done[k], budget)
            done, st, conv = train(weights[k], dws[k], accs[k], code, eta, alpha, batch,
                                   inputs, targets, todo, True, 0, 0, no_loss, inputs, targets)
            if conv >= 0:
                converged[k] = epochs_done[k] + conv
            epochs_done[k] += done
            budget -= done
            trained += done
            if st != TRAINED or epochs_done[k] >= epochs:
                status[k] = st
                final_loss[k] = loss(weights[k], code, inputs, targets)
                k += 1
        return k, trained

    return Kernels(train=train, train_many=train_many, train_in_turn=train_in_turn, loss=loss,
                   outputs_over=outputs_over)
