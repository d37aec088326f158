"""Nothing lost: sessions and rooms saved to SQLite, back after a crash or a restart.

The end-to-end tests run the real command (`backprop-xor serve --database F`) in a
subprocess and kill it: SIGKILL loses at most the last save interval (2 s) of a
run, SIGTERM nothing.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hardening_support import EventClient, ServerProcess, close_client
from live_support import WAIT, LiveClient, deadline, eventually

from app.sessions import SessionRegistry
from app.sessions.registry import SAVE_INTERVAL
from app.sessions.store import Store
from app.web import socketio


def spawn(fn: Any, *args: Any) -> threading.Thread:
    thread = threading.Thread(target=fn, args=args, daemon=True)
    thread.start()
    return thread


# ----- the store and the registry, in process -------------------------------------------------


def test_a_session_comes_back_from_the_store_paused_and_resumes_running(tmp_path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    first = SessionRegistry(spawn, store=store)
    session, _ = first.open(None)
    session.configure({"hidden": [3, 2], "eta": 0.3, "alpha": 0.5})
    for _ in range(7):
        session.step("pattern")
    session.set_weight(0, 0, 0, 0.25)
    session._resume = True  # its client went away while it ran
    exported = session.export()
    assert first.save() == 1 and first.save() == 0  # only changed sessions are written
    second = SessionRegistry(spawn, store=Store(tmp_path / "s.sqlite3"))
    back, resumed = second.open(session.id)
    assert resumed and back.id == session.id and not back.running
    assert back.export() == exported  # settings, weights, momentum, history, marks, speed
    assert back._resume  # runs again when its client attaches
    assert second.open("not-" + session.id)[1] is False
    first.shutdown()
    second.shutdown()


def test_a_reaped_session_is_saved_and_found_again(tmp_path) -> None:
    now = [0.0]
    registry = SessionRegistry(spawn, grace_seconds=10, store=Store(tmp_path / "s.sqlite3"),
                               clock=lambda: now[0])
    session, _ = registry.open(None)
    session.step("epoch")
    now[0] = 11
    assert registry.reap() == 1 and len(registry) == 0
    back, resumed = registry.open(session.id)
    assert resumed and back.trainer.epoch == 1
    registry.shutdown()


def test_the_database_file_is_private(tmp_path) -> None:
    store = Store(tmp_path / "deep" / "s.sqlite3")
    assert store.check()
    assert (tmp_path / "deep" / "s.sqlite3").stat().st_mode & 0o077 == 0


def test_an_unwritable_database_warns_once_and_the_app_keeps_serving(make_app, tmp_path,
                                                                    caplog) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database's folder should be")
    caplog.set_level(logging.WARNING)
    app = make_app(DATABASE=str(blocker / "sessions.sqlite3"))
    warnings = [r.getMessage() for r in caplog.records if "database" in r.getMessage()]
    assert len(warnings) == 1 and "not being saved" in warnings[0]
    assert str(blocker / "sessions.sqlite3") in warnings[0]
    client = socketio.test_client(app)
    assert client.emit("step", {"unit": "epoch"}, callback=True)["ok"]
    registry = app.extensions["backprop_sessions"]
    assert registry.save() == 1  # tried, failed quietly
    assert registry.save() == 1  # still changed: tried again, no new warning
    assert len([r for r in caplog.records if "database" in r.getMessage()]) == 1
    health = app.test_client().get("/healthz").json
    assert health["ok"] is False and health["sessions"] == 1  # serving, but not saving
    assert [d["part"] for d in health["degraded"]] == ["database"]
    assert health["degraded"][0]["error"]  # the reason, as the log says it
    client.disconnect()


def test_a_full_disk_warns_and_saving_resumes_when_there_is_room(tmp_path, caplog) -> None:
    caplog.set_level(logging.INFO)
    store = Store(tmp_path / "s.sqlite3")
    registry = SessionRegistry(spawn, store=store)
    session, _ = registry.open(None)
    assert registry.save() == 1
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk full"
    for _ in range(3):
        session.step("epoch")
    with session.lock:  # a long curve: the record needs more pages than there are
        session.history.add_many(range(4, 4000), [0.1] * 3996)
    session.changed()
    registry.save()
    assert store.failing and "full" in store.failing
    assert any("not being saved" in r.getMessage() for r in caplog.records)
    assert registry.save() == 1  # the session is still waiting to be saved
    store.close()  # room again (a fresh connection has no page limit)
    registry.save()
    assert store.failing is None and any("saving again" in r.getMessage()
                                         for r in caplog.records)
    saved = Store(tmp_path / "s.sqlite3").load_session(session.id)[0]
    assert saved["epoch"] == 3 and len(saved["history"]["points"]) > 1000
    registry.shutdown()


def test_a_corrupt_record_is_a_new_session_not_a_crash(tmp_path) -> None:
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    store.save_sessions([("abc", {"format": "backprop-xor/1", "weights": "nonsense"}, False)])
    registry = SessionRegistry(spawn, store=store)
    session, resumed = registry.open("abc")
    assert not resumed and session.id != "abc"
    registry.shutdown()


def test_rooms_and_their_answers_come_back_after_a_restart(make_live, tmp_path) -> None:
    db = str(tmp_path / "rooms.sqlite3")
    live = make_live(DATABASE=db, SAVE_INTERVAL=0.1)
    presenter = live.client()
    presenter.frame()
    opened = presenter.call("room_open")
    poll = presenter.call("poll_open", {"token": opened["token"], "kind": "largest_delta"})
    student = EventClient(live.url, auth={"room": opened["code"], "name": "Ada"})
    student.wait_event("room_hello")
    student.wait(lambda: any(e == "room_frame" and d["room"]["poll"] for e, d in student.events))
    choice = poll["poll"]["choices"][0]["id"]
    assert student.call("poll_answer", {"poll": poll["poll"]["id"], "choice": choice})["ok"]
    room = live.app.extensions["backprop_classroom"].rooms.get(opened["code"])
    deadline_ok = threading.Event()
    for _ in range(200):  # the room's loop applies the answer, then the saver writes it
        if room.polls[-1].answers and Store(db).room_record(opened["code"]):
            record = Store(db).room_record(opened["code"])
            if record["polls"][-1]["answers"]:
                deadline_ok.set()
                break
        deadline_ok.wait(0.05)
    assert deadline_ok.is_set()
    student.close()
    live.app.extensions["backprop_sessions"].shutdown()  # as on SIGTERM: saved first
    live.app.extensions["backprop_classroom"].shutdown()
    # a new server on the same database
    again = make_live(DATABASE=db)
    restored = again.app.extensions["backprop_classroom"].rooms.get(opened["code"])
    assert restored is not None and restored.check_token(opened["token"])
    answers = restored.polls[-1].answers
    assert [a["name"] for a in answers.values()] == ["Ada"]
    back = again.client(session=presenter.hello["session"])
    assert back.hello["resumed"]
    assert back.call("poll_reveal", {"token": opened["token"]})["ok"]  # still the presenter
    follower = EventClient(again.url, auth={"room": opened["code"]})
    assert follower.wait_event("room_hello")["code"] == opened["code"]
    follower.close()


# ----- the real command, killed ------------------------------------------------------------------


@pytest.fixture
def database(tmp_path: Path) -> str:
    return str(tmp_path / "serve.sqlite3")


def running_client(url: str, session: str | None = None) -> LiveClient:
    client = LiveClient(url, session=session)
    client.frame()
    return client


def saved(database: str, session_id: str) -> tuple[int, float] | None:
    """(epoch, saved_at) of a session's row in `database` (the server's, read beside it)."""
    with sqlite3.connect(database) as db:
        row = db.execute("SELECT state, saved_at FROM sessions WHERE id = ?",
                         (session_id,)).fetchone()
    return (json.loads(row[0])["epoch"], row[1]) if row else None


@pytest.mark.slow
def test_sigkill_mid_run_loses_at_most_the_last_save_interval(database) -> None:
    server = ServerProcess("--database", database)
    try:
        client = running_client(server.url)
        session_id = client.hello["session"]
        assert client.call("configure", {"hidden": [1], "eta": 0.7})["ok"]  # never converges
        assert client.call("speed", {"level": 8})["ok"]
        assert client.call("run")["ok"]
        client.frame(lambda f: f["epoch"] > 50_000, timeout=30)
        # then 10,000 epochs/s: still a run mid-flight for the saver, without a core kept busy
        assert client.call("speed", {"level": 7})["ok"]
        # the saver saves the running session again and again: two saves of the run seen in
        # the file, each a later epoch than the one before
        seen: set[tuple[int, float]] = set()

        def saved_again() -> bool:
            row = saved(database, session_id)
            if row is not None and row[0] > 50_000:
                seen.add(row)
            return len(seen) >= 2

        eventually(saved_again, timeout=3 * SAVE_INTERVAL + 5)
        assert len({epoch for epoch, _ in seen}) == 2
        rate = client.frames[-1]["epochs_per_second"]
        last_seen = client.frames[-1]["epoch"]
        killed_at = time.time()
        assert server.kill() == -9
        close_client(client.sio)
    finally:
        server.stop()
    epoch_saved, saved_at = saved(database, session_id)
    # the last save came at most one save interval before the kill (the interval plus the
    # time a save takes, scaled for a busy machine, where the saver waits for a core too)
    assert killed_at - saved_at <= deadline(SAVE_INTERVAL + 1.0), (killed_at, saved_at)
    server = ServerProcess("--database", database)
    try:
        back = LiveClient(server.url, session=session_id)
        assert back.hello["resumed"] and back.hello["session"] == session_id
        assert back.hello["running"]  # it was running: it runs again now its client is back
        frame = back.frame()
        assert frame["epoch"] >= epoch_saved  # everything saved came back
        lost = last_seen - epoch_saved
        print(f"SIGKILL: {lost:,} epochs lost, {lost / rate:.2f} s of running at {rate:,.0f}/s "
              f"(last save {killed_at - saved_at:.2f} s before the kill)")
        assert frame["settings"]["hidden"] == [1] and frame["settings"]["eta"] == 0.7
        assert frame["history"]["reset"] and len(back.series) > 100
        later = back.frame(lambda f: f["epoch"] > frame["epoch"] + 10_000)
        assert later["running"]
        back.close()
    finally:
        server.stop()


@pytest.mark.slow
def test_sigterm_saves_everything_and_tells_clients(database) -> None:
    server = ServerProcess("--database", database)
    try:
        client = running_client(server.url)
        told = threading.Event()
        notices: list[Any] = []
        client.sio.on("server_shutdown", lambda data: (notices.append(data), told.set()))
        session_id = client.hello["session"]
        for _ in range(5):
            assert client.call("step", {"unit": "pattern"})["ok"]
        exported = client.call("export")["state"]
        assert server.terminate() == 0
        assert told.wait(WAIT) and notices[0]["saved"] is True
        assert "saved" in notices[0]["message"]
        assert "stopped" in server.output and "Traceback" not in server.output
        close_client(client.sio)
    finally:
        server.stop()
    server = ServerProcess("--database", database)
    try:
        back = LiveClient(server.url, session=session_id)
        assert back.hello["resumed"] and not back.hello["running"]
        assert back.call("export")["state"] == exported  # nothing lost
        back.close()
    finally:
        server.stop()


@pytest.mark.slow
def test_serve_with_an_unwritable_database_warns_and_serves(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    server = ServerProcess("--database", str(blocker / "db.sqlite3"))
    try:
        client = running_client(server.url)
        assert client.call("step", {"unit": "epoch"})["ok"]
        assert "runs are not being saved" in server.output
        close_client(client.sio)
        assert server.terminate() == 0
        assert "sessions not saved" in server.output
    finally:
        server.stop()


def test_the_database_holds_what_the_docs_say(tmp_path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    store.save_sessions([("id1", {"a": 1}, True)])
    with sqlite3.connect(tmp_path / "s.sqlite3") as db:
        row = db.execute("SELECT id, running FROM sessions").fetchone()
    assert row == ("id1", 1)
