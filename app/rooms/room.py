"""Rooms on the presenter's side: a session shown to a class, its polls and its snapshots.

A `Room` belongs to the process of its presenter's session. Its broadcaster
publishes a snapshot to the hub whenever the session or the room changed (at
most about 30 a second), applies students' poll answers and the processes'
reports of who is connected (`roster.py`), follows the open poll's network
(`question.py`: revealed when its step is complete, cancelled when the network
changes first), and tells the presenter's page, at least every second, how many
students follow, how their links are and how they answer. That status asks the
presenter's page for an acknowledgement: a presenter whose page stops answering
(a dropped Wi-Fi) is shown to the students as offline within `PROBE_TIMEOUT`
seconds, as is one whose connection closed (after `DETACH_GRACE`, so a reload
does not flicker).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.engine.errors import FieldError
from app.sessions import Delivery
from app.sessions.health import Health

from .hub import Hub
from .polls import Poll
from .presence import PROBE_EVERY, RoomPresence
from .room_polls import MAX_POLLS, RoomPolls
from .roster import Roster
from .snapshot import session_snapshot

if TYPE_CHECKING:
    from app.sessions import Session

__all__ = ["MAX_POLLS", "Room"]

#: Shortest time between two snapshots (about 30 per second), and how often to look.
MIN_INTERVAL = 1 / 30
TICK = 1 / 120
#: How often the presenter hears the room's status (students, answers) at most.
STATUS_INTERVAL = 0.2
#: Every this many snapshots one carries everything (the whole curve, marks, surface).
FULL_EVERY = 60
#: After a failed tick the broadcaster waits this long; a closing room retries its last
#: snapshot this many times.
RETRY, CLOSING_TRIES = 0.25, 20


class Room(RoomPolls, RoomPresence):
    """One class following one presenter's session (its polls in `room_polls.py`, its
    people in `presence.py`)."""

    def __init__(self, code: str, session: Session, hub: Hub,
                 encode: Callable[[Any], Any], on_status: Callable[[Room], None],
                 grace_seconds: float = 120.0, health: Health | None = None) -> None:
        self.code = code
        self.health = health or Health()
        self.grace_seconds = grace_seconds
        self.token = secrets.token_urlsafe(32)
        self.session = session
        self.hub = hub
        self._encode = encode
        self._on_status = on_status
        self.lock = threading.Lock()
        self.hide_controls = False
        self.polls: list[Poll] = []
        self.revision = 0
        self.closed = False
        self._stop = threading.Event()
        self._delivery = Delivery()
        self.snapshots = 0
        self.roster = Roster()
        self._roster_seen: Any = None
        self._poll_seen = -1  # the session revision the open poll was last checked at
        self._online = True
        self._probe_since: float | None = None  # an unacknowledged status went out then

    # ----- presenter's commands (the web layer checks the token first) ---------------

    def check_token(self, token: Any) -> bool:
        """True when `token` is this room's presenter token (constant-time)."""
        return isinstance(token, str) and hmac.compare_digest(
            token.encode("utf-8", "surrogatepass"), self.token.encode()
        )

    def set_hide_controls(self, hide: Any) -> None:
        """Hide (or show) the controls on the students' screens."""
        if not isinstance(hide, bool):
            raise FieldError("hide", "hide: need true or false")
        with self.lock:
            self.hide_controls = hide
            self.revision += 1

    # ----- what students and the presenter see ---------------------------------------------

    def meta(self, for_presenter: bool = False) -> dict[str, Any]:
        """The room's own state: code, students, controls shown, the poll, the presenter.

        For the presenter also each student's link (`students`), what degrades the
        room's broadcast (`broadcast`: messages, empty when all is well) and the new
        students a cap turned away (`turned_away`: [{cap, count, most}], empty if none).
        """
        present = self.roster.present()
        poll = self.poll
        data = {
            "code": self.code,
            "viewers": len(present),
            "hide_controls": self.hide_controls,
            "poll": None if poll is None else poll.public(for_presenter, present),
            "closed": self.closed,
            "presenter": "online" if self._online else "offline",
        }
        if for_presenter:
            data["students"] = self.roster.listing(set(poll.answers) if poll else None)
            data["broadcast"] = self.broadcast_problems()
            data["turned_away"] = self.roster.turned_away()
        return data

    def _presenter_gone(self) -> bool:
        """The presenter's tab has been away for longer than its session's grace period."""
        left = self.session.detached_at
        return left is not None and time.monotonic() - left > self.grace_seconds

    # ----- the broadcaster ------------------------------------------------------------------

    def start(self, spawn: Callable[..., Any]) -> None:
        """Announce the room and publish snapshots in a background task until `close`."""
        self.hub.announce(self.code)
        spawn(self._loop)

    def close(self) -> None:
        """End the room: students are told, snapshots stop."""
        with self.lock:
            self.closed = True
            self.revision += 1
        self._stop.set()

    def publish(self) -> None:
        """Publish what changed in the session and the room (everything, now and then)."""
        if self.snapshots % FULL_EVERY == 0:
            self._delivery = Delivery()  # a complete snapshot, for processes that lost one
        snapshot = session_snapshot(self.session, self._delivery)
        snapshot["room"] = self.meta()
        snapshot["viewer_key"] = self.viewer_key  # for the other processes, never sent on
        self.hub.publish(self.code, self._encode(snapshot))
        self.snapshots += 1

    def _loop(self) -> None:
        """Publish until closed. A failing tick (the hub's link down, a bug) is reported
        once (`health`, part "room CODE") and the loop goes on: a room never dies of it."""
        part = f"room {self.code}"
        state = _Broadcast()
        while not self._stop.wait(TICK):
            if self._presenter_gone():
                self.close()
                break
            if not self.health.attempt(part, lambda: self._tick(state), "publishing"):
                self._stop.wait(RETRY)  # do not spin on a broken link
        # the closing snapshot (students see the room ended), retried while the link is down
        for _ in range(CLOSING_TRIES):
            if self.health.attempt(part, self._close_out, "closing"):
                break
            time.sleep(RETRY)
        self.health.forget(part)

    def _close_out(self) -> None:
        self.publish()
        self.hub.withdraw(self.code)

    def _tick(self, state: _Broadcast) -> None:
        answered = self._apply_answers()
        self._follow_poll()
        self._watch_presenter()
        now = time.monotonic()
        if now - state.counted >= STATUS_INTERVAL:  # a count may cost a Redis round trip
            state.viewers, state.counted = self.hub.viewers(self.code), now
        current = (self.session.revision, self.revision, state.viewers, self.hub.epoch)
        if current != state.seen and now - state.last_publish >= MIN_INTERVAL:
            if current[3] != state.seen[3]:
                self._delivery = Delivery()  # the link came back: a complete snapshot
            self.publish()
            state.seen, state.last_publish = current, now
        if now - state.last_status >= STATUS_INTERVAL:
            poll = self.poll
            tally = None if poll is None else tuple(sorted(poll.tally().items()))
            status = (current[1:], answered, tally)
            if status != state.status_seen or now - state.last_status >= PROBE_EVERY:
                self._on_status(self)
                state.status_seen, state.last_status = status, now


class _Broadcast:
    """What a room's broadcaster remembers between ticks."""

    def __init__(self) -> None:
        self.seen: tuple = (-1, -1, -1, -1)
        self.last_publish = float("-inf")
        self.last_status = float("-inf")
        self.status_seen: Any = None
        self.viewers, self.counted = 0, float("-inf")
