"""A real python-socketio client over WebSocket against a live server on loopback.

Frames are compared number for number with an engine Trainer driven the same way.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest
from live_support import WAIT

from app.engine import PHASES, Trainer, TrainingConfig
from app.sessions import CAPACITY
from app.web.wire import levels_array

G = 25


def grid() -> np.ndarray:
    """The surface grid as the protocol defines it: point j*G + i is (i/(G-1), j/(G-1))."""
    return np.array([[i / (G - 1), j / (G - 1)] for j in range(G) for i in range(G)])


def expected_trace(trace: Any) -> dict[str, Any]:
    names = ("epoch", "pattern", "phase", "s", "d", "weighted", "outputs", "inputs", "r", "e",
             "l", "delta", "gradient", "learning", "momentum", "change", "weights_before",
             "weights_after", "batch")
    return {name: getattr(trace, name) for name in names}


def assert_matches(frame: dict[str, Any], trainer: Trainer, trace: Any) -> None:
    """Every number in `frame` equals the engine's."""
    assert frame["epoch"] == trainer.epoch
    assert frame["step"] == trainer.steps
    assert frame["pattern"] == trainer.pattern
    assert frame["can_back"] == trainer.can_go_back
    assert frame["settings"] == trainer.config.to_dict()
    assert frame["weights"] == trainer.weights()
    assert frame["loss"] == trainer.loss()
    assert frame["truth"] == trainer.truth_table()
    assert frame["converged_epoch"] == trainer.converged_epoch
    if trace is None:
        assert frame["trace"] is None and frame["phase"] is None
    else:
        assert frame["phase"] == trace.phase
        assert frame["trace"] == expected_trace(trace)
    surface = frame["surface"]
    if surface is not None:
        outputs = trainer.outputs_over(grid())
        assert surface["resolution"] == G and surface["encoding"] == "u8"
        lo, hi = (-1.0, 1.0) if trainer.config.activation == "tanh" else (0.0, 1.0)
        assert surface["levels"] == 256 and (surface["lo"], surface["hi"]) == (lo, hi)
        # each point's level is its output to the nearest 1/255 of the range
        step = (hi - lo) / (surface["levels"] - 1)
        level = levels_array(surface["output"], "u8")
        assert np.all(np.abs(lo + level * step - outputs[:, -1]) <= step / 2 + 1e-12)
        hidden = [levels_array(h, "u8") for h in surface["hidden"]]
        assert len(hidden) == sum(trainer.shape.hidden)
        for k, values in enumerate(hidden):
            assert np.all(np.abs(lo + values * step - outputs[:, 2 + k]) <= step / 2 + 1e-12)


def test_first_frame_is_the_whole_state(live) -> None:
    client = live.client()
    frame = client.frame()
    assert frame["seq"] == 1 and frame["status"] == "paused" and not frame["running"]
    assert frame["history"]["reset"] is True and frame["history"]["start"] == 0
    assert frame["surface"] is not None and frame["marks"] == []
    trainer = Trainer(TrainingConfig())
    assert_matches(frame, trainer, None)
    assert client.series == [[0, trainer.loss(), trainer.loss(), trainer.loss()]]


@pytest.mark.parametrize("settings", [
    {},
    {"hidden": [3, 2], "activation": "tanh", "eta": 0.3, "alpha": 0.6, "seed": 11},
    {"mode": "batch", "alpha": 0.5, "problem": "xnor", "init_range": 2.0},
    {"sampling": "random", "seed": 5},
])
def test_steps_match_the_engine_number_for_number(live, settings) -> None:
    client = live.client()
    client.frame()
    if settings:
        assert client.call("configure", settings)["ok"]
    trainer = Trainer(TrainingConfig(**{**settings, "hidden": tuple(settings.get("hidden", [2]))}))
    plan = ["phase"] * 7 + ["pattern"] * 3 + ["epoch"] * 3 + ["phase", "epoch", "pattern"]
    for unit in plan:
        seq = client.last_seq
        reply = client.call("step", {"unit": unit})
        if unit == "phase":
            trace = trainer.step_phase()
        elif unit == "pattern":
            trace = trainer.step_pattern()
        else:
            trace = trainer.step_epoch()[-1]
        assert reply == {"ok": True, "step": trainer.steps, "epoch": trainer.epoch}
        frame = client.frame(lambda f: f["step"] == trainer.steps, after=seq)
        assert_matches(frame, trainer, trace)
        assert frame["status"] in ("paused", "converged")
    # back into the middle of a pattern shows the half-revealed trace again
    for _ in range(3):
        seq = client.last_seq
        assert client.call("back")["went_back"]
        trainer.back()
        frame = client.frame(lambda f: f["step"] == trainer.steps, after=seq)
        pending = trainer.pending
        if pending is not None and trainer.phase:
            pending.phase = PHASES[trainer.phase - 1]
            assert_matches(frame, trainer, pending)
        else:
            assert_matches(frame, trainer, None)
    losses = [p[3] for p in client.series]
    assert client.series[-1][0] == trainer.epoch and losses[-1] == trainer.loss()
    assert client.marks is not None and client.marks[-1]["kind"] == "back"


