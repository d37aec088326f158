"""Soak: clients connect, run and leave in churn; the server's threads and memory come back.

    .venv/bin/python bench/soak.py [--duration 60] [--clients 20] [--grace 5]
    .venv/bin/python bench/soak.py --non-readers 5 [--duration 60]

`--non-readers N` (issue 12): N raw WebSockets import a long run (a ~300 KB
export) and then send commands at the rate limit, a mix of `export`, `step`,
`configure` and `speed`, and never read a byte; when the server closes one
(more than MAX_QUEUED_BYTES waiting for it) it reconnects to its session and goes
on. The server's RSS is sampled every half second; the goal is growth <= 32 MB
over the run (the issue's client took it from 268 MB to 1,115 MB in 60 s).

The server runs in a subprocess (the app with a short grace period so that left
sessions are freed within the run, and a fresh SQLite database). Workers connect
over WebSocket, configure, run at a random speed for a random while, step, export,
and leave, cleanly or by dropping the link; then start again. The server's thread
count and resident memory are sampled from /proc throughout: at baseline (after a
warm-up client), at their peak, and after the churn once every session is freed.
"""

from __future__ import annotations

import argparse
import contextlib
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
                  "MAX_SESSIONS_PER_ADDRESS": 0, "COMMAND_RATE": 0}})
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


#: RSS growth allowed with non-reading clients (issue 12).
GROWTH_GOAL_MB = 32.0
#: The mix of commands a non-reader sends (each answered with an ack it never reads).
MIX = ("export", "export", "step", "configure", "speed")


def long_run() -> dict[str, Any]:
    """An exported long run (the full error curve of a big net): ~300 KB of JSON."""
    from app.engine import Trainer, TrainingConfig
    from app.sessions import CAPACITY, EXPORT_FORMAT

    state = {**Trainer(TrainingConfig(hidden=(8, 8, 8))).state(), "format": EXPORT_FORMAT}
    state["history"] = {"width": 2**20, "points": [
        [i * 2**20 + 5, 0.123456789012345, 0.223456789012345, 0.173456789012345]
        for i in range(CAPACITY)]}
    return state


def non_reader(url: str, stop: threading.Event, tally: Tally, rate: float = 25.0) -> None:
    """Import a long run, then send commands and never read; reconnect when closed."""
    import websocket

    state = json.dumps(["import", {"state": long_run()}])
    session = None
    ident = 0
    while not stop.is_set():
        ws = None
        try:
            ws = websocket.create_connection(
                url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket",
                timeout=10, sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
            ws.recv()
            ws.send("40" + json.dumps({"session": session}))
            while True:
                message = ws.recv()
                if message.startswith('42["hello"'):
                    session = json.loads(message[2:])[1]["session"]
                    break
            tally.add("connections")
            ws.send(f"42{ident}" + state)
            while not stop.is_set():  # from here on, nothing is read
                ident += 1
                command = MIX[ident % len(MIX)]
                payload = {"configure": {"eta": 0.5 + (ident % 7) / 10}, "speed": {"level": 3},
                           "step": {"unit": "epoch"}}.get(command, {})
                ws.send(f"42{ident}" + json.dumps([command, payload]))
                tally.add("commands")
                stop.wait(1 / rate)
        except Exception:  # the server closed us (flow control): come back
            tally.add("closed by the server")
            stop.wait(0.2)
        finally:
            if ws is not None:
                with contextlib.suppress(Exception):
                    ws.close(timeout=0.05)


def soak_non_readers(args: argparse.Namespace) -> int:
    """The --non-readers run: RSS over time with clients that never read."""
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
            visit(url, random.Random(0), Tally(), [8, 8, 8])  # warm-up: the big net compiled
            baseline = figures(server.pid)[1]
            tally, stop = Tally(), threading.Event()
            workers = [threading.Thread(target=non_reader, args=(url, stop, tally), daemon=True)
                       for _ in range(args.non_readers)]
            for thread in workers:
                thread.start()
            samples = []
            start = time.monotonic()
            while time.monotonic() - start < args.duration:
                samples.append((time.monotonic() - start, figures(server.pid)[1]))
                time.sleep(0.5)
            stop.set()
            for thread in workers:
                thread.join(15)
            after = figures(server.pid)[1]
        finally:
            server.terminate()
            server.wait(30)
            if server.stdout is not None:
                server.stdout.close()
    peak = max(rss for _, rss in samples)
    growth = peak - baseline
    print(f"soak: {args.duration:.0f} s, {args.non_readers} clients that never read, "
          f"commands at ~25/s each ({', '.join(MIX)}), after importing a ~300 KB run")
    print(", ".join(f"{k}: {v:,}" for k, v in sorted(tally.counts.items())))
    print()
    print("| t (s) | RSS (MB) |")
    print("| ---: | ---: |")
    for t, rss in samples[:: max(1, len(samples) // 12)]:
        print(f"| {t:.0f} | {rss:.1f} |")
    print()
    print("| figure | value | goal | ratio |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| RSS growth, baseline {baseline:.1f} MB to peak {peak:.1f} MB | {growth:.1f} MB | "
          f"<= {GROWTH_GOAL_MB:g} MB | {GROWTH_GOAL_MB / max(growth, 0.1):.2f} |")
    print(f"| RSS after the clients left | {after:.1f} MB | | |")
    return 0 if growth <= GROWTH_GOAL_MB else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of churn")
    parser.add_argument("--clients", type=int, default=20, help="clients at once")
    parser.add_argument("--grace", type=float, default=5.0, help="server's grace period (s)")
    parser.add_argument("--non-readers", type=int, default=0, metavar="N",
                        help="instead: N clients that send commands and never read")
    args = parser.parse_args()
    if args.non_readers:
        return soak_non_readers(args)
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
