"""Fan-out: a room's snapshots to this process's students, with per-student backpressure.

One loop per room per process. When a new snapshot arrives (at most about 30 a
second), every student whose connection has nothing left unsent gets the newest
view; a student whose device stalls (its connection's queue not drained) is
skipped, so nothing piles up for it and nobody else waits. Once it drains, it
gets everything it missed in one message: the newest frame and the curve since
its last one. Students with the same view share one encoded message.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.sessions.health import Health

from .hub import Hub
from .view import Have, student_view

#: Shortest time between two frames to the room's students (about 30 per second).
MIN_INTERVAL = 1 / 30
#: How often a stalled student is looked at again, and viewer counts reported.
RETRY = 0.005
#: How long the loop sleeps when every student is up to date (a new snapshot wakes it).
IDLE = 0.5
REPORT_EVERY = 1.0
#: After a failed round the loop waits this long (a broken link is not hammered).
RETRY_AFTER_FAILURE = 0.25

Send = Callable[[dict[str, Any], list[str]], None]


@dataclass
class Viewer:
    """One student's connection in a room."""

    sid: str
    viewer_id: str
    name: str = ""
    have: Have = field(default_factory=Have)
    revision: int = 0


class Fanout:
    """This process's students of one room, and the loop that feeds them."""

    def __init__(self, code: str, hub: Hub, send: Send, ready: Callable[[str], bool],
                 spawn: Callable[..., Any], min_interval: float = MIN_INTERVAL,
                 health: Health | None = None) -> None:
        self.code = code
        self.health = health or Health()
        self._hub = hub
        self._send = send
        self._ready = ready
        self._spawn = spawn
        self._interval = min_interval
        self._lock = threading.Lock()
        self.viewers: dict[str, Viewer] = {}
        self._stop = threading.Event()
        self._started = False

    def add(self, viewer: Viewer) -> None:
        """A student joined: they get the current state at once."""
        with self._lock:
            self.viewers[viewer.sid] = viewer
            start = not self._started
            self._started = True
        if start:
            self._spawn(self._loop)
        self._report()
        self._hub.wake()

    def remove(self, sid: str) -> Viewer | None:
        """A student left (or forked). The last student of a closed room ends the fan-out."""
        with self._lock:
            viewer = self.viewers.pop(sid, None)
            empty = not self.viewers
        self._report()
        if empty and not self._exists():
            self.stop()
            self._hub.forget(self.code)
        return viewer

    def _report(self) -> None:
        """Tell the hub how many students are here (the loop retries every second anyway)."""
        self.health.attempt(f"fan-out {self.code}",
                            lambda: self._hub.report_viewers(self.code, len(self.viewers)),
                            "counting students")

    def _exists(self) -> bool:
        """Whether the room is still open; True when the hub cannot say (its link is down)."""
        try:
            return self._hub.exists(self.code)
        except Exception:  # the link is down: keep the fan-out, the room may well be open
            return True

    @property
    def stopped(self) -> bool:
        """True once the fan-out has ended (a new student needs a new one)."""
        return self._stop.is_set()

    def stop(self) -> None:
        """End the loop (the room closed or the server stops)."""
        self._stop.set()
        self._hub.wake()

    def room_meta(self, snapshot: dict[str, Any]) -> dict[str, Any]:
        """The room part of a student's frame."""
        return snapshot.get("room", {"code": self.code})

    def _loop(self) -> None:
        """Feed the students until stopped; a failing round (a send that raised, the hub's
        link down) is reported once (`health`, part "fan-out CODE") and the loop goes on."""
        part = f"fan-out {self.code}"
        state = {"last_send": float("-inf"), "last_report": 0.0}
        while not self._stop.is_set():
            if not self.health.attempt(part, lambda: self._round(state), "sending to students"):
                self._stop.wait(RETRY_AFTER_FAILURE)
        self.health.forget(part)

    def _round(self, state: dict[str, float]) -> None:
        hub, code = self._hub, self.code
        now = time.monotonic()
        if now - state["last_report"] > REPORT_EVERY:
            state["last_report"] = now  # before the report: a failing one is not retried at once
            hub.report_viewers(code, len(self.viewers))
        with self._lock:
            behind = list(self.viewers.values())
        newest = hub.latest(code)[0]
        lagging = [v for v in behind if v.revision < newest]
        if not lagging:
            hub.wait(code, newest, IDLE)
            return
        wait = state["last_send"] + self._interval - time.monotonic()
        if wait > 0 and all(v.revision > 0 for v in lagging):
            self._stop.wait(wait)
            return
        revision, snapshot = hub.latest(code)
        if snapshot is None:
            hub.wait(code, 0, IDLE)
            return
        groups: dict[Have, list[Viewer]] = {}
        for viewer in lagging:
            if self._ready(viewer.sid):
                groups.setdefault(viewer.have, []).append(viewer)
        meta = self.room_meta(snapshot)
        for have, members in groups.items():
            payload, after = student_view(snapshot, have, meta)
            self._send(payload, [v.sid for v in members])
            for viewer in members:
                viewer.have, viewer.revision = after, revision
        state["last_send"] = time.monotonic()
        if len(groups) < len(lagging):  # some stalled: look again soon, not at once
            self._stop.wait(RETRY)
