"""Every byte to a client under flow control: a cap on what waits to be sent per connection.

engine.io keeps an unbounded queue of packets per connection; frames are
flow-controlled (one in flight, `app.sessions.stream`), and room frames go only
to students whose queue is empty (`app.rooms.fanout`), but replies to commands,
errors and status events are not. A client that stops reading while it sends
commands (an `export` of a long run answers 600 KB) grew the server by 850 MB in
a minute. Here every connection's queue counts the bytes it holds
(`MeteredQueue`, given to engine.io through its `create_queue`); past
`MAX_QUEUED_BYTES` the connection is closed at once: what was queued is dropped,
the TCP socket is shut so that the writer blocked on it lets go, and the client's
session stays (detached, resumable: the page reconnects and gets it back, with a
`notice` in its `hello` saying why the connection was closed).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import queue
import socket
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

#: engine.io's MESSAGE packet type (what carries a Socket.IO packet).
MESSAGE = 4

#: Most bytes waiting to be sent to one connection (1 MiB, as issue 12 asks). Each stalled
#: client then holds at most ~2 MiB (the queue, plus the batch engine.io's writer took from
#: it before blocking). The largest legitimate peak comes close: a reconnect's first frame
#: of a long run of the biggest net (~370 KB: the whole curve and 24 surfaces) with a
#: worst-case export answer (684 KB) queued behind it on a slow link; such a client is
#: closed, reconnects, gets its session back and is told why (`notice`).
MAX_QUEUED_BYTES = 1024 * 1024
#: What the page reads when it gets its session back after such a close.
NOTICE = ("the server closed your last connection: more than {mb:g} MB waited to be sent to "
          "it (a stalled or very slow link); your run was kept")


def _glibc() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim  # noqa: B018 - glibc has it; others do not
        return libc
    except (OSError, AttributeError):  # not glibc: nothing to tune
        return None


_LIBC = _glibc()
_TRIM = None if _LIBC is None else _LIBC.malloc_trim
#: glibc's mallopt parameter for the number of malloc arenas.
M_ARENA_MAX = -8
#: Arenas: glibc makes up to 8 per core, one per busy thread; each keeps memory freed by the
#: thread that used it, so with a thread per connection RSS creeps up with every client that
#: came and went. The GIL serialises Python's allocations anyway: two arenas lose nothing.
ARENAS = 2


def limit_arenas() -> None:
    """Keep glibc to `ARENAS` malloc arenas (for threads started from now on)."""
    if _LIBC is not None:
        _LIBC.mallopt(M_ARENA_MAX, ARENAS)


def trim_memory() -> None:
    """Give freed memory back to the system (glibc keeps it in per-thread arenas: after a
    connection's megabytes are dropped, RSS would otherwise stay up)."""
    if _TRIM is not None:
        _TRIM(0)


def packet_size(item: Any) -> int:
    """Bytes an engine.io packet will take on the wire (about: its data's length)."""
    data = getattr(item, "data", None)
    if isinstance(data, str | bytes | bytearray):
        return len(data) + 1
    return 64  # control packets (open, ping, noop, close)


def binary_attachments(item: Any) -> int:
    """How many attachments follow this engine.io packet: a Socket.IO binary event or ack
    ("5<n>-..." or "6<n>-..." in a MESSAGE packet's text), else 0."""
    data = getattr(item, "data", None)
    if getattr(item, "packet_type", None) != MESSAGE or not isinstance(data, str) \
            or data[:1] not in ("5", "6"):
        return 0
    dash = data.find("-", 1, 12)
    digits = data[1:dash]
    return int(digits) if dash > 1 and digits.isdigit() else 0


class MeteredQueue(queue.Queue):
    """An engine.io packet queue that counts the bytes it holds; `on_overflow` past `cap`."""

    def __init__(self, cap: int, on_overflow: Callable[[MeteredQueue], None]) -> None:
        self.cap = cap
        self.bytes = 0
        self.peak = 0
        self.overflowed = False
        self._on_overflow = on_overflow
        super().__init__()

    def _init(self, maxsize: int) -> None:
        super()._init(maxsize)
        self._sizes: deque[int] = deque()
        self._pending: dict[int, tuple[int, list[Any]]] = {}  # thread -> (count, packets)

    def _put(self, item: Any) -> None:
        size = packet_size(item) if item is not None else 0
        self._sizes.append(size)
        self.bytes += size
        self.peak = max(self.peak, self.bytes)
        super()._put(item)

    def _get(self) -> Any:
        self.bytes -= self._sizes.popleft()
        return super()._get()

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        """Queue a packet; the first time the queue holds more than `cap`, overflow.

        A binary event (a frame: a text packet, then its attachment) is queued whole: its
        header waits, per thread, for the attachments that follow it, then all go in at
        once, so that another thread's packet cannot land between them (the client would
        take it for the attachment). Only the thread that queued the header adds to it.
        """
        thread = threading.get_ident()
        group = self._pending.pop(thread, None)
        if group is not None:
            if isinstance(getattr(item, "data", None), bytes | bytearray):
                group[1].append(item)
                if len(group[1]) < group[0]:
                    self._pending[thread] = group
                    return
                item = group[1]
            else:  # never happens with python-socketio; if it did, the header alone is wrong
                log.warning("a binary packet's header came without its attachments: dropped")
        else:
            attachments = binary_attachments(item)
            if attachments:
                self._pending[thread] = (attachments, [item])
                return
        if isinstance(item, list):
            with self.not_full:
                for part in item:
                    self._put(part)
                self.unfinished_tasks += len(item)
                self.not_empty.notify()
        else:
            super().put(item, block, timeout)
        if self.bytes > self.cap and not self.overflowed:
            self.overflowed = True
            self._on_overflow(self)

    def drop(self) -> int:
        """Forget every queued packet (the connection is being closed); bytes dropped."""
        with self.mutex:
            dropped = self.bytes
            self.queue.clear()
            self._sizes.clear()
            self._pending.clear()
            self.bytes = 0
            self.unfinished_tasks = 0
            self.all_tasks_done.notify_all()
        self.put(None)  # wakes the writer, which then ends
        return dropped


class FlowControl:
    """Installs metered queues on a python-socketio server and closes overflowing clients."""

    def __init__(self, server: Any, cap: int, on_closed: Callable[[str], None]) -> None:
        self.server = server
        self.cap = cap
        self._on_closed = on_closed
        self.closed = 0  # connections closed for overflowing
        self._lock = threading.Lock()

    def install(self) -> None:
        """Give every new engine.io connection a metered queue (engine.io's create_queue)."""
        self.server.eio.create_queue = self._queue
        limit_arenas()

    def _queue(self, *_args: Any, **_kwargs: Any) -> MeteredQueue:
        return MeteredQueue(self.cap, self._overflow)

    def _overflow(self, metered: MeteredQueue) -> None:
        # in the thread that queued the packet (a handler's, a background loop's): never wait
        threading.Thread(target=self._close, args=(metered,), daemon=True,
                         name="flow-close").start()

    def _close(self, metered: MeteredQueue) -> None:
        eio = self.server.eio
        eio_sid = next((sid for sid, s in list(eio.sockets.items()) if s.queue is metered), None)
        dropped = metered.drop()
        with self._lock:
            self.closed += 1
        if eio_sid is None:
            return
        sid = self.server.manager.sid_from_eio_sid(eio_sid, "/")
        log.warning("closed connection %s: more than %d bytes waited to be sent to it "
                    "(%d dropped); its session is kept", eio_sid[:8], self.cap, dropped)
        if sid is not None:
            try:
                self._on_closed(sid)
            except Exception:  # the notice is a courtesy; closing matters
                log.exception("noting a closed connection failed")
        environ = self.server.get_environ(sid) if sid is not None else None
        raw = (environ or {}).get("werkzeug.socket") or (environ or {}).get("gunicorn.socket")
        if raw is not None:
            with contextlib.suppress(OSError):  # the writer may be blocked sending to it
                raw.shutdown(socket.SHUT_RDWR)
        s = eio.sockets.get(eio_sid)
        if s is not None and not s.closed:
            try:
                s.close(wait=False, abort=True)
            except Exception:  # already closing on its own
                log.debug("closing an overflowing socket", exc_info=True)
        trim_memory()
