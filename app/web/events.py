"""Socket.IO events: connecting a tab to its session, and the commands.

Handlers are thin: find the connection's session, let `app.sessions` validate
and act, answer `{ok: true, ...}` or `{ok: false, error, field}` through the ack
(or an `error` event when the client sent no ack callback). Nothing a client
sends can raise out of a handler.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_socketio import disconnect, emit

from app.sessions import FrameStream, RegistryFull, Session, SessionRegistry, field_of
from app.sessions.schema import fields, required, settings_values, step_unit, weight_address

from . import lessons, rooms
from .extensions import socketio
from .transport import wants_ack
from .wire import jsonable

log = logging.getLogger(__name__)


def _registry() -> SessionRegistry:
    return current_app.extensions["backprop_sessions"]


def _hello(session: Session, resumed: bool) -> dict[str, Any]:
    with session.lock:
        return {
            "session": session.id,
            "resumed": resumed,
            "settings": session.trainer.config.to_dict(),
            "speed": session.speed,
            "running": session.running or session._resume,
            "grace_seconds": _registry().grace_seconds,
        }


@socketio.on("connect")
def on_connect(auth: Any = None) -> None:
    """Attach the connection to its session (resumed) or a new one; say hello; start frames."""
    registry = _registry()
    registry.start_reaper()
    if isinstance(auth, dict) and auth.get("room") is not None:
        rooms.connect_viewer(request.sid, auth)  # a student following a room
        return
    wanted = auth.get("session") if isinstance(auth, dict) else None
    try:
        session, resumed = registry.open(wanted, request.remote_addr)
    except RegistryFull as full:  # say which limit (a refusal's own message never shows)
        emit("error", {"event": "connect", "message": str(full), "field": full.field})
        raise ConnectionRefusedError(str(full)) from None
    sid = request.sid
    server = socketio.server

    def send(frame: dict[str, Any], callback: Callable[..., None]) -> None:
        # the connection is local: no need to go through a message queue, if any
        server.emit("frame", jsonable(frame), to=sid, namespace="/", callback=callback,
                    ignore_queue=True)

    stream = FrameStream(session, send, socketio.start_background_task,
                         min_interval=current_app.config["FRAME_INTERVAL"])
    emit("hello", jsonable(_hello(session, resumed)))
    previous = session.attach(sid, stream.poke)
    registry.bind(sid, session, stream)
    if previous is not None and previous != sid:
        old = registry.unbind(previous)
        if old is not None:
            old[1].close()
        socketio.emit("taken_over", {"session": session.id}, to=previous)
        disconnect(previous)
    stream.start()


@socketio.on("disconnect")
def on_disconnect(*_reason: Any) -> None:
    """Stop the connection's frames; its session waits out the grace period."""
    if rooms.disconnect_viewer(request.sid):
        return
    entry = _registry().unbind(request.sid)
    if entry is not None:
        session, stream = entry
        stream.close()
        session.detach(request.sid)


def _fail(event: str, field: str, message: str) -> dict[str, Any]:
    if wants_ack() is False:
        emit("error", {"event": event, "message": message, "field": field})
    return {"ok": False, "error": message, "field": field}


def command(event: str) -> Callable[[Callable[[Session, Any], dict | None]], Callable]:
    """Register `fn(session, payload) -> extra ack fields` as the handler of `event`."""

    def decorate(fn: Callable[[Session, Any], dict | None]) -> Callable:
        def handler(*args: Any) -> dict[str, Any]:
            entry = _registry().for_sid(request.sid)
            if entry is None:
                if rooms.is_viewer(request.sid):
                    return _fail(event, "viewer", "viewer: students follow the presenter's "
                                 "network; fork the room to experiment on your own copy")
                return _fail(event, "session", "session: this connection has no session")
            try:
                extra = fn(entry[0], args[0] if args else None) or {}
            except ValueError as error:
                return _fail(event, field_of(error, event), str(error))
            except Exception:
                log.exception("command %s failed", event)
                return _fail(event, event, f"{event}: internal error")
            return jsonable({"ok": True, **extra})

        handler.__name__ = f"on_{event}"
        socketio.on_event(event, handler)
        return fn

    return decorate


@command("configure")
def configure(session: Session, data: Any) -> dict:
    """Change settings (docs/protocol.md: configure)."""
    settings, restarted = session.configure(settings_values(data))
    return {"settings": settings, "restarted": restarted}


@command("set_weights")
def set_weights(session: Session, data: Any) -> dict:
    """Replace every weight."""
    session.set_weights(required(fields(data, ("weights",), "set_weights"), "weights"))
    return {}


@command("set_weight")
def set_weight(session: Session, data: Any) -> dict:
    """Set one weight."""
    session.set_weight(*weight_address(data))
    return {}


@command("step")
def step(session: Session, data: Any) -> dict:
    """One traced step."""
    steps, epoch = session.step(step_unit(data))
    return {"step": steps, "epoch": epoch}


@command("back")
def back(session: Session, data: Any) -> dict:
    """Undo the last step, edit or run."""
    fields(data, (), "back")
    return {"went_back": session.back()}


@command("run")
def run(session: Session, data: Any) -> dict:
    """Start the background run."""
    fields(data, (), "run")
    session.run()
    return {"running": True}


@command("pause")
def pause(session: Session, data: Any) -> dict:
    """Stop the background run."""
    fields(data, (), "pause")
    session.pause()
    return {"running": False}


@command("speed")
def speed(session: Session, data: Any) -> dict:
    """Change the speed level."""
    return {"speed": session.set_speed(required(fields(data, ("level",), "speed"), "level"))}


@command("reset")
def reset(session: Session, data: Any) -> dict:
    """Back to epoch 0, same seed."""
    fields(data, (), "reset")
    return {"seed": session.reset()}


@command("randomize")
def randomize(session: Session, data: Any) -> dict:
    """Back to epoch 0, new seed."""
    fields(data, (), "randomize")
    return {"seed": session.randomize()}


@command("export")
def export(session: Session, data: Any) -> dict:
    """The run as JSON."""
    fields(data, (), "export")
    return {"state": session.export()}


@command("import")
def import_(session: Session, data: Any) -> dict:
    """Replace the run with an exported one."""
    return {"settings": session.import_state(required(fields(data, ("state",), "import"),
                                                      "state"))}


@command("sweep")
def sweep(session: Session, data: Any) -> dict:
    """Start a seed sweep of the current settings (and a variant to compare)."""
    return {"sweep": session.start_sweep(data)}


@command("sweep_cancel")
def sweep_cancel(session: Session, data: Any) -> dict:
    """Stop the running sweep; the nets that finished stay."""
    fields(data, (), "sweep_cancel")
    return {"cancelled": session.cancel_sweep()}


@command("sweep_clear")
def sweep_clear(session: Session, data: Any) -> dict:
    """Stop and forget the sweep."""
    fields(data, (), "sweep_clear")
    return {"cleared": session.clear_sweep()}


rooms.presenter_commands(command)
lessons.register(command)
rooms.viewer_commands(socketio.on)