def test_run_pause_and_speed(live) -> None:
    client = live.client()
    client.frame()
    # XOR cannot be learnt by one hidden neuron: the run goes on until paused
    assert client.call("configure", {"hidden": [1]})["ok"]
    assert client.call("speed", {"level": 8})["ok"]
    seq = client.last_seq
    assert client.call("run")["running"] is True
    running = client.frame(lambda f: f["running"] and f["epoch"] > 200_000, after=seq)
    assert running["status"] == "running" and running["trace"] is None
    fast = client.frame(lambda f: f["epochs_per_second"] > 10_000, after=running["seq"])
    assert fast["speed"] == 8
    # slow motion: one phase per second, with a trace
    assert client.call("speed", {"level": 1})["ok"]
    slow = client.frame(lambda f: f["speed"] == 1 and f["phase"] is not None, after=fast["seq"])
    assert slow["trace"]["phase"] == slow["phase"]
    assert client.call("pause") == {"ok": True, "running": False}
    paused = client.frame(lambda f: not f["running"], after=slow["seq"])
    assert paused["status"] == "paused" and paused["epochs_per_second"] == 0
    # the history covers the whole run and its last point is the current loss
    series = client.series
    assert series[-1][0] == paused["epoch"] > 100_000
    assert CAPACITY // 2 <= len(series) <= CAPACITY
    # at least CAPACITY / 2 buckets over the run: the second ends within 4/CAPACITY of it
    assert series[0][0] < series[1][0] < series[-1][0] * 4 / CAPACITY
    assert all(p[1] <= p[3] <= p[2] for p in series)
    # back after a fast stretch returns to where it started... one stretch at a time
    seq = client.last_seq
    while client.call("back")["went_back"]:
        pass
    start = client.frame(lambda f: f["can_back"] == 0, after=seq)
    assert start["epoch"] == 0 and client.series[-1][0] == 0


def test_a_run_stops_by_itself_at_convergence(live) -> None:
    client = live.client()
    client.frame()
    client.call("speed", {"level": 8})
    seq = client.last_seq
    client.call("run")
    done = client.frame(lambda f: f["status"] == "converged" and not f["running"], after=seq)
    trainer = Trainer(TrainingConfig())
    trainer.run(1_000_000, stop_on_convergence=True)
    assert done["epoch"] == trainer.epoch == done["converged_epoch"]
    assert done["weights"] == trainer.weights()


def test_reconnect_resumes_the_same_run(live) -> None:
    client = live.client()
    client.frame()
    session = client.hello["session"]
    for unit in ("epoch", "pattern", "phase"):
        client.call("step", {"unit": unit})
    before = client.frame(lambda f: f["step"] == 3)
    state = client.call("export")["state"]
    client.close()
    back = live.client(session=session)
    assert back.hello == {**back.hello, "session": session, "resumed": True}
    frame = back.frame()
    assert frame["history"]["reset"] is True and frame["marks"] is not None
    for key in ("epoch", "step", "pattern", "phase", "weights", "loss", "trace", "can_back"):
        assert frame[key] == before[key]
    assert back.call("export")["state"] == state


def test_a_running_session_pauses_while_away_and_runs_again(live) -> None:
    client = live.client()
    client.frame()
    client.call("configure", {"hidden": [1]})
    client.call("speed", {"level": 7})
    client.call("run")
    client.frame(lambda f: f["running"] and f["epoch"] > 100)
    session = client.hello["session"]
    client.close()
    again = live.client(session=session)
    assert again.hello["running"] is True
    first = again.frame()
    later = again.frame(lambda f: f["epoch"] > first["epoch"], after=first["seq"])
    assert later["running"]


def test_a_second_connection_takes_the_session_over(live) -> None:
    first = live.client()
    first.frame()
    gone = threading.Event()
    first.sio.on("disconnect", lambda *_: gone.set())
    second = live.client(session=first.hello["session"])
    assert second.hello["resumed"] is True
    first.wait(lambda: ("taken_over", {"session": second.hello["session"]}) in first.events)
    assert gone.wait(WAIT), "the server did not disconnect the first connection"
    assert second.call("step", {"unit": "phase"})["ok"]


def test_export_import_round_trip_continues_identically(live) -> None:
    one = live.client()
    one.frame()
    one.call("configure", {"eta": 0.8, "alpha": 0.4, "sampling": "random", "seed": 9})
    one.call("speed", {"level": 8})
    for unit in ("epoch", "epoch", "pattern", "phase", "phase"):
        one.call("step", {"unit": unit})
    state = one.call("export")["state"]
    two = live.client()
    two.frame()
    seq = two.last_seq
    assert two.call("import", {"state": state})["ok"]
    imported = two.frame(lambda f: f["epoch"] == state["epoch"], after=seq)
    assert imported["weights"] == state["weights"]
    assert two.series == state["history"]["points"]
    for client in (one, two):
        client.call("step", {"unit": "epoch"})
        client.call("step", {"unit": "epoch"})
    assert one.call("export")["state"]["weights"] == two.call("export")["state"]["weights"]


def test_bad_commands_over_the_wire(live) -> None:
    client = live.client()
    client.frame()
    before = client.call("export")["state"]
    reply = client.call("set_weight", {"layer": 0, "neuron": 0, "input": 0, "value": "x"})
    assert reply == {"ok": False, "field": "value", "error": reply["error"]}
    client.sio.emit("step", {"unit": "sideways"})
    client.wait(lambda: any(name == "error" for name, _ in client.events))
    _, error = next(e for e in client.events if e[0] == "error")
    assert error["event"] == "step" and error["field"] == "unit"
    assert client.call("export")["state"] == before
