"""The hub: how a room's snapshots, viewer counts and poll answers cross processes.

A room lives in its presenter's process, which publishes a snapshot of the room
at every change. Every process that has students of the room reads the latest
snapshot from its hub and fans it out. `MemoryHub` does this inside one process;
`RedisHub` (`hub_redis.py`) across several through Redis.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from .view import merge

#: How long a process's viewer count stays valid without a fresh report.
COUNT_TTL = 5.0


class Hub:
    """Latest snapshot per room, waitable; plus viewer counts and poll answers."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._latest: dict[str, tuple[int, dict[str, Any]]] = {}
        self._rooms: set[str] = set()
        self._counts: dict[str, dict[str, tuple[int, float]]] = defaultdict(dict)
        self._answers: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.host = f"{id(self):x}"
        #: False while the link to the other processes is down (a Redis hub only)
        self.link_up = True
        #: bumps whenever the link comes back: rooms then publish complete snapshots
        self.epoch = 0
        self._link_listeners: list[Callable[[bool], None]] = []

    # ----- the link to other processes ---------------------------------------------------

    def on_link(self, listener: Callable[[bool], None]) -> None:
        """Call `listener(up)` whenever the link to the other processes is lost or restored."""
        self._link_listeners.append(listener)

    def _set_link(self, up: bool) -> None:
        with self._cond:
            if self.link_up == up:
                return
            self.link_up = up
            self._cond.notify_all()
        for listener in list(self._link_listeners):
            try:
                listener(up)
            except Exception:  # telling clients must not stop the hub
                logging.getLogger(__name__).exception("a link listener failed")

    # ----- snapshots -------------------------------------------------------------

    def publish(self, code: str, snapshot: dict[str, Any]) -> None:
        """The room's newest snapshot (from its presenter's process)."""
        self._store(code, snapshot)

    def _store(self, code: str, change: dict[str, Any]) -> None:
        with self._cond:
            revision, whole = self._latest.get(code, (0, None))
            whole = merge(whole, change)
            if whole is None:
                return  # a gap: wait for the next complete snapshot
            self._latest[code] = (revision + 1, whole)
            self._cond.notify_all()

    def latest(self, code: str) -> tuple[int, dict[str, Any] | None]:
        """(revision, whole picture) after the newest snapshot seen here; (0, None) if none."""
        with self._cond:
            return self._latest.get(code, (0, None))

    def wait(self, code: str, seen: int, timeout: float) -> int:
        """Block until a snapshot newer than `seen` arrives or `timeout` passes; its revision."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._latest.get(code, (0, None))[0] <= seen:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return self._latest.get(code, (0, None))[0]

    def wake(self) -> None:
        """Wake every waiter (a viewer joined, or shutting down)."""
        with self._cond:
            self._cond.notify_all()

    # ----- room directory ------------------------------------------------------------

    def announce(self, code: str) -> None:
        """The room exists (its presenter's process says so, and keeps saying so)."""
        with self._cond:
            self._rooms.add(code)

    def withdraw(self, code: str) -> None:
        """The room closed: no one can join; its last snapshot stays until `forget`."""
        with self._cond:
            self._rooms.discard(code)
            self._counts.pop(code, None)
            self._answers.pop(code, None)
            self._cond.notify_all()

    def forget(self, code: str) -> None:
        """Drop a closed room's last snapshot (its last student has left)."""
        with self._cond:
            if code not in self._rooms:
                self._latest.pop(code, None)

    def exists(self, code: str) -> bool:
        """True while the room is open somewhere."""
        with self._cond:
            return code in self._rooms

    def taken(self) -> set[str]:
        """Codes in use (to avoid handing one out twice)."""
        with self._cond:
            return set(self._rooms)

    # ----- viewers and answers ----------------------------------------------------------

    def report_viewers(self, code: str, count: int) -> None:
        """This process has `count` students in the room."""
        with self._cond:
            self._counts[code][self.host] = (count, time.monotonic())

    def viewers(self, code: str) -> int:
        """Students in the room over every process (fresh reports only)."""
        now = time.monotonic()
        with self._cond:
            return sum(n for n, at in self._counts.get(code, {}).values() if now - at < COUNT_TTL)

    def submit_answer(self, code: str, answer: dict[str, Any]) -> None:
        """A student's poll answer, for the presenter's process to apply."""
        with self._cond:
            if code in self._rooms:
                self._answers[code].append(answer)

    def drain_answers(self, code: str) -> list[dict[str, Any]]:
        """Answers submitted since the last call."""
        with self._cond:
            answers = self._answers.pop(code, [])
        return answers

    def close(self) -> None:
        """Release resources (connections, threads)."""
        self.wake()


class MemoryHub(Hub):
    """A hub for one process: everything stays in memory."""
