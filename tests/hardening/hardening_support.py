"""Helpers for the hardening tests: a server in a subprocess, raw clients, process figures."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import socketio
from live_support import WAIT, _in_order, eventually, free_port

__all__ = ["WAIT", "EventClient", "ServerProcess", "close_client", "eventually", "free_port",
           "threads_and_rss"]

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).with_name("backprop-xor")


class ServerProcess:
    """`backprop-xor serve` in a subprocess; its output is collected line by line."""

    def __init__(self, *args: str, port: int | None = None, env: dict[str, str] | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self.proc = subprocess.Popen(
            [str(CLI), "serve", "--port", str(self.port), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.wait_for("serving on", timeout=60)
        self._wait_listening()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()

    @property
    def output(self) -> str:
        """Everything the server printed so far."""
        with self._cond:
            return "\n".join(self.lines)

    def wait_for(self, text: str, timeout: float = WAIT) -> str:
        """Wait until the server prints a line containing `text`; that line."""
        def found() -> str | None:
            return next((line for line in self.lines if text in line), None)

        with self._cond:
            assert self._cond.wait_for(lambda: found() or self.proc.poll() is not None,
                                       timeout), f"no {text!r} in:\n{self.output}"
            line = found()
            assert line is not None, f"server exited ({self.proc.returncode}):\n{self.output}"
            return line

    def _wait_listening(self) -> None:
        try:  # polling a process we started: no event to await
            eventually(lambda: socket.create_connection(("127.0.0.1", self.port),
                                                        timeout=1).close() is None, WAIT)
        except AssertionError:
            raise AssertionError(f"server not listening:\n{self.output}") from None

    def _reap(self, timeout: float) -> int:
        status = self.proc.wait(timeout)
        self._reader.join(WAIT)  # everything printed is in self.lines
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return status

    def kill(self) -> int:
        """SIGKILL: no chance to save anything; the exit status."""
        self.proc.kill()
        return self._reap(WAIT)

    def terminate(self) -> int:
        """SIGTERM; the exit status."""
        self.proc.send_signal(signal.SIGTERM)
        return self._reap(30)

    def stop(self) -> None:
        """Make sure it is gone."""
        if self.proc.poll() is None:
            self.proc.kill()
        self._reap(WAIT)


def threads_and_rss(pid: int) -> tuple[int, float]:
    """(threads, resident MB) of process `pid` (Linux /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    threads = int(re.search(r"^Threads:\s+(\d+)", status, re.M).group(1))
    rss_kb = int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1))
    return threads, rss_kb / 1024


def close_client(sio: socketio.Client) -> None:
    """Disconnect `sio` (a python-socketio client) even when its server died or dropped it.

    websocket-client's close waits up to 3 s for a close frame Werkzeug never sends,
    and a connection the server dropped leaves its socket open (a ResourceWarning).
    """
    ws = getattr(sio.eio, "ws", None)
    if ws is not None:
        close = ws.close
        ws.close = lambda *a, **k: close(timeout=0.05)
    if sio.connected:
        sio.disconnect()
    if ws is not None and ws.sock is not None:
        ws.sock.close()


class EventClient:
    """A bare python-socketio client that records every event it gets (no auto-reconnect)."""

    def __init__(self, url: str, auth: dict[str, Any] | None = None, connect: bool = True):
        self.url = url
        self.sio = _in_order(socketio.Client(reconnection=False))
        self.cond = threading.Condition()
        self.events: list[tuple[str, Any]] = []
        self.disconnected = threading.Event()
        self.sio.on("*", self._record)
        self.sio.on("frame", self._frame)
        self.sio.on("disconnect", lambda *a: self.disconnected.set())
        if connect:
            self.sio.connect(url, transports=["websocket"], auth=auth, wait_timeout=WAIT)

    def _record(self, event: str, *args: Any) -> None:
        with self.cond:
            self.events.append((event, args[0] if args else None))
            self.cond.notify_all()

    def _frame(self, frame: Any) -> str:
        self._record("frame", frame)
        return "ok"  # the ack

    def wait_event(self, name: str, timeout: float = WAIT) -> Any:
        """The first event `name` received (waiting for it)."""
        def find() -> list[Any]:
            return [data for event, data in self.events if event == name]

        with self.cond:
            assert self.cond.wait_for(lambda: find(), timeout), f"no {name} in {self.events}"
            return find()[0]

    def count(self, name: str) -> int:
        """How many events `name` arrived."""
        with self.cond:
            return sum(1 for event, _ in self.events if event == name)

    def wait(self, predicate: Callable[[], bool], timeout: float = WAIT) -> None:
        """Wait until `predicate()` (checked whenever an event arrives)."""
        with self.cond:
            assert self.cond.wait_for(predicate, timeout), "timed out waiting"

    def call(self, event: str, data: Any = None) -> Any:
        """Send with an ack and return it."""
        return self.sio.call(event, {} if data is None else data, timeout=WAIT)

    def close(self) -> None:
        """Disconnect (see close_client)."""
        close_client(self.sio)
