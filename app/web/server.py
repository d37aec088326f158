"""Serving the app: `backprop-xor serve` calls `serve`.

Production defaults whatever the environment says: no debugger and no reloader
(FLASK_DEBUG is ignored here), loopback only unless `host` says otherwise (with
a warning on stderr when the server can be reached from a network), and a
graceful stop on SIGTERM or Ctrl+C: every session and room is saved, every
client told (`server_shutdown`), and the exit status is 0.
"""

from __future__ import annotations

import ipaddress
import signal
import sys
import threading
import time
import webbrowser
from typing import Any

from .extensions import socketio
from .factory import create_app

#: How long a stopping server waits for `server_shutdown` to reach its clients.
FLUSH_SECONDS = 2.0


def url_for_host(host: str, port: int) -> str:
    """The URL to open for a server bound to `host`:`port`."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def on_network(host: str) -> bool:
    """True when a server bound to `host` can be reached from other machines."""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return True  # a host name: it resolves to whatever the network says


def network_warning(host: str) -> str:
    """The warning printed when the server listens on a network address."""
    return (f"backprop-xor: WARNING: listening on {host}, reachable from the network: anyone "
            "who can reach this machine can use the page and open sessions (there is no "
            "login). Serve a classroom only on a network you trust.")


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl+C (Werkzeug's serve loop stops on it)."""


def _terminate(_signum: int, _frame: Any) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the save
    raise Terminated


def serve(host: str = "127.0.0.1", port: int = 5000, open_browser: bool = False,
          message_queue: str | None = None, database: str | None = None,
          allowed_hosts: tuple[str, ...] = (), proxies: int | None = None) -> int:
    """Print the URL and serve until interrupted or terminated; returns the exit status.

    Werkzeug with WebSocket support through simple-websocket (`allow_unsafe_werkzeug`
    because `socketio.run` otherwise refuses without a TTY). `message_queue` joins
    several server processes (e.g. "redis://127.0.0.1:6379/0"). `database` is the
    SQLite file sessions are saved to (default: in the instance folder).
    `allowed_hosts` adds Host names to the allowed ones; `proxies` is how many
    reverse proxies' forwarded headers to trust (default: TRUST_PROXY, else 0).
    """
    config: dict[str, Any] = {"SERVER_HOST": host, "ALLOWED_HOSTS": tuple(allowed_hosts)}
    if proxies is not None:
        config["TRUST_PROXY"] = proxies
    if message_queue:
        config["SOCKETIO_MESSAGE_QUEUE"] = message_queue
    if database is not None:
        config["DATABASE"] = database
    app = create_app(config)
    url = url_for_host(host, port)
    print(f"backprop-xor: serving on {url} (Ctrl+C to stop)", flush=True)
    if on_network(host):
        print(network_warning(host), file=sys.stderr, flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, (url,)).start()
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if main_thread else None
    try:
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True,
                     debug=False, use_reloader=False)
    except KeyboardInterrupt:
        pass
    finally:
        stop(app)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


def stop(app: Any) -> int:
    """Save every session and room, tell the clients, stop rooms and runs; sessions saved."""
    registry = app.extensions["backprop_sessions"]
    clients = len(registry.connections())
    registry.shutdown()  # saves (with a store), stops every run
    store = app.extensions.get("backprop_store")
    saved = "saved" if store is not None and store.failing is None else "not saved"
    socketio.emit("server_shutdown", {
        "message": f"the server is stopping; your run was {saved}",
        "saved": saved == "saved",
    }, namespace="/", ignore_queue=True)  # this process's clients (others keep serving)
    _flush(FLUSH_SECONDS)
    app.extensions["backprop_classroom"].shutdown()
    if store is not None:
        store.close()
    print(f"backprop-xor: stopped ({clients} clients told, sessions {saved})", flush=True)
    return clients


def _flush(most: float) -> None:
    """Wait (at most `most` seconds) until every client's queue of packets is empty."""
    deadline = time.monotonic() + most
    sockets = getattr(getattr(socketio.server, "eio", None), "sockets", {})
    while time.monotonic() < deadline:
        if all(s.closed or s.queue.qsize() == 0 for s in list(sockets.values())):
            time.sleep(0.05)  # the writer has taken the last packet; let it hit the wire
            return
        time.sleep(0.01)
