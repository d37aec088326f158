"""The kernel pool: worker threads that run every session's kernel chunks in turns.

Process-wide (`KERNELS`): at most `workers` compiled kernels run at once, so the
unlimited runs together use about that many cores and a core is left for sending
frames and answering commands. A turn that raises is dropped from the rotation
and handed to its owner's `failed` callback (a run reports to its own app's
`Health`, so one app's fault never shows in another's /healthz); the workers go
on with the other turns. The pool keeps no health of its own: it is shared by
every app in the process, and what fails is always some run's turn.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

#: Called with the error of a turn that raised.
Failed = Callable[[BaseException], None]

#: Target CPU time of one fast chunk: short enough for fairness, long enough to amortise.
CHUNK_SECONDS = 0.002
#: With many runs sharing the kernel slots, every run gets a turn at least this often.
TURN_EVERY = 1 / 60


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
        self._turns: deque[tuple[Callable[[], bool], Failed]] = deque()
        self._started = 0
        self.runs = 0

    def chunk_seconds(self) -> float:
        """Kernel time of one turn: short enough that every run gets one every TURN_EVERY."""
        return min(CHUNK_SECONDS, self.workers * TURN_EVERY / max(1, self.runs))

    def attach(self, turn: Callable[[], bool], spawn: Callable[..., Any],
               failed: Failed | None = None) -> None:
        """Call `turn()` in rotation with the other runs until it returns False.

        If it raises, it leaves the rotation and `failed(error)` is called (by default
        the error is logged); the other turns go on.
        """
        with self._cond:
            while self._started < self.workers:
                self._started += 1
                spawn(self._work)
            self.runs += 1
            self._turns.append((turn, failed or _log_failure))
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
                entry = self._turns.popleft()
            turn, failed = entry
            try:
                again = turn()
            except Exception as error:  # a run's failure must not stop the others'
                again = False
                try:
                    failed(error)
                except Exception:  # nor its owner's report of it
                    log.exception("kernel pool: reporting a failed turn failed")
            with self._cond:
                if again:
                    self._turns.append(entry)
                else:
                    self.runs -= 1


def _log_failure(error: BaseException) -> None:
    log.error("kernel pool: a turn failed (%s: %s); dropped, the others go on",
              type(error).__name__, error, exc_info=error)


#: Kernels of every session in this process: leave a core for sockets and frames.
KERNELS = KernelPool(max(1, (os.cpu_count() or 2) - 1))
