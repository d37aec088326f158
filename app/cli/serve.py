"""`backprop-xor serve` (also plain `backprop-xor`): start the web server.

The server module (and with it Flask) is imported only here, when the command
runs, so `train`, `check` and `sweep` start fast and work without it.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
from typing import Any

from .common import UsageError, whole

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000

#: A message-queue URL: a scheme, then "://" and something (redis://host:6379/0, ...).
QUEUE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")


def add_options(parser: argparse.ArgumentParser) -> None:
    """The server's options (shared by `serve` and the bare command's defaults)."""
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"address to listen on (default {DEFAULT_HOST}: this machine only)")
    parser.add_argument("--port", type=whole(0, 65535), default=DEFAULT_PORT,
                        help=f"port to listen on, 0 for any free one (default {DEFAULT_PORT})")
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    parser.add_argument("--message-queue", default=None, metavar="URL",
                        help="message queue joining several servers, e.g. redis://localhost:6379")
    parser.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                        help="a Host name the server answers to besides localhost and this "
                        "machine's names and addresses (repeatable; '*' for any)")
    parser.add_argument("--proxy", type=whole(0, 10), default=None, metavar="N",
                        help="trust the forwarded headers of N reverse proxies in front "
                        "(default: TRUST_PROXY, else 0)")
    parser.add_argument("--database", default=None, metavar="FILE",
                        help="SQLite file sessions and rooms are saved to (default: "
                        "sessions.sqlite3 in the instance folder)")


def add_parser(commands: Any) -> None:
    """Register the `serve` command."""
    parser = commands.add_parser(
        "serve", help="start the web page's server (the default command)",
        description="Serve the page where each browser tab trains its own network.",
    )
    add_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Validate the options, then import and start the server; its exit code."""
    host = getattr(args, "host", DEFAULT_HOST)
    port = getattr(args, "port", DEFAULT_PORT)
    open_browser = bool(getattr(args, "open", False))
    queue = getattr(args, "message_queue", None)
    if not host or any(c.isspace() for c in host):
        raise UsageError(f"--host: need an address such as 127.0.0.1, got {host!r}")
    if queue is not None and not QUEUE_URL.match(queue):
        raise UsageError(
            f"--message-queue: need a URL such as redis://localhost:6379, got {queue!r}"
        )
    if queue is not None and queue.startswith(("redis://", "rediss://", "unix://")) \
            and importlib.util.find_spec("redis") is None:
        raise UsageError("--message-queue: a Redis queue needs the redis package, an extra: "
                         "pip install 'backprop-xor[redis]'")
    try:
        from app.web.server import serve
    except ImportError as error:
        raise ServerMissing(f"the web server cannot be loaded: {error}") from None
    names = list(getattr(args, "allowed_host", None) or [])
    for name in names:
        if not name or any(c.isspace() or c in "/@" for c in name):
            raise UsageError(f"--allowed-host: need a host name such as class.example.org, "
                             f"got {name!r}")
    options = {"host": host, "port": port, "open_browser": open_browser, "message_queue": queue,
               "allowed_hosts": tuple(names), "proxies": getattr(args, "proxy", None)}
    database = getattr(args, "database", None)
    if database is not None:
        if not database.strip():
            raise UsageError("--database: need a file name, got an empty one")
        options["database"] = database
    return int(serve(**options) or 0)


class ServerMissing(Exception):
    """The server module or one of its dependencies cannot be imported."""
