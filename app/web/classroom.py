"""This process's part of the classroom: its rooms (as presenter) and fan-outs (to students).

`Classroom` is bound to one app (`app.extensions["backprop_classroom"]`); the
socket events and HTTP routes of `rooms.py` call it. It issues students their
identity (`app.rooms.identity`: a viewer id and its secret, checked on every
reconnect), applies the caps (`ROOM_MAX_STUDENTS` students a room, of them at most
`ROOM_STUDENTS_PER_ADDRESS` from one address: config keys, or the environment's
BACKPROP_XOR_ROOM_...; 0 for no limit; a class behind one NAT shares one address,
docs/deployment.md), checks answers against the poll on screen, makes forks, and
sends the presenter the room's status (acknowledged: the room's presence probe).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import Any

from flask import current_app

from app.rooms import Fanout, Hub, MemoryHub, Room, RoomRegistry, Viewer, normalize_code
from app.rooms.exports import clean_name
from app.rooms.identity import issue, verify
from app.rooms.payloads import Answer, Auth, Name
from app.sessions import Session, SessionRegistry
from app.sessions.schema import CommandError

from .extensions import socketio
from .wire import jsonable, room_frame_bytes

log = logging.getLogger(__name__)

#: Students a room takes, and students from one address (0: no limit). Generous: a class
#: behind one NAT shares one address (docs/deployment.md says how to raise them).
LIMITS = {"ROOM_MAX_STUDENTS": 250, "ROOM_STUDENTS_PER_ADDRESS": 60}
#: Connections one student may have open (tabs of one identity, a fork's watcher).
MAX_CONNECTIONS_PER_STUDENT = 4
#: How long a join waits for the room's picture to reach this process.
JOIN_WAIT = 3.0
#: At most one log line a minute per room and cap about students it turned away.
TURNED_AWAY_LOG_EVERY = 60.0


def room_limit(name: str) -> int:
    """A limit from the app's config, else the environment (BACKPROP_XOR_<NAME>), else LIMITS."""
    value = current_app.config.get(name)
    if value is None:
        value = os.environ.get(f"BACKPROP_XOR_{name}", LIMITS[name])
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        log.warning("%s: need a whole number, got %r; using %d", name, value, LIMITS[name])
        return LIMITS[name]


