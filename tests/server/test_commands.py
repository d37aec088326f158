"""Commands through Flask-SocketIO's test client: acks, errors naming fields, state changes."""

from __future__ import annotations

import math
from typing import Any

import pytest

from app.engine import Trainer, TrainingConfig
from app.sessions import SPEEDS
from app.web import socketio


def hello(sock: Any) -> dict[str, Any]:
    """The hello event the client got on connecting."""
    events = [e for e in sock.get_received() if e["name"] == "hello"]
    assert len(events) == 1
    return events[0]["args"][0]


def call(sock: Any, event: str, data: Any = None) -> dict[str, Any]:
    """Send a command with an ack callback; return the ack."""
    return sock.emit(event, {} if data is None else data, callback=True)


def session_of(app: Any, sock: Any) -> Any:
    """The server-side session of a test client."""
    sid = socketio.server.manager.sid_from_eio_sid(sock.eio_sid, "/")
    return app.extensions["backprop_sessions"].for_sid(sid)[0]


def test_connect_says_hello_with_a_new_session(sock) -> None:
    greeting = hello(sock)
    assert greeting["resumed"] is False
    assert len(greeting["session"]) >= 40
    assert greeting["settings"] == TrainingConfig().to_dict()
    assert greeting["grace_seconds"] == 120
    assert 0 <= greeting["speed"] < len(SPEEDS)


def test_each_tab_gets_its_own_session(app, sock) -> None:
    other = socketio.test_client(app)
    assert hello(other)["session"] != hello(sock)["session"]
    other.disconnect()


def test_step_back_and_acks(app, sock) -> None:
    reference = Trainer(TrainingConfig())
    assert call(sock, "step", {"unit": "phase"}) == {"ok": True, "step": 1, "epoch": 0}
    assert call(sock, "step", {"unit": "pattern"}) == {"ok": True, "step": 2, "epoch": 0}
    assert call(sock, "step", {"unit": "epoch"}) == {"ok": True, "step": 3, "epoch": 1}
    reference.step_phase()
    reference.step_pattern()
    reference.step_epoch()
    session = session_of(app, sock)
    assert session.trainer.weights() == reference.weights()
    assert call(sock, "back") == {"ok": True, "went_back": True}
    reference.back()
    assert session.trainer.weights() == reference.weights()
    assert session.marks[-1] == {"epoch": 0, "kind": "back"}
    assert call(sock, "back")["went_back"] is True
    assert call(sock, "back")["went_back"] is True
    assert call(sock, "back") == {"ok": True, "went_back": False}


def test_configure_live_and_restarting_settings(app, sock) -> None:
    call(sock, "step", {"unit": "epoch"})
    session = session_of(app, sock)
    weights = session.trainer.weights()
    reply = call(sock, "configure", {"eta": 0.9, "alpha": 0.5})
    assert reply["ok"] and reply["restarted"] is False and reply["settings"]["eta"] == 0.9
    assert session.trainer.epoch == 1 and session.trainer.weights() == weights
    assert session.marks[-1]["kind"] == "settings"
    assert session.marks[-1]["changed"] == {"eta": 0.9, "alpha": 0.5}

    reply = call(sock, "configure", {"hidden": [3, 2], "seed": 7})
    assert reply["restarted"] is True and reply["settings"]["hidden"] == [3, 2]
    assert session.trainer.epoch == 0
    expected = Trainer(TrainingConfig(hidden=(3, 2), seed=7, eta=0.9, alpha=0.5))
    assert session.trainer.weights() == expected.weights()
    assert len(session.history) == 1


def test_reset_keeps_the_seed_and_randomize_changes_it(app, sock) -> None:
    session = session_of(app, sock)
    initial = session.trainer.weights()
    call(sock, "step", {"unit": "epoch"})
    assert call(sock, "reset") == {"ok": True, "seed": 1}
    assert session.trainer.weights() == initial and session.trainer.epoch == 0
    seeds = {call(sock, "randomize")["seed"] for _ in range(3)}
    assert len(seeds) > 1 or seeds != {1}
    assert session.trainer.config.seed in seeds


def test_weights_edits(app, sock) -> None:
    session = session_of(app, sock)
    assert call(sock, "set_weight", {"layer": 1, "neuron": 0, "input": 2, "value": 0.25})["ok"]
    assert session.trainer.weights()[1][0][2] == 0.25
    new = [[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], [[0.7, 0.8, 0.9]]]
    assert call(sock, "set_weights", {"weights": new}) == {"ok": True}
    assert session.trainer.weights() == new
    assert [m["kind"] for m in session.marks[-2:]] == ["edit", "edit"]
    assert call(sock, "back")["went_back"]
    assert session.trainer.weights()[1][0][2] == 0.25


