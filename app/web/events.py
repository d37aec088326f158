"""Socket.IO events: connecting a tab to its session, and the commands.

Handlers are thin: find the connection's session, check the payload against the
event's declared model (`payloads.EVENTS`), let `app.sessions` act, answer
`{ok: true, ...}` or `{ok: false, error, field}` through the ack (or an `error`
event when the client sent no ack callback). A refusal names the field as the
page shows it (`state.marks[0].epoch`); nothing a client sends can raise out of a
handler, and an unexpected failure is logged once with its context and answered
as `{field: "server"}`, never with a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_socketio import disconnect, emit

from app.engine.errors import FieldError
from app.sessions import FrameStream, RegistryFull, Session, SessionRegistry
from app.sessions.schema import parse

from . import lessons, rooms
from .extensions import socketio
from .payloads import EVENTS, Auth
from .transport import wants_ack
from .wire import frame_bytes, jsonable

log = logging.getLogger(__name__)


def _registry() -> SessionRegistry:
    return current_app.extensions["backprop_sessions"]


def _hello(session: Session, resumed: bool) -> dict[str, Any]:
    with session.lock:
        notice, session.notice = session.notice, None
        hello = {
            "session": session.id,
            "resumed": resumed,
            "settings": session.trainer.config.to_dict(),
            "speed": session.speed,
            "running": session.running or session._resume,
            "grace_seconds": _registry().grace_seconds,
        }
    if notice:
        hello["notice"] = notice
    return hello


@socketio.on("connect")
def on_connect(auth: Any = None) -> None:
    """Attach the connection to its session (resumed) or a new one; say hello; start frames."""
    registry = _registry()
    registry.start_reaper()
    try:
        auth = parse(Auth, auth, root="auth")
    except FieldError as error:  # say what is wrong, then close (a refusal's text never shows)
        emit("error", {"event": "connect", "message": str(error), "field": error.field},
             ignore_queue=True)
        raise ConnectionRefusedError(str(error)) from None
    if auth.room is not None:
        rooms.connect_viewer(request.sid, auth)  # a student following a room
        return
    wanted = auth.session
    try:
        session, resumed = registry.open(wanted, request.remote_addr)
    except RegistryFull as full:  # say which limit (a refusal's own message never shows)
        emit("error", {"event": "connect", "message": str(full), "field": full.field},
             ignore_queue=True)
        raise ConnectionRefusedError(str(full)) from None
    sid = request.sid
    server = socketio.server

    def send(frame: dict[str, Any], callback: Callable[..., None]) -> None:
        # the connection is local: no need to go through a message queue, if any
        server.emit("frame", frame_bytes(frame), to=sid, namespace="/", callback=callback,
                    ignore_queue=True)

    stream = FrameStream(session, send, socketio.start_background_task,
                         min_interval=current_app.config["FRAME_INTERVAL"],
                         health=registry.health)
    emit("hello", jsonable(_hello(session, resumed)), ignore_queue=True)
    previous = session.attach(sid, stream.poke)
    registry.bind(sid, session, stream)
    if previous is not None and previous != sid:
        old = registry.unbind(previous)
        if old is not None:
            old[1].close()
        socketio.emit("taken_over", {"session": session.id}, to=previous, ignore_queue=True)
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
        emit("error", {"event": event, "message": message, "field": field}, ignore_queue=True)
    return {"ok": False, "error": message, "field": field}


def command(event: str) -> Callable[[Callable[[Session, Any], dict | None]], Callable]:
    """Register `fn(session, payload) -> extra ack fields` as the handler of `event`.

    The payload is checked against `EVENTS[event]` first; `fn` gets the validated model.
    """
    model = EVENTS[event]
    whole = "settings" if event == "configure" else event  # what a non-object payload is

    def decorate(fn: Callable[[Session, Any], dict | None]) -> Callable:
        def handler(*args: Any) -> dict[str, Any]:
            entry = _registry().for_sid(request.sid)
            if entry is None:
                if rooms.is_viewer(request.sid):
                    return _fail(event, "viewer", "viewer: students follow the presenter's "
                                 "network; fork the room to experiment on your own copy")
                return _fail(event, "session", "session: this connection has no session")
            try:
                payload = parse(model, args[0] if args else None, name=whole)
                extra = fn(entry[0], payload) or {}
            except FieldError as error:
                return _fail(event, error.field, str(error))
            except ValueError as error:  # an engine check that has no field: the event's
                return _fail(event, event, f"{event}: {error}")
            except Exception as error:
                log.error("command %s failed (%s: %s)", event, type(error).__name__, error,
                          exc_info=not _logged(event, error))
                return _fail(event, "server", f"server: {event} failed on the server's side "
                             "(logged); your session is unchanged, try again")
            return jsonable({"ok": True, **extra})

        handler.__name__ = f"on_{event}"
        socketio.on_event(event, handler)
        return fn

    return decorate


_seen: set[tuple[str, str]] = set()


def _logged(event: str, error: Exception) -> bool:
    """True if this kind of failure of `event` was logged with its traceback already."""
    key = (event, type(error).__name__)
    if key in _seen or len(_seen) > 1000:
        return True
    _seen.add(key)
    return False


@command("configure")
def configure(session: Session, data: Any) -> dict:
    """Change settings (docs/protocol.md: configure)."""
    settings, restarted = session.configure(data.model_dump(exclude_unset=True))
    return {"settings": settings, "restarted": restarted}


@command("set_weights")
def set_weights(session: Session, data: Any) -> dict:
    """Replace every weight."""
    session.set_weights(data.weights)
    return {}


@command("set_weight")
def set_weight(session: Session, data: Any) -> dict:
    """Set one weight."""
    session.set_weight(data.layer, data.neuron, data.input, data.value)
    return {}


@command("step")
def step(session: Session, data: Any) -> dict:
    """One traced step."""
    steps, epoch = session.step(data.unit)
    return {"step": steps, "epoch": epoch}


@command("back")
def back(session: Session, _data: Any) -> dict:
    """Undo the last step, edit or run."""
    return {"went_back": session.back()}


@command("run")
def run(session: Session, _data: Any) -> dict:
    """Start the background run."""
    session.run()
    return {"running": True}


@command("pause")
def pause(session: Session, _data: Any) -> dict:
    """Stop the background run."""
    session.pause()
    return {"running": False}


@command("speed")
def speed(session: Session, data: Any) -> dict:
    """Change the speed level."""
    return {"speed": session.set_speed(data.level)}


@command("reset")
def reset(session: Session, _data: Any) -> dict:
    """Back to epoch 0, same seed."""
    return {"seed": session.reset()}


@command("randomize")
def randomize(session: Session, _data: Any) -> dict:
    """Back to epoch 0, new seed."""
    return {"seed": session.randomize()}


@command("export")
def export(session: Session, _data: Any) -> dict:
    """The run as JSON."""
    return {"state": session.export()}


@command("import")
def import_(session: Session, data: Any) -> dict:
    """Replace the run with an exported one."""
    return {"settings": session.import_state(data.state.model_dump(exclude_unset=True,
                                                                    mode="json"))}


@command("sweep")
def sweep(session: Session, data: Any) -> dict:
    """Start a seed sweep of the current settings (and a variant to compare)."""
    return {"sweep": session.start_sweep(data.model_dump(exclude_unset=True))}


@command("sweep_cancel")
def sweep_cancel(session: Session, _data: Any) -> dict:
    """Stop the running sweep; the nets that finished stay."""
    return {"cancelled": session.cancel_sweep()}


@command("sweep_clear")
def sweep_clear(session: Session, _data: Any) -> dict:
    """Stop and forget the sweep."""
    return {"cleared": session.clear_sweep()}


rooms.presenter_commands(command)
lessons.register(command)
rooms.viewer_commands(socketio.on)
