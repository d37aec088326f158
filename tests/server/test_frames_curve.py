"""A one-input net's surface is a curve r(s) (and each hidden neuron's h(s)) over a range
that holds its pattern's s; a two-input net's stays the grid."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.engine import TrainingConfig
from app.sessions import Delivery, Session, build_frame


def surface_of(config: TrainingConfig) -> tuple[Session, dict]:
    session = Session("s", lambda fn, *a: None, config)
    with session.lock:
        return session, build_frame(session, Delivery())["surface"]


@pytest.mark.parametrize("s", [1.0, -3.5, 0.0, 9.9])
def test_the_simplest_net_is_drawn_as_curves_over_a_range_holding_s(s: float) -> None:
    config = TrainingConfig.from_dict({"problem": "simplest", "s": s, "hidden": [2],
                                       "bias": False})
    session, surface = surface_of(config)
    assert surface["kind"] == "curve" and surface["points"] == 101
    low, high = surface["range"]
    assert low == -high and high >= max(2.0, abs(s) + 1.0) and high == math.ceil(high)
    signals = np.linspace(low, high, 101)
    [[v0], [v1]], [[w0, w1]] = session.trainer.weights()
    h0 = 1 / (1 + np.exp(-(v0 * signals)))
    h1 = 1 / (1 + np.exp(-(v1 * signals)))
    r = 1 / (1 + np.exp(-(w0 * h0 + w1 * h1)))
    # a curve goes at 16 bits: level q stands for lo + q (hi - lo) / 65535, within half a level
    assert surface["encoding"] == "u16le" and surface["levels"] == 65536
    assert (surface["lo"], surface["hi"]) == (0.0, 1.0) and len(surface["output"]) == 101
    for levels, exact in ((surface["output"], r), (surface["hidden"][0], h0),
                          (surface["hidden"][1], h1)):
        assert levels.dtype == np.dtype("<u2")
        assert np.all(np.abs(levels / 65535 - exact) <= 0.5 / 65535 + 1e-9)


def test_a_two_input_net_keeps_the_grid() -> None:
    _, surface = surface_of(TrainingConfig(hidden=(3,)))
    assert surface["kind"] == "grid" and surface["resolution"] == 25
    assert len(surface["output"]) == 625 and len(surface["hidden"]) == 3
