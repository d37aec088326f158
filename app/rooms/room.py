"""Rooms on the presenter's side: a session shown to a class, its polls and its snapshots.

A `Room` belongs to the process of its presenter's session. Its broadcaster
publishes a snapshot to the hub whenever the session or the room changed (at
most about 30 a second), applies students' poll answers, reveals a poll's answer
once the presenter takes the next step, and tells the presenter's page how many
students follow and how they answer.
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
from .polls import Poll, open_poll, polls_csv
from .snapshot import session_snapshot

if TYPE_CHECKING:
    from app.sessions import Session

#: Shortest time between two snapshots (about 30 per second), and how often to look.
MIN_INTERVAL = 1 / 30
TICK = 1 / 120
#: How often the presenter hears the room's status (students, answers) at most.
STATUS_INTERVAL = 0.2
#: Every this many snapshots one carries everything (the whole curve, marks, surface).
FULL_EVERY = 60
#: Most polls kept per room (the oldest go first).
MAX_POLLS = 200
#: After a failed tick the broadcaster waits this long; a closing room retries its last
#: snapshot this many times.
RETRY, CLOSING_TRIES = 0.25, 20


class Room:
    """One class following one presenter's session."""

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

    @property
    def poll(self) -> Poll | None:
        """The poll on screen (the newest one unless closed)."""
        if self.polls and not self.polls[-1].closed:
            return self.polls[-1]
        return None

    def open_poll(self, kind: Any, question: Any = None, target: Any = None,
                  unit: Any = "pattern") -> Poll:
        """Ask the room; the answer is worked out now on a clone of the trainer."""
        with self.session.lock:
            poll = open_poll(self.session.trainer, kind, question, target, unit)
        with self.lock:
            if self.poll is not None:
                self.poll.closed = True
            self.polls.append(poll)
            del self.polls[:-MAX_POLLS]
            self.revision += 1
        return poll

    def reveal(self) -> None:
        """Show the current poll's answer to everyone now."""
        with self.lock:
            if self.poll is None:
                raise FieldError("poll", "poll: no poll is open")
            self.poll.revealed = True
            self.revision += 1

    def close_poll(self) -> None:
        """Take the current poll off the screens (its answers are kept)."""
        with self.lock:
            if self.poll is not None:
                self.poll.closed = True
                self.revision += 1

    def answers_csv(self) -> str:
        """Every poll's answers as CSV."""
        with self.lock:
            return polls_csv(self.code, list(self.polls))

    # ----- what students and the presenter see ---------------------------------------------

    def meta(self, for_presenter: bool = False) -> dict[str, Any]:
        """The room's own state: code, students, controls shown, the poll."""
        poll = self.poll
        return {
            "code": self.code,
            "viewers": self.hub.viewers(self.code),
            "hide_controls": self.hide_controls,
            "poll": None if poll is None else poll.public(for_presenter),
            "closed": self.closed,
        }

    def _apply_answers(self) -> bool:
        changed = False
        for answer in self.hub.drain_answers(self.code):
            with self.lock:
                for poll in reversed(self.polls):
                    if poll.id == answer.get("poll"):
                        try:
                            poll.answer(str(answer.get("viewer")), str(answer.get("name", "")),
                                        answer.get("choice"))
                            changed = True
                        except ValueError:
                            pass  # late or malformed: the student's page was told already
                        break
        return changed

    def _presenter_gone(self) -> bool:
        """The presenter's tab has been away for longer than its session's grace period."""
        left = self.session.detached_at
        return left is not None and time.monotonic() - left > self.grace_seconds

    def _reveal_after_step(self) -> bool:
        poll = self.poll
        if poll is not None and not poll.revealed \
                and self.session.trainer.steps != poll.opened_step:
            with self.lock:
                poll.revealed = True
                self.revision += 1
            return True
        return False

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
        self._reveal_after_step()
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
            if status != state.status_seen:
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
