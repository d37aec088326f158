"""Sessions and rooms kept on disk: an embedded SQLite database (stdlib sqlite3).

A session is stored as its export (`Session.export()`: settings, weights,
momentum, history, marks, speed) plus whether it was running; a room as its
code, presenter token, presenter session and polls with their answers. The
server saves what changed every few seconds and everything on shutdown, and
looks a session up here when a client presents an id it does not hold.

Disk trouble (full, read-only, missing folder, a locked or corrupt file) never
stops the server: each failing call logs one clear warning (once until saving
works again, then an info line), returns nothing, and the next call tries again.
The file holds session ids and presenter tokens, so it is created readable by
its owner only (0600), like the secret key beside it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: Stored sessions and rooms untouched for this long are deleted.
RETENTION_SECONDS = 7 * 24 * 3600

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    running INTEGER NOT NULL,
    saved_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    record TEXT NOT NULL,
    open INTEGER NOT NULL,
    saved_at REAL NOT NULL
);
"""


def encode(record: dict[str, Any]) -> str:
    """A record as strict JSON text; ValueError (or TypeError) if it holds NaN, ±inf or
    anything else JSON cannot hold."""
    return json.dumps(record, allow_nan=False)


class Store:
    """One SQLite file; every method is thread safe and never raises for disk trouble."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self.failing: str | None = None  # the last error while it lasts

    # ----- the connection -------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            db = sqlite3.connect(self.path, timeout=5.0, check_same_thread=False,
                                 isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.executescript(SCHEMA)
            except BaseException:
                db.close()
                raise
            self._db = db
        return self._db

    def _failed(self, doing: str, error: BaseException) -> None:
        message = f"{type(error).__name__}: {error}"
        if self.failing != message:
            log.warning("database %s: cannot %s (%s); the server keeps serving, but runs "
                        "are not being saved", self.path, doing, message)
        self.failing = message
        if self._db is not None:  # start afresh next time (the file may have come back)
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def _ok(self) -> None:
        if self.failing is not None:
            log.info("database %s: saving again", self.path)
        self.failing = None

    def check(self) -> bool:
        """Open (creating if needed) the database now; False (and a warning) if it cannot."""
        with self._lock:
            try:
                self._connect()
            except (sqlite3.Error, OSError) as error:
                self._failed("open it", error)
                return False
            return True

    def close(self) -> None:
        """Close the file (reopened on next use)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # ----- sessions -----------------------------------------------------------------------------

    def save_sessions(self, rows: Iterable[tuple[str, str | dict[str, Any], bool]]) -> bool:
        """Write (id, exported state, running) rows in one transaction; False if it failed.

        A state is its JSON text (`encode`), or a dict encoded here (ValueError if it
        holds NaN or something JSON cannot hold: the registry encodes each session on
        its own first, so one bad session never stops the others being saved).
        """
        now = time.time()
        data = [(sid, state if isinstance(state, str) else encode(state), int(running), now)
                for sid, state, running in rows]
        if not data:
            return True
        return self._write("save sessions", "INSERT OR REPLACE INTO sessions "
                           "(id, state, running, saved_at) VALUES (?, ?, ?, ?)", data)

    def load_session(self, session_id: str) -> tuple[dict[str, Any], bool] | None:
        """(exported state, was running) of a stored session, or None."""
        row = self._read("load a session", "SELECT state, running FROM sessions WHERE id = ?",
                         (session_id,))
        if not row:
            return None
        try:
            return json.loads(row[0][0]), bool(row[0][1])
        except ValueError as error:
            log.warning("database %s: session record unreadable (%s)", self.path, error)
            return None

    # ----- rooms ----------------------------------------------------------------------------------

    def save_rooms(self, rows: Iterable[tuple[str, str, dict[str, Any], bool]]) -> bool:
        """Write (code, presenter session id, record, open) rows; False if it failed."""
        now = time.time()
        data = [(code, sid, encode(record), int(is_open), now)
                for code, sid, record, is_open in rows]
        if not data:
            return True
        return self._write("save rooms", "INSERT OR REPLACE INTO rooms "
                           "(code, session_id, record, open, saved_at) VALUES (?, ?, ?, ?, ?)",
                           data)

    def open_rooms(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(code, presenter session id, record) of every room that was open."""
        rows = self._read("load rooms", "SELECT code, session_id, record FROM rooms "
                          "WHERE open = 1", ())
        rooms = []
        for code, sid, record in rows:
            try:
                rooms.append((code, sid, json.loads(record)))
            except ValueError as error:
                log.warning("database %s: room %s unreadable (%s)", self.path, code, error)
        return rooms

    def room_record(self, code: str) -> dict[str, Any] | None:
        """The stored record of a room (open or closed), or None."""
        rows = self._read("load a room", "SELECT record FROM rooms WHERE code = ?", (code,))
        return json.loads(rows[0][0]) if rows else None

    # ----- housekeeping -----------------------------------------------------------------------

    def prune(self, older_than: float = RETENTION_SECONDS) -> None:
        """Delete sessions and rooms not saved for `older_than` seconds."""
        cutoff = time.time() - older_than
        self._write("prune", "DELETE FROM sessions WHERE saved_at < ?", [(cutoff,)])
        self._write("prune", "DELETE FROM rooms WHERE saved_at < ?", [(cutoff,)])

    def _write(self, doing: str, sql: str, rows: list[tuple[Any, ...]]) -> bool:
        with self._lock:
            try:
                db = self._connect()
                db.execute("BEGIN IMMEDIATE")
                try:
                    db.executemany(sql, rows)
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
            except (sqlite3.Error, OSError) as error:
                self._failed(doing, error)
                return False
            self._ok()
            return True

    def _read(self, doing: str, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._connect().execute(sql, args).fetchall()
            except (sqlite3.Error, OSError) as error:
                self._failed(doing, error)
                return []
