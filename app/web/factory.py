"""The application factory: Flask app, Socket.IO bound in threading mode, sessions."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from app.sessions import GRACE_SECONDS, MAX_SESSIONS, MIN_INTERVAL, SessionRegistry
from app.sessions.health import Health

from . import (
    assets,
    events,  # noqa: F401 - registers the Socket.IO handlers
    hosts,
    lessons,
    limits,
    persistence,
    transport,
)
from .extensions import socketio
from .packets import guard_messages, packet_json
from .rooms import Classroom, make_hub
from .rooms_http import rooms_http
from .routes import pages
from .security import add_headers, secret_key

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    "SESSION_GRACE_SECONDS": GRACE_SECONDS,
    "MAX_SESSIONS": MAX_SESSIONS,
    "FRAME_INTERVAL": MIN_INTERVAL,
    "WARM_UP": True,
    "SOCKETIO_MESSAGE_QUEUE": None,
    "COMPRESSION": False,  # permessage-deflate on WebSockets (CPU per client per message)
    "ALLOWED_HOSTS": (),  # more Host names than localhost and this machine's (hosts.py)
    "TRUST_PROXY": None,  # proxies in front (hosts.py; None: the TRUST_PROXY variable, else 0)
}


def page_folder(name: str) -> Path:
    """`app/<name>` inside an installed wheel if present, else the checkout's top-level folder."""
    packaged = PACKAGE / name
    return packaged if packaged.is_dir() else PACKAGE.parent / name


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """A configured app with Socket.IO bound (`app.web.socketio`) and a session registry.

    `config` overrides DEFAULTS and Flask's own settings (TESTING, SECRET_KEY, ...);
    INSTANCE_PATH moves the instance folder (where the secret key is kept).
    """
    instance = (config or {}).get("INSTANCE_PATH")
    app = Flask("app", static_folder=str(page_folder("static")), static_url_path="/static",
                template_folder=str(page_folder("templates")), instance_path=instance)
    app.config.update(DEFAULTS)
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app)
    app.after_request(add_headers)
    app.register_blueprint(pages)
    app.register_blueprint(rooms_http)
    assets.install(app)  # the page's bundle (or its modules), cache headers, compression
    lessons.install(app)

    socketio.init_app(
        app, async_mode="threading", always_connect=True, logger=False, engineio_logger=False,
        # handle each client's messages on its own connection thread, in order: the
        # default starts a new thread per message, frame acks included (30 per second
        # per client), and commands are quick
        async_handlers=False,
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        json=packet_json,  # strict decoding: no NaN, bounded nesting and integers
    )
    transport.install(socketio.server)
    guard_messages(socketio.server)  # a packet that cannot be read gets a refusal
    app.wsgi_app = transport.no_delay(app.wsgi_app, bool(app.config["COMPRESSION"]))
    health = app.extensions["backprop_health"] = Health()  # GET /healthz lists what fails
    app.extensions["backprop_sessions"] = SessionRegistry(
        socketio.start_background_task,
        grace_seconds=float(app.config["SESSION_GRACE_SECONDS"]),
        max_sessions=int(app.config["MAX_SESSIONS"]),
        health=health,
    )
    app.extensions["backprop_classroom"] = Classroom(
        make_hub(app.config["SOCKETIO_MESSAGE_QUEUE"], health),
        app.extensions["backprop_sessions"], socketio.start_background_task,
        grace_seconds=float(app.config["SESSION_GRACE_SECONDS"]),
    )
    limits.install_app(app, socketio.server)  # message size, event rate, sessions per address
    persistence.install(app)  # sessions and rooms saved to SQLite, rooms reopened
    hosts.install(app)  # allowed Host names only; forwarded headers of TRUST_PROXY proxies
    warm = app.extensions["backprop_warm"] = threading.Event()  # GET /healthz says
    if app.config["WARM_UP"]:
        socketio.start_background_task(warm_up, warm)
    else:
        warm.set()
    return app


#: Hidden layouts compiled at start: the default, and the classic comparison (2 against 3
#: hidden neurons), so neither a first tab nor a teacher's first sweep waits for numba (a
#: compile also slows every other session for a second or two, docs/performance.md).
WARM_LAYOUTS = ((2,), (3,))


def warm_up(done: threading.Event) -> None:
    """Compile the kernels of WARM_LAYOUTS now, in the background; `done` is set after."""
    from app.engine import TrainingConfig, compile_shape
    from app.engine.sliced_sweep import compile_kernels

    try:
        for hidden in WARM_LAYOUTS:
            config = TrainingConfig(hidden=hidden)
            compile_shape(config)
            compile_kernels(config)
    except Exception:  # warm-up is an optimisation; a failure shows up on first use anyway
        log.exception("kernel warm-up failed")
    finally:
        done.set()
