"""Classroom rooms on a live server: students follow the presenter, polls, forks, refusals."""

from __future__ import annotations

import base64
import csv
import io
import json
import socket
import threading
import time
from typing import Any

import pytest
import socketio
from live_support import WAIT, Student

from app.engine import Trainer, TrainingConfig
from app.rooms.codes import ALPHABET
from app.sessions import SPEEDS
from app.web.extensions import socketio as socketio_extension


@pytest.fixture
def classroom(live):
    """A presenter with an open room, and a way to add students."""
    presenter = live.client()
    presenter.frame()
    statuses: list[dict[str, Any]] = []
    presenter.sio.on("room_status", lambda s: presenter._on_event("room_status", s))
    opened = presenter.call("room_open")
    assert opened["ok"], opened
    students: list[Student] = []

    def student(**kwargs: Any) -> Student:
        s = Student(live.url, opened["code"], **kwargs)
        students.append(s)
        return s

    yield presenter, opened, student, statuses
    for s in students:
        s.close()


def test_room_open_gives_a_code_a_token_and_a_qr(live, classroom) -> None:
    presenter, opened, _student, _ = classroom
    code = opened["code"]
    assert len(code) == 6 and set(code) <= set(ALPHABET)
    assert len(opened["token"]) >= 32
    assert opened["join_url"].endswith(f"/join/{code}")
    http = live.app.test_client()
    qr = http.get(opened["qr_url"])
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
    assert http.get(f"/join/{code}").headers["Location"].endswith(f"/?room={code}")
    assert presenter.call("room_open")["code"] == code  # one room per session


def test_late_joiner_gets_the_presenters_state_at_once(classroom) -> None:
    presenter, _opened, student, _ = classroom
    for _ in range(3):
        presenter.call("step", {"unit": "epoch"})
    mine = presenter.frame(lambda f: f["epoch"] == 3)
    viewer = student()
    # the room publishes within ~1/30 s of a change: the first frame may predate step 3
    now = viewer.frame(lambda f: f["epoch"] == 3)
    assert viewer.frames[0]["history"]["reset"]  # the whole curve at once
    assert now["weights"] == mine["weights"]
    assert now["truth"] == mine["truth"] and now["loss"] == mine["loss"]
    assert viewer.series == presenter.series


def test_students_follow_every_step_with_the_same_numbers(classroom) -> None:
    presenter, _opened, student, _ = classroom
    viewers = [student(), student()]
    for unit in ("phase", "phase", "pattern", "epoch"):
        step = presenter.call("step", {"unit": unit})["step"]
        mine = presenter.frame(lambda f, step=step: f["step"] == step)
        for viewer in viewers:
            theirs = viewer.frame(lambda f, step=step: f["step"] == step)
            for key in ("epoch", "pattern", "phase", "weights", "trace", "truth", "loss",
                        "settings", "status"):
                assert theirs[key] == mine[key], key
            if mine["surface"] is not None:
                assert theirs["surface"] == mine["surface"]  # the same levels, as bytes
                assert len(theirs["surface"]["output"]) == 25 * 25
            assert theirs["room"]["viewers"] in (1, 2)


def test_a_students_controls_are_refused(classroom) -> None:
    presenter, opened, student, _ = classroom
    viewer = student()
    for event, data in [("step", {"unit": "epoch"}), ("run", {}), ("reset", {}),
                        ("set_weight", {"layer": 0, "neuron": 0, "input": 0, "value": 1.0}),
                        ("room_controls", {"token": opened["token"], "hide": True}),
                        ("poll_open", {"token": opened["token"], "kind": "stuck"})]:
        answer = viewer.call(event, data)
        assert answer["ok"] is False and answer["field"] == "viewer", (event, answer)
    assert presenter.frames[-1]["step"] == 0  # nothing moved


def test_room_commands_need_the_presenter_token(classroom) -> None:
    presenter, _opened, _student, _ = classroom
    answer = presenter.call("room_controls", {"token": "guess", "hide": True})
    assert answer == {"ok": False, "error": answer["error"], "field": "token"}


