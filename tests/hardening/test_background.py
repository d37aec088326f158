"""Background work cannot die: a fault injected into each loop is reported and survived.

Each test breaks one loop the server runs (the saver, the reaper, a room's
broadcaster, a room's fan-out, the kernel pool, a frame stream) and shows that
the failure is logged once, listed by /healthz while it lasts, and that the loop
and everyone else go on; then the fault goes and the part recovers.
"""

from __future__ import annotations

import logging
import math
import threading
from typing import Any

from hardening_support import eventually
from live_support import LiveClient

from app.rooms.fanout import Fanout
from app.sessions import frames as frames_module
from app.sessions.kernel_pool import KernelPool
from app.sessions.registry import tag


def healthz(live: Any) -> dict[str, Any]:
    """GET /healthz of the live server's app."""
    return live.app.test_client().get("/healthz").get_json()


def degraded_parts(live: Any) -> list[str]:
    """The parts /healthz says are failing."""
    return [entry["part"] for entry in healthz(live)["degraded"]]


class Faulty:
    """A callable that raises `times` times, then calls through."""

    def __init__(self, real: Any, times: int = 1, error: Exception | None = None) -> None:
        self.real = real
        self.left = times
        self.error = error or RuntimeError("injected fault")
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            self.calls += 1
            fail = self.left > 0
            self.left -= fail
        if fail:
            raise self.error
        return self.real(*args, **kwargs)


def start_running(client: LiveClient) -> None:
    client.frame()
    assert client.call("configure", {"hidden": [1]})["ok"]  # XOR never converges: runs on
    assert client.call("speed", {"level": 7})["ok"]  # 10,000 epochs/s: no core kept busy
    assert client.call("run")["ok"]
    client.frame(lambda f: f["running"] and f["epoch"] > 1000)


def test_a_session_that_cannot_be_saved_is_skipped_and_reported(make_live, tmp_path,
                                                                caplog) -> None:
    live = make_live(DATABASE=str(tmp_path / "s.sqlite3"), SAVE_INTERVAL=0.05)
    poisoned, healthy = live.client(), live.client()
    for client in (poisoned, healthy):
        client.frame()
        assert client.call("step", {"unit": "epoch"})["ok"]
    bad = live.registry.get(poisoned.hello["session"])
    with bad.lock:  # what the poisoned import left: NaN where JSON has none
        bad.marks.append({"epoch": 0, "kind": "edit", "x": math.nan})
        bad.revision += 1
    store = live.registry.store
    eventually(lambda: store.load_session(healthy.hello["session"]) is not None)
    part = f"saving {tag(bad.id)}"
    eventually(lambda: part in degraded_parts(live))
    assert healthz(live)["ok"] is False
    # the healthy session goes on being saved
    assert healthy.call("step", {"unit": "epoch"})["ok"]
    eventually(lambda: store.load_session(healthy.hello["session"])[0]["epoch"] == 2)
    lines = [r for r in caplog.records if part in r.getMessage()]
    assert len(lines) == 1 and "carrying on" in lines[0].getMessage()  # once, not per save
    # the fault goes: the session is saved and the server is healthy again
    with bad.lock:
        bad.marks.pop()
        bad.revision += 1
    eventually(lambda: store.load_session(bad.id) is not None)
    eventually(lambda: healthz(live)["ok"])
    assert live.registry.shutdown() is None  # and shutdown never raises


def test_shutdown_saves_the_others_when_one_session_cannot_be_saved(make_app, tmp_path) -> None:
    app = make_app(DATABASE=str(tmp_path / "s.sqlite3"))
    registry = app.extensions["backprop_sessions"]
    good, _ = registry.open(None)
    bad, _ = registry.open(None)
    good.step("epoch")
    bad.marks.append({"epoch": 0, "kind": "edit", "x": math.inf})
    bad.revision += 1
    registry.shutdown()  # the issue: this raised, saving nothing and telling no client
    assert registry.store.load_session(good.id)[0]["epoch"] == 1
    assert registry.store.load_session(bad.id) is None


def test_the_reaper_goes_on_after_a_failure(make_live, caplog) -> None:
    live = make_live(SESSION_GRACE_SECONDS=0.2)
    registry = live.registry
    faulty = registry.reap = Faulty(registry.reap, times=2)
    client = live.client()
    client.frame()
    client.close()
    eventually(lambda: faulty.calls >= 3 and len(registry) == 0, timeout=20)
    assert sum("reaper failed" in r.getMessage() for r in caplog.records) == 1
    eventually(lambda: "reaper" not in degraded_parts(live))


def test_a_room_broadcaster_survives_a_failing_hub(live) -> None:
    presenter = live.client()
    presenter.frame()
    opened = presenter.call("room_open")
    hub = live.app.extensions["backprop_classroom"].hub
    student = live.client_for_room(opened["code"])
    student.wait(lambda: student.frames)
    faulty = hub.viewers = Faulty(hub.viewers, times=10_000, error=ConnectionError("hub down"))
    eventually(lambda: f"room {opened['code']}" in degraded_parts(live))
    hub.viewers = faulty.real  # the hub works again
    epoch = presenter.call("step", {"unit": "epoch"})["epoch"]
    student.wait(lambda: student.frames[-1]["epoch"] == epoch)
    eventually(lambda: f"room {opened['code']}" not in degraded_parts(live))


