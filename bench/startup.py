"""Server start to warm: how long a (re)started server takes until its kernels are compiled.

    .venv/bin/python bench/startup.py [--repeat R] [--port P] [--cold]

Starts `backprop-xor serve` in a process of its own (a fresh SQLite file in a temp
folder), polls `GET /healthz` and prints the seconds until it answers (listening)
and until it says `"warm": true` (every warm-up layout compiled, `app/web/factory.py`).
The first run after `--cold` empties the kernel cache (`app.engine.kernel_cache`) and
shows what a fresh install pays once; the later runs show a restart. Goal: a restarted
server is warm within 5 s (before the kernel cache every start compiled every kernel:
8.2 s, median of 2, load 6.7, 2026-12-02).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Seconds a restarted server may take to be warm.
GOAL_RESTART_S = 5.0


def cache_folder() -> Path | None:
    """The kernel cache the server uses, None when this checkout has none yet."""
    sys.path.insert(0, str(ROOT))
    try:
        from app.engine.kernel_cache import cache_dir
    except ImportError:
        return None
    return cache_dir()


def start_to_warm(port: int, deadline_s: float = 300.0) -> tuple[float, float]:
    """Seconds from spawning `serve` until /healthz answers, and until it says warm."""
    folder = tempfile.mkdtemp(prefix="bench-startup-")
    command = [str(Path(sys.executable).with_name("backprop-xor")), "serve", "--port", str(port),
               "--database", os.path.join(folder, "sessions.sqlite3")]
    began = time.perf_counter()
    server = subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    listening = None
    try:
        while time.perf_counter() - began < deadline_s:
            if server.poll() is not None:
                raise RuntimeError(f"the server exited with {server.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",
                                            timeout=2) as answer:
                    health = json.load(answer)
            except OSError:
                time.sleep(0.02)
                continue
            if listening is None:
                listening = time.perf_counter() - began
            if health.get("warm"):
                return listening, time.perf_counter() - began
            time.sleep(0.02)
        raise RuntimeError("the server did not get warm in time")
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="restarts measured (default 3)")
    parser.add_argument("--port", type=int, default=5150, help="port to serve on (default 5150)")
    parser.add_argument("--cold", action="store_true",
                        help="empty the kernel cache before the first run")
    args = parser.parse_args(argv)
    cache = cache_folder()
    rows = []
    if args.cold:
        if cache is not None:
            shutil.rmtree(cache, ignore_errors=True)
        rows.append(("first start (empty kernel cache)", *start_to_warm(args.port)))
    restarts = [start_to_warm(args.port) for _ in range(args.repeat)]
    for i, (listening, warm) in enumerate(restarts):
        rows.append((f"restart {i + 1}", listening, warm))
    print(f"kernel cache: {cache if cache is not None else 'none (every start compiles)'}")
    print(f"load average: {os.getloadavg()[0]:.2f}\n")
    print(f"{'run':<36} {'listening s':>12} {'warm s':>8}")
    for name, listening, warm in rows:
        print(f"{name:<36} {listening:>12.2f} {warm:>8.2f}")
    median = statistics.median(warm for _, warm in restarts)
    print(f"\nrestart to warm, median of {len(restarts)}: {median:.2f} s; goal ≤ "
          f"{GOAL_RESTART_S:.0f} s; ratio {GOAL_RESTART_S / median:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