@pytest.mark.parametrize("code", ["ACDEFG", "not a code"])
def test_unknown_or_malformed_code_is_refused_naming_the_room(live, code: str) -> None:
    client = socketio.Client(reconnection=False)
    errors: list[dict[str, Any]] = []
    said, gone = threading.Event(), threading.Event()
    client.on("error", lambda e: (errors.append(e), said.set()))
    client.on("disconnect", lambda *_: gone.set())
    client.connect(live.url, transports=["websocket"], auth={"room": code}, wait_timeout=WAIT)
    assert said.wait(WAIT), "the server said nothing"
    sid, server = client.get_sid("/"), live.app.extensions["socketio"].server
    # python-socketio's client ignores a DISCONNECT that comes while its connect() is still
    # waiting, so its disconnect event may never come: then the server's side must show it
    end = time.monotonic() + WAIT
    while not gone.is_set() and server.manager.is_connected(sid, "/") \
            and time.monotonic() < end:
        gone.wait(0.05)
    client.disconnect()
    assert gone.is_set() or not server.manager.is_connected(sid, "/")
    assert errors and errors[0]["field"] == "room" and "room" in errors[0]["message"]
    assert live.app.extensions["backprop_classroom"].viewers == {}


def test_hiding_controls_reaches_students(classroom) -> None:
    presenter, opened, student, _ = classroom
    viewer = student()
    assert presenter.call("room_controls", {"token": opened["token"], "hide": True})["ok"]
    viewer.frame(lambda f: f["room"]["hide_controls"] is True)


def test_poll_end_to_end(live, classroom) -> None:
    presenter, opened, student, _ = classroom
    token = opened["token"]
    a, b = student(name="Ada"), student(name="Ben")
    asked = presenter.call("poll_open", {"token": token, "kind": "weight_direction",
                                         "target": {"layer": 1, "neuron": 0, "input": 0},
                                         "unit": "pattern"})
    assert asked["ok"], asked
    poll = asked["poll"]
    seen = a.frame(lambda f: (f["room"]["poll"] or {}).get("id") == poll["id"])
    assert "correct" not in seen["room"]["poll"]  # hidden until the step
    right = poll["correct"]
    wrong = next(c["id"] for c in poll["choices"] if c["id"] != right)
    assert a.call("poll_answer", {"poll": poll["id"], "choice": right})["ok"]
    assert b.call("poll_answer", {"poll": poll["id"], "choice": wrong})["ok"]
    bad = b.call("poll_answer", {"poll": poll["id"], "choice": "sideways"})
    assert bad["ok"] is False and bad["field"] == "choice"
    presenter.wait(lambda: any(name == "room_status" and (d["poll"] or {}).get("answered") == 2
                               for name, d in presenter.events))
    before = presenter.frame()["weights"][1][0][0]
    step = presenter.call("step", {"unit": "pattern"})["step"]
    after = presenter.frame(lambda f: f["step"] == step)["weights"][1][0][0]
    assert right == ("up" if after > before else "down" if after < before else "same")
    revealed = a.frame(lambda f: (f["room"]["poll"] or {}).get("revealed") is True)
    assert revealed["room"]["poll"]["correct"] == right
    assert revealed["room"]["poll"]["tally"][right] == 1
    late = b.call("poll_answer", {"poll": poll["id"], "choice": right})
    assert late["ok"] is False and late["field"] == "poll"
    http = live.app.test_client()
    url = f"/room/{opened['code']}/polls.csv"
    assert http.get(url).status_code == 403
    text = http.get(url, headers={"X-Room-Token": token}).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2 and {r["name"] for r in rows} == {"Ada", "Ben"}
    assert {r["right"] for r in rows} == {"yes", "no"} and {r["counted"] for r in rows} == {"yes"}


def test_fork_copies_the_room_into_a_private_session(live, classroom) -> None:
    presenter, _opened, student, _ = classroom
    presenter.call("step", {"unit": "epoch"})
    presenter.call("step", {"unit": "pattern"})
    mine = presenter.frame(lambda f: f["step"] == 2)
    viewer = student()
    viewer.frame(lambda f: f["step"] == 2)
    forked = viewer.call("room_fork")
    assert forked["ok"], forked
    viewer.close()
    own = live.client(session=forked["session"])
    assert own.hello["resumed"] is True
    frame = own.frame()
    assert frame["weights"] == mine["weights"] and frame["epoch"] == mine["epoch"]
    assert frame["pattern"] == mine["pattern"]
    assert own.call("step", {"unit": "epoch"})["ok"]  # the copy is theirs to drive
    assert presenter.frames[-1]["step"] == 2  # the room's network did not move


