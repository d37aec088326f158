"""A live server on a loopback port, real python-socketio clients for it, and waiting.

Imported by the conftest files and by tests that need these directly
(`from live_support import LiveClient`): a module of its own, since test modules
cannot import a conftest by name when there are several. The one place for the
helpers every suite needs: `deadline` (a timeout scaled for a loaded machine),
`eventually` (for a server-side condition no event announces), `free_port`,
`examples` (a property search's size), `close_client` (a quick disconnect),
`LiveClient` (a tab) and `Student` (a room's follower).
"""

from __future__ import annotations

import os
import random
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import socketio
from werkzeug.serving import make_server

from app.sessions.history import rebucket
from app.web.wire import read_frame

#: Seconds a test waits for an event on an idle machine; `deadline` scales it.
BASE_WAIT = 15.0


def slowdown() -> float:
    """How much slower than idle this machine is now: runnable tasks per core (at least 1),
    or BACKPROP_TEST_SLOWDOWN when set (CI on a slow runner)."""
    if os.environ.get("BACKPROP_TEST_SLOWDOWN"):
        return max(1.0, float(os.environ["BACKPROP_TEST_SLOWDOWN"]))
    return max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))


def deadline(seconds: float = BASE_WAIT) -> float:
    """`seconds` scaled for the machine's load now (a test waits on events, never a clock:
    this bounds the wait, so a busy machine is slower, not failing)."""
    return seconds * min(slowdown(), 8.0)


WAIT = deadline()

#: The share of each property search's full size that a default run tries.
EXAMPLES_SHARE = 0.25


def examples(full: int) -> int:
    """How many cases a property search tries: `full` (the size it was written for) times
    BACKPROP_TEST_EXAMPLES (a share; default 0.25, for the edit-test loop; `1` runs the
    full searches), never fewer than 25 (a search, not a token)."""
    share = float(os.environ.get("BACKPROP_TEST_EXAMPLES") or EXAMPLES_SHARE)
    if not share > 0:
        raise ValueError(f"BACKPROP_TEST_EXAMPLES: a share above 0, not {share!r}")
    return max(min(full, 25), round(full * share))


def eventually(predicate: Callable[[], Any], timeout: float = 10.0, every: float = 0.02) -> None:
    """Poll a condition no event announces (the reaper's work, a process we started) until
    it holds; fail after `timeout` seconds scaled by `deadline`. Exceptions count as false."""
    end = time.monotonic() + deadline(timeout)
    while True:
        try:
            if predicate():
                return
        except Exception:  # not up yet (a refused connection, a missing row)
            pass
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(every)


#: Ports handed to the processes a test starts (redis-server, nginx, `serve`) come from a
#: block of this worker's own (pytest-xdist runs several at once), below the kernel's
#: ephemeral range (32768 and up on Linux), where a LiveServer's port 0 and every outgoing
#: connection's port come from: so no other test takes the port between the test choosing
#: it and the process binding it.
PORT_BASE, PORT_BLOCK = 20_000, 400
_next_port = [-1]


def free_port() -> int:
    """A TCP port free on loopback right now, from this test worker's own block."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    index = int(worker) if worker.isdigit() else 0
    first = PORT_BASE + (index % 30) * PORT_BLOCK
    if _next_port[0] < 0:  # a random start: another checkout's run has the same blocks
        _next_port[0] = random.randrange(PORT_BLOCK)
    for _ in range(PORT_BLOCK):
        port = first + _next_port[0] % PORT_BLOCK
        _next_port[0] += 1
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue  # in use (or lingering): the next one
            return port
    raise AssertionError(f"no free port in {first}..{first + PORT_BLOCK - 1}")


def close_client(sio: socketio.Client) -> None:
    """Disconnect `sio` (a python-socketio client) at once, even when its server died or
    dropped it.

    websocket-client's close waits up to 3 s for the server's close frame, which
    Werkzeug's WebSocket handling never sends (it reads the frame as a bad HTTP
    request instead); a browser does not wait, so neither do the tests. A connection
    the server dropped leaves its socket open (a ResourceWarning): closed here.
    """
    ws = getattr(sio.eio, "ws", None)
    if ws is not None:
        close = ws.close
        ws.close = lambda *args, **kwargs: close(timeout=0.05)
    if sio.connected:
        sio.disconnect()
    if ws is not None and ws.sock is not None:
        ws.sock.close()


def apply_history(series: list[list[float]], history: dict[str, Any]) -> list[list[float]]:
    """A frame's error curve applied to the points kept so far, as docs/protocol.md says."""
    if history["reset"]:
        return list(history["points"])
    if len(series) > 1 and history["width"] > 1:
        series = rebucket(series, history["width"])  # a no-op unless buckets merged
    return series[: history["start"]] + list(history["points"])