class Classroom:
    """This process's rooms (as presenter) and fan-outs (to students), bound to one app."""

    def __init__(self, hub: Hub, sessions: SessionRegistry, spawn: Callable[..., Any],
                 grace_seconds: float = 120.0) -> None:
        self.hub = hub
        self.sessions = sessions
        self.spawn = spawn
        self.health = sessions.health
        self.rooms = RoomRegistry(hub, spawn, jsonable, self._status, grace_seconds,
                                  self.health)
        self.fanouts: dict[str, Fanout] = {}
        self.viewers: dict[str, tuple[str, Viewer]] = {}  # sid -> (code, viewer)
        # (code, cap) -> (when last logged, students turned away since)
        self._turned_away: dict[tuple[str, str], tuple[float, int]] = {}
        hub.on_link(self._link)

    def _link(self, up: bool) -> None:
        """Tell this process's presenters and students that the link to the others changed."""
        message = LINK_RESTORED if up else LINK_LOST
        sids = list(self.viewers) + [r.session.sid for r in self.rooms.all()
                                     if r.session.sid is not None]
        if sids:
            socketio.emit("room_link", {"up": up, "message": message}, to=sids, namespace="/",
                          ignore_queue=True)

    # ----- presenter side ---------------------------------------------------------------

    def _status(self, room: Room) -> None:
        """The room's status to its presenter, acknowledged by the page (presence: `Room`)."""
        sid = room.session.sid
        if sid is not None:
            room.probing()
            socketio.server.emit("room_status", jsonable(room.meta(for_presenter=True)), to=sid,
                                 namespace="/", callback=lambda *_: room.heard_presenter(),
                                 ignore_queue=True)

    def presenter_room(self, session: Session, data: Any) -> Room:
        """The open room of `session`, checking the presenter token of `data` (a model)."""
        room = self.rooms.for_session(session.id)
        if room is None or not room.check_token(data.token):
            raise CommandError("token", "token: not the presenter token of an open room")
        return room

    # ----- student side -----------------------------------------------------------------

    def join(self, sid: str, auth: Auth, address: str = "") -> dict[str, Any]:
        """Connection `sid` follows the room in `auth`; returns the `room_hello` payload.

        The student keeps the identity they present only with its secret; anyone else
        gets a new one. Refused (field `room`) for no such room, a closed one, a full
        one or one with its most students from `address` already.
        """
        code = normalize_code(auth.room)
        if not self.hub.exists(code):
            raise CommandError("room", f"room: no open room has the code {code}")
        snapshot = self._picture(code)
        if snapshot is None:
            raise CommandError("room", f"room: room {code} cannot be reached from this "
                               "server right now; try again in a moment")
        if snapshot.get("room", {}).get("closed"):
            raise CommandError("room", f"room: room {code} has closed")
        key = str(snapshot.get("viewer_key", ""))
        fanout = self.fanouts.get(code)
        if fanout is None or fanout.stopped:
            fanout = self.fanouts[code] = Fanout(code, self.hub, _send, _ready, self.spawn,
                                                 health=self.health, send_meta=_send_meta)
        if key and verify(key, code, auth.viewer, auth.secret):
            viewer_id, secret, resumed = auth.viewer, auth.secret, True
            tabs = sum(1 for v in list(fanout.viewers.values()) if v.viewer_id == viewer_id)
            if tabs >= MAX_CONNECTIONS_PER_STUDENT:
                raise CommandError("room", f"room: this student is connected "
                                   f"{tabs} times already; close a tab")
        else:
            self._check_limits(code, fanout, address)
            viewer_id, secret = issue(key, code)
            resumed = False
        name = clean_name(auth.name)
        viewer = Viewer(sid, viewer_id, name, address=address, watch_only=auth.watch)
        self.viewers[sid] = (code, viewer)
        fanout.add(viewer)
        hello = {"code": code, "viewer": viewer_id, "secret": secret, "name": name,
                 "resumed": resumed}
        if not self.hub.link_up:
            hello["link"] = {"up": False, "message": LINK_LOST}
        return hello

    def _picture(self, code: str) -> dict[str, Any] | None:
        """The room's picture here, waiting a little (and asking for it) when there is none."""
        snapshot = self.hub.latest(code)[1]
        if snapshot is None:
            self.hub.submit_answer(code, {"kind": "full"})
            self.hub.wait(code, 0, JOIN_WAIT)
            snapshot = self.hub.latest(code)[1]
        return snapshot

    def _check_limits(self, code: str, fanout: Fanout, address: str) -> None:
        most = room_limit("ROOM_MAX_STUDENTS")
        if most and max(self.hub.viewers(code), len(fanout.viewers)) >= most:
            self._turn_away(code, fanout, "ROOM_MAX_STUDENTS", most, "in the room",
                            f"room: room {code} is full ({most} students)")
        per_address = room_limit("ROOM_STUDENTS_PER_ADDRESS")
        if per_address and address and fanout.count(address) >= per_address:
            self._turn_away(code, fanout, "ROOM_STUDENTS_PER_ADDRESS", per_address,
                            f"from the address {address}",
                            f"room: room {code} has {per_address} "
                            f"student{'' if per_address == 1 else 's'} from your address "
                            "already (the most it takes from one address)")

    def _turn_away(self, code: str, fanout: Fanout, cap: str, most: int, where: str,
                   message: str) -> None:
        """Refuse a new student over `cap`: the presenter's panel counts them (through the
        fan-out's roster report) and the log says so, at once, then at most once a minute
        per room and cap."""
        fanout.turn_away(cap, most)
        now = time.monotonic()
        last, since = self._turned_away.get((code, cap), (float("-inf"), 0))
        if now - last >= TURNED_AWAY_LOG_EVERY:
            more = f" (and {since} more since the last such line)" if since else ""
            log.warning("room %s turned a student away: %d students %s already (%s); "
                        "raise it with the environment's BACKPROP_XOR_%s=N, 0 for no limit "
                        "(docs/deployment.md)%s", code, most, where, cap, cap, more)
            self._turned_away[(code, cap)] = (now, 0)
        else:
            self._turned_away[(code, cap)] = (last, since + 1)
        if len(self._turned_away) > 1000:  # rooms come and go: forget the oldest
            self._turned_away.pop(next(iter(self._turned_away)))
        raise CommandError("room", message)

    def leave(self, sid: str) -> tuple[str, Viewer] | None:
        """Connection `sid` stops following its room."""
        entry = self.viewers.pop(sid, None)
        if entry is not None:
            fanout = self.fanouts.get(entry[0])
            if fanout is not None:
                fanout.remove(sid)
        return entry

    def answer(self, sid: str, data: Answer) -> None:
        """A student's answer to the poll on screen."""
        code, viewer = self._viewer(sid)
        poll_id, choice = data.poll, data.choice
        snapshot = self.hub.latest(code)[1]
        poll = (snapshot or {}).get("room", {}).get("poll")
        if poll is None or poll.get("id") != poll_id or poll.get("closed"):
            raise CommandError("poll", "poll: that poll is not open")
        if poll.get("cancelled"):
            raise CommandError("poll", f"poll: this {poll['cancelled']}")
        if poll.get("revealed"):
            raise CommandError("poll", "poll: the answer was revealed; answers are closed")
        if not self.hub.link_up and self.rooms.get(code) is None:
            raise CommandError("poll", "poll: the link to the presenter's server is down: "
                               "your answer cannot reach it now; try again in a moment")
        if choice not in {c["id"] for c in poll["choices"]}:
            ids = ", ".join(c["id"] for c in poll["choices"])
            raise CommandError("choice", f"choice: need one of {ids}")
        self.hub.submit_answer(code, {"poll": poll_id, "viewer": viewer.viewer_id,
                                      "name": viewer.name, "choice": choice})

    def rename(self, sid: str, data: Name) -> str:
        """The name a student goes by from now on (cleaned); the room hears it at once."""
        code, viewer = self._viewer(sid)
        viewer.name = clean_name(data.name)
        fanout = self.fanouts.get(code)
        if fanout is not None:
            fanout.touch()
        return viewer.name

    def fork(self, sid: str) -> str:
        """A private session holding the room's current state; returns its id."""
        code, _viewer = self._viewer(sid)
        snapshot = self.hub.latest(code)[1]
        if snapshot is None:
            raise CommandError("room", "room: nothing to copy yet")
        state = dict(snapshot["state"])
        state["history"] = {"width": snapshot["history"].get("width", 1),
                            "points": snapshot["history"]["points"]}
        state["marks"] = snapshot.get("marks") or []
        session, _ = self.sessions.open(None)
        session.import_state(state)
        return session.id

    def _viewer(self, sid: str) -> tuple[str, Viewer]:
        entry = self.viewers.get(sid)
        if entry is None:
            raise CommandError("room", "room: this connection follows no room")
        return entry

    def shutdown(self) -> None:
        """Close rooms and stop fan-outs."""
        self.rooms.shutdown()
        for fanout in self.fanouts.values():
            fanout.stop()
        self.hub.close()


