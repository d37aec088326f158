"""The seed sweep over the wire: progress frames, results, compare, cancel, clear, bad input."""

from __future__ import annotations

import base64
import threading
from typing import Any

import numpy as np
import pytest
from live_support import WAIT, eventually

from app.engine import Trainer, TrainingConfig
from app.sessions.kernel_pool import KERNELS, KernelPool
from app.sessions.sweeps import SLOTS, SweepJob, SweepRequest


def floats(text: str) -> np.ndarray:
    """A base64 float32 array of a frame."""
    return np.frombuffer(base64.b64decode(text), dtype="<f4")


def sweep_views(client: Any) -> list[dict[str, Any]]:
    """Every sweep view the client has received, in order."""
    with client.cond:
        return [f["sweep"] for f in client.frames if (f["sweep"] or {}).get("id") is not None]




def final_view(client: Any, state: str = "done") -> dict[str, Any]:
    """The first frame's sweep view in `state`."""
    return client.frame(lambda f: f["sweep"] is not None and f["sweep"]["state"] == state)["sweep"]


def test_a_sweep_streams_progress_then_every_nets_result(live) -> None:
    client = live.client()
    client.frame()
    ack = client.call("sweep", {"nets": 80, "epochs": 20_000, "seed": 3})
    assert ack == {"ok": True, "sweep": 1}
    done = final_view(client)
    views = [v for v in sweep_views(client) if v["id"] == 1]
    finished = [v["arms"][0]["finished"] for v in views]
    assert finished == sorted(finished) and finished[-1] == 80
    assert all(v["arms"][0]["results"] is None for v in views if v["state"] == "running")
    arm = done["arms"][0]
    assert (done["nets"], done["epochs"], done["seed"]) == (80, 20_000, 3)
    assert arm["settings"] == TrainingConfig().to_dict() and arm["changes"] == {}
    converged_at = floats(arm["results"]["converged_at"])
    final_loss = floats(arm["results"]["final_loss"])
    assert len(converged_at) == len(final_loss) == 80
    assert arm["converged"] + arm["stuck"] == 80 and arm["stuck"] > 0
    assert np.count_nonzero(np.isnan(converged_at)) == arm["stuck"]
    assert sum(arm["histogram"]) == arm["converged"]
    assert len(done["edges"]) == len(arm["histogram"]) + 1 and done["edges"][-1] == 20_000
    assert arm["median"] == np.median(converged_at[~np.isnan(converged_at)])
    # each net is the single run of its seed, as the page's "load this net" replays it
    for k in (0, int(np.flatnonzero(np.isnan(converged_at))[0])):
        trainer = Trainer(TrainingConfig(seed=3 + k))
        trainer.run(20_000, stop_on_convergence=True)
        expected = np.nan if trainer.converged_epoch is None else trainer.converged_epoch
        np.testing.assert_equal(converged_at[k], np.float32(expected))
        assert final_loss[k] == np.float32(trainer.loss())
    # the finished sweep is not resent with every frame
    client.call("step", {"unit": "phase"})
    assert client.frame(lambda f: f["step"] == 1)["sweep"] is None


def test_compare_runs_two_arms_on_the_same_seeds(live) -> None:
    client = live.client()
    client.frame()
    ack = client.call("sweep", {"nets": 60, "epochs": 5_000, "compare": {"eta": 2.0}})
    assert ack["ok"], ack
    done = final_view(client)
    a, b = done["arms"]
    assert (a["label"], b["label"]) == ("A", "B")
    assert b["changes"] == {"eta": 2.0} and b["settings"]["eta"] == 2.0
    assert a["settings"]["eta"] == 0.5
    assert a["finished"] == b["finished"] == 60
    # a larger step converges sooner: the classic comparison
    assert b["median"] < a["median"]
    for arm, eta in ((a, 0.5), (b, 2.0)):
        at = floats(arm["results"]["converged_at"])
        trainer = Trainer(TrainingConfig(eta=eta, seed=1 + 5))
        trainer.run(5_000, stop_on_convergence=True)
        expected = np.nan if trainer.converged_epoch is None else trainer.converged_epoch
        np.testing.assert_equal(at[5], np.float32(expected))


