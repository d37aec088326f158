"""Limits: message size, sessions per process and per address, command rate, bounded sizes.

Each limit, when reached, answers with a message naming it; each test here fails
when its limit is taken away (set the limit off and watch the assertion break).
"""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
import socketio as socketio_client
from hardening_support import EventClient, eventually
from live_support import WAIT, close_client

from app.engine import Trainer, TrainingConfig
from app.engine.trainer import UNDO_DEPTH
from app.rooms.room import MAX_POLLS
from app.sessions import CAPACITY, EXPORT_FORMAT
from app.sessions.history import IMPORT_CAPACITY
from app.sessions.session import MAX_MARKS
from app.web import socketio
from app.web.limits import MAX_MESSAGE_BYTES, TokenBucket


def worst_case_state() -> dict[str, Any]:
    """An importable export as large as a run can make it: the biggest network, a full
    history of the longest numbers, and the most marks of the longest kind."""
    trainer = Trainer(TrainingConfig(hidden=(8, 8, 8), mode="batch", sampling="random"))
    state = trainer.state()
    state.update(format=EXPORT_FORMAT, seed=2**32 - 1, speed=0, epoch=10**15 - 1)
    long = 1.2345678901234567e-300  # losses are >= 0 (l = ½e²)
    state["history"] = {"width": 2**40, "points": [
        [10**15 - 4096 + i, long, long, long] for i in range(IMPORT_CAPACITY)]}  # the most taken
    changed = {"problem": "xnor", "hidden": [8, 8, 8], "activation": "tanh",
               "eta": 1.2345678901234567e-05, "alpha": 0.12345678901234567, "mode": "batch",
               "init_range": 1.2345678901234567, "seed": 2**32 - 1, "sampling": "random"}
    state["marks"] = [{"epoch": 10**15 - 1, "kind": "settings", "changed": changed}] * MAX_MARKS
    return state


def packet_bytes(event: str, data: Any) -> int:
    """Size of the Socket.IO text packet a client sends for `emit(event, data)` with an ack."""
    return len(("421" + json.dumps([event, data], separators=(",", ":"))).encode())


def test_the_biggest_export_fits_the_message_limit_with_margin() -> None:
    size = packet_bytes("import", {"state": worst_case_state()})
    assert 500_000 < size < MAX_MESSAGE_BYTES * 0.9, size


def test_import_of_the_biggest_export_passes_and_a_bigger_message_is_refused(live) -> None:
    client = live.client()
    client.frame()
    assert client.call("import", {"state": worst_case_state()})["ok"]
    session_id = client.hello["session"]
    oversized(client, "configure", {"eta": "x" * (MAX_MESSAGE_BYTES + 1)})
    again = live.client(session=session_id)  # the session is untouched
    assert again.hello["resumed"] and again.frame()["epoch"] == 10**15 - 1


def oversized(client: Any, event: str, data: Any) -> None:
    """Send a message over the limit: the server closes the connection at once.

    Checked on the server (python-socketio's client hears of the close only sometimes
    at once: it can wait for its own ping timeout, as `refusal` below explains).
    """
    sid = client.sio.get_sid("/")
    client.sio.emit(event, data)
    eventually(lambda: not socketio.server.manager.is_connected(sid, "/"), timeout=WAIT)
    close_client(client.sio)


def test_message_limit_is_the_configured_one(make_live) -> None:
    live = make_live(MAX_MESSAGE_BYTES=2000)
    assert socketio.server.eio.max_http_buffer_size == 2000
    client = live.client()
    client.frame()
    assert client.call("configure", {"eta": 0.25})["ok"]
    oversized(client, "import", {"state": {"pad": "y" * 2100}})
    # the session lets go of the connection (it is kept for a reload) and engine.io's
    # socket is closed, not left for the ping timeout
    eventually(lambda: not list(live.registry.connections()), timeout=WAIT)
    assert all(s.closed for s in socketio.server.eio.sockets.values())


def refusal(live: Any, auth: Any = None) -> dict[str, Any]:
    """Connect a client that should be refused; the `error` event it got first.

    (Whether python-socketio's client notices the server's disconnect depends on a
    race in its connect(); the server side is checked instead: no session, no sid.)
    """
    held = len(live.registry)
    client = EventClient(live.url, auth=auth)
    try:
        error = client.wait_event("error")
        assert client.count("hello") == 0 and len(live.registry) == held
        sid = client.sio.get_sid("/")
        eventually(lambda: not socketio.server.manager.is_connected(sid, "/"))
        return error
    finally:
        client.close()