def test_a_fanout_survives_a_failing_send(live, monkeypatch) -> None:
    presenter = live.client()
    presenter.frame()
    opened = presenter.call("room_open")
    faulty: list[Faulty] = []
    original = Fanout.__init__

    def init(self: Fanout, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        faulty.append(Faulty(self._send, times=3))
        self._send = faulty[-1]

    monkeypatch.setattr(Fanout, "__init__", init)
    student = live.client_for_room(opened["code"])
    epoch = presenter.call("step", {"unit": "epoch"})["epoch"]
    student.wait(lambda: student.frames and student.frames[-1]["epoch"] == epoch)
    assert faulty[0].calls > 3  # it failed, and went on sending


def test_a_failing_run_stops_alone_and_can_run_again(live, monkeypatch) -> None:
    victim, bystander = live.client(), live.client()
    start_running(bystander)
    start_running(victim)
    session = live.registry.get(victim.hello["session"])
    part = f"runs of {tag(session.id)}"
    monkeypatch.setattr(session, "work_fast", Faulty(session.work_fast, times=1))
    victim.frame(lambda f: not f["running"], after=victim.last_seq)
    assert part in degraded_parts(live)  # this app's health, named without the id
    seq = bystander.last_seq
    bystander.frame(lambda f: f["running"], after=seq + 10)  # the others run on
    assert victim.call("run")["ok"]
    assert part not in degraded_parts(live)  # running again: the degradation is over
    epoch = session.trainer.epoch
    victim.frame(lambda f: f["running"] and f["epoch"] > epoch + 1000)


def test_a_failing_run_is_forgotten_with_its_session_and_never_seen_by_another_app(
        live, make_app, monkeypatch) -> None:
    victim = live.client()
    start_running(victim)
    session = live.registry.get(victim.hello["session"])
    monkeypatch.setattr(session, "work_fast", Faulty(session.work_fast, times=1))
    victim.frame(lambda f: not f["running"], after=victim.last_seq)
    assert f"runs of {tag(session.id)}" in degraded_parts(live)
    # another app in the same process shares the kernel pool, not the report
    assert make_app().test_client().get("/healthz").get_json()["ok"] is True
    # (the second app took over the process's Socket.IO server: leave the socket alone)
    assert session.detach(session.sid)
    live.registry.grace_seconds = 0
    eventually(lambda: live.registry.reap() >= 0 and len(live.registry) == 0)
    assert degraded_parts(live) == []  # the session is gone, and so is its report


def test_a_turn_that_breaks_the_pool_goes_to_its_owner_and_the_pool_goes_on() -> None:
    pool = KernelPool(1)
    threads: list[threading.Thread] = []

    def spawn(fn: Any) -> None:
        threads.append(threading.Thread(target=fn, daemon=True))
        threads[-1].start()

    reported: list[BaseException] = []
    broken = threading.Event()

    def bad_turn() -> bool:
        raise RuntimeError("injected fault")

    pool.attach(bad_turn, spawn, lambda error: (reported.append(error), broken.set()))
    assert broken.wait(10) and str(reported[0]) == "injected fault"
    assert pool.run(lambda: 42, spawn) == 42  # the worker is alive and takes turns
    assert pool.runs == 0


def test_a_frame_that_cannot_be_built_is_retried(live, monkeypatch, caplog) -> None:
    client = live.client()
    client.frame()
    faulty = Faulty(frames_module.build_frame, times=1)
    monkeypatch.setattr("app.sessions.stream.build_frame", faulty)
    caplog.set_level(logging.INFO)
    epoch = client.call("step", {"unit": "epoch"})["epoch"]
    frame = client.frame(lambda f: f["epoch"] == epoch)
    assert faulty.calls >= 2 and frame["surface"] is not None  # a complete frame after it
    assert any("frames failed" in r.getMessage() for r in caplog.records)


def test_shutdown_waits_for_the_loops_round_so_its_own_save_is_the_last(tmp_path) -> None:
    """The background loop in the middle of a round (reaping, then saving) ends it before
    shutdown saves: no save after shutdown's can record the rooms a shutdown closes next
    as closed (they would not come back after the restart)."""
    from app.sessions import SessionRegistry
    from app.sessions.store import Store

    def spawn(fn: Any, *args: Any) -> None:
        threading.Thread(target=fn, args=args, daemon=True).start()

    registry = SessionRegistry(spawn, grace_seconds=0.2, store=Store(tmp_path / "s.sqlite3"),
                               save_interval=0.05)
    in_reap, release, saves = threading.Event(), threading.Event(), []
    real_reap = registry.reap

    def slow_reap() -> Any:  # the loop's round, held in its reap once
        if not in_reap.is_set():
            in_reap.set()
            assert release.wait(10)
        return real_reap()

    registry.reap = slow_reap
    registry.savers.append(lambda: saves.append(threading.current_thread().name))
    registry.start_reaper()
    assert in_reap.wait(10), "the loop did not reap"
    done = threading.Event()
    threading.Thread(target=lambda: (registry.shutdown(), done.set()), name="shutdown",
                     daemon=True).start()
    assert not done.wait(0.3), "shutdown did not wait for the loop's round"
    release.set()
    assert done.wait(10)
    assert saves[-1] == "shutdown", saves