class LiveServer:
    """A real server (Werkzeug, threads, WebSocket) on an ephemeral loopback port."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        # shutdown() waits for the serving loop to look again: every 50 ms, not 0.5 s
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()
        self.clients: list[LiveClient] = []

    @property
    def registry(self) -> Any:
        """The app's session registry."""
        return self.app.extensions["backprop_sessions"]

    def client(self, **kwargs: Any) -> LiveClient:
        """A connected client (see LiveClient)."""
        live = LiveClient(self.url, **kwargs)
        self.clients.append(live)
        return live

    def client_for_room(self, code: str, **kwargs: Any) -> Student:
        """A connected student following room `code` (see Student)."""
        student = Student(self.url, code, **kwargs)
        self.clients.append(student)
        return student

    def close(self) -> None:
        """Disconnect the clients and stop serving."""
        for live in self.clients:
            live.close()
        self._server.shutdown()
        self._thread.join(deadline())


class _NoAckClient(socketio.Client):
    """A client that receives events but never acknowledges them (a stalled tab)."""

    def _handle_event(self, namespace: Any, id: Any, data: Any) -> None:
        super()._handle_event(namespace, None, data)


def _in_order(client: socketio.Client) -> socketio.Client:
    """Make `client` handle engine.io messages in arrival order, on its read thread.

    python-socketio's client hands every engine.io message to a new thread; a binary
    event (a frame: JSON header plus attachments) then races its own attachments
    and, on a busy machine, fails to decode ("invalid literal for int()"). The
    browser's client decodes in order; so do the test and benchmark clients.
    """
    eio = client.eio
    trigger = eio._trigger_event

    def ordered(event: str, *args: Any, **kwargs: Any) -> Any:
        if event == "message":
            kwargs["run_async"] = False
        return trigger(event, *args, **kwargs)

    eio._trigger_event = ordered
    return client


def keep_settings(frame: dict[str, Any], before: list[dict[str, Any]]) -> None:
    """Give `frame` the settings it came without (null: unchanged), as the page's store does."""
    if frame.get("settings") is None and before:
        frame["settings"] = before[-1]["settings"]


