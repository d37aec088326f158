"""Incoming packets: strict JSON with bounded nesting, and a clean refusal for any bad packet.

`packet_json` is the JSON module Socket.IO decodes every packet with (Flask-SocketIO's
public `json=` option): the standard library's, except that NaN and ±Infinity
literals, integers of more than `MAX_INT_DIGITS` digits and nesting deeper than
`MAX_DEPTH` are refused with a `PacketError`. Before, 990 levels of nesting raised
a RecursionError deep in the decoder and each such packet left a traceback of
hundreds of lines in the log.

`guard_messages` puts python-socketio's handler of engine.io messages behind a
catch: a packet that cannot be decoded or dispatched (bad JSON, too deep, an
unknown packet type, a stray binary attachment) gets a refusal through its ack,
`{ok: false, error, field: "packet"}`, when it carried an ack id, or else an
`error` event; the log gets one short line per connection at most every
`LOG_EVERY` seconds, with a count of the packets refused in between. The
connection stays: a buggy client is told, not cut off.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from app.engine.errors import FieldError

log = logging.getLogger(__name__)

#: Deepest nesting of lists and objects in a packet. The deepest real payload (an import's
#: history points inside the state inside the event's arguments) is 5 levels.
MAX_DEPTH = 32
#: Longest integer accepted (the random generator's 128-bit state travels as text).
MAX_INT_DIGITS = 40
#: A connection's refused packets are logged at most this often.
LOG_EVERY = 10.0


class PacketError(FieldError):
    """A packet the server refuses to decode; its field is `packet`."""

    def __init__(self, message: str) -> None:
        super().__init__("packet", f"packet: {message}")


def _constant(name: str) -> Any:
    raise PacketError(f"{name} is not a number JSON allows (need finite numbers)")


def _integer(text: str) -> int:
    if len(text) - text.startswith("-") > MAX_INT_DIGITS:
        raise PacketError(f"an integer of {len(text)} digits (at most {MAX_INT_DIGITS})")
    return int(text)


def too_deep(value: Any, most: int = MAX_DEPTH) -> bool:
    """True when lists and objects nest deeper than `most` levels in `value` (no recursion)."""
    stack = [(value, 1)] if isinstance(value, list | dict) else []
    while stack:
        item, depth = stack.pop()
        if depth > most:
            return True
        children = item if isinstance(item, list) else item.values()
        stack.extend((c, depth + 1) for c in children if isinstance(c, list | dict))
    return False


class PacketJSON:
    """The JSON module given to Socket.IO: `dumps` as the standard library's, a strict `loads`."""

    @staticmethod
    def dumps(value: Any, **options: Any) -> str:
        """The standard library's dumps."""
        return json.dumps(value, **options)

    @staticmethod
    def loads(text: str | bytes, **options: Any) -> Any:
        """JSON text to Python values; PacketError for NaN, huge integers or deep nesting."""
        try:
            value = json.loads(text, parse_constant=_constant, parse_int=_integer, **options)
        except RecursionError:
            raise PacketError(f"nested deeper than {MAX_DEPTH} levels") from None
        except PacketError:
            raise
        except ValueError as error:  # not JSON at all
            raise PacketError(f"not JSON ({error})") from None
        if too_deep(value):
            raise PacketError(f"nested deeper than {MAX_DEPTH} levels")
        return value


packet_json = PacketJSON()


def ack_id(data: Any) -> tuple[int | None, str]:
    """(ack id or None, namespace) read off a Socket.IO EVENT packet's text without decoding it."""
    if not isinstance(data, str) or data[:1] not in ("2", "5"):
        return None, "/"
    rest = data[1:]
    if data[0] == "5":  # binary event: "<count>-" before the namespace
        dash = rest.find("-")
        rest = rest[dash + 1:] if dash >= 0 else ""
    namespace = "/"
    if rest.startswith("/"):
        comma = rest.find(",")
        namespace, rest = (rest, "") if comma < 0 else (rest[:comma], rest[comma + 1:])
    digits = 0
    while digits < len(rest) and digits < 20 and rest[digits].isdigit():
        digits += 1
    return (int(rest[:digits]) if digits else None), namespace.split("?")[0]


class RefusalLog:
    """One short log line per connection at most every `every` seconds; thread safe."""

    def __init__(self, every: float = LOG_EVERY, clock: Callable[[], float] = time.monotonic):
        self.every = every
        self._clock = clock
        self._lock = threading.Lock()
        self._last: dict[str, tuple[float, int]] = {}
        self.refused = 0

    def note(self, eio_sid: str, reason: str) -> None:
        """Count a refused packet of connection `eio_sid`; log it unless logged lately."""
        now = self._clock()
        with self._lock:
            self.refused += 1
            last, quiet = self._last.get(eio_sid, (float("-inf"), 0))
            if now - last < self.every:
                self._last[eio_sid] = (last, quiet + 1)
                return
            self._last[eio_sid] = (now, 0)
            if len(self._last) > 4096:  # forget connections that are long gone
                self._last = {k: v for k, v in self._last.items() if now - v[0] < self.every}
        more = f" (and {quiet} more since the last line)" if quiet else ""
        log.warning("refused a packet from connection %s: %s%s", eio_sid[:8], reason[:120], more)


def guard_messages(server: Any, refusals: RefusalLog | None = None) -> RefusalLog:
    """Route `server`'s (a socketio.Server) engine.io messages through a catch, once."""
    existing = getattr(server, "_backprop_refusals", None)
    if existing is not None:
        return existing
    refusals = refusals or RefusalLog()
    handle = server._handle_eio_message  # registered with engine.io as its "message" handler

    def guarded(eio_sid: str, data: Any) -> None:
        try:
            handle(eio_sid, data)
        except Exception as error:  # a bad packet: refuse it, never a traceback
            message = str(error) if isinstance(error, FieldError) else \
                f"packet: not a packet this server can read ({type(error).__name__}: {error})"
            refusals.note(eio_sid, message)
            _refuse(server, eio_sid, data, message[:300])

    server.eio.on("message", guarded)
    server._backprop_refusals = refusals
    return refusals


def _refuse(server: Any, eio_sid: str, data: Any, message: str) -> None:
    """Answer a refused packet through its ack if it had one, else with an `error` event."""
    ident, namespace = ack_id(data)
    reply = {"ok": False, "error": message, "field": "packet"}
    try:
        sid = server.manager.sid_from_eio_sid(eio_sid, namespace)
        if sid is None:
            return  # not connected to that namespace: nothing to answer
        if ident is not None:
            server._send_packet(eio_sid, server.packet_class(
                3, namespace=namespace, id=ident, data=[reply]))  # 3: ACK
        else:
            server.emit("error", {"event": None, "message": message, "field": "packet"},
                        to=sid, namespace=namespace, ignore_queue=True)
    except Exception as error:  # the connection went away meanwhile
        log.debug("could not answer a refused packet: %s", error)
