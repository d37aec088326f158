"""Seed-sweep benchmark: how long a teacher waits, and what a sweep costs everyone else.

    .venv/bin/python bench/sweep.py [--seconds 5] [--counts 10,50]

The server runs in its own process (as `backprop-xor serve`); the clients are
real Socket.IO clients (the browser's socket.io-client under Node,
`bench/clients.mjs`). Two parts:

1. Waiting: the time from a `sweep` command to the frame that shows it done, on
   an otherwise idle server, for the classroom sweeps (500 nets, 20,000-epoch
   budget; alone, and compared with η = 2.0 or 3 hidden neurons), and for the
   largest (5,000 nets). The server compiles the kernels of 2-2-1 and 2-3-1 at
   start; the benchmark begins once it says it is warm. Goal (issue 7): two settings side by
   side in under 10 s.
2. No harm: N sessions run at full speed; their frames/s are measured alone, then
   while another session sweeps 5,000 nets against η = 2.0 (a long sweep: it is
   still running at the end of the window); then the sweep is cancelled (time
   from `sweep_cancel` to the frame that shows it stopped), and a teacher's
   500-net comparison is timed beside the running sessions; last, a sweep whose
   arm B has a shape not compiled yet (2-7-5-1; the server compiles 2-2-1 and
   2-3-1 at start) shows what a compile costs them: their frames/s over a window
   of `--seconds` that holds the whole compile. Goal: every other session keeps
   >= 20 frames/s.
"""

from __future__ import annotations

import argparse
import json
import os

from common import Server, clients, median, table

WAITS = [
    ("500 nets, the first after the server started", {"nets": 500}),
    ("500 nets", {"nets": 500}),
    ("500 nets, eta 0.5 vs 2.0", {"nets": 500, "compare": {"eta": 2.0}}),
    ("500 nets, 2 vs 3 hidden", {"nets": 500, "compare": {"hidden": [3]}}),
    ("500 nets, alpha 0 vs 0.9", {"nets": 500, "compare": {"alpha": 0.9}}),
    ("5,000 nets, eta 0.5 vs 2.0", {"nets": 5000, "compare": {"eta": 2.0}}),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--counts", default="10,50")
    args = parser.parse_args()
    server = Server()
    rows = []
    try:
        timed = clients("sweeptime", server.url, json.dumps([r for _, r in WAITS]))["results"]
        for (name, _), result in zip(WAITS, timed, strict=True):
            seconds = result["ms"] / 1000
            shares = ", ".join(
                f"{a['label']} {100 * a['stuck'] / (a['converged'] + a['stuck']):.1f}%"
                for a in result["arms"])
            rows.append((f"wait: {name}", f"{seconds:.2f} s", "<= 10 s", 10 / seconds))
            rows.append((f"  stuck share ({shares.count('%')} arm(s))", shares, "", None))
            rows.append(("  largest sweep view in a frame", f"{result['bytes'] / 1024:.1f} KB", "",
                         None))
        for n, count in enumerate(int(c) for c in args.counts.split(",")):
            # a layout no earlier part has compiled: 2-7-5-1, then 2-7-4-1, ...
            result = clients("sweep", server.url, count, args.seconds,
                             env={"NEW_LAYOUT": f"7,{5 - n}"})
            alone, during = result["alone"], result["during"]
            rows.append((f"{count} running, no sweep: frames/s each (min / median)",
                         f"{min(alone):.1f} / {median(alone):.1f}", ">= 20", min(alone) / 20))
            rows.append((f"{count} running + 5,000x2 sweep: frames/s each (min / median)",
                         f"{min(during):.1f} / {median(during):.1f}", ">= 20", min(during) / 20))
            rows.append(("  sweep meanwhile: nets finished per second",
                         f"{result['netsPerSecond']:.0f}"
                         + ("" if result["stillRunning"] else " (ended early)"), "", None))
            rows.append(("  sweep_cancel -> frame showing it stopped",
                         f"{result['cancelMs']:.1f} ms", "", None))
            wait = result["classicMs"] / 1000
            rows.append((f"  wait: 500 nets, eta 0.5 vs 2.0, beside {count} running",
                         f"{wait:.2f} s", "<= 10 s", 10 / wait))
            compiling = result["compiling"]
            rows.append((f"  a new shape compiling ({result['compileMs'] / 1000:.2f} s): frames/s",
                         f"{min(compiling):.1f} / {median(compiling):.1f}", "", None))
        print(table(rows))
        print(f"\n(cpus: {os.cpu_count()}; server in one process, clients in one Node process on "
              "the same machine; ratio >= 1 meets the goal)")
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
