"""The kernel pool: worker threads that run every session's kernel chunks in turns.

Process-wide (`KERNELS`): at most `workers` compiled kernels run at once, so the
unlimited runs together use about that many cores and a core is left for sending
frames and answering commands. A turn that raises is reported once (`health`,
part "kernel pool") and dropped from the rotation; the workers go on with the
other turns.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from .health import Health

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
        self.health = Health()
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
                self.health.recovered("kernel pool")
            except Exception as error:  # a run's failure must not stop the others'
                self.health.failed("kernel pool", error, "that turn was dropped, the others go on")
                again = False
            with self._cond:
                if again:
                    self._turns.append(turn)
                else:
                    self.runs -= 1


#: Kernels of every session in this process: leave a core for sockets and frames.
KERNELS = KernelPool(max(1, (os.cpu_count() or 2) - 1))


#: Kernels of every session in this process: leave a core for sockets and frames.
KERNELS = KernelPool(max(1, (os.cpu_count() or 2) - 1))
