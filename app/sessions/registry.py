"""Sessions by id and by connection, with a grace period for reconnects, kept on disk.

Ids are random and unguessable (`secrets.token_urlsafe`). They are looked up by
their SHA-256 digest and then compared in constant time, so lookup time says
nothing about how much of a guess was right. A session whose client left is kept
for `grace_seconds` (its run paused), then freed by the reaper.

With a `Store`, every session that changed is saved every `save_interval`
seconds, before it is freed, and on shutdown; an id not held in memory is looked
up in the store, so a client gets its run back after the grace period or a
restart (paused, running again once its client is back if it was running).

Limits: `max_sessions` per process and `max_per_address` per client address
(0: none); a new session past either raises RegistryFull naming the limit.
A client resuming its own session is never refused.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from .health import Health
from .schema import CommandError
from .session import Session
from .store import Store, encode

log = logging.getLogger(__name__)

#: How long a session waits for its client to come back.
GRACE_SECONDS = 120.0
#: Most sessions one process holds; more connections are refused.
MAX_SESSIONS = 500
#: Longest session id accepted from a client.
MAX_ID_LENGTH = 128
#: How often changed sessions are saved (seconds): a crash loses at most about this much.
SAVE_INTERVAL = 2.0
#: Longest a shutdown waits for a save or reap in progress in the background loop (s).
SHUTDOWN_WAIT = 5.0


class RegistryFull(Exception):
    """No room for another session; `field` names the limit (`sessions`, `address`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _key(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).digest()


def tag(session_id: str) -> str:
    """A short name for a session in logs and /healthz (never the id, which is a secret)."""
    return "session " + _key(session_id).hex()[:8]


class SessionRegistry:
    """All sessions of one app; thread safe."""

    def __init__(self, spawn: Callable[..., Any], grace_seconds: float = GRACE_SECONDS,
                 max_sessions: int = MAX_SESSIONS, max_per_address: int = 0,
                 store: Store | None = None, save_interval: float = SAVE_INTERVAL,
                 clock: Callable[[], float] = time.monotonic,
                 health: Health | None = None) -> None:
        self._spawn = spawn
        self.health = health or Health()
        self.grace_seconds = grace_seconds
        self.max_sessions = max_sessions
        self.max_per_address = max_per_address
        self.store = store
        self.save_interval = save_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[bytes, Session] = {}
        self._by_sid: dict[str, tuple[Session, Any]] = {}
        self._reaper_stop: threading.Event | None = None
        self._reaper_began = threading.Event()  # the reaper's loop runs (or ran)
        self._reaper_done = threading.Event()  # and has ended
        self._address: dict[bytes, str] = {}
        self._per_address: Counter[str] = Counter()
        self._saved: dict[bytes, int] = {}  # key -> revision last saved
        self._save_lock = threading.Lock()
        #: more things to save with the sessions (rooms): each called with no argument
        self.savers: list[Callable[[], None]] = []

    def __len__(self) -> int:
        return len(self._sessions)

    def open(self, wanted: Any, address: str | None = None) -> tuple[Session, bool]:
        """The session with id `wanted` if alive or stored (resumed True), else a new one.

        `address` (the client's) counts new sessions against `max_per_address`.
        """
        with self._lock:
            found = self._lookup(wanted)
            if found is not None:
                return found, True
            self._check_room(address)
            session = Session(secrets.token_urlsafe(32), self._spawn, clock=self._clock,
                              health=self.health)
            self._add(session, address)
            return session, False

    def lookup(self, wanted: Any) -> Session | None:
        """The session with id `wanted`, from memory or the store, or None."""
        with self._lock:
            return self._lookup(wanted)

    def _lookup(self, wanted: Any) -> Session | None:
        if not (isinstance(wanted, str) and 0 < len(wanted) <= MAX_ID_LENGTH):
            return None
        found = self._sessions.get(_key(wanted))
        if found is not None and hmac.compare_digest(
                found.id.encode("utf-8", "surrogatepass"),
                wanted.encode("utf-8", "surrogatepass")):
            return found
        return self._restore(wanted)

    def _check_room(self, address: str | None) -> None:
        if len(self._sessions) >= self.max_sessions:
            raise RegistryFull("sessions", f"server full: it holds its limit of "
                               f"{self.max_sessions} sessions (MAX_SESSIONS); try again later")
        if address is not None and 0 < self.max_per_address <= self._per_address[address]:
            raise RegistryFull("address", f"server full for your address: it holds "
                               f"{self.max_per_address} sessions (MAX_SESSIONS_PER_ADDRESS); "
                               "close some tabs, or wait two minutes after closing them")

    def _add(self, session: Session, address: str | None) -> None:
        key = _key(session.id)
        self._sessions[key] = session
        if address is not None:
            self._address[key] = address
            self._per_address[address] += 1

    def _forget(self, key: bytes) -> Session | None:
        session = self._sessions.pop(key, None)
        address = self._address.pop(key, None)
        if address is not None:
            self._per_address[address] -= 1
            if self._per_address[address] <= 0:
                del self._per_address[address]
        return session

    def _restore(self, wanted: str) -> Session | None:
        """The stored session `wanted`, paused (resuming when its client attaches), or None."""
        if self.store is None or len(self._sessions) >= self.max_sessions:
            return None
        stored = self.store.load_session(wanted)
        if stored is None:
            return None
        state, running = stored
        session = Session(wanted, self._spawn, clock=self._clock, health=self.health)
        try:
            session.import_state(state)
        except (CommandError, ValueError) as error:
            log.warning("stored %s not restored: %s", tag(wanted), error)
            return None
        if running and session.trainer.status != "diverged":
            session._resume = True  # runs again once its client is back, like after a blip
        self._add(session, None)
        self._saved[_key(wanted)] = session.revision
        return session

    def count(self, address: str) -> int:
        """Sessions held for `address`."""
        return self._per_address[address]

    def get(self, session_id: str) -> Session | None:
        """The session with this id if held in memory (no store lookup)."""
        found = self._sessions.get(_key(session_id))
        return found if found is not None and found.id == session_id else None

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
            freed = [self._sessions[key] for key in expired]
        if freed and self.store is not None:
            self.save(freed)  # a client may still come back for it, from the store
        with self._lock:
            for key in expired:
                self._forget(key)
                self._saved.pop(key, None)
        for session in freed:
            self.health.attempt("closing sessions", session.close)
            self.health.forget(f"saving {tag(session.id)}")
            self.health.forget(f"runs of {tag(session.id)}")
        return len(freed)

    # ----- saving -------------------------------------------------------------------------------

    def save(self, sessions: list[Session] | None = None, stop: bool = False) -> int:
        """Save the sessions (default: all held) that changed since last saved; how many.

        Each session is encoded on its own: one that cannot be (NaN where JSON has
        none, say) is reported (`health`, logged once) and skipped, and every other
        session is saved. `stop` also stops their runs (shutdown), saving them as
        running so that they run again when their clients come back. Never raises.
        """
        if self.store is None:
            return 0
        with self._save_lock:
            if sessions is None:
                with self._lock:
                    sessions = list(self._sessions.values())
            rows, revisions = [], []
            for session in sessions:
                ok = self.health.attempt(f"saving {tag(session.id)}",
                                         lambda s=session: self._row(s, stop, rows, revisions),
                                         "the session is skipped, the others are saved")
                if not ok and stop:
                    self.health.attempt("shutdown", session.close)
            if rows and self.store.save_sessions(rows):
                self._saved.update(revisions)
            for saver in self.savers:
                self.health.attempt(getattr(saver, "part", "saving rooms"), saver)
            return len(rows)

    def _row(self, session: Session, stop: bool, rows: list, revisions: list) -> None:
        """Add `session`'s row to `rows` if it changed since saved; raises if it cannot be."""
        with session.lock:
            running = session.running or session._resume
            if stop:
                session.close()
                session._resume = running
            key = _key(session.id)
            if self._saved.get(key) == session.revision:
                return
            text = encode(session.export())
            rows.append((session.id, text, running))
            revisions.append((key, session.revision))

    def start_reaper(self) -> None:
        """Reap and save in a background task until `shutdown` (idempotent)."""
        with self._lock:
            if self._reaper_stop is not None:
                return
            self._reaper_stop = stop = threading.Event()
        reap_every = max(0.05, min(5.0, self.grace_seconds / 4))
        interval = min(reap_every, self.save_interval) if self.store else reap_every

        def loop() -> None:
            self._reaper_began.set()
            try:
                reaped = saved = self._clock()
                while not stop.wait(interval):
                    now = self._clock()
                    if now - reaped >= reap_every:
                        reaped = now
                        self.health.attempt("reaper", self.reap, "sessions left alone are "
                                            "freed at the next try")
                    if self.store is not None and now - saved >= self.save_interval:
                        saved = now
                        self.health.attempt("saver", self.save, "retried every interval")
            finally:
                self._reaper_done.set()

        self._spawn(loop)

    def shutdown(self) -> None:
        """Stop the reaper, save every session (with a store), stop every run. Never raises."""
        with self._lock:
            if self._reaper_stop is not None:
                self._reaper_stop.set()
        if self._reaper_began.is_set():
            # a save the loop began before the stop ends first: the one below is the last,
            # so no later one records the rooms closed by a shutdown after this one
            self._reaper_done.wait(SHUTDOWN_WAIT)
        self.health.attempt("shutdown", lambda: self.save(stop=True))
        with self._lock:
            sessions = list(self._sessions.values())
            self._sessions.clear()
            self._by_sid.clear()
            self._address.clear()
            self._per_address.clear()
        for session in sessions:
            self.health.attempt("shutdown", session.close)