def test_speed_run_pause(app, sock) -> None:
    session = session_of(app, sock)
    assert call(sock, "speed", {"level": 0}) == {"ok": True, "speed": 0}
    assert call(sock, "run") == {"ok": True, "running": True}
    assert session.running
    assert call(sock, "pause") == {"ok": True, "running": False}
    assert not session.running


def test_export_import_round_trip(app, sock) -> None:
    call(sock, "configure", {"eta": 0.7, "alpha": 0.3})
    for unit in ("epoch", "epoch", "pattern", "phase"):
        call(sock, "step", {"unit": unit})
    state = call(sock, "export")["state"]
    assert state["format"] == "backprop-xor/1" and state["seed"] == 1 and state["epoch"] == 2
    assert {"settings", "weights", "momentum", "history", "marks", "rng"} <= set(state)

    other = socketio.test_client(app)
    reply = call(other, "import", {"state": state})
    assert reply == {"ok": True, "settings": state["settings"]}
    again = call(other, "export")["state"]
    assert again == state
    for client in (sock, other):
        call(client, "step", {"unit": "epoch"})
    assert call(other, "export")["state"] == call(sock, "export")["state"]
    other.disconnect()


def test_reconnect_resumes_and_expired_sessions_are_freed(make_app) -> None:
    app = make_app(SESSION_GRACE_SECONDS=0)
    first = socketio.test_client(app)
    session_id = hello(first)["session"]
    call(first, "step", {"unit": "epoch"})
    first.disconnect()
    again = socketio.test_client(app, auth={"session": session_id})
    greeting = hello(again)
    assert greeting["resumed"] is True and greeting["session"] == session_id
    assert call(again, "export")["state"]["epoch"] == 1
    again.disconnect()
    registry = app.extensions["backprop_sessions"]
    assert registry.reap() == 1
    late = socketio.test_client(app, auth={"session": session_id})
    greeting = hello(late)
    assert greeting["resumed"] is False and greeting["session"] != session_id
    late.disconnect()


def test_guessed_ids_get_new_sessions(sock, app) -> None:
    real = hello(sock)["session"]
    for guess in (real[:-1], real + "x", real.upper(), "x" * 128, None):
        other = socketio.test_client(app, auth={"session": guess})
        greeting = hello(other)
        assert greeting["resumed"] is False and greeting["session"] != real
        other.disconnect()


def test_a_full_server_refuses_connections(make_app) -> None:
    app = make_app(MAX_SESSIONS=1)
    first = socketio.test_client(app)
    assert first.is_connected()
    second = socketio.test_client(app)
    assert not second.is_connected()
    first.disconnect()


GOOD_STATE = Trainer(TrainingConfig()).state()


def state_with(**changes: Any) -> dict[str, Any]:
    """A valid exported state with some fields replaced."""
    state = {**GOOD_STATE, "format": "backprop-xor/1"}
    state.update(changes)
    return state


