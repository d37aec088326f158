"""A room's people: the presenter's presence and what degrades the room's broadcast.

The part of `Room` (`room.py`) that says how the room is: whether the
presenter's page is there (its connection open, and answering the status the
broadcaster sends it at least every `PROBE_EVERY` seconds: a dropped Wi-Fi shows
as "presenter offline" within `PROBE_TIMEOUT` seconds, a closed connection after
`DETACH_GRACE`, so that a reload does not flicker), the key that signs students'
viewer ids, and what the presenter is warned about.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import TYPE_CHECKING

from app.sessions.health import Health

from .hub import Hub
from .roster import Roster

if TYPE_CHECKING:
    from app.sessions import Session

#: The presenter hears the room's status at least this often (and acknowledges it); an
#: acknowledgement overdue by PROBE_TIMEOUT, or a connection closed for DETACH_GRACE
#: seconds, shows the presenter offline.
PROBE_EVERY, PROBE_TIMEOUT, DETACH_GRACE = 1.0, 3.0, 1.0


class RoomPresence:
    """Presence and warnings (a part of `Room`, which sets these attributes)."""

    code: str
    token: str
    session: Session
    hub: Hub
    health: Health
    lock: threading.Lock
    revision: int
    roster: Roster
    _online: bool
    _probe_since: float | None

    @property
    def viewer_key(self) -> str:
        """The key that signs students' viewer ids (derived from the presenter token, so it
        survives a restart; it travels in snapshots to the other processes, never to pages)."""
        return hashlib.sha256(b"backprop-xor viewer ids:" + self.token.encode()).hexdigest()

    def probing(self) -> None:
        """A status asking for the presenter's acknowledgement went out."""
        if self._probe_since is None:
            self._probe_since = time.monotonic()

    def heard_presenter(self) -> None:
        """The presenter's page acknowledged a status: it is there."""
        self._probe_since = None

    def presenter_online(self) -> bool:
        """The presenter's page is connected and answering."""
        now = time.monotonic()
        left = self.session.detached_at
        if self.session.sid is None and left is not None and now - left > DETACH_GRACE:
            return False
        since = self._probe_since
        return since is None or now - since < PROBE_TIMEOUT

    def _watch_presenter(self) -> None:
        online = self.presenter_online()
        if online != self._online:
            with self.lock:
                self._online = online
                self.revision += 1

    def broadcast_problems(self) -> list[str]:
        """Why students may not be seeing the room as it is (empty when all is well)."""
        problems = []
        if not self.hub.link_up:
            problems.append("link to other servers lost: reconnecting; students on other "
                            "servers see the room as it was")
        mine = (f"room {self.code}", f"fan-out {self.code}", "redis listener")
        problems += [f"{p['part']}: {p['error']}" for p in self.health.degraded()
                     if p["part"] in mine]
        return problems + self.roster.problems()
