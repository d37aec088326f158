"""The background run of one session: pacing for every speed, stopped by an Event.

Traced speeds take one traced step, then wait 1/rate seconds. Fast speeds run the
compiled kernel in chunks sized to about `CHUNK_SECONDS` of CPU (the kernel
releases the GIL, and the session's lock is free between chunks, so commands,
frames and other sessions get their turn); rate-limited ones run only the epochs
due by the clock. The runner owns no state: it calls the session's `work_*`
methods, which do the work under the session's lock and say when to stop.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .speeds import SPEEDS

if TYPE_CHECKING:
    from .session import Session

#: Target CPU time of one fast chunk: short enough for fairness, long enough to amortise.
CHUNK_SECONDS = 0.002
MIN_CHUNK, MAX_CHUNK = 16, 1_000_000
#: A rate-limited run checks the clock at least this often.
TICK = 0.02


class FairSlots:
    """A first-come first-served semaphore: at most `slots` holders, waiters served in order.

    Fast runs take a slot per chunk, so with many sessions running only a core's
    worth of kernels compete for the CPU at once, and each session gets its turn
    in order (a plain Semaphore lets the thread that just released win again).
    """

    def __init__(self, slots: int) -> None:
        self._free = slots
        self._cond = threading.Condition()
        self._queue: deque[object] = deque()

    def __enter__(self) -> None:
        ticket = object()
        with self._cond:
            self._queue.append(ticket)
            while self._queue[0] is not ticket or self._free == 0:
                self._cond.wait()
            self._queue.popleft()
            self._free -= 1
            self._cond.notify_all()

    def __exit__(self, *_exc: object) -> None:
        with self._cond:
            self._free += 1
            self._cond.notify_all()


#: Kernels running at once in this process: leave a core for sockets and frames.
KERNEL_SLOTS = FairSlots(max(1, (os.cpu_count() or 2) - 1))


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

    def _fast(self, epochs: int) -> int:
        with KERNEL_SLOTS:
            start = time.thread_time()
            done = self._session.work_fast(self, epochs)
            spent = time.thread_time() - start
        self._session.lock.step_aside()
        if done > 0 and spent > 0:
            # size the next chunk to about CHUNK_SECONDS of this thread's own CPU time
            target = int(done * CHUNK_SECONDS / spent)
            self.chunk = max(MIN_CHUNK, min(MAX_CHUNK, (self.chunk + target) // 2 or 1))
        return done

    def _loop(self) -> None:
        level = -1
        base = 0.0
        done = 0
        while not self._stop.is_set():
            if self._session.speed != level:
                level = self._session.speed
                base, done = self._clock(), 0
            speed = SPEEDS[level]
            if speed.traced:
                if not self._session.work_traced(self, speed.unit):
                    return
                self._session.lock.step_aside()
                self._wait(1.0 / speed.per_second)
            elif speed.per_second is None:
                if self._fast(self.chunk) < 0:
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