def test_a_full_server_says_which_limit(make_live) -> None:
    live = make_live(MAX_SESSIONS=2)
    kept = [live.client(), live.client()]
    error = refusal(live)
    assert error["event"] == "connect" and error["field"] == "sessions"
    assert "server full" in error["message"] and "2 sessions" in error["message"]
    assert "MAX_SESSIONS" in error["message"]
    # a client resuming its own session is never refused
    session_id = kept[0].hello["session"]
    kept[0].close()
    assert live.client(session=session_id).hello["resumed"]


@pytest.mark.parametrize(("auth", "field"), [
    ({"session": ""}, "auth.session"), ({"session": 42}, "auth.session"),
    ({"session": "x" * 129}, "auth.session"), ({"session": "a", "role": "admin"}, "auth.role"),
    ({"room": 5}, "auth.room"), ({"room": "ACDEFG", "name": "n" * 201}, "auth.name"),
    ({"room": "ACDEFG", "viewer": ["x"]}, "auth.viewer"),
])
def test_malformed_auth_is_refused_naming_the_field(live, auth, field) -> None:
    error = refusal(live, auth)
    assert error["event"] == "connect" and error["field"] == field, error
    assert error["message"].startswith(f"{field}: ")


def test_sessions_per_address(make_live) -> None:
    live = make_live(MAX_SESSIONS_PER_ADDRESS=3, SESSION_GRACE_SECONDS=0.3)
    clients = [live.client() for _ in range(3)]
    assert live.registry.count("127.0.0.1") == 3
    error = refusal(live)
    assert error["field"] == "address" and "3 sessions" in error["message"]
    assert "MAX_SESSIONS_PER_ADDRESS" in error["message"]
    assert len(live.registry) == 3
    # resuming stays allowed at the limit
    clients[0].close()
    assert live.client(session=clients[0].hello["session"]).hello["resumed"]
    # sessions whose clients left for good free their places after the grace period
    clients[1].close()
    clients[2].close()
    eventually(lambda: live.registry.count("127.0.0.1") == 1)
    assert live.client().hello["resumed"] is False


def test_no_per_address_limit_when_set_to_zero(make_live) -> None:
    live = make_live(MAX_SESSIONS_PER_ADDRESS=0)
    for _ in range(4):
        live.client()
    assert live.registry.count("127.0.0.1") == 4


def test_the_per_address_limit_comes_from_the_environment_unless_configured(
        make_app, monkeypatch, caplog) -> None:
    """docs/deployment.md: a class behind one NAT raises it without writing Python."""
    monkeypatch.setenv("BACKPROP_XOR_MAX_SESSIONS_PER_ADDRESS", "200")
    assert make_app().extensions["backprop_sessions"].max_per_address == 200
    configured = make_app(MAX_SESSIONS_PER_ADDRESS=7)  # the config wins
    assert configured.extensions["backprop_sessions"].max_per_address == 7
    monkeypatch.setenv("BACKPROP_XOR_MAX_SESSIONS_PER_ADDRESS", "many")
    with caplog.at_level("WARNING", logger="app.web.limits"):
        app = make_app()
    assert app.extensions["backprop_sessions"].max_per_address == 50
    assert any("BACKPROP_XOR_MAX_SESSIONS_PER_ADDRESS: need a whole number" in r.getMessage()
               for r in caplog.records)


def test_token_bucket_refills_at_its_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(10, 3, clock=lambda: now[0])
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    now[0] += 0.1  # one token
    assert [bucket.take() for _ in range(2)] == [True, False]
    now[0] += 100  # never more than the burst
    assert sum(bucket.take() for _ in range(10)) == 3


def test_commands_past_the_burst_are_refused_naming_the_rate(make_app) -> None:
    app = make_app(COMMAND_RATE=0.01, COMMAND_BURST=5)
    client = socketio.test_client(app)
    client.get_received()
    answers = [client.emit("step", {"unit": "pattern"}, callback=True) for _ in range(8)]
    assert [a["ok"] for a in answers] == [True] * 5 + [False] * 3
    refused = answers[-1]
    assert refused["field"] == "rate" and "0.01 commands a second" in refused["error"]
    assert "bursts of 5" in refused["error"]
    # the refused steps did nothing
    session = app.extensions["backprop_sessions"].for_sid(
        next(iter(app.extensions["backprop_sessions"]._by_sid)))[0]
    assert session.trainer.steps == 5
    # without an ack callback the refusal comes as an error event
    client.emit("step", {"unit": "pattern"})
    errors = [e["args"][0] for e in client.get_received() if e["name"] == "error"]
    assert errors and errors[-1]["field"] == "rate" and errors[-1]["event"] == "step"
    client.disconnect()


