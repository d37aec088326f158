"""Nothing lost: the app's sessions and rooms saved to SQLite, and rooms back after a restart.

Sessions are saved by their registry (`app.sessions.registry`); this module picks
the database (config `DATABASE`: a path, or None/"" for none; by default
`sessions.sqlite3` in the instance folder, except under TESTING), saves the
rooms with the sessions (code, presenter token, controls, polls and every
answer), and reopens the rooms that were open when the server stopped, so that
students' pages reconnect to them by themselves.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path
from typing import Any

from flask import Flask

from app.rooms.polls import Poll
from app.sessions.store import Store

log = logging.getLogger(__name__)

DATABASE_NAME = "sessions.sqlite3"


def database_path(app: Flask) -> Path | None:
    """Where the app keeps its sessions, or None when it keeps none."""
    if "DATABASE" not in app.config:
        return None if app.testing else Path(app.instance_path) / DATABASE_NAME
    path = app.config["DATABASE"]
    return Path(path) if path else None


def install(app: Flask) -> Store | None:
    """Give the app's registry a store, save rooms with it, reopen saved rooms."""
    path = database_path(app)
    if path is None:
        return None
    store = Store(path)
    registry = app.extensions["backprop_sessions"]
    classroom = app.extensions["backprop_classroom"]
    registry.store = store
    registry.save_interval = float(app.config.get("SAVE_INTERVAL", registry.save_interval))
    if store.check():
        store.prune()
        restore_rooms(store, registry, classroom)
    registry.savers.append(RoomSaver(store, classroom))
    app.extensions["backprop_store"] = store
    return store


def room_record(room: Any) -> dict[str, Any]:
    """A room as JSON: enough to reopen it under the same code and token."""
    with room.lock:
        return {
            "code": room.code, "token": room.token, "session": room.session.id,
            "hide_controls": room.hide_controls,
            "polls": [dataclasses.asdict(poll) for poll in room.polls],
        }


def restore_rooms(store: Store, registry: Any, classroom: Any) -> int:
    """Reopen the rooms that were open, with their presenters' sessions; how many."""
    count = 0
    for code, session_id, record in store.open_rooms():
        session = registry.lookup(session_id)
        if session is None:
            continue
        try:
            polls = [Poll(**poll) for poll in record.get("polls", [])]
            classroom.rooms.restore(code, record["token"], session,
                                    bool(record.get("hide_controls")), polls)
        except (KeyError, TypeError, ValueError) as error:
            log.warning("room %s not restored: %s", code, error)
            continue
        count += 1
    return count


class RoomSaver:
    """Saves every room whose record changed; a room that went away is saved as closed."""

    def __init__(self, store: Store, classroom: Any) -> None:
        self.store = store
        self.classroom = classroom
        self._saved: dict[str, str] = {}  # code -> last record saved (JSON)
        self._records: dict[str, tuple[str, dict[str, Any]]] = {}

    def __call__(self) -> None:
        rows, texts = [], {}
        present = set()
        for room in self.classroom.rooms.all():
            record = room_record(room)
            text = json.dumps(record, sort_keys=True)
            present.add(room.code)
            is_open = not room.closed
            if self._saved.get(room.code) != f"{is_open}{text}":
                rows.append((room.code, room.session.id, record, is_open))
                texts[room.code] = f"{is_open}{text}"
            self._records[room.code] = (room.session.id, record)
        for code in list(self._records):
            if code not in present:  # closed and forgotten by the registry
                session_id, record = self._records.pop(code)
                rows.append((code, session_id, record, False))
                texts[code] = None
        if rows and self.store.save_rooms(rows):
            for code, text in texts.items():
                if text is None:
                    self._saved.pop(code, None)
                else:
                    self._saved[code] = text
