"""Three seams in python-socketio's server that the protocol needs.

1. Binary only at the top. Frames travel as one MessagePack blob (`wire.py`), an
   event's whole argument; everything else is JSON text. python-socketio would walk
   every outgoing payload looking for bytes to send as attachments: with 50 clients
   running, that walk and its packet were a fifth of the server's busy time
   (py-spy). `TextPacket` looks only at the event's arguments themselves, so a frame
   is a binary event with one attachment and anything else a text packet, never
   walked (incoming packets decode as before).
2. Whether the client asked for an acknowledgement. Failed commands are answered
   through the ack when there is one, else with an `error` event; the handler
   cannot see the ack id, so it is recorded per handler thread. This wraps
   `Server._handle_event_internal`, whose signature has held across
   python-socketio 5.x; `tests/server` fails if it changes.
3. A WebSocket whose close never raises, and which drops empty messages. engine.io's
   writer thread closes the WebSocket when it ends; if the connection died meanwhile
   (a client gone, or one closed for flow control, `flow.py`), simple-websocket's close
   raises OSError in that thread, unhandled: a traceback on stderr for an ordinary
   disconnect. An empty message raised out of the connection's handler (below).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

import simple_websocket
import socketio
from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI


class TextPacket(socketio.packet.Packet):
    """A Socket.IO packet that looks for binary only among its arguments, not inside them."""

    @classmethod
    def data_is_binary(cls, data: Any) -> bool:
        """True when the payload, or one of its top-level items, is bytes (a frame's blob)."""
        if isinstance(data, bytes | bytearray):
            return True
        return isinstance(data, list) and any(isinstance(x, bytes | bytearray) for x in data)


_ack_state = threading.local()


class QuietWebSocket(SimpleWebSocketWSGI):
    """engine.io's simple-websocket adapter, except that closing a dead connection is quiet
    and an empty message is dropped: engine.io decodes each message outside any guard, and
    an empty one (no packet type at all, so nothing to answer) raised out of the connection's
    handler, a 500 and a traceback per message (found by tests/hardening's raw-frame fuzzer).
    """

    def wait(self) -> Any:
        """The next non-empty message (None once the connection closed)."""
        while True:
            message = super().wait()
            if message is None or len(message) > 0:
                return message

    def close(self) -> None:
        """Close if still open; a connection that died meanwhile is simply closed."""
        with contextlib.suppress(OSError, simple_websocket.ConnectionClosed):
            super().close()


def install(server: Any) -> None:
    """Give `server` (a socketio.Server) text packets and the ack probe, once."""
    if getattr(server, "_backprop_seams", False):
        return
    handle_event = server._handle_event_internal

    def probed_handle_event(srv: Any, sid: str, eio_sid: str, data: Any, namespace: str,
                            id: Any) -> None:
        _ack_state.wants_ack = id is not None
        try:
            handle_event(srv, sid, eio_sid, data, namespace, id)
        finally:
            _ack_state.wants_ack = None

    server.packet_class = TextPacket
    server._handle_event_internal = probed_handle_event
    if server.eio._async.get("websocket") is SimpleWebSocketWSGI:  # the threading driver
        server.eio._async = {**server.eio._async, "websocket": QuietWebSocket}
    server._backprop_seams = True


def wants_ack() -> bool | None:
    """Whether the event being handled on this thread came with an ack callback (None: unknown)."""
    return getattr(_ack_state, "wants_ack", None)


def no_delay(wsgi_app: Any, compression: bool = False) -> Any:
    """WSGI middleware: no Nagle delay, and (unless `compression`) no per-message deflate.

    Nagle: a frame often goes out right after another small packet (a command's
    ack); with Nagle on, the second waits for the client's delayed TCP
    acknowledgement, some 40 ms on Linux: seen as a p90 of 45 ms from a step to its
    frame. Werkzeug and gunicorn hand the raw socket to the app under these keys.

    Deflate: browsers offer permessage-deflate and simple-websocket accepts it, so
    every message is compressed for every client on its own (one context per
    connection): with 200 students following a room that was the server's main
    cost (2 frames/s each instead of 19, docs/performance.md). Frames are a few
    KB; the offer is dropped unless the COMPRESSION setting asks for it (a slow
    network, few clients).
    """

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if not compression:
            environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        sock = environ.get("werkzeug.socket") or environ.get("gunicorn.socket")
        if sock is not None:
            with contextlib.suppress(OSError, AttributeError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return wsgi_app(environ, start_response)

    return app
