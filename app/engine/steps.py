"""Traced steps: one phase, one pattern or one epoch, handing out every quantity.

The part of `Trainer` that steps on the traced path (`trace.py`): the current
pattern is traced once (its `PatternTrace` kept as `pending`), revealed phase by
phase, and its update applied at the last phase. Each public step is one undoable
step. The attributes it works on are the trainer's (`Trainer.reset` says what
each holds), listed here for the reader and the type checker.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .config import TrainingConfig
from .network import Shape
from .status import DIVERGED_STATE
from .trace import PHASES, PatternTrace, trace_pattern


def flat(nested: list) -> list[float]:
    """Nested layers of neuron rows as one flat list, in the weights' order."""
    return [x for m in nested for row in m for x in row]


class TracedSteps:
    """Stepping by phase, pattern and epoch (a part of `Trainer`)."""

    config: TrainingConfig
    shape: Shape
    w: np.ndarray
    dw: np.ndarray
    acc: np.ndarray
    epoch: int
    pattern: int
    phase: int
    pending: PatternTrace | None
    status: str
    converged_epoch: int | None
    inputs: np.ndarray
    desired: np.ndarray
    patterns: np.ndarray
    layers: list[np.ndarray]
    _remember: Callable[[], None]
    _new_epoch_inputs: Callable[[], None]
    _judge: Callable[..., None]

    def _trace_current(self) -> PatternTrace:
        p = self.pattern
        layers = [m.tolist() for m in self.layers]
        previous = [m.tolist() for m in self.shape.layers(self.dw)]
        accumulated = None
        if self.config.batch:
            accumulated = [m.tolist() for m in self.shape.layers(self.acc)]
        return trace_pattern(
            layers, previous, accumulated, self.inputs[p].tolist(), float(self.desired[p]),
            self.config.activation, self.config.eta, self.config.alpha, self.epoch, p,
            apply_batch=p == len(self.patterns) - 1, bias=self.shape.bias,
        )

    def _finish_pattern(self, trace: PatternTrace) -> None:
        """Apply the pattern's update and move on to the next pattern (and epoch)."""
        if trace.batch:
            if trace.pattern == len(self.patterns) - 1:
                self.dw[:] = flat(trace.change)
                self.acc[:] = 0.0
            else:
                # inf + -inf is nan here, as in the kernels; divergence is reported, not warned
                with np.errstate(all="ignore"):
                    self.acc += np.array(flat(trace.learning))
        else:
            self.dw[:] = flat(trace.change)
        self.w[:] = flat(trace.weights_after)
        if not np.all(np.isfinite(self.w)):  # report at once, not only at the epoch's end
            self.status = DIVERGED_STATE
        self.pending = None
        self.phase = 0
        self.pattern += 1
        if self.pattern == len(self.patterns):
            self._end_epoch()

    def _end_epoch(self) -> None:
        """The epoch is done: count it, judge convergence on the weights after its pass."""
        self.epoch += 1
        self.pattern = 0
        if not np.all(np.isfinite(self.w)):
            self.status = DIVERGED_STATE
        self._judge(epoch_done=True)
        self._new_epoch_inputs()

    def _advance_phase(self) -> PatternTrace:
        if self.pending is None:
            self.pending = self._trace_current()
        trace = self.pending
        trace.phase = PHASES[self.phase]
        if self.phase == len(PHASES) - 1:
            self._finish_pattern(trace)
        else:
            self.phase += 1
        return trace

    def step_phase(self) -> PatternTrace:
        """Reveal the next phase of the current pattern (forward, error, δ_o, δ_h, update)."""
        self._remember()
        return self._advance_phase()

    def step_pattern(self) -> PatternTrace:
        """Finish the current pattern (all its phases); one undoable step."""
        self._remember()
        trace = self._advance_phase()
        while trace.phase != PHASES[-1]:
            trace = self._advance_phase()
        return trace

    def step_epoch(self) -> list[PatternTrace]:
        """Finish the current epoch, pattern by pattern; one undoable step."""
        self._remember()
        traces = []
        start = self.epoch
        while self.epoch == start:
            trace = self._advance_phase()
            if trace.phase == PHASES[-1]:
                traces.append(trace)
        return traces
