"""Classroom benchmark: one presenter, many students following the room live.

    .venv/bin/python bench/classroom.py [--students 200] [--seconds 5] [--steps 40] [--stalled 5]

The server runs in its own process; the presenter and the students are real
Socket.IO clients (the browser's socket.io-client under Node, in one process:
`bench/clients.mjs`). The presenter first takes `--steps` traced steps (latency
from its step command until every student has the frame of that step), then
runs at full speed (frames per second each student receives). `--stalled`
students stop reading after their first frame (a device gone to sleep), to show
that they neither slow the room nor grow the server's memory. Goals (issue 5):
200 students, >= 20 frames/s each, p99 <= 100 ms.
"""

from __future__ import annotations

import argparse
import os
import time

from common import Server, clients, median, percentile, table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--stalled", type=int, default=5)
    args = parser.parse_args()
    server = Server()
    try:
        rss0, threads0 = server.rss_mb(), server.threads()
        cpu0, t0 = server.cpu_seconds(), time.monotonic()
        result = clients("room", server.url, args.students, args.seconds, args.steps,
                         env={"STALLED": str(args.stalled)})
        elapsed = time.monotonic() - t0
        cores = (server.cpu_seconds() - cpu0) / elapsed
        rss1 = server.rss_mb()
        lat, rates = result["latencies"], result["rates"]
        p50, p99 = median(lat), percentile(lat, 0.99)
        low = min(rates)
        rows = [
            (f"{args.students} students: frames/s each (min / median)",
             f"{low:.1f} / {median(rates):.1f}", ">= 20", low / 20),
            ("presenter step -> student frame, p50", f"{p50:.1f} ms", "", None),
            ("presenter step -> student frame, p99", f"{p99:.1f} ms", "<= 100 ms", 100 / p99),
            ("server CPU (whole run)", f"{cores * 100:.0f}% of a core", "", None),
            ("server memory before -> after", f"{rss0:.0f} -> {rss1:.0f} MB", "", None),
            ("server threads before", f"{threads0}", "", None),
            ("stalled students among them", f"{args.stalled}", "", None),
        ]
        print(table(rows))
        print(f"\n(cpus: {os.cpu_count()}; {len(lat)} latency samples; server in one process,"
              " clients in one Node process on the same machine)")
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