def test_each_connection_has_its_own_bucket(make_app) -> None:
    app = make_app(COMMAND_RATE=0.01, COMMAND_BURST=2)
    first, second = socketio.test_client(app), socketio.test_client(app)
    for _ in range(3):
        first.emit("pause", {}, callback=True)
    assert first.emit("pause", {}, callback=True)["field"] == "rate"
    assert second.emit("pause", {}, callback=True)["ok"]
    first.disconnect()
    second.disconnect()


@pytest.mark.slow
def test_frame_acks_are_not_commands(make_live) -> None:
    live = make_live(COMMAND_RATE=0.01, COMMAND_BURST=5)
    client = live.client()
    client.frame()
    assert client.call("configure", {"hidden": [1]})["ok"]  # never converges: runs on
    assert client.call("speed", {"level": 7})["ok"]  # a new state, so a frame, every tick
    assert client.call("run")["ok"]
    seq = client.last_seq
    client.frame(lambda f: f["running"], after=seq + 40)  # 40 frames acknowledged
    assert client.call("pause")["ok"]  # commands 4 and 5 of the burst
    assert client.call("pause")["ok"]
    assert client.call("pause")["field"] == "rate"


def test_unknown_and_reserved_events_get_an_error(sock) -> None:
    for event in ("no_such_event", "connect", "disconnect", "frame", "hello"):
        answer = sock.emit(event, {"session": "x"}, callback=True)
        assert answer["ok"] is False and answer["field"] == "event", event
        assert repr(event) in answer["error"]
    assert sock.emit("pause", {}, callback=True)["ok"]


def test_a_connect_event_cannot_rerun_the_connect_handler(live) -> None:
    client = EventClient(live.url)
    client.wait_event("hello")
    answer = client.call("connect", {"REMOTE_ADDR": "10.0.0.1"})
    assert answer["field"] == "event"
    assert client.count("hello") == 1 and len(live.registry) == 1
    client.close()


def test_bounded_history_marks_and_undo(make_app) -> None:
    app = make_app(COMMAND_RATE=0)
    client = socketio.test_client(app)
    client.get_received()
    for i in range(MAX_MARKS + 50):
        assert client.emit("set_weight", {"layer": 0, "neuron": 0, "input": 0,
                                          "value": i / 1000}, callback=True)["ok"]
    for _ in range(UNDO_DEPTH + 50 - MAX_MARKS):
        assert client.emit("step", {"unit": "phase"}, callback=True)["ok"]
    registry = app.extensions["backprop_sessions"]
    session = next(iter(registry._sessions.values()))
    assert len(session.marks) == MAX_MARKS
    assert session.trainer.can_go_back == UNDO_DEPTH
    with session.lock:  # history: run a long way in big chunks
        session.history.add_many(range(1, 100_000), [0.1] * 99_999)
    assert CAPACITY // 2 <= len(session.history) <= CAPACITY
    client.disconnect()


def test_bounded_polls_and_names(make_live) -> None:
    live = make_live(COMMAND_RATE=0)
    presenter = live.client()
    presenter.frame()
    opened = presenter.call("room_open")
    for _ in range(MAX_POLLS + 5):
        poll = {"token": opened["token"], "kind": "largest_delta"}
        assert presenter.call("poll_open", poll)["ok"]
    room = live.app.extensions["backprop_classroom"].rooms.get(opened["code"])
    assert len(room.polls) == MAX_POLLS
    student = socketio_client.Client(reconnection=False)
    hellos: list[dict[str, Any]] = []
    greeted = threading.Event()
    student.on("room_hello", lambda hello: (hellos.append(hello), greeted.set()))
    student.connect(live.url, transports=["websocket"],
                    auth={"room": opened["code"], "name": "n" * 200, "viewer": "v" * 64})
    assert greeted.wait(WAIT)
    assert hellos[0]["name"] == "n" * 40  # cut
    assert hellos[0]["viewer"] != "v" * 64  # an id the client chose is never taken (issue 13)
    close_client(student)
    for auth, field in (({"name": "n" * 10_000}, "auth.name"), ({"viewer": "v" * 65},
                                                                "auth.viewer")):
        error = refusal(live, {"room": opened["code"], **auth})
        assert error["field"] == field and error["message"].startswith(f"{field}: need at most")
