"""Read-outs: what the network does now, for the page, the CLI and the gradient check.

The part of `Trainer` that reads the network without changing it: the loss, the
responses and every neuron's output over any inputs (compiled), the truth table,
and the backpropagated gradient of the loss (traced).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .activations import sigma_prime
from .config import TrainingConfig
from .kernels import Kernels
from .network import Shape
from .status import CONVERGENCE_ERROR
from .steps import flat
from .trace import trace_pattern


class ReadOut:
    """The network's loss, outputs, truth table and gradient (a part of `Trainer`)."""

    config: TrainingConfig
    shape: Shape
    kernels: Kernels
    code: int
    w: np.ndarray
    patterns: np.ndarray
    targets: np.ndarray
    layers: list[np.ndarray]

    def loss(self) -> float:
        """Mean over the patterns of l = ½e², with the current weights."""
        return float(self.kernels.loss(self.w, self.code, self.patterns, self.targets))

    def responses(self) -> np.ndarray:
        """The response r for each pattern, with the current weights."""
        return self.outputs_over(self.patterns)[:, -1]

    def outputs_over(self, inputs: np.ndarray) -> np.ndarray:
        """Every neuron's output (inputs first, response last) for each row of `inputs`."""
        inputs = np.ascontiguousarray(inputs, dtype=np.float64)
        result = np.empty((inputs.shape[0], self.shape.neuron_count))
        self.kernels.outputs_over(self.w, self.code, inputs, result)
        return result

    def errors(self) -> np.ndarray:
        """e = d - r for each pattern, with the current weights."""
        return self.targets - self.responses()

    def all_close(self) -> bool:
        """The convergence test on the current weights: every pattern's |e| < 0.1.

        The truth table's `close` column, all true; the kernels judge the same
        numbers (the same compiled forward pass) after every epoch.
        """
        return bool(np.all(np.abs(self.errors()) < CONVERGENCE_ERROR))

    def truth_table(self) -> list[dict[str, Any]]:
        """Per pattern: s, d, r, e = d - r, whether |e| < 0.1 (`close`), and σ' per neuron.

        `slopes` holds each layer's σ' from its outputs (h(1-h) per hidden layer, then
        [r(1-r)]; 1-y² for tanh): near 0 the neuron is saturated and its δ vanishes
        (`activations.SATURATED_BELOW`).
        """
        rows = []
        every = self.outputs_over(self.patterns)
        bounds = np.cumsum(self.shape.sizes)
        code = self.code
        for s, d, neurons in zip(self.patterns.tolist(), self.targets.tolist(), every.tolist(),
                                 strict=True):
            r = neurons[-1]
            e = d - r
            outputs = [neurons[bounds[i]:bounds[i + 1]] for i in range(len(bounds) - 1)]
            rows.append({"s": s, "d": d, "r": r, "e": e, "close": abs(e) < CONVERGENCE_ERROR,
                         "slopes": [[sigma_prime(y, code) for y in layer] for layer in outputs]})
        return rows

    def gradient(self) -> np.ndarray:
        """∂L/∂w of the loss L = mean of ½e² over the patterns: mean of -δ·x (flat)."""
        layers = [m.tolist() for m in self.layers]
        total = np.zeros_like(self.w)
        with np.errstate(all="ignore"):  # diverged weights give nan, never a warning
            for s, d in zip(self.patterns.tolist(), self.targets.tolist(), strict=True):
                t = trace_pattern(layers, layers, None, s, d, self.config.activation, 0.0, 0.0,
                                  0, 0, apply_batch=False, bias=self.shape.bias)
                total += np.array(flat(t.gradient))
            return total / len(self.patterns)