class LiveClient:
    """A python-socketio client over WebSocket that keeps the frames and the error curve."""

    def __init__(self, url: str, session: str | None = None, ack: bool = True,
                 connect: bool = True) -> None:
        self.url = url
        self.sio = _in_order((socketio.Client if ack else _NoAckClient)(reconnection=False))
        self.cond = threading.Condition()
        self.frames: list[dict[str, Any]] = []
        self.hello: dict[str, Any] | None = None
        self.events: list[tuple[str, Any]] = []
        self.series: list[list[float]] = []
        self.marks: list[dict[str, Any]] | None = None
        self.sio.on("hello", self._on_hello)
        self.sio.on("frame", self._on_frame)
        for name in ("error", "taken_over"):
            self.sio.on(name, lambda data, name=name: self._on_event(name, data))
        if connect:
            self.connect(session)

    def connect(self, session: str | None = None) -> None:
        """Connect, presenting `session` as the id to resume, and wait for hello."""
        self.sio.connect(self.url, transports=["websocket"], auth={"session": session},
                         wait_timeout=deadline())
        self.wait(lambda: self.hello is not None)

    def _on_hello(self, data: dict[str, Any]) -> None:
        with self.cond:
            self.hello = data
            self.frames.clear()
            self.cond.notify_all()

    def _on_event(self, name: str, data: Any) -> None:
        with self.cond:
            self.events.append((name, data))
            self.cond.notify_all()

    def _on_frame(self, blob: bytes) -> None:
        frame = read_frame(blob)  # frames are MessagePack blobs (app/web/wire.py)
        with self.cond:
            keep_settings(frame, self.frames)
            self.series[:] = apply_history(self.series, frame["history"])
            if frame["marks"] is not None:
                self.marks = frame["marks"]
            self.frames.append(frame)
            self.cond.notify_all()

    def wait(self, predicate: Callable[[], bool], timeout: float = BASE_WAIT) -> None:
        """Wait until `predicate()` holds (checked under the client's lock)."""
        with self.cond:
            assert self.cond.wait_for(predicate, deadline(timeout)), "timed out waiting"

    def frame(self, predicate: Callable[[dict[str, Any]], bool] = lambda f: True,
              after: int = 0, timeout: float = BASE_WAIT) -> dict[str, Any]:
        """The first frame with seq > `after` that satisfies `predicate`."""
        found: list[dict[str, Any]] = []

        def check() -> bool:
            for frame in self.frames:
                if frame["seq"] > after and predicate(frame):
                    found.append(frame)
                    return True
            return False

        self.wait(check, timeout)
        return found[0]

    @property
    def last_seq(self) -> int:
        """seq of the newest frame received (0 if none)."""
        with self.cond:
            return self.frames[-1]["seq"] if self.frames else 0

    def call(self, event: str, data: Any = None) -> dict[str, Any]:
        """Send a command and return its acknowledgement."""
        return self.sio.call(event, {} if data is None else data, timeout=deadline())

    def close(self) -> None:
        """Disconnect (if connected): see `close_client`."""
        close_client(self.sio)


class Student:
    """A python-socketio client following a room (auth: {room}); keeps its frames and curve."""

    def __init__(self, url: str, code: str, viewer: str | None = None, name: str = "",
                 secret: str | None = None, watch: bool = False) -> None:
        self.sio = _in_order(socketio.Client(reconnection=False))
        self.cond = threading.Condition()
        self.frames: list[dict[str, Any]] = []
        self.series: list[list[float]] = []
        self.hello: dict[str, Any] | None = None
        self.events: list[tuple[str, Any]] = []
        self.sio.on("room_hello", self._on_hello)
        self.sio.on("room_frame", self._on_frame)
        for name_ in ("room_link", "error", "room_meta"):
            self.sio.on(name_, lambda data, n=name_: self._on_event(n, data))
        self.sio.connect(url, transports=["websocket"], wait_timeout=deadline(),
                         auth={"room": code, "viewer": viewer, "secret": secret, "name": name,
                               "watch": watch})
        self.wait(lambda: self.hello is not None)

    def _on_hello(self, data: dict[str, Any]) -> None:
        with self.cond:
            self.hello = data
            self.cond.notify_all()

    def _on_event(self, name: str, data: Any) -> None:
        with self.cond:
            self.events.append((name, data))
            self.cond.notify_all()

    def _on_frame(self, blob: bytes) -> None:
        frame = read_frame(blob)  # room frames are MessagePack blobs too
        with self.cond:
            keep_settings(frame, self.frames)
            self.series[:] = apply_history(self.series, frame["history"])
            self.frames.append(frame)
            self.cond.notify_all()

    def wait(self, predicate: Callable[[], Any], timeout: float = BASE_WAIT) -> None:
        """Wait until `predicate()` holds (checked whenever something arrives)."""
        with self.cond:
            assert self.cond.wait_for(predicate, deadline(timeout)), "timed out waiting"

    def frame(self, predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The newest frame received that satisfies `predicate` (waiting for one)."""
        found: list[dict[str, Any]] = []

        def check() -> bool:
            found[:] = [f for f in self.frames if predicate(f)]
            return bool(found)

        self.wait(check)
        return found[-1]

    def call(self, event: str, data: Any = None) -> dict[str, Any]:
        """Send with an ack and return it."""
        return self.sio.call(event, {} if data is None else data, timeout=deadline())

    def close(self) -> None:
        """Disconnect (if connected): see `close_client`."""
        close_client(self.sio)
