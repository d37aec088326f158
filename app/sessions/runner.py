"""The background run of one session: pacing for every speed, stopped by an Event.

Traced speeds take one traced step, then wait 1/rate seconds. The unlimited speed
runs the compiled kernel in chunks, on the shared `KernelPool` (`kernel_pool.py`), sized to this
run's share of it (the kernel releases the GIL, and the session's lock is free
between chunks, so commands, frames and other sessions get their turn); rate-limited
speeds run only the epochs due by the clock. The runner owns no state: it calls
the session's `work_*` methods, which do the work under the session's lock and say
when to stop. It knows the session only as a `Workload` (a Protocol), so this module
imports nothing of `session.py`.

A run that raises (a bug, a kernel failing) is reported once (to its session's
`health`, the app's, as part "runs of session <hash>"), ends, and its session is
told (`run_failed`), so it shows paused and can run again; nothing else stops.
The report clears when the session runs again or is closed.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from .health import Health
from .kernel_pool import KERNELS
from .lock import SessionLock
from .speeds import SPEEDS

MIN_CHUNK, MAX_CHUNK = 16, 1_000_000
#: A rate-limited run checks the clock at least this often.
TICK = 0.02


class Workload(Protocol):
    """What a run needs of its session (`Session` is one)."""

    speed: int
    lock: SessionLock
    id: str
    health: Health

    def work_traced(self, runner: Runner, unit: str) -> bool:
        """One traced step; False when the run should end."""

    def work_fast(self, runner: Runner, epochs: int) -> int:
        """Up to `epochs` epochs; the number done, or -1 when the run should end."""

    def run_failed(self, runner: Runner) -> None:
        """The run raised and has ended: show it stopped."""


class Runner:
    """One run of one session, from `start` until `stop` (or the session ends it)."""

    def __init__(self, session: Workload, spawn: Callable[..., Any],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._session = session
        self._spawn = spawn
        self._clock = clock
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.chunk = 1024

    @property
    def part(self) -> str:
        """This session's runs, as /healthz names them (never the session's id)."""
        return "runs of session " + hashlib.sha256(self._session.id.encode()).hexdigest()[:8]

    def start(self) -> None:
        """Begin running in a background task (a failure of an earlier run is over)."""
        self._session.health.recovered(self.part)
        self._spawn(self._loop)

    def stop(self) -> None:
        """Ask the run to end; it does after the current step or chunk."""
        self._stop.set()
        self._wake.set()

    def wake(self) -> None:
        """Cut a wait short (the speed changed)."""
        self._wake.set()

    @property
    def stopped(self) -> bool:
        """True once asked to stop."""
        return self._stop.is_set()

    def _wait(self, seconds: float) -> None:
        if seconds > 0 and self._wake.wait(seconds):
            self._wake.clear()

    def _chunk(self, epochs: int) -> tuple[int, float]:
        start = time.thread_time()
        done = self._session.work_fast(self, epochs)
        return done, time.thread_time() - start

    def _fast(self, epochs: int) -> int:
        done, spent = KERNELS.run(lambda: self._chunk(epochs), self._spawn)
        self._session.lock.step_aside()
        self._resize(done, spent)
        return done

    def _resize(self, done: int, spent: float) -> None:
        if done > 0 and spent > 0:
            # size the next chunk to this run's share of kernel time (the worker's CPU time)
            target = int(done * KERNELS.chunk_seconds() / spent)
            self.chunk = max(MIN_CHUNK, min(MAX_CHUNK, (self.chunk + target) // 2 or 1))

    def _unlimited(self, level: int) -> bool:
        """Run at full speed on the kernel pool until stopped or slowed; False: the run ended."""
        finished = threading.Event()
        ended: list[BaseException | bool] = []

        def turn() -> bool:
            if self._stop.is_set() or self._session.speed != level:
                finished.set()
                return False
            try:
                done, spent = self._chunk(self.chunk)
            except Exception as error:  # raised again in the run's own thread, below
                ended.append(error)
                finished.set()
                return False
            if done < 0:
                ended.append(True)
                finished.set()
                return False
            if KERNELS.runs <= KERNELS.workers:
                # alone on the pool, this run would take its lock back at once: let a
                # waiting frame or command in first (with others queued, their turns do)
                self._session.lock.step_aside()
            self._resize(done, spent)
            return True

        def failed(error: BaseException) -> None:  # the turn itself broke (not the chunk)
            ended.append(error)
            finished.set()

        KERNELS.attach(turn, self._spawn, failed)
        finished.wait()
        if ended and isinstance(ended[0], BaseException):
            raise ended[0]
        return not ended

    def _loop(self) -> None:
        try:
            self._run()
        except Exception as error:  # this run ends; the session, the pool and others go on
            self._session.health.failed(self.part, error,
                                        "the run was stopped; Run starts it again")
            self._session.run_failed(self)

    def _run(self) -> None:
        level = -1
        base = 0.0
        done = 0
        while not self._stop.is_set():
            if self._session.speed != level:
                level = self._session.speed
                base, done = self._clock(), 0
            speed = SPEEDS[level]
            unlimited = not speed.traced and speed.per_second is None
            if speed.traced:
                if not self._session.work_traced(self, speed.unit):
                    return
                self._session.lock.step_aside()
                self._wait(1.0 / speed.per_second)
            elif unlimited:
                if not self._unlimited(level):
                    return
            else:
                rate = speed.per_second
                due = int((self._clock() - base) * rate) - done
                if due > rate:  # fell behind (a busy machine): do not try to catch up
                    base, done = self._clock() - 1.0, 0
                    due = int(rate)
                if due > 0:
                    ran = self._fast(min(due, self.chunk))
                    if ran < 0:
                        return
                    done += ran
                next_due = base + (done + 1) / rate - self._clock()
                self._wait(min(TICK, max(next_due, 0.001)))
