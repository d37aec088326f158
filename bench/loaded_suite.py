"""The whole test suite with every core busy: timing waits must hold on a loaded machine.

    .venv/bin/python bench/loaded_suite.py [--hogs N] [--limit S] [-- pytest args]

Starts N CPU hogs (default: one per core; each a process spinning in a loop, killed
when the suite ends or after `--limit` seconds, whichever comes first), runs
`./dev test` with the given arguments, stops the hogs and prints the result and
the time. A test that fails here and passes on an idle machine waits on a clock
instead of an event (issue 17.2): fix the test, do not retry.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: A hog: spin until killed, or until its own deadline (a bound if this script dies).
HOG = ("import sys, time\nend = time.monotonic() + float(sys.argv[1])\n"
       "while time.monotonic() < end: pass")


def main(argv: list[str] | None = None) -> int:
    """Run the suite beside the hogs; the suite's exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hogs", type=int, default=os.cpu_count() or 2,
                        help="busy processes (default: one per core)")
    parser.add_argument("--limit", type=float, default=1800.0,
                        help="seconds after which every hog stops by itself (default 1800)")
    args, pytest_args = parser.parse_known_args(argv)
    pytest_args = [a for a in pytest_args if a != "--"]
    hogs = [subprocess.Popen([sys.executable, "-c", HOG, str(args.limit)])
            for _ in range(max(0, args.hogs))]
    began = time.perf_counter()
    try:
        done = subprocess.run(["./dev", "test", *pytest_args], cwd=ROOT)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    elapsed = time.perf_counter() - began
    verdict = "passed" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
    print(f"\n./dev test {' '.join(pytest_args)} beside {len(hogs)} CPU hogs on "
          f"{os.cpu_count()} cores: {verdict} in {elapsed:.0f} s")
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
