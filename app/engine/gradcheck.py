"""Gradient check: the backpropagated gradient against central finite differences.

The analytic gradient is `Trainer.gradient()`: ∂L/∂w = mean over the patterns
of -δ·x, the derivation's "local gradient times unweighted input". The numeric one
perturbs each weight alone and measures the loss L (mean of l = ½e²) on both sides:

    ∂L/∂w ≈ (L(w + h) - L(w - h)) / ((w + h) - (w - h))

The step is h = 1e-6 · max(1, |w|). Central differences err by about h²·L'''/6
(truncation, ~1e-13 here) plus ε·L/h (rounding of L, ε ≈ 1.1e-16 and L ≤ ~1,
so ~1e-10); h ≈ ε^(1/3) would balance the two, and 1e-6 sits near that optimum
while staying well clear of the flat regions of a saturated sigmoid. Dividing by
the difference of the two perturbed weights as actually stored, rather than 2h,
removes the error of rounding w ± h. Expect agreement to ~1e-9 or better.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import FieldError, shown
from .trainer import Trainer

#: Relative step of the central differences: h = STEP · max(1, |w|).
STEP = 1e-6

#: A check passes when the largest difference is below TOLERANCE · max(1, gradient scale).
TOLERANCE = 1e-6


@dataclass(frozen=True)
class GradientCheck:
    """Analytic against numeric gradient, flat in the weight order (layers, rows, bias last)."""

    analytic: np.ndarray
    """∂L/∂w by backpropagation (`Trainer.gradient()`)."""
    numeric: np.ndarray
    """∂L/∂w by central finite differences of `Trainer.loss()`."""
    steps: np.ndarray
    """The step h used for each weight."""
    max_abs_difference: float
    """Largest |analytic - numeric| over all weights."""
    max_relative_difference: float
    """The largest difference relative to the gradient's scale, max(|analytic|, |numeric|)."""
    worst: int
    """Index (flat) of the weight with the largest difference."""

    @property
    def ok(self) -> bool:
        """True when the two agree within TOLERANCE (absolute for small gradients)."""
        scale = float(np.max(np.abs(self.analytic), initial=0.0))
        return bool(self.max_abs_difference <= TOLERANCE * max(1.0, scale))


def check_gradient(trainer: Trainer, step: float = STEP) -> GradientCheck:
    """Compare `trainer.gradient()` with central differences of `trainer.loss()`.

    Every weight is perturbed in turn and restored bit for bit; the trainer is left
    exactly as it was (nothing is recorded for undo). Non-finite weights give nan
    differences, never a warning.
    """
    if not (isinstance(step, float) and 0.0 < step < 1.0):
        raise FieldError("step", f"step: need a number in (0, 1), got {shown(step)}")
    analytic = trainer.gradient()
    w = trainer.w
    numeric = np.empty_like(w)
    steps = np.empty_like(w)
    with np.errstate(all="ignore"):
        for k in range(w.size):
            original = w[k]
            h = step * max(1.0, abs(float(original)))
            up, down = original + h, original - h
            w[k] = up
            loss_up = trainer.loss()
            w[k] = down
            loss_down = trainer.loss()
            w[k] = original
            steps[k] = h
            numeric[k] = (loss_up - loss_down) / (up - down)
        difference = np.abs(analytic - numeric)
        scale = float(max(np.max(np.abs(analytic)), np.max(np.abs(numeric))))
        if np.all(np.isfinite(difference)):
            worst = int(np.argmax(difference))
            largest = float(difference[worst])
            relative = largest / scale if scale > 0 else 0.0
        else:
            worst, largest, relative = int(np.argmax(~np.isfinite(difference))), np.nan, np.nan
    return GradientCheck(analytic=analytic, numeric=numeric, steps=steps,
                         max_abs_difference=largest, max_relative_difference=relative,
                         worst=worst)
