"""Classroom rooms over Socket.IO and HTTP: presenters open rooms, students follow them.

The presenter is an ordinary tab; `room_open` shows its session to a room.
Students connect with `auth: {room: CODE}` instead of a session: they get no
trainer, only `room_frame`s from this process's fan-out, and every command they
send is refused. Their identity is issued here (`app.rooms.identity`: a viewer id
and its secret, checked on every reconnect), and a room takes at most
`ROOM_MAX_STUDENTS` students, `ROOM_STUDENTS_PER_ADDRESS` of them from one address
(config keys, or the environment's BACKPROP_XOR_ROOM_...; 0 for no limit; a class
behind one NAT shares one address: docs/deployment.md). See docs/protocol.md, "Rooms".
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, request
from flask_socketio import disconnect, emit

from app.engine.errors import FieldError
from app.rooms import Fanout, Hub, MemoryHub, Room, RoomRegistry, Viewer, normalize_code
from app.rooms.exports import clean_name
from app.rooms.identity import issue, verify
from app.rooms.payloads import Answer, Auth, Name
from app.sessions import Session, SessionRegistry
from app.sessions.schema import CommandError, parse

from .extensions import socketio
from .payloads import EVENTS
from .wire import jsonable

log = logging.getLogger(__name__)

rooms_http = Blueprint("rooms", __name__)

#: Students a room takes, and students from one address (0: no limit). Generous: a class
#: behind one NAT shares one address (docs/deployment.md says how to raise them).
LIMITS = {"ROOM_MAX_STUDENTS": 250, "ROOM_STUDENTS_PER_ADDRESS": 60}
#: Connections one student may have open (tabs of one identity, a fork's watcher).
MAX_CONNECTIONS_PER_STUDENT = 4
#: How long a join waits for the room's picture to reach this process.
JOIN_WAIT = 3.0


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
            raise CommandError("room", f"room: room {code} is full ({most} students)")
        per_address = room_limit("ROOM_STUDENTS_PER_ADDRESS")
        if per_address and address and fanout.count(address) >= per_address:
            raise CommandError("room", f"room: room {code} has {per_address} students from "
                               "your address already (the most it takes from one address)")

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
    socketio.emit("room_frame", payload, to=sids, namespace="/", ignore_queue=True)


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


def classroom() -> Classroom:
    """The current app's classroom."""
    return current_app.extensions["backprop_classroom"]


# ----- HTTP --------------------------------------------------------------------------------


@rooms_http.get("/join/<code>")
def join_page(code: str) -> Any:
    """A join link: the page, following the room."""
    try:
        code = normalize_code(code)
    except ValueError:
        abort(404)
    return redirect(f"/?room={code}", code=302)


@rooms_http.get("/room/<code>/qr.svg")
def join_qr(code: str) -> Response:
    """The join URL as a QR code (SVG), for the projector."""
    import segno

    try:
        code = normalize_code(code)
    except ValueError:
        abort(404)
    if not classroom().hub.exists(code):
        abort(404)
    out = io.BytesIO()
    segno.make(join_url(code), error="m").save(out, kind="svg", scale=10, border=2,
                                                dark="#000", light="#fff")
    return Response(out.getvalue(), mimetype="image/svg+xml",
                    headers={"Cache-Control": "no-store"})


@rooms_http.get("/room/<code>/polls.csv")
def polls_csv(code: str) -> Response:
    """Every poll answer of the room (presenter only: header X-Room-Token)."""
    try:
        code = normalize_code(code)
    except ValueError:
        abort(404)
    room = classroom().rooms.get(code)
    if room is None or not room.check_token(request.headers.get("X-Room-Token")):
        abort(403)
    return Response(room.answers_csv(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="polls-{code}.csv"',
        "Cache-Control": "no-store",
    })


def join_url(code: str) -> str:
    """Where students go: this server's address as the presenter reached it."""
    return f"{request.host_url}join/{code}"


# ----- Socket.IO -----------------------------------------------------------------------------


def connect_viewer(sid: str, auth: Auth) -> None:
    """Called by the connect handler for `auth: {room: ...}`.

    A malformed or unknown code gets an `error` event naming `room` and the
    connection is closed (a refusal at connect time would reach the page only as
    a generic connect error).
    """
    try:
        hello = classroom().join(sid, auth, request.remote_addr or "")
    except ValueError as error:
        emit("error", {"event": "connect", "message": str(error),
                       "field": getattr(error, "field", "auth.room")}, ignore_queue=True)
        disconnect()
        return
    emit("room_hello", hello, ignore_queue=True)


def disconnect_viewer(sid: str) -> bool:
    """Called by the disconnect handler; True if `sid` was a student."""
    return classroom().leave(sid) is not None


def is_viewer(sid: str) -> bool:
    """True for a student's connection (it may not drive anything)."""
    return sid in classroom().viewers


def presenter_commands(command: Callable) -> None:
    """Register the presenter's room commands with the events module's `command` decorator."""

    @command("room_open")
    def room_open(session: Session, _data: Any) -> dict:
        room = classroom().rooms.open(session)
        return {"code": room.code, "token": room.token, "join_url": join_url(room.code),
                "qr_url": f"/room/{room.code}/qr.svg", "room": room.meta(for_presenter=True)}

    @command("room_close")
    def room_close(session: Session, data: Any) -> dict:
        room = classroom().presenter_room(session, data)
        classroom().rooms.close(room.code)
        return {}

    @command("room_controls")
    def room_controls(session: Session, data: Any) -> dict:
        room = classroom().presenter_room(session, data)
        room.set_hide_controls(data.hide)
        return {"hide_controls": room.hide_controls}

    @command("poll_open")
    def poll_open(session: Session, data: Any) -> dict:
        room = classroom().presenter_room(session, data)
        target = None if data.target is None else data.target.model_dump()
        poll = room.open_poll(data.kind, data.question, target, data.unit)
        return {"poll": poll.public(for_presenter=True)}

    @command("poll_reveal")
    def poll_reveal(session: Session, data: Any) -> dict:
        classroom().presenter_room(session, data).reveal()
        return {}

    @command("poll_close")
    def poll_close(session: Session, data: Any) -> dict:
        classroom().presenter_room(session, data).close_poll()
        return {}


def viewer_commands(on: Callable[[str], Callable]) -> None:
    """Register the students' events (answers, forks), their payloads checked like commands'."""

    def handle(event: str, fn: Callable[[str, Any], dict]) -> None:
        model = EVENTS[event]

        def handler(data: Any = None) -> dict[str, Any]:
            try:
                return jsonable({"ok": True, **fn(request.sid, parse(model, data, name=event))})
            except FieldError as error:
                return {"ok": False, "error": str(error), "field": error.field}
            except ValueError as error:
                return {"ok": False, "error": f"{event}: {error}", "field": event}
            except Exception as error:
                log.error("%s failed (%s: %s)", event, type(error).__name__, error)
                return {"ok": False, "field": "server",
                        "error": f"server: {event} failed on the server's side (logged)"}

        handler.__name__ = f"on_{event}"
        on(event)(handler)

    handle("poll_answer", lambda sid, data: (classroom().answer(sid, data), {})[1])
    handle("room_name", lambda sid, data: {"name": classroom().rename(sid, data)})
    handle("room_fork", lambda sid, _data: {"session": classroom().fork(sid)})
