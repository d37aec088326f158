"""The parts of a session's work that run beside its commands: its background run and its
seed sweep, as a mixin of `Session` (`session.py`), whose state they share.

The run's thread (`runner.py`) calls `work_traced` and `work_fast`, which take the
session's lock and say when to stop; a sweep (`sweeps.py`) runs on the kernel pool
and counts a change after each slice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.engine import CONVERGED_STATE, DIVERGED_STATE, TRAINING, PatternTrace, Trainer

from .health import Health
from .history import LossHistory
from .lock import SessionLock
from .rate import RateMeter
from .runner import Runner
from .schema import CommandError
from .sweeps import SweepJob, SweepRequest

#: Most loss samples a fast chunk records.
MAX_SAMPLES_PER_CHUNK = 256


class Background:
    """A session's background run and sweep (mixed into `Session`)."""

    # the session's state these methods use (set by Session.__init__)
    id: str
    health: Health
    lock: SessionLock
    trainer: Trainer
    history: LossHistory
    rate: RateMeter
    speed: int
    last_trace: PatternTrace | None
    sweep: SweepJob | None
    _runner: Runner | None
    _fast_segment: bool
    _closed: bool
    _sweeps: int
    _spawn: Callable[..., Any]
    _clock: Callable[[], float]

    def changed(self, urgent: bool = True) -> None:
        """Defined by Session."""
        raise NotImplementedError

    def _record_loss(self) -> None:
        raise NotImplementedError

    def _traced_step(self, unit: str) -> None:
        raise NotImplementedError

    # ----- the seed sweep ---------------------------------------------------------------

    def start_sweep(self, data: Any) -> int:
        """Start a sweep of the current settings (see `sweeps`); returns its id.

        A sweep already running is cancelled: one sweep per session. The nets'
        initial weights are drawn (and a new shape's kernels compiled) outside the
        session's lock, so frames and commands go on meanwhile. Raises CommandError
        naming the field; `sweep` when the process runs its most sweeps already.
        """
        with self.lock:
            config = self.trainer.config
            self._sweeps += 1
            sweep_id = self._sweeps
        job = SweepJob(sweep_id, config, SweepRequest.from_payload(data, config),
                       lambda: self.changed(urgent=False))
        with self.lock:
            if self._closed or sweep_id != self._sweeps:  # closed, or a newer sweep came in
                raise CommandError("sweep", "sweep: replaced by a newer sweep or the session "
                                   "closed; nothing started")
            old = self.sweep
            try:
                job.reserve()
            except CommandError:  # every slot taken: this session's own running sweep
                if old is None or not old.cancel():  # gives its slot back, if it has one
                    raise
                job.reserve()
            else:
                if old is not None:
                    old.cancel()
            self.sweep = job
        job.start(self._spawn)
        self.changed()
        return sweep_id

    def cancel_sweep(self) -> bool:
        """Stop the running sweep, keeping the nets that finished; False if none runs."""
        job = self.sweep
        return job is not None and job.cancel()

    def clear_sweep(self) -> bool:
        """Stop and forget the sweep (the page closes its panel); False if there was none."""
        with self.lock:
            job, self.sweep = self.sweep, None
        if job is None:
            return False
        job.cancel()
        self.changed()
        return True

    # ----- the background run -----------------------------------------------------------

    def _start_run(self) -> None:
        if self._runner is None:
            self._runner = Runner(self, self._spawn, self._clock)
            self._runner.start()

    def _stop_run(self) -> None:
        if self._runner is not None:
            self._runner.stop()
            self._runner = None
            self._fast_segment = False
            self.rate.clear()

    def _keep_running(self, runner: Runner, before: str) -> bool:
        """After a run's step: stop on divergence, or on reaching convergence."""
        status = self.trainer.status
        if status == DIVERGED_STATE or (before == TRAINING and status == CONVERGED_STATE):
            if self._runner is runner:
                self._stop_run()
            return False
        return True

    def run_failed(self, runner: Runner) -> None:
        """The run raised (reported by the runner) and has ended: the session shows paused."""
        with self.lock:
            if self._runner is runner:
                self._runner = None
                self._fast_segment = False
                self.rate.clear()
        self.changed()

    def work_traced(self, runner: Runner, unit: str) -> bool:
        """One traced step of a slow run; False when the run should end."""
        with self.lock:
            if self._runner is not runner:
                return False
            before = self.trainer.status
            self._traced_step(unit)
            self.rate.add(self._clock(), self.trainer.epoch)
            keep = self._keep_running(runner, before)
        self.changed(urgent=not keep)
        return keep

    def work_fast(self, runner: Runner, epochs: int) -> int:
        """Up to `epochs` epochs on the compiled path; returns epochs done, -1 to end the run."""
        with self.lock:
            if self._runner is not runner:
                return -1
            trainer = self.trainer
            before = trainer.status
            # at most MAX_SAMPLES_PER_CHUNK loss samples per chunk (cheap to keep), and
            # at least one per bucket once the run is longer than a few chunks
            every = max(self.history.sample_every(), epochs // MAX_SAMPLES_PER_CHUNK)
            result = trainer.run(epochs, loss_every=every,
                                 stop_on_convergence=before == TRAINING,
                                 remember=not self._fast_segment)
            self._fast_segment = True
            self.history.add_many(result.loss_epochs.tolist(), result.losses.tolist())
            self._record_loss()
            self.last_trace = None
            self.rate.add(self._clock(), trainer.epoch)
            keep = self._keep_running(runner, before)
        self.changed(urgent=not keep)
        return result.epochs if keep else -1

