"""Helpers for the hardening tests: a server in a subprocess, raw clients, process figures."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import socketio
from live_support import (
    BASE_WAIT,
    WAIT,
    _in_order,
    close_client,
    deadline,
    eventually,
    free_port,
    keep_settings,
)
from process_support import CLI, ROOT, ServerProcess

from app.web.wire import read_frame

__all__ = ["CLI", "ROOT", "WAIT", "EventClient", "ServerProcess", "close_client", "eventually",
           "free_port", "threads_and_rss"]



def threads_and_rss(pid: int) -> tuple[int, float]:
    """(threads, resident MB) of process `pid` (Linux /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    threads = int(re.search(r"^Threads:\s+(\d+)", status, re.M).group(1))
    rss_kb = int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1))
    return threads, rss_kb / 1024


class EventClient:
    """A bare python-socketio client that records every event it gets (no auto-reconnect)."""

    def __init__(self, url: str, auth: dict[str, Any] | None = None, connect: bool = True,
                 headers: dict[str, str] | None = None, origin: str | None = None):
        self.url = url
        options = {"websocket_extra_options": {"origin": origin}} if origin else {}
        self.sio = _in_order(socketio.Client(reconnection=False, **options))
        self.cond = threading.Condition()
        self.events: list[tuple[str, Any]] = []
        self.disconnected = threading.Event()
        self.sio.on("*", self._record)
        self.sio.on("frame", self._frame)
        self.sio.on("disconnect", lambda *a: self.disconnected.set())
        if connect:
            self.sio.connect(url, transports=["websocket"], auth=auth, wait_timeout=deadline(),
                             headers=headers or {})

    def _record(self, event: str, *args: Any) -> None:
        data = args[0] if args else None
        if event == "room_frame" and isinstance(data, bytes):
            data = read_frame(data)  # frames are MessagePack blobs (app/web/wire.py)
        with self.cond:
            self.events.append((event, data))
            self.cond.notify_all()

    def _frame(self, blob: bytes) -> str:
        frame = read_frame(blob)  # a MessagePack blob (app/web/wire.py)
        with self.cond:
            keep_settings(frame, [d for e, d in self.events if e == "frame"])
        self._record("frame", frame)
        return "ok"  # the ack

    def wait_event(self, name: str, timeout: float = BASE_WAIT) -> Any:
        """The first event `name` received (waiting for it)."""
        def find() -> list[Any]:
            return [data for event, data in self.events if event == name]

        with self.cond:
            assert self.cond.wait_for(lambda: find(), deadline(timeout)), \
                f"no {name} in {self.events}"
            return find()[0]

    def count(self, name: str) -> int:
        """How many events `name` arrived."""
        with self.cond:
            return sum(1 for event, _ in self.events if event == name)

    def wait(self, predicate: Callable[[], bool], timeout: float = BASE_WAIT) -> None:
        """Wait until `predicate()` (checked whenever an event arrives)."""
        with self.cond:
            assert self.cond.wait_for(predicate, deadline(timeout)), "timed out waiting"

    def call(self, event: str, data: Any = None) -> Any:
        """Send with an ack and return it."""
        return self.sio.call(event, {} if data is None else data, timeout=deadline())

    def close(self) -> None:
        """Disconnect (see close_client)."""
        close_client(self.sio)
