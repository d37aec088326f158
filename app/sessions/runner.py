"""The background run of one session: pacing for every speed, stopped by an Event.

Traced speeds take one traced step, then wait 1/rate seconds. The unlimited speed
runs the compiled kernel in chunks, on the shared `KernelPool`, sized to this
run's share of it (the kernel releases the GIL, and the session's lock is free
between chunks, so commands, frames and other sessions get their turn); rate-limited
speeds run only the epochs due by the clock. The runner owns no state: it calls
the session's `work_*` methods, which do the work under the session's lock and say
when to stop.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .speeds import SPEEDS

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from .session import Session

#: Target CPU time of one fast chunk: short enough for fairness, long enough to amortise.
CHUNK_SECONDS = 0.002
MIN_CHUNK, MAX_CHUNK = 16, 1_000_000
#: With many runs sharing the kernel slots, every run gets a turn at least this often.
TURN_EVERY = 1 / 60
#: A rate-limited run checks the clock at least this often.
TICK = 0.02


class KernelPool:
    """Worker threads that take turns running every session's kernel chunks.

    At most `workers` kernels run at once, so unlimited runs together use about that
    many cores and the rest of the machine is left for sending frames and answering
    commands. An unlimited run hands the pool its `turn` (one chunk) and sleeps until
    the run ends; the workers go round the runs, a turn each, with no thread to wake
    per chunk: with dozens of runs, those wake-ups (each waiting for the GIL) cost
    more than the chunks. Chunks shrink as runs multiply (`chunk_seconds`), so each
    run still gets a new state to show dozens of times a second. A single chunk
    (rate-limited speeds) goes through `run`, which waits for it.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._cond = threading.Condition()
        self._turns: deque[Callable[[], bool]] = deque()
        self._started = 0
        self.runs = 0

    def chunk_seconds(self) -> float:
        """Kernel time of one turn: short enough that every run gets one every TURN_EVERY."""
        return min(CHUNK_SECONDS, self.workers * TURN_EVERY / max(1, self.runs))

    def attach(self, turn: Callable[[], bool], spawn: Callable[..., Any]) -> None:
        """Call `turn()` in rotation with the other runs until it returns False."""
        with self._cond:
            while self._started < self.workers:
                self._started += 1
                spawn(self._work)
            self.runs += 1
            self._turns.append(turn)
            self._cond.notify()

    def run(self, work: Callable[[], Any], spawn: Callable[..., Any]) -> Any:
        """Run `work()` once on a worker, in its turn; return its result."""
        done = threading.Event()
        box: list = []

        def once() -> bool:
            try:
                box.append(work())
            except BaseException as error:  # handed back to the caller's thread
                box.append(error)
            done.set()
            return False

        self.attach(once, spawn)
        done.wait()
        if isinstance(box[0], BaseException):
            raise box[0]
        return box[0]

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._turns:
                    self._cond.wait()
                turn = self._turns.popleft()
            try:
                again = turn()
            except Exception:  # a run's failure must not stop the others'
                log.exception("a training turn failed")
                again = False
            with self._cond:
                if again:
                    self._turns.append(turn)
                else:
                    self.runs -= 1


#: Kernels of every session in this process: leave a core for sockets and frames.
KERNELS = KernelPool(max(1, (os.cpu_count() or 2) - 1))


class Runner:
    """One run of one session, from `start` until `stop` (or the session ends it)."""

    def __init__(self, session: Session, spawn: Callable[..., Any],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._session = session
        self._spawn = spawn
        self._clock = clock
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.chunk = 1024

    def start(self) -> None:
        """Begin running in a background task."""
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
        ended = []

        def turn() -> bool:
            if self._stop.is_set() or self._session.speed != level:
                finished.set()
                return False
            done, spent = self._chunk(self.chunk)
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

        KERNELS.attach(turn, self._spawn)
        finished.wait()
        return not ended

    def _loop(self) -> None:
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
        pass
