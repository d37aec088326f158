"""The step a poll asks about: the state it was asked on, and whether that step was taken.

A poll is a question about one definite future step of the presenter's network:
"will v₁,₀ go up or down over the next pattern?" is about the pattern that
follows the state on screen when it was asked. `Watch` remembers that state (its
`fingerprint`: settings, weights, momentum, batch sums, position, samples and the
random generator) and follows the presenter's trainer from it:

- while the trainer is still in that state, or has moved forward from it by
  steps (a next-pattern poll waits through the phases), the poll stays open;
  every forward position is checked against a private copy (`follower`) that
  takes the same steps from the asked state, to the last bit;
- any other change voids it: the trainer replaced (reset, randomize, import,
  settings), a new mark (an edit, back, settings), a run (except for the "is it
  stuck?" poll, whose step is training on), a position behind one already seen,
  or a state the steps from the asked state do not reach;
- once the trainer has completed the step asked about, the poll reveals, and
  the answer is computed from the step actually taken: the weight in the asked
  state against the weight now, the δ of the pattern asked about as the step
  traced it, whether training on converged within the horizon.

The engine is deterministic, so the copy also predicts the answer when the poll
opens (what a presenter's early "Reveal" shows, marked as predicted).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

from app.engine import Trainer
from app.engine.status import CONVERGED_STATE, DIVERGED_STATE

from .names import delta_neurons

Position = tuple[int, int, int]
"""(epochs done, pattern within the epoch, phase within the pattern), in training order."""

#: Epochs the "is it stuck?" poll looks ahead: stuck means no convergence within them.
STUCK_HORIZON = 20_000
#: The δ of a pattern are on screen from this phase on (0 forward, 1 error, 2 δ_o, ...):
#: before it, a largest-δ poll asks about the current pattern, after it about the next.
DELTA_SHOWN = 3


def position(trainer: Trainer) -> Position:
    """Where `trainer` is in training."""
    return (trainer.epoch, trainer.pattern, trainer.phase)


def fingerprint(trainer: Trainer) -> str:
    """A digest of everything the next steps of `trainer` depend on (24 hex digits)."""
    digest = hashlib.sha256()
    digest.update(json.dumps(trainer.config.to_dict(), sort_keys=True).encode())
    digest.update(repr(position(trainer)).encode())
    for values in (trainer.w, trainer.dw, trainer.acc, trainer.inputs, trainer.desired):
        digest.update(np.ascontiguousarray(values, dtype=np.float64).tobytes())
    digest.update(json.dumps(trainer.rng.bit_generator.state, sort_keys=True,
                             default=str).encode())
    return digest.hexdigest()[:24]


def direction(before: float, after: float) -> str:
    """up, down or same."""
    return "up" if after > before else "down" if after < before else "same"


class Watch:
    """One poll's asked state, the step it asks about, and a copy following the presenter.

    `kind` and `unit` as in `polls.open_poll`; `weight` (layer, neuron, column) for a
    weight_direction poll; `marks` the session's marks revision when asked.
    """

    def __init__(self, trainer: Trainer, kind: str, unit: str = "pattern",
                 weight: tuple[int, int, int] | None = None, marks: int = 0) -> None:
        self.source = trainer
        self.kind, self.unit, self.weight, self.marks = kind, unit, weight, marks
        self.asked_on = fingerprint(trainer)
        self.start = position(trainer)
        self.seen, self.seen_print = self.start, self.asked_on
        self.follower = trainer.clone()
        self.traces: dict[tuple[int, int], list[list[float]]] = {}  # (epoch, pattern) -> δ
        self.before = self._weight(trainer)
        self.prediction, self.target, self.asked_pattern = self._predict(trainer.clone())
        # a weight or δ poll may be passed by one click (a pattern on a phase poll, an
        # epoch on a pattern poll), never by more than about an epoch
        self.limit = (self.target[0] + 2, 0, 0)

    # ----- the question ----------------------------------------------------------------

    def _weight(self, trainer: Trainer) -> float | None:
        if self.weight is None:
            return None
        layer, neuron, column = self.weight
        return float(trainer.layers[layer][neuron, column])

    def _predict(self, ahead: Trainer) -> tuple[dict[str, Any], Position, tuple[int, int]]:
        """The answer the asked step gives, where that step ends, and the pattern it asks."""
        asked = (ahead.epoch, ahead.pattern)
        if self.kind == "weight_direction":
            {"phase": ahead.step_phase, "pattern": ahead.step_pattern,
             "epoch": ahead.step_epoch}[self.unit]()
            after = self._weight(ahead)
            answer = {"correct": direction(self.before, after),
                      "before": self.before, "after": after}
        elif self.kind == "largest_delta":
            if ahead.phase >= DELTA_SHOWN:  # this pattern's δ are on screen: the next one
                ahead.step_pattern()
                asked = (ahead.epoch, ahead.pattern)
            trace = ahead.step_pattern()
            answer = self._delta_answer(trace.delta)
        else:
            result = ahead.run(STUCK_HORIZON, stop_on_convergence=True, remember=False)
            answer = self._stuck_answer(ahead, result.epochs)
        return answer, position(ahead), asked

    def _delta_answer(self, delta: list[list[float]]) -> dict[str, Any]:
        sizes = self.source.shape.sizes
        best, size = "", -1.0
        for layer, j, _name in delta_neurons(sizes):
            if abs(delta[layer][j]) > size:
                best, size = f"{layer}:{j}", abs(delta[layer][j])
        return {"correct": best, "delta": [list(row) for row in delta]}

    def _stuck_answer(self, trainer: Trainer, epochs: int) -> dict[str, Any]:
        converged = trainer.status == CONVERGED_STATE
        return {"correct": "no" if converged else "yes", "epochs_tried": epochs,
                "converged_epoch": trainer.converged_epoch}

    # ----- following the presenter -------------------------------------------------------

    def check(self, trainer: Trainer, marks: int, last_mark: str | None,
              running: bool) -> tuple[str, Any]:
        """("wait", None), ("cancel", why) or ("reveal", answer) for the trainer as it is now.

        Call with the session's lock held; cheap while nothing changed.
        """
        if trainer is not self.source:
            same = trainer.config.to_dict() == self.source.config.to_dict()
            return "cancel", ("the network was reset or replaced" if same
                              else "the settings changed")
        if marks != self.marks:
            return "cancel", {"edit": "a weight was edited", "back": "the presenter stepped back",
                              "settings": "the settings changed",
                              "reset": "the network was reset"}.get(last_mark or "",
                                                                    "the network was replaced")
        if running and self.kind != "stuck":
            return "cancel", "the network was run instead of stepped"
        now = position(trainer)
        if now < self.seen:
            return "cancel", "the presenter stepped back"
        if now > self.seen:
            if not self._follow(now):
                return "cancel", "the network moved on by more than the step asked about"
            self.seen, self.seen_print = now, fingerprint(self.follower)
        if fingerprint(trainer) != self.seen_print:
            return "cancel", "the weights or settings were changed"
        if self._complete(trainer):
            return "reveal", self._answer(trainer)
        return "wait", None

    def _follow(self, goal: Position) -> bool:
        """Take the follower forward to `goal` the way the trainer could have gone."""
        follower = self.follower
        if self.kind == "stuck" and goal[0] > follower.epoch:
            follower.run(goal[0] - follower.epoch, remember=False)  # whole epochs: fast
        while position(follower) < goal:
            if self.kind != "stuck" and position(follower) >= self.limit:
                return False
            trace = follower.step_phase()
            if trace.phase == "update":  # the pattern is done: keep its δ
                self.traces[(trace.epoch, trace.pattern)] = [list(r) for r in trace.delta]
        return position(follower) == goal

    def _complete(self, trainer: Trainer) -> bool:
        if self.kind == "stuck":
            return trainer.status in (CONVERGED_STATE, DIVERGED_STATE) \
                or trainer.epoch - self.start[0] >= STUCK_HORIZON
        return position(trainer) >= self.target

    def _answer(self, trainer: Trainer) -> dict[str, Any]:
        """The answer from the step actually taken (the trainer is on the follower's path)."""
        if self.kind == "weight_direction":
            after = self._weight(trainer)
            return {"correct": direction(self.before, after), "before": self.before,
                    "after": after, "to": list(position(trainer))}
        if self.kind == "largest_delta":
            return self._delta_answer(self.traces[self.asked_pattern])
        return self._stuck_answer(trainer, trainer.epoch - self.start[0])
