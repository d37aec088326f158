"""Frames for the chain-rule tests (tests/js/chain.test.mjs), made by running the engine.

Each fixture is a real frame: a session with the given settings takes the given steps and
`build_frame` makes the frame the page would get, through the one wire format. Only what the
derivation panel reads is kept (settings, weights, trace, truth). Write them again with

    .venv/bin/python tests/js/chain_fixtures.py

`test_chain_fixtures.py` checks that the files are what the engine makes today.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
sys.path.insert(0, str(HERE.parents[1]))

#: name -> (settings, steps): steps are (unit, count) pairs taken in order.
SPECS: dict[str, tuple[dict[str, Any], list[tuple[str, int]]]] = {
    # momentum: the update of the 6th pattern has α·Δw(n-1) from the 5th
    "chain-221-sigmoid": ({"seed": 3, "alpha": 0.9}, [("pattern", 5), ("phase", 5)]),
    "chain-221-tanh": ({"seed": 2, "activation": "tanh", "eta": 0.3},
                       [("pattern", 2), ("phase", 5)]),
    # two hidden layers: weights into the first are deeper than the last hidden layer
    "chain-32-tanh": ({"seed": 5, "activation": "tanh", "hidden": [3, 2]}, [("phase", 5)]),
    # three hidden layers, batch updates with momentum: the epoch's last pattern applies the sum
    "chain-322-batch": ({"seed": 11, "hidden": [3, 2, 2], "mode": "batch", "alpha": 0.5},
                        [("epoch", 2), ("pattern", 3), ("phase", 5)]),
    # the seed's own network: one input, one pattern, no biases (1-1-1), with momentum
    "chain-111-simplest": ({"problem": "simplest", "alpha": 0.9}, [("pattern", 3), ("phase", 5)]),
    "chain-111-tanh": ({"problem": "simplest", "activation": "tanh", "s": 0.7, "d": -0.4},
                       [("phase", 5)]),
    # XOR without biases: no bias column anywhere
    "chain-221-nobias": ({"seed": 4, "bias": False}, [("pattern", 2), ("phase", 5)]),
    "chain-32-nobias-tanh": ({"seed": 6, "bias": False, "activation": "tanh", "hidden": [3, 2]},
                             [("pattern", 1), ("phase", 5)]),
}

KEPT = ("epoch", "pattern", "status", "settings", "weights", "trace", "truth")


def build(settings: dict[str, Any], steps: list[tuple[str, int]]) -> dict[str, Any]:
    """The frame a page gets after `steps` from a new session with `settings`."""
    from app.sessions import Delivery, Session, build_frame
    from app.web.wire import jsonable

    session = Session("fixture", spawn=lambda *args, **kwargs: None)
    session.configure(settings)
    for unit, count in steps:
        for _ in range(count):
            session.step(unit)
    with session.lock:
        frame = build_frame(session, Delivery())
    session.close()
    return jsonable({key: frame[key] for key in KEPT})


def text(frame: dict[str, Any]) -> str:
    """A fixture file's text."""
    return json.dumps(frame, indent=1, ensure_ascii=False) + "\n"


def main() -> None:
    """Write every fixture."""
    for name, (settings, steps) in SPECS.items():
        path = FIXTURES / f"{name}.json"
        path.write_text(text(build(settings, steps)), encoding="utf-8")
        print(f"wrote {path.relative_to(HERE.parents[1])}")


if __name__ == "__main__":
    main()