BAD = [
    ("configure", {"eta": -1}, "eta"),
    ("configure", {"eta": "fast"}, "eta"),
    ("configure", {"alpha": 1.5}, "alpha"),
    ("configure", {"hidden": [0]}, "hidden[0]"),
    ("configure", {"hidden": [2, 2, 2, 2]}, "hidden"),
    ("configure", {"problem": "parity"}, "problem"),
    ("configure", {"seed": 1.5}, "seed"),
    ("configure", {"nope": 1}, "nope"),
    ("configure", "eta=1", "settings"),
    ("set_weights", {}, "weights"),
    ("set_weights", {"weights": "heavy"}, "weights"),
    ("set_weights", {"weights": [[[1, 2, 3]]]}, "weights"),
    ("set_weights", {"weights": [[[1, 2, 3], [1, 2, "x"]], [[1, 2, 3]]]}, "weights[0][1][2]"),
    ("set_weights", {"weights": [[[1] * 10]]}, "weights[0][0]"),
    ("set_weight", {"layer": 3, "neuron": 0, "input": 0, "value": 1}, "layer"),
    ("set_weight", {"layer": 5, "neuron": 0, "input": 0, "value": 1}, "layer"),
    ("set_weight", {"layer": 0, "neuron": 9, "input": 0, "value": 1}, "neuron"),
    ("set_weight", {"layer": 0, "neuron": 0, "input": 3, "value": 1}, "input"),
    ("set_weight", {"layer": 0, "neuron": 0, "input": 0, "value": "a"}, "value"),
    ("set_weight", {"layer": 0, "neuron": 0, "input": 0}, "value"),
    ("set_weight", {"layer": True, "neuron": 0, "input": 0, "value": 1}, "layer"),
    ("step", {"unit": "lesson"}, "unit"),
    ("step", {}, "unit"),
    ("step", ["phase"], "step"),
    ("step", {"unit": "phase", "extra": 1}, "extra"),
    ("back", {"x": 1}, "x"),
    ("run", {"x": 1}, "x"),
    ("pause", 5, "pause"),
    ("speed", {"level": len(SPEEDS)}, "level"),
    ("speed", {"level": "fast"}, "level"),
    ("speed", {"level": 1.0}, "level"),
    ("speed", {}, "level"),
    ("reset", {"seed": 3}, "seed"),
    ("randomize", {"x": 1}, "x"),
    ("export", {"x": 1}, "x"),
    ("import", {}, "state"),
    ("import", {"state": 5}, "state"),
    ("import", {"state": state_with(weights=[[[1.0]]])}, "state.weights"),
    ("import", {"state": state_with(weights=[[["1.5"]]])}, "state.weights[0][0][0]"),
    ("import", {"state": state_with(epoch=-1)}, "state.epoch"),
    ("import", {"state": state_with(settings={"eta": -1})}, "state.settings.eta"),
    ("import", {"state": state_with(format="other/9")}, "state.format"),
    ("import", {"state": {k: v for k, v in state_with().items() if k != "format"}},
     "state.format"),
    ("import", {"state": state_with(history={"width": 3, "points": []})}, "state.history.width"),
    ("import", {"state": state_with(marks=[{"kind": "party"}])}, "state.marks[0].epoch"),
    ("import", {"state": state_with(marks=[{"epoch": 1, "kind": "party"}])},
     "state.marks[0].kind"),
    ("import", {"state": state_with(marks=[{"epoch": 1, "kind": "edit", "x": math.pi}])},
     "state.marks[0].x"),
    ("import", {"state": state_with(speed=99)}, "state.speed"),
    ("import", {"state": state_with(rng={**GOOD_STATE["rng"], "state": {
        "state": str(2**300), "inc": "1"}})}, "state.rng.state.state"),
    ("import", {"state": state_with(rng={**GOOD_STATE["rng"], "state": 950 * [0]})},
     "state.rng.state"),
    ("import", {"state": state_with(settings={"sampling": "random"},
                                    inputs=[[0.5, "0.5"]] * 4)}, "state.inputs[0][1]"),
]


def _id(i: int, case: Any) -> str:
    event, _, field = case.values if hasattr(case, "values") else case
    return f"{event}-{field}-{i}"


@pytest.mark.parametrize(("event", "payload", "field"), BAD,
                         ids=[_id(i, case) for i, case in enumerate(BAD)])
def test_bad_payloads_name_the_field_and_leave_the_session(sock, event, payload, field) -> None:
    call(sock, "step", {"unit": "phase"})
    before = call(sock, "export")["state"]
    reply = call(sock, event, payload)
    assert reply["ok"] is False
    assert reply["field"] == field
    assert reply["error"].startswith(f"{field}: "), reply
    assert "internal error" not in reply["error"]
    assert call(sock, "export")["state"] == before
    assert call(sock, "step", {"unit": "phase"})["ok"]  # the server goes on


def test_without_an_ack_errors_come_as_an_error_event(sock) -> None:
    sock.get_received()
    sock.emit("speed", {"level": -1})
    errors = [e["args"][0] for e in sock.get_received() if e["name"] == "error"]
    assert errors == [{"event": "speed", "message": errors[0]["message"], "field": "level"}]
    assert "level" in errors[0]["message"]
    assert call(sock, "speed", {"level": -1})["ok"] is False
    assert not [e for e in sock.get_received() if e["name"] == "error"]


def test_run_refuses_a_diverged_network(app, sock) -> None:
    session = session_of(app, sock)
    session.trainer.status = "diverged"
    reply = call(sock, "run")
    assert reply["ok"] is False and reply["field"] == "status"
    assert not session.running
