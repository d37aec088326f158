"""The rooms whose presenters are in this process: opened, found, restored, closed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.sessions.health import Health

from .codes import new_code
from .hub import Hub
from .polls import Poll
from .room import Room

if TYPE_CHECKING:
    from app.sessions import Session


class RoomRegistry:
    """The rooms whose presenters are in this process; thread safe."""

    def __init__(self, hub: Hub, spawn: Callable[..., Any], encode: Callable[[Any], Any],
                 on_status: Callable[[Room], None], grace_seconds: float = 120.0,
                 health: Health | None = None) -> None:
        self.hub = hub
        self.health = health or Health()
        self.grace_seconds = grace_seconds
        self._spawn = spawn
        self._encode = encode
        self._on_status = on_status
        self._lock = threading.Lock()
        self._rooms: dict[str, Room] = {}
        self._by_session: dict[str, Room] = {}

    def open(self, session: Session) -> Room:
        """The room showing `session` (a new one unless it has one already)."""
        with self._lock:
            room = self._by_session.get(session.id)
            if room is not None and not room.closed:
                return room
            code = new_code(self._rooms.keys() | self.hub.taken())
            room = Room(code, session, self.hub, self._encode, self._on_status,
                        self.grace_seconds, self.health)
            self._rooms[code] = room
            self._by_session[session.id] = room
        room.start(self._spawn)
        return room

    def get(self, code: str) -> Room | None:
        """The local room with this code, if any."""
        return self._rooms.get(code)

    def all(self) -> list[Room]:
        """Every local room (a snapshot)."""
        with self._lock:
            return list(self._rooms.values())

    def restore(self, code: str, token: str, session: Session, hide_controls: bool,
                polls: list[Poll]) -> Room:
        """A room saved before a restart, back under its code and presenter token."""
        with self._lock:
            room = Room(code, session, self.hub, self._encode, self._on_status,
                        self.grace_seconds, self.health)
            room.token = token
            room.hide_controls = hide_controls
            room.polls = polls
            self._rooms[code] = room
            self._by_session[session.id] = room
        room.start(self._spawn)
        return room

    def for_session(self, session_id: str) -> Room | None:
        """The open room of a session, if any."""
        room = self._by_session.get(session_id)
        return room if room is not None and not room.closed else None

    def close(self, code: str) -> None:
        """Close a room."""
        with self._lock:
            room = self._rooms.pop(code, None)
            if room is not None:
                self._by_session.pop(room.session.id, None)
        if room is not None:
            room.close()

    def shutdown(self) -> None:
        """Close every room."""
        for code in list(self._rooms):
            self.close(code)
