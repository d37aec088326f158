"""Compiled training loops (numba): the fast path, with no trace.

Each network shape gets its own entry points (`kernels_for`), closures that hold
the shape's `Layout` as a constant and call the passes of `compiled.py`, inlined:
the compiler sees every layer size and offset, unrolls the tiny loops, and one
2-2-1 net trains at the speed of plain C. The closures capture nothing but that
tuple of whole numbers, so numba's on-disk cache (`cache=True`, in the folder
`kernel_cache` picks) keys each shape's machine code by it: a shape compiles once
per install, not once per process.

Status codes returned: TRAINED, CONVERGED (stopped there), DIVERGED.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numba import njit, prange

from . import kernel_cache
from .compiled import (
    CONVERGED,
    DIVERGED,
    TRAINED,
    Layout,
    forward,
    layout,
    mean_loss,
    set_signal,
    train_epochs,
)

__all__ = ["CONVERGED", "DIVERGED", "TRAINED", "Kernels", "Layout", "kernels_for"]


@dataclass(frozen=True)
class Kernels:
    """The compiled functions for one network shape (see `kernels_for`)."""

    train: Any
    train_many: Any
    train_in_turn: Any
    loss: Any
    outputs_over: Any


def kernels_for(sizes: tuple[int, ...], bias: bool = True) -> Kernels:
    """The kernels for a network with these layer sizes (signal first, response last),
    with or without biases: one `Kernels` per shape in a process (see `_compile`)."""
    return _compile(tuple(int(n) for n in sizes), bool(bias))


@lru_cache(maxsize=64)
def _compile(sizes: tuple[int, ...], bias: bool) -> Kernels:
    """The entry points of one shape.

    Each entry point compiles on its first call with new argument types: from the
    on-disk cache in milliseconds when this install has compiled the shape before,
    else about half a second per function (then saved for the next process).
    """
    kernel_cache.configure()
    net = layout(sizes, bias)  # the one thing the closures capture: it keys the disk cache

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
    def train(weights, last_change, summed, code, eta, alpha, batch, sampled, inputs, targets,
              epochs, converged_before, stop_on_convergence, loss_every, loss_offset, loss_out,
              patterns, pattern_targets):
        """`compiled.train_epochs` for one net (see there)."""
        return train_epochs(net, weights, last_change, summed, code, eta, alpha, batch, sampled,
                            inputs, targets, epochs, converged_before, stop_on_convergence,
                            loss_every, loss_offset, loss_out, patterns, pattern_targets)

    @njit(nogil=True, parallel=True, cache=True)
    def train_many(weights, code, eta, alpha, batch, patterns, targets, epochs,
                   epochs_done, status, converged, final_loss):
        """Train the K networks in the rows of `weights` side by side on all cores.

        Each starts with no momentum and stops at convergence. Per network: epochs
        done, status, the epoch after which it converged (-1 if it did not), final loss.
        """
        no_loss = np.empty(0)
        for k in prange(weights.shape[0]):
            w = weights[k]
            last_change = np.zeros(w.shape[0])
            summed = np.zeros(w.shape[0])
            done, st, conv = train_epochs(net, w, last_change, summed, code, eta, alpha, batch,
                                          False, patterns, targets, epochs, False, True, 0, 0,
                                          no_loss, patterns, targets)
            epochs_done[k] = done
            status[k] = st
            converged[k] = conv
            final_loss[k] = mean_loss(net, w, code, patterns, targets)

    @njit(nogil=True, cache=True)
    def train_in_turn(weights, last_changes, sums, code, eta, alpha, batch, patterns, targets,
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
                                          alpha, batch, False, patterns, targets, todo, False,
                                          True, 0, 0, no_loss, patterns, targets)
            if conv > 0:
                converged[k] = epochs_done[k] + conv
            epochs_done[k] += done
            budget -= done
            trained += done
            if st != TRAINED or epochs_done[k] >= epochs:
                status[k] = st
                final_loss[k] = mean_loss(net, weights[k], code, patterns, targets)
                k += 1
        return k, trained

    return Kernels(train=train, train_many=train_many, train_in_turn=train_in_turn, loss=loss,
                   outputs_over=outputs_over)
