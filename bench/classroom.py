"""Classroom benchmark: a presenter and many students following live; a class's air time.

    .venv/bin/python bench/classroom.py [--students 300] [--seconds 5] [--steps 40] [--stalled 5]

The server runs in its own process; the presenter and the students are real
Socket.IO clients (the browser's socket.io-client under Node, in one process:
`bench/clients.mjs`), decoding every frame as the page does and counting the
bytes their TCP sockets read. The presenter first takes `--steps` traced steps
(latency from its step command until every student has the frame of that step),
then runs seed 3's 2-2-1 net (stuck: it runs on) at full speed (frames per second
and bytes each student receives). `--stalled` students stop reading after their
first frame (a device gone to sleep), to show that they neither slow the room nor
grow the server's memory.

Then a class on one Wi-Fi access point: a room of 30 students beside 30 tabs
running on their own, at once, all on 2-2-1 nets; and the bytes per student of a
room running a 2-8-8-8-1 net. Goals (issues 5 and 16): 300 students at >= 20
frames/s each, p99 step -> student <= 100 ms; <= 50 KB/s per student; 30 + 30
within 20 Mbit/s in all.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from typing import Any

from common import Server, clients, median, percentile, table

SMALL = {"hidden": [2], "seed": 3}
LARGE = {"hidden": [8, 8, 8], "eta": 0.005}


def room(server: Server, students: int, seconds: float, steps: int, stalled: int,
         net: dict[str, Any], level: int = 8) -> dict[str, Any]:
    """The load clients' result for a room of `students` following a presenter on `net`."""
    return clients("room", server.url, students, seconds, steps,
                   env={"STALLED": str(stalled), "NET": json.dumps(net), "LEVEL": str(level)})


def class_on_one_access_point(server: Server, seconds: float) -> tuple[float, float, float]:
    """30 students in a room and 30 tabs running, at once: KB/s in all, each kind's minimum fps."""
    results: dict[str, dict[str, Any]] = {}

    def go(name: str, *args: Any, env: dict[str, str]) -> None:
        results[name] = clients(*args, env=env)

    threads = [threading.Thread(target=go, args=("room", "room", server.url, 30, seconds + 2, 5),
                                kwargs={"env": {"NET": json.dumps(SMALL)}}),
               threading.Thread(target=go, args=("tabs", "run", server.url, 30, seconds + 2),
                                kwargs={"env": {"NET": json.dumps(SMALL)}})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = sum(results["room"]["kbps"]) + sum(results["tabs"]["kbps"])
    return total, min(results["room"]["rates"]), min(results["tabs"]["rates"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--stalled", type=int, default=5)
    args = parser.parse_args()
    server = Server()
    try:
        rss0, threads0 = server.rss_mb(), server.threads()
        cpu0, t0 = server.cpu_seconds(), time.monotonic()
        result = room(server, args.students, args.seconds, args.steps, args.stalled, SMALL)
        elapsed = time.monotonic() - t0
        cores = (server.cpu_seconds() - cpu0) / elapsed
        rss1 = server.rss_mb()
        lat, rates, kbps = result["latencies"], result["rates"], result["kbps"]
        p50, p99 = median(lat), percentile(lat, 0.99)
        low, most = min(rates), max(kbps)
        rows = [
            (f"{args.students} students: frames/s each (min / median)",
             f"{low:.1f} / {median(rates):.1f}", ">= 20", low / 20),
            ("presenter step -> student frame, p50", f"{p50:.1f} ms", "", None),
            ("presenter step -> student frame, p99", f"{p99:.1f} ms", "<= 100 ms", 100 / p99),
            ("2-2-1: median frame to a student (blob)", f"{median(result['sizes']) / 1000:.2f} KB",
             "", None),
            ("2-2-1: received per student (median / most)",
             f"{median(kbps):.1f} / {most:.1f} KB/s", "<= 50 KB/s", 50 / most),
            ("server CPU (whole run)", f"{cores * 100:.0f}% of a core", "", None),
            ("server memory before -> after", f"{rss0:.0f} -> {rss1:.0f} MB", "", None),
            ("server threads before", f"{threads0}", "", None),
            ("stalled students among them", f"{args.stalled}", "", None),
        ]
        large = room(server, 30, args.seconds, 5, 0, LARGE, level=7)  # 10,000 epochs/s
        rows += [("2-8-8-8-1: median frame to a student (blob)",
                  f"{median(large['sizes']) / 1000:.2f} KB", "", None),
                 ("2-8-8-8-1: received per student (median / most)",
                  f"{median(large['kbps']):.1f} / {max(large['kbps']):.1f} KB/s", "", None)]
        total, room_low, tabs_low = class_on_one_access_point(server, args.seconds)
        mbit = total * 8 / 1000
        rows += [("30 students + 30 running tabs: all they receive", f"{mbit:.2f} Mbit/s",
                  "<= 20", 20 / mbit),
                 ("30 + 30: frames/s, least student / least tab",
                  f"{room_low:.1f} / {tabs_low:.1f}", ">= 20", min(room_low, tabs_low) / 20)]
        print(table(rows))
        print(f"\n(cpus: {os.cpu_count()}; {len(lat)} latency samples; load average "
              f"{os.getloadavg()[0]:.2f} at the end; server in one process, clients in Node "
              "processes on the same machine; ratio >= 1 meets the goal)")
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
