"""Soak: clients connect, run and leave in churn; the server's threads and memory come back.

    .venv/bin/python bench/soak.py [--duration 60] [--clients 20] [--grace 5]

The server runs in a subprocess (the app with a short grace period so that left
sessions are freed within the run, and a fresh SQLite database). Workers connect
over WebSocket, configure, run at a random speed for a random while, step, export,
and leave, cleanly or by dropping the link; then start again. The server's thread
count and resident memory are sampled from /proc throughout: at baseline (after a
warm-up client), at their peak, and after the churn once every session is freed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import socketio

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import sys
from app.web import create_app, socketio
app = create_app({{"SESSION_GRACE_SECONDS": {grace}, "DATABASE": {db!r}, "MAX_SESSIONS": 1000,
                  "MAX_SESSIONS_PER_ADDRESS": 0}})
print("ready", flush=True)
socketio.run(app, host="127.0.0.1", port={port}, allow_unsafe_werkzeug=True, debug=False,
             use_reloader=False, log_output=False)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def figures(pid: int) -> tuple[int, float]:
    """(threads, RSS in MB) of `pid`."""
    status = Path(f"/proc/{pid}/status").read_text()
    threads = int(re.search(r"^Threads:\s+(\d+)", status, re.M).group(1))
    rss = int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1)) / 1024
    return threads, rss


def sessions(url: str) -> int:
    with urllib.request.urlopen(f"{url}/healthz", timeout=10) as reply:
        return json.load(reply)["sessions"]


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}

    def add(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.counts[name] = self.counts.get(name, 0) + n


LAYOUTS = ([1], [2], [3, 2])


def in_order(client: socketio.Client) -> socketio.Client:
    """Decode engine.io messages in arrival order (as tests/conftest.py explains: a binary
    frame otherwise races its own attachments on the client side)."""
    trigger = client.eio._trigger_event

    def ordered(event: str, *args: Any, **kwargs: Any) -> Any:
        if event == "message":
            kwargs["run_async"] = False
        return trigger(event, *args, **kwargs)

    client.eio._trigger_event = ordered
    return client


def visit(url: str, rng: random.Random, tally: Tally, hidden: list[int] | None = None) -> None:
    """One client's visit: connect, work, leave (cleanly or not)."""
    sio = in_order(socketio.Client(reconnection=False))
    frames = [0]
    sio.on("frame", lambda frame: frames.__setitem__(0, frames[0] + 1) or True)
    sio.connect(url, transports=["websocket"], wait_timeout=15)
    try:
        sio.call("configure", {"hidden": hidden or rng.choice(LAYOUTS)}, timeout=15)
        sio.call("speed", {"level": rng.randrange(0, 9)}, timeout=15)
        sio.call("run", {}, timeout=15)
        time.sleep(rng.uniform(0.5, 4.0))
        sio.call("step", {"unit": rng.choice(["phase", "pattern", "epoch"])}, timeout=15)
        sio.call("export", {}, timeout=15)
        tally.add("visits")
        tally.add("frames", frames[0])
    finally:
        ws = getattr(sio.eio, "ws", None)
        if rng.random() < 0.3 and ws is not None and ws.sock is not None:
            ws.sock.shutdown(socket.SHUT_RDWR)  # the Wi-Fi drops
            tally.add("dropped links")
        if ws is not None:
            close = ws.close
            ws.close = lambda *a, **k: close(timeout=0.05)
        try:
            sio.disconnect()
        finally:
            if ws is not None and ws.sock is not None:
                ws.sock.close()


def worker(url: str, seed: int, stop: threading.Event, tally: Tally) -> None:
    rng = random.Random(seed)
    while not stop.is_set():
        try:
            visit(url, rng, tally)
        except Exception as error:
            tally.add(f"client errors ({type(error).__name__})")


#: engine.io's ping task of a closed connection sleeps out its ping interval (25 s)
PING_INTERVAL = 25.0


def settle(url: str, pid: int, threads: int | None, grace: float) -> None:
    """Wait until every session is freed (grace + reaper) and, given a baseline thread
    count, the server is back within 2 threads of it (engine.io's ping tasks of closed
    connections end at their next ping, up to 25 s later)."""
    deadline = time.monotonic() + grace * 4 + PING_INTERVAL + 30
    while time.monotonic() < deadline:
        if sessions(url) == 0 and (threads is None or figures(pid)[0] <= threads + 2):
            break
        time.sleep(0.5)
    if threads is None:  # the warm-up's own ping tasks
        time.sleep(PING_INTERVAL + 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of churn")
    parser.add_argument("--clients", type=int, default=20, help="clients at once")
    parser.add_argument("--grace", type=float, default=5.0, help="server's grace period (s)")
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        child = CHILD.format(grace=args.grace, db=str(Path(tmp) / "soak.sqlite3"), port=port)
        server = subprocess.Popen([sys.executable, "-c", child], cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert server.stdout is not None and server.stdout.readline().strip() == "ready"
            for _ in range(200):
                try:
                    sessions(url)
                    break
                except OSError:
                    time.sleep(0.05)
            tally = Tally()
            for hidden in LAYOUTS:  # warm-up: every layout's kernels compiled
                visit(url, random.Random(0), Tally(), hidden)
            settle(url, server.pid, None, args.grace)
            baseline = figures(server.pid)
            stop = threading.Event()
            workers = [threading.Thread(target=worker, args=(url, i, stop, tally), daemon=True)
                       for i in range(args.clients)]
            for thread in workers:
                thread.start()
            peak_threads, peak_rss, peak_sessions = baseline[0], baseline[1], 0
            end = time.monotonic() + args.duration
            while time.monotonic() < end:
                threads, rss = figures(server.pid)
                peak_threads, peak_rss = max(peak_threads, threads), max(peak_rss, rss)
                peak_sessions = max(peak_sessions, sessions(url))
                time.sleep(0.5)
            stop.set()
            for thread in workers:
                thread.join(30)
            stopped = time.monotonic()
            settle(url, server.pid, baseline[0], args.grace)
            settled = time.monotonic() - stopped
            after = figures(server.pid)
            left = sessions(url)
        finally:
            server.terminate()
            server.wait(30)
            if server.stdout is not None:
                server.stdout.close()
    print(f"soak: {args.duration:.0f} s of churn, {args.clients} clients at once, "
          f"grace {args.grace:g} s")
    print(", ".join(f"{k}: {v:,}" for k, v in sorted(tally.counts.items())))
    print()
    print("| server | baseline | peak | after churn |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| threads | {baseline[0]} | {peak_threads} | {after[0]} |")
    print(f"| RSS (MB) | {baseline[1]:.1f} | {peak_rss:.1f} | {after[1]:.1f} |")
    print(f"| sessions | 0 | {peak_sessions} | {left} |")
    ok = after[0] <= baseline[0] + 2 and left == 0
    print(f"\nthreads back to baseline: {'yes' if after[0] <= baseline[0] + 2 else 'NO'} "
          f"({settled:.0f} s after the churn); memory after/baseline: "
          f"{after[1] / baseline[1]:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
