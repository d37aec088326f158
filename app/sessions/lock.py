"""The session's lock: re-entrant, and fair to the threads a background run keeps waiting."""

from __future__ import annotations

import threading
import time


class SessionLock:
    """A re-entrant lock that a background run steps aside from between chunks.

    A plain lock released and re-acquired at once by the run's thread is nearly
    always won by it again, starving frames and commands; `step_aside` waits (a
    few ms at most) until the threads queued for the lock have had it.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._count = threading.Lock()
        self.waiting = 0

    def __enter__(self) -> None:
        with self._count:
            self.waiting += 1
        self._lock.acquire()
        with self._count:
            self.waiting -= 1

    def __exit__(self, *_exc: object) -> None:
        self._lock.release()

    def step_aside(self, most: float = 0.005) -> None:
        """Let waiting threads take the lock before the caller takes it again."""
        deadline = time.monotonic() + most
        while self.waiting and time.monotonic() < deadline:
            time.sleep(0.0001)