def stuck_seed() -> int:
    """A seed whose 2-2-1 XOR net does not converge in 20,000 epochs (runs on and on)."""
    for seed in range(1, 200):
        trainer = Trainer(TrainingConfig(seed=seed))
        trainer.run(20_000, stop_on_convergence=True)
        if trainer.status != "converged":
            return seed
    raise AssertionError("no stuck seed among the first 200")


def test_a_stalled_student_gets_nothing_queued(live, classroom) -> None:
    """A student whose device stops reading is skipped; others keep their frames."""
    presenter, opened, student, _ = classroom
    assert presenter.call("configure", {"seed": stuck_seed()})["ok"]
    healthy = student()
    fanout = live.app.extensions["backprop_classroom"].fanouts[opened["code"]]
    # Frames are about a kilobyte: with the kernel's own send buffer (autotuned to megabytes)
    # the stalled device would take minutes to fill. A small one for its connection only: a
    # socket accepted by the server takes the listening socket's buffer size.
    listener = live._server.socket
    default = listener.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    raw = socket.socket()
    try:
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        host, port = live.url.removeprefix("http://").split(":")
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)
        try:
            raw.connect((host, int(port)))
            key = base64.b64encode(b"0123456789abcdef").decode()
            raw.sendall((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}\r\n"
                         "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                         f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
            raw.recv(4096)  # the upgrade answer and the engine.io open packet
        finally:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, default)
        payload = ("40" + json.dumps({"room": opened["code"]})).encode()
        raw.sendall(bytes([0x81, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)  # masked
        healthy.wait(lambda: len(fanout.viewers) == 2)
        stalled_sid = next(sid for sid, v in fanout.viewers.items()
                           if v.viewer_id != healthy.hello["viewer"])
        server = socketio_extension.server
        queue = server.eio.sockets[server.manager.eio_sid_from_sid(stalled_sid, "/")].queue
        # 10,000 epochs/s: a new state, so a frame, every tick, without a core kept busy
        assert presenter.call("speed", {"level": len(SPEEDS) - 2})["ok"]
        assert presenter.call("run")["ok"]
        deepest = 0
        start = len(healthy.frames)

        def skipped() -> bool:  # the stalled one fell behind, the healthy one went on
            nonlocal deepest
            deepest = max(deepest, queue.qsize())
            behind = fanout.viewers[stalled_sid].revision < max(
                v.revision for v in fanout.viewers.values())
            # 50 frames, about 50 KB: four times what the stalled connection's buffers hold
            return behind and len(healthy.frames) > start + 50

        healthy.wait(skipped, timeout=30)
        presenter.call("pause")
        assert deepest <= 2  # nothing piled up for the stalled student
    finally:
        raw.close()


def test_students_see_the_presenters_sweep_and_cannot_start_one(classroom) -> None:
    presenter, _opened, student, _ = classroom
    viewer = student()
    assert presenter.call("sweep", {"nets": 40, "epochs": 5_000, "compare": {"hidden": [3]}})["ok"]
    mine = presenter.frame(lambda f: (f["sweep"] or {}).get("state") == "done")["sweep"]
    theirs = viewer.frame(lambda f: (f["sweep"] or {}).get("state") == "done")["sweep"]
    assert theirs == mine  # the same histograms and every net's result
    # sent once: later room frames do not repeat it
    seq = presenter.call("step", {"unit": "phase"})["step"]
    assert viewer.frame(lambda f: f["step"] == seq)["sweep"] is None
    late = student()
    assert late.frame(lambda f: f["sweep"] is not None)["sweep"] == mine
    refused = viewer.call("sweep", {"nets": 10})
    assert refused["ok"] is False and refused["field"] == "viewer"
    assert presenter.call("sweep_clear")["cleared"]
    assert viewer.frame(lambda f: f["sweep"] == {"state": "none"})
