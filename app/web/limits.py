"""What one client may ask of the server: message size, event rate, and only known events.

Three limits sit in front of every handler, in python-socketio's dispatch of a
client's event (before it starts a thread for the handler, so a flood costs a
refusal each, not a thread each):

- known events only: an event with no handler, a name that is not a string, or a
  reserved name (`connect`, `disconnect`, which a client could otherwise send as
  ordinary events to re-run the connect handler) is answered with an error;
- a token bucket per connection: `COMMAND_RATE` events a second on average,
  bursts up to `COMMAND_BURST`; past that each event is refused (field `rate`)
  without touching the session. Frames' acknowledgements are ACK packets, not
  events: they are never counted;
- the size of one incoming message is engine.io's `max_http_buffer_size`
  (`MAX_MESSAGE_BYTES`); a larger one closes the connection (engine.io's rule;
  the client reconnects and its session resumes);
- and outgoing: at most `MAX_QUEUED_BYTES` waiting to be sent to one connection
  (`flow.py`); past it the connection is closed, its session kept.

Refusals are answered like any failed command: through the ack
`{ok: false, error, field}` when the client asked for one, else an `error` event
`{event, message, field}`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from socketio import packet

from .flow import MAX_QUEUED_BYTES, NOTICE, FlowControl

log = logging.getLogger(__name__)

#: Largest message a client may send, in bytes. Clients send commands of a few hundred
#: bytes, except `import`: an exported long run holds up to 4,096 history points and
#: 1,000 marks, about 400 KB typically and 684 KB in the worst case (tests/hardening).
MAX_MESSAGE_BYTES = 768 * 1024
#: Events a second one connection may send on average, and the burst it may save up.
COMMAND_RATE = 30.0
COMMAND_BURST = 60
#: Sessions one client address may hold at once (0: no limit). Students behind one
#: NAT or a reverse proxy share an address: raise it (or set 0) there, in the config or
#: the environment's BACKPROP_XOR_MAX_SESSIONS_PER_ADDRESS (docs/deployment.md).
MAX_SESSIONS_PER_ADDRESS = 50
#: Event names a client may never send as events.
RESERVED = frozenset({"connect", "disconnect", "connect_error"})


class TokenBucket:
    """`rate` tokens a second up to `burst`; each event takes one. Thread safe."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._last = clock()
        self._lock = threading.Lock()

    def take(self) -> bool:
        """Take a token if there is one."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            if self._tokens >= 1:
                self._tokens -= 1
                return True
            return False


class EventGuard:
    """Known events only, at most `rate`/s (burst `burst`) per connection."""

    def __init__(self, rate: float = COMMAND_RATE, burst: int = COMMAND_BURST,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()
        self._created = 0
        self.refused = 0

    def check(self, server: Any, sid: str, namespace: str, data: Any) -> tuple[str, str] | None:
        """None to let the event through, else (field, message) to refuse it."""
        event = data[0] if isinstance(data, list) and data else None
        if not isinstance(event, str) or event in RESERVED \
                or event not in server.handlers.get(namespace, {}):
            shown = event if isinstance(event, str) else type(event).__name__
            return "event", f"event: {shown[:40]!r} is not an event this server knows"
        if self.rate <= 0:
            return None
        bucket = self._bucket(server, sid, namespace)
        if not bucket.take():
            return "rate", (f"rate: more than {self.rate:g} commands a second "
                            f"(bursts of {self.burst}); slow down")
        return None

    def _bucket(self, server: Any, sid: str, namespace: str) -> TokenBucket:
        with self._lock:
            bucket = self._buckets.get(sid)
            if bucket is None:
                bucket = self._buckets[sid] = TokenBucket(self.rate, self.burst, self._clock)
                self._created += 1
                if self._created % 256 == 0:  # forget connections that are gone
                    for gone in [s for s in self._buckets
                                 if not server.manager.is_connected(s, namespace)]:
                        del self._buckets[gone]
            return bucket

    def __len__(self) -> int:
        return len(self._buckets)


def install(server: Any, guard: EventGuard) -> None:
    """Put `guard` in front of `server`'s (a socketio.Server) event dispatch, once."""
    if getattr(server, "_backprop_guard", None) is not None:
        server._backprop_guard = guard
        return
    handle_event = server._handle_event  # (eio_sid, namespace, id, data)

    def guarded(eio_sid: str, namespace: str | None, id: Any, data: Any) -> None:
        namespace = namespace or "/"
        sid = server.manager.sid_from_eio_sid(eio_sid, namespace)
        if sid is None or not server.manager.is_connected(sid, namespace):
            return  # python-socketio drops these too
        refusal = server._backprop_guard.check(server, sid, namespace, data)
        if refusal is None:
            handle_event(eio_sid, namespace, id, data)
            return
        server._backprop_guard.refused += 1
        field, message = refusal
        event = data[0] if isinstance(data, list) and data and isinstance(data[0], str) else None
        if id is not None:
            server._send_packet(eio_sid, server.packet_class(
                packet.ACK, namespace=namespace, id=id,
                data=[{"ok": False, "error": message, "field": field}]))
        else:
            server.emit("error", {"event": event, "message": message, "field": field},
                        to=sid, namespace=namespace, ignore_queue=True)

    server._handle_event = guarded
    server._backprop_guard = guard


#: Config keys (override them in `create_app(config)`) and their defaults.
DEFAULTS: dict[str, Any] = {
    "MAX_MESSAGE_BYTES": MAX_MESSAGE_BYTES,
    "COMMAND_RATE": COMMAND_RATE,
    "COMMAND_BURST": COMMAND_BURST,
    "MAX_SESSIONS_PER_ADDRESS": MAX_SESSIONS_PER_ADDRESS,
    "MAX_QUEUED_BYTES": MAX_QUEUED_BYTES,
}


#: Keys the environment may set too (BACKPROP_XOR_<KEY>), when the config does not:
#: what an operator of a classroom behind one NAT may need without writing Python.
FROM_ENVIRONMENT = ("MAX_SESSIONS_PER_ADDRESS",)


def _default(key: str, value: Any) -> Any:
    if key not in FROM_ENVIRONMENT:
        return value
    name = f"BACKPROP_XOR_{key}"
    given = os.environ.get(name)
    if given is None:
        return value
    try:
        return max(0, int(given))
    except ValueError:
        log.warning("%s: need a whole number, got %r; using %s", name, given, value)
        return value


def install_app(app: Any, server: Any) -> EventGuard:
    """Apply the limits in `app.config` (else the environment's, for FROM_ENVIRONMENT, else
    DEFAULTS) to the app's Socket.IO `server` and session registry."""
    for key, value in DEFAULTS.items():
        if key not in app.config:
            app.config[key] = _default(key, value)
    server.eio.max_http_buffer_size = int(app.config["MAX_MESSAGE_BYTES"])
    guard = EventGuard(float(app.config["COMMAND_RATE"]), int(app.config["COMMAND_BURST"]))
    install(server, guard)
    registry = app.extensions["backprop_sessions"]
    registry.max_per_address = int(app.config["MAX_SESSIONS_PER_ADDRESS"])
    cap = int(app.config["MAX_QUEUED_BYTES"])
    notice = NOTICE.format(mb=round(cap / 2**20, 2))

    def closed(sid: str) -> None:  # the session's next hello says why
        entry = registry.for_sid(sid)
        if entry is not None:
            entry[0].notice = notice

    flow = app.extensions["backprop_flow"] = FlowControl(server, cap, closed)
    flow.install()
    return guard
