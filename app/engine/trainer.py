"""The trainer: one network, its settings and its position in training, stepped or run.

A step can be one phase of a pattern, one pattern, or one epoch, each handing out
the derivation's quantities (`PatternTrace`); `run` trains many epochs on the
compiled fast path (`fast.py`). Every step and run can be undone (`back`, `undo.py`)
for the last `UNDO_DEPTH` of them, restoring weights and momentum exactly; `state`
and `from_state` carry a run elsewhere (`state_io.py`). Pure: no Flask, sockets or
threads.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np

from .activations import ACTIVATION_CODES
from .checks import finite_number, whole_number
from .config import TrainingConfig
from .errors import FieldError
from .fast import FastRun, RunResult
from .kernels import kernels_for
from .network import Shape, initial_weights
from .problems import patterns, sample
from .readout import ReadOut
from .state_io import SavedState
from .status import CONVERGED_STATE, DIVERGED_STATE, TRAINING
from .steps import TracedSteps
from .trace import PatternTrace
from .undo import UNDO_DEPTH, Undo

__all__ = ["CONVERGED_STATE", "DIVERGED_STATE", "TRAINING", "UNDO_DEPTH", "RunResult",
           "Trainer"]


class Trainer(TracedSteps, FastRun, ReadOut):
    """One network in training, from a config and optionally exact initial weights.

    Stepping is in `steps.TracedSteps`, fast runs in `fast.FastRun`, read-outs in
    `readout.ReadOut`; this file holds the state, weight edits, undo and export.
    """

    def __init__(self, config: TrainingConfig | None = None,
                 weights: Sequence | np.ndarray | None = None) -> None:
        self.config = config or TrainingConfig()
        self.shape = Shape.of(self.config)
        self.kernels = kernels_for(self.shape.sizes, self.shape.bias)
        self.patterns, self.targets = patterns(self.config)
        """The problem's signals (one row per pattern) and desired responses."""
        self.undo = Undo(UNDO_DEPTH)
        self.steps = 0
        self.reset(weights)

    # ----- state -----------------------------------------------------------------

    def reset(self, weights: Sequence | np.ndarray | None = None) -> None:
        """Back to epoch 0: the seed's initial weights (or `weights`), no momentum, no undo."""
        if weights is None:
            self.w = initial_weights(self.shape, self.config.seed, self.config.init_range)
        elif isinstance(weights, np.ndarray):
            if weights.shape != (self.shape.weight_count,) or not np.all(np.isfinite(weights)):
                raise FieldError("weights", f"weights: need {self.shape.weight_count} finite "
                                 "numbers")
            self.w = weights.astype(np.float64, copy=True)
        else:
            self.w = self.shape.flatten(weights)
        self.dw = np.zeros_like(self.w)
        """Each weight's last change Δw(n-1), for momentum."""
        self.acc = np.zeros_like(self.w)
        """Batch mode: the epoch's η·δ·x summed so far."""
        self.epoch = 0
        self.pattern = 0
        self.phase = 0
        self.pending: PatternTrace | None = None
        """The pattern being revealed phase by phase."""
        self.status = TRAINING
        """training, converged (judged after the last epoch, or an edit) or diverged."""
        self.converged_epoch: int | None = None
        """While converged: the epoch (counted from 1) after which it was judged so."""
        self.rng = np.random.default_rng([self.config.seed, 1])
        """The random samples' generator (sampling="random")."""
        self._new_epoch_inputs()
        self.undo.clear()
        self.steps = 0

    def _new_epoch_inputs(self) -> None:
        if self.config.sampling == "random":
            self.inputs, self.desired = sample(self.config.problem, self.rng, 1)
        else:
            self.inputs, self.desired = self.patterns, self.targets

    @property
    def code(self) -> int:
        """The activation's code for the kernels."""
        return ACTIVATION_CODES[self.config.activation]

    @property
    def layers(self) -> list[np.ndarray]:
        """The weights as matrix views, front to back (v, then w for 2-2-1)."""
        return self.shape.layers(self.w)

    def weights(self) -> list[list[list[float]]]:
        """The weights as nested lists: layers of neuron rows, bias last."""
        return self.shape.nest(self.w)

    def momentum(self) -> list[list[list[float]]]:
        """Each weight's last change Δw(n-1), nested like `weights()`."""
        return self.shape.nest(self.dw)

    def set_weights(self, layers: Sequence) -> None:
        """Replace every weight (nested lists); undoable; momentum is kept."""
        flat = self.shape.flatten(layers)
        self._remember()
        self.w[:] = flat
        self._after_edit()

    def set_weight(self, layer: int, neuron: int, column: int, value: float) -> None:
        """Set one weight (column = input index, the bias last); undoable."""
        shapes = self.shape.layer_shapes
        layer = whole_number(layer, "layer", 0, len(shapes) - 1)
        rows, cols = shapes[layer]
        neuron = whole_number(neuron, "neuron", 0, rows - 1)
        column = whole_number(column, "input", 0, cols - 1)
        value = finite_number(value, "value")
        self._remember()
        self.layers[layer][neuron, column] = float(value)
        self._after_edit()

    def _after_edit(self) -> None:
        # a half-shown pattern was computed from the old weights: start it again
        self.pending = None
        self.phase = 0
        if self.status == DIVERGED_STATE and np.all(np.isfinite(self.w)):
            self.status = TRAINING
        self._judge(epoch_done=False)

    def _judge(self, epoch_done: bool) -> None:
        """Converged: every pattern's |e| < 0.1 with the weights as they are now.

        At the end of an epoch a net becomes converged, or stops being so; after an
        edit it can only stop (convergence is judged on an epoch's result). So the
        status never says converged while the truth table shows a pattern unlearnt.
        """
        if self.status == DIVERGED_STATE:
            return
        close = self.all_close()
        if self.status == CONVERGED_STATE and not close:
            self.status, self.converged_epoch = TRAINING, None
        elif self.status == TRAINING and close and epoch_done:
            self.status, self.converged_epoch = CONVERGED_STATE, self.epoch

    # ----- undo ----------------------------------------------------------------------

    def _remember(self) -> None:
        self.undo.remember(self)
        self.steps += 1

    def clone(self) -> Trainer:
        """An independent copy of this trainer's present state, with nothing to undo.

        For looking ahead (what will the next step do?) without touching this one.
        """
        twin = copy.copy(self)
        twin.w, twin.dw, twin.acc = self.w.copy(), self.dw.copy(), self.acc.copy()
        twin.pending = copy.deepcopy(self.pending)
        twin.rng = np.random.default_rng()
        twin.rng.bit_generator.state = self.rng.bit_generator.state
        twin.undo = Undo(UNDO_DEPTH)
        return twin

    @property
    def can_go_back(self) -> int:
        """How many steps can be undone."""
        return len(self.undo)

    def back(self) -> bool:
        """Undo the last step, run or edit; False when there is nothing to undo."""
        if not self.undo.restore(self):
            return False
        self.steps -= 1
        return True

    # ----- export -------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Everything needed to continue this run elsewhere, as JSON-ready values."""
        return SavedState(
            config=self.config, weights=self.w, momentum=self.dw,
            accumulated=self.acc, epoch=self.epoch, pattern=self.pattern, status=self.status,
            converged_epoch=self.converged_epoch, rng_state=self.rng.bit_generator.state,
            inputs=self.inputs, desired=self.desired,
        ).to_json(self.shape)

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Trainer:
        """A trainer continuing from `state()`; raises FieldError with the bad field's path."""
        saved = SavedState.from_json(state)
        trainer = cls(saved.config, saved.weights)
        trainer.dw[:] = saved.momentum
        if saved.accumulated is not None:
            trainer.acc[:] = saved.accumulated
        trainer.epoch, trainer.pattern = saved.epoch, saved.pattern
        trainer.status, trainer.converged_epoch = saved.status, saved.converged_epoch
        if trainer.status == CONVERGED_STATE and trainer.converged_epoch is None:
            trainer.converged_epoch = trainer.epoch
        elif trainer.status != CONVERGED_STATE:
            trainer.converged_epoch = None
        if saved.rng_state is not None:
            try:
                trainer.rng.bit_generator.state = saved.rng_state
            except (TypeError, ValueError, KeyError, OverflowError) as error:  # checked already
                raise FieldError("rng", f"rng: not a generator state ({error})") from None
        if saved.inputs is not None:
            trainer.inputs, trainer.desired = saved.inputs, saved.desired
        trainer._judge(epoch_done=False)  # a state that says converged must be so
        return trainer