def test_cancel_keeps_finished_nets_and_leaves_the_pool(live) -> None:
    client = live.client()
    client.frame()
    runs = KERNELS.runs
    assert client.call("sweep", {"nets": 5_000, "epochs": 100_000})["ok"]
    client.frame(lambda f: f["sweep"] is not None and "arms" in f["sweep"]
                 and f["sweep"]["arms"][0]["finished"] >= 1)
    assert client.call("sweep_cancel") == {"ok": True, "cancelled": True}
    view = final_view(client, "cancelled")
    arm = view["arms"][0]
    assert 1 <= arm["finished"] < 5_000
    assert len(floats(arm["results"]["final_loss"])) == arm["finished"]
    eventually(lambda: KERNELS.runs <= runs)  # the job left the kernel pool
    assert client.call("sweep_cancel") == {"ok": True, "cancelled": False}
    # the session is as it was: it still steps
    assert client.call("step", {"unit": "epoch"})["epoch"] == 1


def test_a_new_sweep_replaces_the_running_one_and_clear_forgets_it(live) -> None:
    client = live.client()
    client.frame()
    assert client.call("sweep", {"nets": 5_000, "epochs": 100_000})["sweep"] == 1
    assert client.call("sweep", {"nets": 20, "epochs": 2_000})["sweep"] == 2
    view = final_view(client)
    assert view["id"] == 2 and view["nets"] == 20
    session = live.registry.for_sid(client.sio.get_sid())[0]
    assert session.sweep.id == 2
    assert client.call("sweep_clear") == {"ok": True, "cleared": True}
    client.frame(lambda f: f["sweep"] == {"state": "none"})
    assert session.sweep is None
    assert client.call("sweep_clear") == {"ok": True, "cleared": False}


def test_closing_the_session_stops_its_sweep(live) -> None:
    client = live.client()
    client.frame()
    runs = KERNELS.runs
    client.call("sweep", {"nets": 5_000, "epochs": 100_000})
    session = live.registry.for_sid(client.sio.get_sid())[0]
    job = session.sweep
    session.close()
    assert job.state == "cancelled"
    eventually(lambda: KERNELS.runs <= runs)


@pytest.mark.parametrize(("payload", "field"), [
    ({"nets": 0}, "nets"),
    ({"nets": 5_001}, "nets"),
    ({"nets": 2.5}, "nets"),
    ({"epochs": "many"}, "epochs"),
    ({"epochs": 100_001}, "epochs"),
    ({"seed": -1}, "seed"),
    ({"seed": 2**32 - 10, "nets": 20}, "seed"),
    ({"compare": {"eta": -1}}, "compare.eta"),
    ({"compare": {"hidden": [0]}}, "compare.hidden[0]"),
    ({"compare": {"colour": 1}}, "compare.colour"),
    ({"compare": {"seed": 4}}, "compare.seed"),
    ({"compare": {"sampling": "random"}}, "compare.sampling"),
    ({"compare": {"eta": 0.5}}, "compare"),
    ({"compare": [1, 2]}, "compare"),
    ({"compare": 0}, "compare"),
    ({"compare": []}, "compare"),
    ({"compare": False}, "compare"),
    ({"arms": 3}, "arms"),
    ([1], "sweep"),
])
def test_bad_sweeps_are_refused_by_name_and_lose_nothing(live, payload: Any, field: str) -> None:
    client = live.client()
    client.frame()
    client.call("step", {"unit": "epoch"})
    ack = client.call("sweep", payload)
    assert ack["ok"] is False and ack["field"] == field, ack
    assert ack["error"].startswith(field.split(".")[0] + (":" if "." not in field else "")), ack
    session = live.registry.for_sid(client.sio.get_sid())[0]
    assert session.sweep is None and session.trainer.epoch == 1


def test_the_process_runs_a_bounded_number_of_sweeps(live, monkeypatch) -> None:
    monkeypatch.setattr(SLOTS, "limit", SLOTS.taken + 1)
    first, second = live.client(), live.client()
    first.frame()
    second.frame()
    big = {"nets": 5_000, "epochs": 100_000}
    assert first.call("sweep", big)["ok"]
    refused = second.call("sweep", {"nets": 10})
    assert refused["ok"] is False and refused["field"] == "sweep"
    assert "limit" in refused["error"]
    # the same session may replace its own running sweep: its slot passes on
    assert first.call("sweep", big)["sweep"] == 2
    assert first.call("sweep_clear")["cleared"]
    assert second.call("sweep", {"nets": 10})["ok"]
    assert final_view(second)["nets"] == 10


