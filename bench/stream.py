"""Streaming benchmark: command-to-frame latency, frames/s and server CPU per running client.

    .venv/bin/python bench/stream.py [--clients 50] [--seconds 5]

The server runs in its own process (Werkzeug, threading mode, as `backprop-xor
serve`). Clients are real python-socketio clients over WebSocket, split across
two client processes; on a 2-core machine those clients share the CPU with the
server, so the load figures are a lower bound for the server alone.
Goals (issue 3): p50 <= 5 ms, p99 <= 25 ms; >= 50 running sessions at >= 20 frames/s each.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from typing import Any

import socketio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER = (
    "import sys; from app.web import create_app, socketio; app = create_app(); "
    "socketio.run(app, host='127.0.0.1', port=int(sys.argv[1]), allow_unsafe_werkzeug=True, "
    "log_output=False)"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server() -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1).read()
            return proc, url
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Client:
    """A client that acks every frame (in arrival order) and counts them."""

    def __init__(self, url: str) -> None:
        self.sio = socketio.Client(reconnection=False)
        eio = self.sio.eio
        trigger = eio._trigger_event

        def ordered(event: str, *args: Any, **kwargs: Any) -> Any:
            if event == "message":  # decode binary frames in order (see tests/conftest.py)
                kwargs["run_async"] = False
            return trigger(event, *args, **kwargs)

        eio._trigger_event = ordered
        self.cond = threading.Condition()
        self.frames = 0
        self.last: dict[str, Any] = {}
        self.sio.on("frame", self._frame)
        self.sio.connect(url, transports=["websocket"], wait_timeout=20)

    def _frame(self, frame: dict[str, Any]) -> None:
        with self.cond:
            self.frames += 1
            self.last = frame
            self.cond.notify_all()

    def wait_step(self, step: int) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: self.last.get("step") == step, 10)


def latency(url: str, count: int = 400) -> list[float]:
    client = Client(url)
    client.sio.call("speed", {"level": 0})
    with client.cond:
        client.cond.wait_for(lambda: client.frames > 0, 10)
    times = []
    for i in range(count):
        start = time.perf_counter()
        client.sio.emit("step", {"unit": "phase" if i % 3 else "pattern"})
        client.wait_step(i + 1)
        times.append(time.perf_counter() - start)
    client.sio.disconnect()
    return times


def load_worker(url: str, n: int, seconds: float, ready: Any, go: Any, out: Any) -> None:
    clients = [Client(url) for _ in range(n)]
    for c in clients:
        c.sio.call("configure", {"hidden": [1]})  # XOR with one hidden neuron never converges
        c.sio.call("speed", {"level": 8})
    ready.wait()
    go.wait()
    for c in clients:
        c.sio.call("run")
    time.sleep(1.0)  # let every run get going before measuring
    before = [c.frames for c in clients]
    time.sleep(seconds)
    rates = [(c.frames - b) / seconds for c, b in zip(clients, before, strict=True)]
    for c in clients:
        c.sio.call("pause")
        c.sio.disconnect()
    out.put(rates)


def load(url: str, pid: int, clients: int, seconds: float, procs: int = 2) -> tuple[list, float]:
    ctx = mp.get_context("spawn")
    ready = ctx.Barrier(procs + 1)
    go = ctx.Event()
    out = ctx.Queue()
    sizes = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    workers = [ctx.Process(target=load_worker, args=(url, k, seconds, ready, go, out))
               for k in sizes]
    for w in workers:
        w.start()
    ready.wait()
    go.set()
    time.sleep(1.0)
    cpu0 = cpu_seconds(pid)
    time.sleep(seconds)
    cpu = cpu_seconds(pid) - cpu0
    rates = [r for _ in workers for r in out.get(timeout=120)]
    for w in workers:
        w.join(30)
    return rates, cpu / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    proc, url = start_server()
    try:
        lat = sorted(latency(url))
        p50 = statistics.median(lat) * 1e3
        p99 = lat[int(len(lat) * 0.99) - 1] * 1e3
        rows = [("step -> frame latency p50", f"{p50:.2f} ms", "<= 5 ms", 5 / p50),
                ("step -> frame latency p99", f"{p99:.2f} ms", "<= 25 ms", 25 / p99)]
        for n in sorted({1, 10, args.clients}):
            rates, cpu = load(url, proc.pid, n, args.seconds)
            low = min(rates)
            rows.append((f"{n} running: frames/s per client (min / median)",
                         f"{low:.1f} / {statistics.median(rates):.1f}", ">= 20", low / 20))
            rows.append((f"{n} running: server CPU per client", f"{cpu / n * 100:.1f}% of a core",
                         "", None))
        print(f"\n{'measure':<48} {'value':>22} {'goal':>9} {'ratio':>7}")
        for name, value, goal, ratio in rows:
            shown = f"{ratio:.2f}" if ratio is not None else ""
            print(f"{name:<48} {value:>22} {goal:>9} {shown:>7}")
        print(f"\n(cpus: {os.cpu_count()}; clients in 2 processes on the same machine;"
              " ratio >= 1 meets the goal)")
    finally:
        proc.terminate()
        proc.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