def _send(payload: dict[str, Any], sids: list[str]) -> None:
    # one encoding for the whole group; local delivery only (each process fans out its own)
    socketio.emit("room_frame", room_frame_bytes(payload), to=sids, namespace="/",
                  ignore_queue=True)


def _send_meta(payload: dict[str, Any], sids: list[str]) -> None:
    socketio.emit("room_meta", payload, to=sids, namespace="/", ignore_queue=True)


def _ready(sid: str) -> bool:
    """True when the student's connection has sent everything queued for it."""
    server = socketio.server
    try:
        eio_sid = server.manager.eio_sid_from_sid(sid, "/")
        sock = server.eio.sockets.get(eio_sid)
    except (KeyError, AttributeError):
        return False
    return sock is not None and not sock.closed and sock.queue.qsize() == 0


#: What presenters and students read when the link between server processes drops and returns.
LINK_LOST = "link to other servers lost: reconnecting"
LINK_RESTORED = "link to other servers restored"


def make_hub(message_queue: str | None, health: Any = None) -> Hub:
    """A Redis hub when the servers share a message queue, else one in memory."""
    if message_queue and message_queue.startswith(("redis://", "rediss://", "unix://")):
        from app.rooms.hub_redis import RedisHub

        return RedisHub(message_queue, health)
    return MemoryHub()
