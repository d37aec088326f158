"""Streaming benchmark: step-to-frame latency, frames/s and CPU per running session.

    .venv/bin/python bench/stream.py [--seconds 5] [--counts 1,10,50] [--search]

The server runs in its own process (Werkzeug, threading mode, as `backprop-xor
serve`); the clients are real Socket.IO clients (the browser's socket.io-client,
run by Node, all in one process: `bench/clients.mjs`), each acknowledging every
frame. Running sessions use a 2-1-1 network, which cannot learn XOR, so their
runs go on at full speed until paused. Goals (issue 3): p50 <= 5 ms, p99 <= 25 ms
from a step command to its frame; >= 50 concurrent running sessions at >= 20
frames/s each. `--search` also finds the most running sessions one process keeps
at >= 20 frames/s each.
"""

from __future__ import annotations

import argparse
import os
import time

from common import Server, clients, median, percentile, table


def load(server: Server, count: int, seconds: float) -> tuple[list[float], float]:
    """Frames/s of each of `count` running sessions, and the server's CPU (cores) meanwhile."""
    cpu0, t0 = server.cpu_seconds(), time.monotonic()
    rates = clients("run", server.url, count, seconds)["rates"]
    cores = (server.cpu_seconds() - cpu0) / (time.monotonic() - t0)
    return rates, cores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--counts", default="1,10,50")
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--search", action="store_true")
    args = parser.parse_args()
    server = Server()
    rows = []
    try:
        times = clients("latency", server.url, args.steps)["times"]
        p50, p99 = median(times), percentile(times, 0.99)
        rows += [("step -> frame latency p50", f"{p50:.2f} ms", "<= 5 ms", 5 / p50),
                 ("step -> frame latency p99", f"{p99:.2f} ms", "<= 25 ms", 25 / p99)]
        passing = 0
        for count in [int(c) for c in args.counts.split(",")]:
            rates, cores = load(server, count, args.seconds)
            low = min(rates)
            if low >= 20:
                passing = max(passing, count)
            rows.append((f"{count} running: frames/s per session (min / median)",
                         f"{low:.1f} / {median(rates):.1f}", ">= 20", low / 20))
            rows.append((f"{count} running: server CPU per session",
                         f"{cores / count * 100:.1f}% of a core", "", None))
        if args.search:
            # from the most that passed above, 5 more at a time until a run falls short
            best, count = passing, passing + 5
            while True:
                rates, _ = load(server, count, args.seconds)
                if min(rates) < 20:
                    break
                best, count = count, count + 5
            rows.append(("most running sessions at >= 20 frames/s each", f"{best}", ">= 50",
                         best / 50))
        print(table(rows))
        print(f"\n(cpus: {os.cpu_count()}; server in one process, clients in one Node process "
              "on the same machine; ratio >= 1 meets the goal)")
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
