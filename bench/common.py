"""Shared pieces of the streaming benchmarks: a server process, its CPU and memory, clients.

The load clients are real Socket.IO clients, the browser's own library
(socket.io-client, from npm) run by Node in one process (`bench/clients.mjs`), so
that on this 2-core machine the load generator costs little next to the server.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ROOT / "bench" / "clients.mjs"
SERVER = (
    "import sys; from app.web import create_app, socketio; "
    "app = create_app({'MAX_SESSIONS_PER_ADDRESS': 0, 'MAX_SESSIONS': 5000, 'DATABASE': None, "
    "'ROOM_STUDENTS_PER_ADDRESS': 0, 'ROOM_MAX_STUDENTS': 0}); "
    "socketio.run(app, host='127.0.0.1', port=int(sys.argv[1]), allow_unsafe_werkzeug=True, "
    "log_output=False)"
)


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`backprop-xor`'s app served by Werkzeug in a process of its own (as `serve` does)."""

    def __init__(self) -> None:
        port = free_port()
        # BENCH_SERVER_LOG=file keeps the server's log (for chasing a problem)
        self._log = open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "w")  # noqa: SIM115
        self.proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=self._log)
        self.url = f"http://127.0.0.1:{port}"
        for _ in range(600):  # up and its kernels compiled (the warm-up would skew timings)
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as answer:
                    if json.load(answer).get("warm", True):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("the server did not start")

    def cpu_seconds(self) -> float:
        """User + system CPU seconds used so far."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        """Resident memory in MB."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def threads(self) -> int:
        """Threads of the server process."""
        return len(os.listdir(f"/proc/{self.proc.pid}/task"))

    def close(self) -> None:
        """Stop the server."""
        self.proc.terminate()
        self.proc.wait(15)
        self._log.close()


def clients(*args: Any, env: dict[str, str] | None = None, timeout: float = 600) -> dict:
    """Run the Node load clients with `args`; their JSON result."""
    done = subprocess.run(["node", str(CLIENTS), *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})
    if done.returncode != 0:
        raise RuntimeError(f"load clients failed: {done.stderr.strip()}")
    return json.loads(done.stdout)


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of `values`, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def table(rows: list[tuple[str, str, str, float | None]]) -> str:
    """Rows of (measure, value, goal, ratio) as an aligned text table."""
    lines = [f"{'measure':<52} {'value':>24} {'goal':>10} {'ratio':>6}"]
    for name, value, goal, ratio in rows:
        shown = f"{ratio:.2f}" if ratio is not None else ""
        lines.append(f"{name:<52} {value:>24} {goal:>10} {shown:>6}")
    return "\n".join(lines)


def median(values: list[float]) -> float:
    """The median."""
    return statistics.median(values)