def test_random_sampling_cannot_be_swept(live) -> None:
    client = live.client()
    client.frame()
    client.call("configure", {"sampling": "random"})
    ack = client.call("sweep", {"nets": 10})
    assert ack["ok"] is False and ack["field"] == "sampling"


def test_a_failing_sweep_says_so_and_leaves_the_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    pool = KernelPool(1)
    changed = threading.Event()
    job = SweepJob(1, TrainingConfig(), SweepRequest(nets=5, epochs=100), changed.set, pool)

    def broken(budget: int) -> int:
        raise RuntimeError("a kernel bug")

    monkeypatch.setattr(job.arms[0].run, "advance", broken)
    job.start(lambda fn: threading.Thread(target=fn, daemon=True).start())
    assert changed.wait(WAIT)
    assert job.state == "failed" and job.view()["state"] == "failed"
    assert job.cancel() is False  # nothing left to cancel
    eventually(lambda: pool.runs == 0)  # the worker drops the turn just after telling us


def test_a_reconnecting_tab_gets_its_sweep_back(live) -> None:
    client = live.client()
    client.frame()
    client.call("sweep", {"nets": 30, "epochs": 3_000})
    done = final_view(client)
    session_id = client.hello["session"]
    client.close()
    again = live.client(session=session_id)
    assert again.hello["resumed"] is True
    assert again.frame()["sweep"] == done  # in the very first frame


def test_the_first_frame_says_there_is_no_sweep() -> None:
    """A fresh delivery always carries the sweep's state, so a full room snapshot can say a
    sweep is gone even when the snapshot that cleared it was lost between processes."""
    from app.rooms.view import merge
    from app.sessions import Delivery, Session, build_frame

    session = Session("s", lambda fn, *a: None)
    delivery = Delivery()
    with session.lock:
        first = build_frame(session, delivery)
        second = build_frame(session, delivery)
    assert first["sweep"] == {"state": "none"} and second["sweep"] is None
    stale = {"frame": {"surface": "x", "settings": {}}, "marks": [],
             "sweep": {"id": 1, "state": "running"}, "sweep_key": "1.7",
             "history": {"generation": 0, "width": 1, "points": []}}
    full = {"frame": {"surface": "y", "settings": {}}, "marks": [], "sweep": first["sweep"],
            "sweep_key": None,
            "history": {"reset": True, "start": 0, "generation": 0, "width": 1, "points": []}}
    assert merge(stale, full)["sweep"] == {"state": "none"}


def test_a_new_shape_compiles_in_the_callers_thread_not_on_the_pool() -> None:
    """A second of numba compiling on the shared pool would stall every session's run."""
    from app.engine.kernels import kernels_for

    pool = KernelPool(1)
    job = SweepJob(1, TrainingConfig(hidden=(4, 3)), SweepRequest(nets=3, epochs=10,
                   compare={"hidden": [5, 1]}), lambda: None, pool)
    for sizes in ((2, 4, 3, 1), (2, 5, 1, 1)):
        assert kernels_for(sizes).train_in_turn.signatures  # compiled already
    assert pool.runs == 0 and job.state == "running"  # and not started


def test_sweeps_share_at_most_a_third_of_the_pool() -> None:
    from app.sessions.sweeps import TURNS_PER_SLICE, turns_per_slice

    for runs, sweeps in ((1, 1), (11, 1), (51, 1), (58, 8), (500, 3)):
        turns = turns_per_slice(runs, sweeps)
        assert turns >= TURNS_PER_SLICE
        others = runs - sweeps
        if others >= 2 * TURNS_PER_SLICE * sweeps:  # beyond the floor: a third at most
            assert sweeps * turns <= (others + sweeps * turns) / 3
    assert turns_per_slice(51, 1) == 25  # beside 50 running sessions
