"""Sessions by id and by connection, with a grace period for reconnects.

Ids are random and unguessable (`secrets.token_urlsafe`). They are looked up by
their SHA-256 digest and then compared in constant time, so lookup time says
nothing about how much of a guess was right. A session whose client left is kept
for `grace_seconds` (its run paused), then freed by the reaper.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from .session import Session

#: How long a session waits for its client to come back.
GRACE_SECONDS = 120.0
#: Most sessions one process holds; more connections are refused.
MAX_SESSIONS = 500
#: Longest session id accepted from a client.
MAX_ID_LENGTH = 128


class RegistryFull(Exception):
    """No room for another session."""


def _key(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).digest()


class SessionRegistry:
    """All sessions of one app; thread safe."""

    def __init__(self, spawn: Callable[..., Any], grace_seconds: float = GRACE_SECONDS,
                 max_sessions: int = MAX_SESSIONS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._spawn = spawn
        self.grace_seconds = grace_seconds
        self.max_sessions = max_sessions
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[bytes, Session] = {}
        self._by_sid: dict[str, tuple[Session, Any]] = {}
        self._reaper_stop: threading.Event | None = None

    def __len__(self) -> int:
        return len(self._sessions)

    def open(self, wanted: Any) -> tuple[Session, bool]:
        """The session with id `wanted` if it is alive (resumed True), else a new one."""
        with self._lock:
            if isinstance(wanted, str) and 0 < len(wanted) <= MAX_ID_LENGTH:
                found = self._sessions.get(_key(wanted))
                if found is not None and hmac.compare_digest(found.id.encode(), wanted.encode()):
                    return found, True
            if len(self._sessions) >= self.max_sessions:
                raise RegistryFull("server full")
            session = Session(secrets.token_urlsafe(32), self._spawn, clock=self._clock)
            self._sessions[_key(session.id)] = session
            return session, False

    def bind(self, sid: str, session: Session, stream: Any) -> None:
        """Connection `sid` drives `session` and receives its frames through `stream`."""
        with self._lock:
            self._by_sid[sid] = (session, stream)

    def for_sid(self, sid: str) -> tuple[Session, Any] | None:
        """(session, stream) of connection `sid`, if any."""
        return self._by_sid.get(sid)

    def connections(self) -> list[tuple[str, Session, Any]]:
        """(sid, session, stream) of every connection (a snapshot)."""
        with self._lock:
            return [(sid, session, stream) for sid, (session, stream) in self._by_sid.items()]

    def unbind(self, sid: str) -> tuple[Session, Any] | None:
        """Connection `sid` closed: forget it; returns its (session, stream)."""
        with self._lock:
            return self._by_sid.pop(sid, None)

    def reap(self) -> int:
        """Free sessions left without a client for longer than the grace period."""
        now = self._clock()
        with self._lock:
            expired = [
                key for key, s in self._sessions.items()
                if s.detached_at is not None and now - s.detached_at > self.grace_seconds
            ]
            freed = [self._sessions.pop(key) for key in expired]
        for session in freed:
            session.close()
        return len(freed)

    def start_reaper(self) -> None:
        """Reap in a background task until `shutdown` (idempotent)."""
        with self._lock:
            if self._reaper_stop is not None:
                return
            self._reaper_stop = stop = threading.Event()
        interval = max(0.05, min(5.0, self.grace_seconds / 4))

        def loop() -> None:
            while not stop.wait(interval):
                self.reap()

        self._spawn(loop)

    def shutdown(self) -> None:
        """Stop the reaper and every run."""
        with self._lock:
            if self._reaper_stop is not None:
                self._reaper_stop.set()
            sessions = list(self._sessions.values())
            self._sessions.clear()
            self._by_sid.clear()
        for session in sessions:
            session.close()
