"""Lesson benchmark: how long the `lesson` command takes to set a step up, per shipped step.

    .venv/bin/python bench/lessons.py [--repeats 5]

For every step of every shipped lesson, applies it to a session (`apply_step`: settings,
reset, weights, fast epochs, traced patterns and phases, under the session's lock) and builds
the frame that follows (what a teacher waits for after pressing Next), kernels compiled
beforehand (a shape's first compile is a one-off, measured separately). Prints the median
and the slowest over `--repeats` runs, against the goal: a step on screen within 100 ms of
the press (the frame's network trip adds a few ms on a classroom's Wi-Fi).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.lessons import shipped, step_config
from app.sessions import Delivery, Session, build_frame
from app.sessions.lesson import apply_step

GOAL_MS = 100.0


def time_step(session: Session, lesson: object, index: int) -> float:
    """Milliseconds to apply step `index` and build the frame that shows it."""
    start = time.perf_counter()
    apply_step(session, lesson, index)
    with session.lock:
        build_frame(session, Delivery())
    return (time.perf_counter() - start) * 1000


def main() -> None:
    """Time every shipped step and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    session = Session("bench", spawn=lambda *a, **k: None)
    rows = []
    compiles = []
    seen: set[tuple] = set()
    for name, lesson in sorted(shipped().items()):
        for k, step in enumerate(lesson.steps):
            shape = tuple(step_config(step).hidden)
            if shape not in seen:  # the first use of a shape compiles its kernels
                seen.add(shape)
                compiles.append((shape, time_step(session, lesson, k)))
            times = [time_step(session, lesson, k) for _ in range(args.repeats)]
            rows.append((f"{name} {k + 1}", step.advance.epochs, statistics.median(times),
                         max(times)))
    session.close()
    print(f"{'step':<16} {'epochs':>7} {'median ms':>10} {'max ms':>8} {'goal ms':>8} "
          f"{'ratio':>6}")
    for label, epochs, median, most in rows:
        print(f"{label:<16} {epochs:>7} {median:>10.1f} {most:>8.1f} {GOAL_MS:>8.0f} "
              f"{GOAL_MS / most:>6.1f}")
    worst = max(r[3] for r in rows)
    print(f"\nslowest step {worst:.1f} ms (goal <= {GOAL_MS:.0f} ms: "
          f"{'met' if worst <= GOAL_MS else 'NOT met'}, ratio {GOAL_MS / worst:.1f})")
    for shape, ms in compiles:
        print(f"first step on hidden {list(shape)} (includes its kernels' compile or cache "
              f"load): {ms:.0f} ms")


if __name__ == "__main__":
    main()
