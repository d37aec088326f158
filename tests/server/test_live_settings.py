"""Settings a class changes mid-run: η, α, and the simplest problem's s and d.

Changing them continues the run (same epoch, weights and curve, a `settings`
mark) instead of starting a new one; with s or d the net trains on the new
pattern from the next step, and its status is judged on it.
"""

from __future__ import annotations

from typing import Any

from app.engine import Trainer, TrainingConfig
from app.sessions import Session


def newest_marks(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return next(f["marks"] for f in reversed(frames) if f["marks"] is not None)


def test_s_and_d_change_a_running_simplest_net_without_a_restart(live) -> None:
    client = live.client()
    client.frame()
    assert client.call("configure", {"problem": "simplest", "eta": 0.2})["restarted"] is True
    assert client.call("speed", {"level": 6})["ok"]  # rate-limited: still running when changed
    assert client.call("run")["ok"]
    before = client.frame(lambda f: f["running"] and f["epoch"] > 20)
    reply = client.call("configure", {"s": 2.5, "d": 0.8})
    assert reply["ok"] and reply["restarted"] is False
    assert reply["settings"]["s"] == 2.5 and reply["settings"]["d"] == 0.8
    after = client.frame(lambda f: f["settings"]["s"] == 2.5)
    assert after["running"] and after["epoch"] >= before["epoch"]  # the same run goes on
    assert not after["history"]["reset"]
    assert after["truth"][0]["s"] == [2.5] and after["truth"][0]["d"] == 0.8
    assert after["surface"]["kind"] == "curve" and after["surface"]["range"] == [-4.0, 4.0]
    mark = newest_marks(client.frames)[-1]
    assert mark["kind"] == "settings" and mark["changed"] == {"s": 2.5, "d": 0.8}
    assert before["epoch"] <= mark["epoch"] <= after["epoch"]
    later = client.frame(lambda f: f["epoch"] > after["epoch"] + 10)
    assert later["running"] and later["settings"]["s"] == 2.5
    assert client.call("pause")["ok"]


def test_a_converged_net_whose_d_moves_trains_again_from_where_it_was() -> None:
    session = Session("s", lambda fn, *a: None)
    session.configure({"problem": "simplest", "eta": 2.0})
    for _ in range(500):
        session.step("epoch")
        if session.status() == "converged":
            break
    assert session.status() == "converged"
    weights, epoch = session.trainer.weights(), session.trainer.epoch
    _, restarted = session.configure({"d": 0.9})
    assert restarted is False
    assert session.trainer.epoch == epoch and session.trainer.weights() == weights
    assert session.status() == "paused" and session.trainer.converged_epoch is None
    assert session.marks[-1] == {"epoch": epoch, "kind": "settings", "changed": {"d": 0.9}}
    # the next steps train on the new pattern: the same as a net built with d = 0.9 and
    # these weights
    reference = Trainer(TrainingConfig.from_dict({**session.trainer.config.to_dict()}))
    reference.set_weights(weights)
    for _ in range(3):
        session.step("epoch")
        reference.step_epoch()
    assert session.trainer.weights() == reference.weights()


def test_other_settings_still_start_a_new_run() -> None:
    session = Session("s", lambda fn, *a: None)
    session.configure({"problem": "simplest"})
    session.step("epoch")
    _, restarted = session.configure({"s": 3.0, "hidden": [2]})
    assert restarted is True and session.trainer.epoch == 0
