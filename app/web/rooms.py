"""Classroom rooms over Socket.IO and HTTP: presenters open rooms, students follow them.

The presenter is an ordinary tab; `room_open` shows its session to a room.
Students connect with `auth: {room: CODE}` instead of a session: they get no
trainer, only `room_frame`s from this process's fan-out, and every command they
send is refused. This process's rooms and fan-outs, students' identities and the
caps are `classroom.Classroom`'s. See docs/protocol.md, "Rooms".
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_socketio import disconnect, emit

from app.engine.errors import FieldError
from app.rooms.payloads import Auth
from app.sessions import Session
from app.sessions.schema import parse

from .classroom import LINK_LOST, LINK_RESTORED, Classroom, make_hub
from .payloads import EVENTS
from .wire import jsonable

__all__ = ["LINK_LOST", "LINK_RESTORED", "Classroom", "classroom", "make_hub"]

log = logging.getLogger(__name__)


def classroom() -> Classroom:
    """The current app's classroom."""
    return current_app.extensions["backprop_classroom"]


def join_url(code: str) -> str:
    """Where students go: this server's address as the presenter reached it."""
    return f"{request.host_url}join/{code}"


def network_urls() -> list[str]:
    """Where this page is on the network, when the presenter reached it on loopback and the
    server listens on every address (a join link on 127.0.0.1 reaches no phone)."""
    if not ipaddress_is_loopback(request.host.rsplit(":", 1)[0].strip("[]")):
        return []
    if request.environ.get("SERVER_NAME") not in ("0.0.0.0", "::"):
        return []  # listening on loopback only: the page says how to serve on the network
    from .hosts import machine_addresses

    port = request.environ.get("SERVER_PORT", "")
    found = sorted(a for a in machine_addresses()
                   if a.count(".") == 3 and not ipaddress_is_loopback(a))
    return [f"http://{address}:{port}/" for address in found[:3]]


def ipaddress_is_loopback(host: str) -> bool:
    """localhost, 127.x.x.x or ::1."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
                "qr_url": f"/room/{room.code}/qr.svg", "network_urls": network_urls(),
                "room": room.meta(for_presenter=True)}

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
