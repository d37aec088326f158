"""One browser tab's training session: a trainer, its settings, error history and marks.

Every command is a method that validates its input (the declared models of
`commands`), changes the trainer under the session's lock, and tells the listener
(the tab's frame stream) that something changed. A bad input raises `FieldError`
(`CommandError`) naming the field and leaves the session as it was. The
background run (`runner.py`) works through `work_traced` and `work_fast`, also
under the lock, so commands and the run never interleave inside a step.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from app.engine import (
    CONVERGED_STATE,
    DIVERGED_STATE,
    PatternTrace,
    Trainer,
    TrainingConfig,
    compile_shape,
)
from app.engine.config import MAX_SEED

from .background import Background
from .commands import EXPORT_FORMAT, MAX_MARKS, Settings, Speed, plain
from .health import Health
from .history import LossHistory
from .lock import SessionLock
from .rate import RateMeter
from .runner import Runner
from .schema import CommandError, parse
from .speeds import DEFAULT_SPEED
from .sweeps import SweepJob
from .transfer import export_state, read_state

__all__ = ["EXPORT_FORMAT", "MAX_MARKS", "Session", "SessionLock"]

#: Settings that can change mid-run without starting over: the step sizes, and the simplest
#: problem's signal s and desired response d (a class changes them to see the net follow;
#: the patterns are drawn from the settings again, and convergence judged on the new ones).
LIVE_SETTINGS = frozenset({"eta", "alpha", "s", "d"})

Spawn = Callable[..., Any]


class Session(Background):
    """One tab's trainer and everything drawn from it; thread safe through `lock`."""

    def __init__(self, session_id: str, spawn: Spawn, config: TrainingConfig | None = None,
                 speed: int = DEFAULT_SPEED, clock: Callable[[], float] = time.monotonic,
                 health: Health | None = None) -> None:
        self.id = session_id
        #: where its runs report a failure: the app's (the registry passes its own)
        self.health = health or Health()
        self.lock = SessionLock()
        self._spawn = spawn
        self._clock = clock
        self.trainer = Trainer(config or TrainingConfig())
        self.history = LossHistory()
        self.marks: list[dict[str, Any]] = []
        self.marks_revision = 0
        self.speed = speed
        self.last_trace: PatternTrace | None = None
        self.revision = 0
        self.rate = RateMeter()
        self._runner: Runner | None = None
        self._fast_segment = False
        self._resume = False
        self.listener: Callable[[bool], None] | None = None
        self.sid: str | None = None
        self.detached_at: float | None = clock()
        self.sweep: SweepJob | None = None
        self.lesson: dict[str, Any] | None = None  # the lesson step on screen (lesson.py)
        #: said once in the next hello (why the last connection was closed), then cleared
        self.notice: str | None = None
        self._sweeps = 0
        self._closed = False
        self._record_loss()

    # ----- state shared with the runner and the frame builder -------------------------

    @property
    def running(self) -> bool:
        """True while a background run is on."""
        return self._runner is not None

    def status(self) -> str:
        """paused | running, overridden by the trainer's converged | diverged."""
        if self.trainer.status == CONVERGED_STATE:
            return "converged"
        if self.trainer.status == DIVERGED_STATE:
            return "diverged"
        return "running" if self.running else "paused"

    def changed(self, urgent: bool = True) -> None:
        """Count a change and wake the frame stream (urgent: a command's answer)."""
        with self.lock:
            self.revision += 1
            listener = self.listener
        if listener is not None:
            listener(urgent)

    def _record_loss(self) -> None:
        self.history.add(self.trainer.epoch, self.trainer.loss())

    def _mark(self, kind: str, **extra: Any) -> None:
        self.marks.append({"epoch": self.trainer.epoch, "kind": kind, **extra})
        del self.marks[:-MAX_MARKS]
        self.marks_revision += 1

    def _new_run(self, trainer: Trainer, mark: str, **extra: Any) -> None:
        """Replace the trainer with one at epoch 0: a fresh curve with one mark."""
        self.trainer = trainer
        self.history.clear()
        self.marks.clear()
        self._mark(mark, **extra)
        self._after_jump()
        self._record_loss()

    def _after_jump(self) -> None:
        """The trainer moved other than by training: no trace, new fast stretch, new rate."""
        self.last_trace = None
        self._fast_segment = False
        self.rate.clear()

    # ----- commands -------------------------------------------------------------------------

    def configure(self, values: Any) -> tuple[dict[str, Any], bool]:
        """Change settings; returns (settings, restarted). See docs/protocol.md."""
        values = plain(parse(Settings, values, name="settings"))
        # a new shape compiles here, before the lock: not while this session's frames and
        # commands wait for it, nor later in a turn of the pool every session's run shares
        compile_shape(TrainingConfig.from_dict(values, base=self.trainer.config))
        with self.lock:
            old = self.trainer.config
            config = TrainingConfig.from_dict(values, base=old)
            changed = {k: v for k, v in config.to_dict().items() if v != old.to_dict()[k]}
            restarted = False
            if changed and set(changed) <= LIVE_SETTINGS:
                state = self.trainer.state()
                state["settings"] = config.to_dict()
                self.trainer = Trainer.from_state(state)
                self._after_jump()
                self._mark("settings", changed=changed)
            elif changed:
                self._new_run(Trainer(config), "settings", changed=changed)
                restarted = True
            settings = config.to_dict()
        if changed:
            self.changed()
        return settings, restarted

    def set_weights(self, weights: Any) -> None:
        """Replace every weight (nested lists, as in frames); undoable."""
        with self.lock:
            self.trainer.set_weights(weights)
            self._after_jump()
            self._mark("edit", all=True)
            self._record_loss()
        self.changed()

    def set_weight(self, layer: int, neuron: int, column: int, value: float) -> None:
        """Set one weight (column: input index, bias last); undoable."""
        with self.lock:
            self.trainer.set_weight(layer, neuron, column, value)
            self._after_jump()
            self._mark("edit", layer=layer, neuron=neuron, input=column)
            self._record_loss()
        self.changed()

    def step(self, unit: str) -> tuple[int, int]:
        """Pause any run and take one traced step; returns (step count, epoch)."""
        with self.lock:
            self._stop_run()
            self._traced_step(unit)
            result = self.trainer.steps, self.trainer.epoch
        self.changed()
        return result

    def _traced_step(self, unit: str) -> None:
        trainer = self.trainer
        epoch = trainer.epoch
        if unit == "phase":
            self.last_trace = trainer.step_phase()
        elif unit == "pattern":
            self.last_trace = trainer.step_pattern()
        else:
            self.last_trace = trainer.step_epoch()[-1]
        self._fast_segment = False
        if trainer.epoch != epoch:
            self._record_loss()

    def back(self) -> bool:
        """Pause any run and undo the last step, edit or run; False if nothing to undo."""
        with self.lock:
            self._stop_run()
            went = self.trainer.back()
            if went:
                epoch = self.trainer.epoch
                self.history.truncate(epoch)
                self._record_loss()
                kept = [m for m in self.marks if m["epoch"] <= epoch]
                if len(kept) != len(self.marks):
                    self.marks[:] = kept
                    self.marks_revision += 1
                if not (self.marks and self.marks[-1] == {"epoch": epoch, "kind": "back"}):
                    self._mark("back")
                self._after_jump()
                self.last_trace = self.trainer.pending
        if went:
            self.changed()
        return went

    def run(self) -> None:
        """Start the background run (no-op when running)."""
        with self.lock:
            if self.trainer.status == DIVERGED_STATE:
                raise CommandError(
                    "status", "status: the network diverged; reset, randomize or edit the weights"
                )
            self._start_run()
        self.changed()

    def pause(self) -> None:
        """Stop the background run."""
        with self.lock:
            self._stop_run()
        self.changed()

    def set_speed(self, level: Any) -> int:
        """Change the speed level; a run picks it up at once."""
        level = parse(Speed, {"level": level}).level
        with self.lock:
            self.speed = level
            if self._runner is not None:
                self._runner.wake()
        self.changed()
        return level

    def reset(self) -> int:
        """Back to epoch 0 with the same seed; returns the seed."""
        with self.lock:
            config = self.trainer.config
            self._new_run(Trainer(config), "reset", seed=config.seed)
        self.changed()
        return config.seed

    def randomize(self) -> int:
        """Back to epoch 0 with a new random seed; returns it."""
        with self.lock:
            config = replace(self.trainer.config, seed=secrets.randbelow(MAX_SEED + 1))
            self._new_run(Trainer(config), "reset", seed=config.seed)
        self.changed()
        return config.seed

    def export(self) -> dict[str, Any]:
        """Everything needed to reproduce and continue the run (JSON-ready; `transfer`)."""
        with self.lock:
            return export_state(self.trainer, self.history, self.marks, self.speed)

    def import_state(self, state: Any) -> dict[str, Any]:
        """Replace the run with an exported one; pauses. Returns the settings.

        The state is checked whole before anything changes (`transfer.read_state`):
        a refusal names the field under `state.` and leaves the session as it was.
        """
        transfer = read_state(state)
        trainer = transfer.trainer
        with self.lock:
            self._stop_run()
            self.trainer = trainer
            history = transfer.history
            if history is None:
                history = LossHistory()
                history.add(trainer.epoch, trainer.loss())
            history.generation = self.history.generation + 1
            self.history = history
            self.marks[:] = transfer.marks or []
            self.marks_revision += 1
            if transfer.speed is not None:
                self.speed = transfer.speed
            self._after_jump()
            settings = trainer.config.to_dict()
        self.changed()
        return settings

    # ----- the client ----------------------------------------------------------------------

    def attach(self, sid: str, listener: Callable[[bool], None]) -> str | None:
        """A client took this session: returns the sid of the client it replaced, if any."""
        with self.lock:
            previous = self.sid
            self.sid = sid
            self.listener = listener
            self.detached_at = None
            if self._resume:
                self._resume = False
                self._start_run()
        return previous

    def detach(self, sid: str) -> bool:
        """The client `sid` left: pause (resuming on re-attach) and start the grace period."""
        with self.lock:
            if self.sid != sid:
                return False
            self.sid = None
            self.listener = None
            self.detached_at = self._clock()
            if self._runner is not None:
                self._stop_run()
                self._resume = True
        return True

    def close(self) -> None:
        """Free the session: stop its run and its sweep for good."""
        with self.lock:
            self._stop_run()
            self._resume = False
            self.listener = None
            self._closed = True
            job = self.sweep
        if job is not None:
            job.cancel()
