"""Serving the app: `backprop-xor serve` calls `serve`."""

from __future__ import annotations

import threading
import webbrowser

from .extensions import socketio
from .factory import create_app


def url_for_host(host: str, port: int) -> str:
    """The URL to open for a server bound to `host`:`port`."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def serve(host: str = "127.0.0.1", port: int = 5000, open_browser: bool = False,
          message_queue: str | None = None) -> int:
    """Print the URL and serve until interrupted; returns the exit status.

    Werkzeug with WebSocket support through simple-websocket (`allow_unsafe_werkzeug`
    because `socketio.run` otherwise refuses without a TTY). `message_queue` joins
    several server processes (e.g. "redis://127.0.0.1:6379/0").
    """
    config = {"SOCKETIO_MESSAGE_QUEUE": message_queue} if message_queue else None
    app = create_app(config)
    url = url_for_host(host, port)
    print(f"backprop-xor: serving on {url} (Ctrl+C to stop)", flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, (url,)).start()
    try:
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True)
    except KeyboardInterrupt:
        pass
    finally:
        app.extensions["backprop_classroom"].shutdown()
        app.extensions["backprop_sessions"].shutdown()
    return 0
