"""Fan-out: a room's snapshots to this process's students, with per-student backpressure.

One loop per room per process. When a new snapshot arrives (at most about 30 a
second), every student whose connection has nothing left unsent gets the newest
view; a student whose device stalls (its connection's queue not drained) is
skipped, so nothing piles up for it and nobody else waits. Once it drains, it
gets everything it missed in one message: the newest frame and the curve since
its last one. Students with the same view share one encoded message.

A student exploring a fork of the room is still in it: their tab keeps a second,
light connection (`watch_only`) that gets only the room's own state (`room_meta`:
a poll opened, the room closed) when it changes, never frames. The fan-out also
reports its students to the room (`roster.py`): who, by name, and how their link
is (`live`, `behind` when their device has not read for `BEHIND_AFTER` seconds,
`fork`), and how many new students a cap of the room turned away here.
"""

from __future__ import annotations

import json
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
#: A student whose device has not taken a frame for this long is reported `behind`.
BEHIND_AFTER = 2.0

Send = Callable[[dict[str, Any], list[str]], None]


@dataclass
class Viewer:
    """One student's connection in a room."""

    sid: str
    viewer_id: str
    name: str = ""
    have: Have = field(default_factory=Have)
    revision: int = 0
    #: the client's address (students per address are capped per room)
    address: str = ""
    #: a forked student's light connection: the room's state only, no frames
    watch_only: bool = False
    #: since when frames wait for this student's device (None: up to date)
    behind_since: float | None = None
    #: the room state last sent to a watch-only connection
    meta_sent: str = ""


class Fanout:
    """This process's students of one room, and the loop that feeds them."""

    def __init__(self, code: str, hub: Hub, send: Send, ready: Callable[[str], bool],
                 spawn: Callable[..., Any], min_interval: float = MIN_INTERVAL,
                 health: Health | None = None, send_meta: Send | None = None) -> None:
        self.code = code
        self._send_meta = send_meta
        self.health = health or Health()
        self._hub = hub
        self._send = send
        self._ready = ready
        self._spawn = spawn
        self._interval = min_interval
        self._lock = threading.Lock()
        self.viewers: dict[str, Viewer] = {}
        #: cap -> [students turned away here, the cap's value] (`Classroom` refuses them)
        self.turned_away: dict[str, list[int]] = {}
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

    def touch(self) -> None:
        """A student's name changed: the room hears the roster now."""
        self._report()

    def turn_away(self, cap: str, most: int) -> None:
        """A new student was refused by `cap` (of value `most`): the presenter hears it now."""
        with self._lock:
            entry = self.turned_away.setdefault(cap, [0, most])
            entry[0], entry[1] = entry[0] + 1, most
        self._report()

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
        """Tell the hub how many students are here, and the room who they are (the loop
        reports again every second anyway)."""
        self.health.attempt(f"fan-out {self.code}", self._report_now, "counting students")

    def _report_now(self) -> None:
        with self._lock:
            viewers = list(self.viewers.values())
        self._hub.report_viewers(self.code, len(viewers))
        snapshot = self._hub.latest(self.code)[1]
        if snapshot is not None and snapshot.get("room", {}).get("closed"):
            return  # nobody reads rosters of a closed room
        now = time.monotonic()
        students = [{"id": v.viewer_id, "name": v.name,
                     "link": "fork" if v.watch_only else "behind"
                     if v.behind_since is not None and now - v.behind_since > BEHIND_AFTER
                     else "live"} for v in viewers]
        problems = [f"{p['part']}: {p['error']}" for p in self.health.degraded()
                    if p["part"] == f"fan-out {self.code}"]
        with self._lock:
            turned_away = {cap: list(entry) for cap, entry in self.turned_away.items()}
        self._hub.submit_answer(self.code, {"kind": "roster", "host": self._hub.host,
                                            "students": students, "problems": problems,
                                            "turned_away": turned_away})

    def count(self, address: str) -> int:
        """Students here connected from `address`."""
        with self._lock:
            return sum(1 for v in self.viewers.values() if v.address == address)

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
            self._report_now()
        with self._lock:
            behind = [v for v in self.viewers.values() if not v.watch_only]
            watching = [v for v in self.viewers.values() if v.watch_only]
        newest = hub.latest(code)[0]
        if watching:
            self._tell_watchers(watching)
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
            elif viewer.behind_since is None:
                viewer.behind_since = now
        meta = self.room_meta(snapshot)
        for have, members in groups.items():
            payload, after = student_view(snapshot, have, meta)
            self._send(payload, [v.sid for v in members])
            for viewer in members:
                viewer.have, viewer.revision, viewer.behind_since = after, revision, None
        state["last_send"] = time.monotonic()
        if len(groups) < len(lagging):  # some stalled: look again soon, not at once
            self._stop.wait(RETRY)

    def _tell_watchers(self, watching: list[Viewer]) -> None:
        """Forked students' light connections: the room's state when it changed."""
        revision, snapshot = self._hub.latest(self.code)
        if snapshot is None or self._send_meta is None:
            return
        meta = self.room_meta(snapshot)
        key = json.dumps(meta, sort_keys=True, default=str)
        due = [v for v in watching if v.meta_sent != key and self._ready(v.sid)]
        if due:
            self._send_meta({"room": meta}, [v.sid for v in due])
        for viewer in watching:
            if viewer in due or viewer.meta_sent == key:
                viewer.meta_sent, viewer.revision = key, revision
