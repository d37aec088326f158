"""The `lesson` command on a live server: a step applied in one go, carried by every frame,
followed by a room's students, with the step's poll asked in the room; bad payloads named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_rooms_live import Student

from app.engine import Trainer, TrainingConfig

LESSON = {
    "format": "backprop-xor-lesson/1", "name": "walk", "title": "A walk",
    "summary": "Three steps to test the command with.",
    "steps": [
        {"title": "Start", "section": "Simplest case", "text": "The seed's weights.",
         "settings": {"seed": 9}},
        {"title": "Trained", "section": "Gradient descent", "text": "Trained a while.",
         "settings": {"seed": 9, "eta": 2.0, "hidden": [3]},
         "advance": {"epochs": 1500, "patterns": 2, "phases": 3},
         "poll": {"kind": "weight_direction", "unit": "phase",
                  "target": {"kind": "weight", "layer": 1, "neuron": 0, "input": 1}}},
        {"title": "Given weights", "section": "Output layer", "text": "Exact weights.",
         "weights": [[[1, -1, 0.5], [-1, 1, 0.5]], [[1, 1, -1]]], "advance": {"phases": 2},
         "poll": {"kind": "stuck"}},
    ],
}


@pytest.fixture
def server(make_live: Any, tmp_path: Path) -> Any:
    """A live server with the test lesson in its teacher folder."""
    (tmp_path / "walk.json").write_text(json.dumps(LESSON), encoding="utf-8")
    return make_live(LESSONS_FOLDER=str(tmp_path))


def reference(step: dict[str, Any]) -> Trainer:
    """An engine trainer taken through the step by hand."""
    trainer = Trainer(TrainingConfig.from_dict(step.get("settings", {})), step.get("weights"))
    advance = step.get("advance", {})
    if advance.get("epochs"):
        trainer.run(advance["epochs"])
    for _ in range(advance.get("patterns", 0)):
        trainer.step_pattern()
    for _ in range(advance.get("phases", 0)):
        trainer.step_phase()
    return trainer


def test_a_step_is_applied_whole_and_frames_carry_it(server: Any) -> None:
    client = server.client()
    assert client.call("step", {"unit": "epoch"})["ok"]
    before = client.frame(lambda f: f["epoch"] == 1)["weights"]
    seq = client.last_seq
    reply = client.call("lesson", {"lesson": "walk", "step": 1})
    place = {"name": "walk", "step": 1, "steps": 3, "title": "Trained"}
    assert reply == {"ok": True, "lesson": place, "poll": None}  # no room, no poll
    expected = reference(LESSON["steps"][1])
    last = client.frame(lambda f: f["lesson"] == place, after=seq)
    assert last["weights"] == expected.weights()
    assert (last["epoch"], last["pattern"], last["phase"]) == (1500, 2, "delta_output")
    assert last["settings"] == expected.config.to_dict()
    assert last["marks"][0]["kind"] == "reset" and last["trace"]["pattern"] == 2
    # every frame is the state before the step or after it, never half way
    with client.cond:
        seen = [f for f in client.frames if f["seq"] > seq]
    assert all(f["weights"] in (before, expected.weights()) for f in seen), len(seen)
    assert all(f["lesson"] == place for f in seen if f["weights"] != before)
    # the class can step back through the step's traced steps, then on from it
    assert client.call("back")["went_back"] is True
    assert client.frame(lambda f: f["phase"] == "error")["lesson"] == place

    # exact weights; then leaving the lesson keeps the network
    client.call("lesson", {"lesson": "walk", "step": 2})
    given = client.frame(lambda f: (f["lesson"] or {}).get("step") == 2)
    assert given["weights"] == reference(LESSON["steps"][2]).weights()
    assert given["settings"] == TrainingConfig().to_dict() and given["phase"] == "error"
    assert client.call("lesson", {"lesson": None}) == {"ok": True, "lesson": None}
    left = client.frame(lambda f: f["lesson"] is None, after=given["seq"])
    assert left["weights"] == given["weights"]


@pytest.mark.parametrize(("payload", "field"), [
    ({"lesson": "nope"}, "lesson"),
    ({"lesson": 3}, "lesson"),
    ({}, "lesson"),
    ({"lesson": "walk", "step": 3}, "step"),
    ({"lesson": "walk", "step": -1}, "step"),
    ({"lesson": "walk", "step": True}, "step"),
    ({"lesson": "walk", "step": 1.0}, "step"),
    ({"lesson": "walk", "step": 0, "speed": 2}, "speed"),
    ("walk", "lesson"),
])
def test_bad_lesson_commands_are_refused_naming_the_field(server: Any, payload: Any,
                                                          field: str) -> None:
    client = server.client()
    seq = client.frame()["seq"]
    reply = client.call("lesson", payload)
    assert reply["ok"] is False and reply["field"] == field, reply
    assert reply["error"].startswith(field)
    assert client.call("step", {"unit": "phase"})["ok"]  # the session is untouched and works
    assert client.frame(lambda f: f["phase"] == "forward", after=seq)["lesson"] is None


def test_lessons_over_http(server: Any) -> None:
    http = server.app.test_client()
    catalog = http.get("/api/lessons").get_json()
    assert {"name": "walk", "title": "A walk", "summary": LESSON["summary"], "steps": 3} in catalog
    assert {"derivation", "momentum"} <= {entry["name"] for entry in catalog}
    walk = http.get("/api/lessons/walk").get_json()
    assert walk["steps"][1]["advance"] == {"epochs": 1500, "patterns": 2, "phases": 3}
    assert walk["steps"][0]["advance"] == {"epochs": 0, "patterns": 0, "phases": 0}
    assert http.get("/api/lessons/nope").status_code == 404
    assert http.get("/api/lessons/..%2Fsecret").status_code == 404


def test_students_follow_the_presenters_step_and_answer_its_poll(server: Any) -> None:
    presenter = server.client()
    room = presenter.call("room_open")
    student = Student(server.url, room["code"], name="Ada")
    reply = presenter.call("lesson", {"lesson": "walk", "step": 1})
    poll = reply["poll"]
    assert poll["kind"] == "weight_direction" and poll["detail"]["unit"] == "phase"
    place = reply["lesson"]
    seen = student.frame(lambda f: f["lesson"] == place and (f["room"]["poll"] or {}).get(
        "id") == poll["id"])
    assert seen["weights"] == reference(LESSON["steps"][1]).weights()
    assert seen["room"]["poll"]["revealed"] is False and "correct" not in seen["room"]["poll"]
    choice = poll["correct"]
    statuses: list[dict[str, Any]] = []

    def on_status(status: dict[str, Any]) -> None:
        with presenter.cond:
            statuses.append(status)
            presenter.cond.notify_all()

    presenter.sio.on("room_status", on_status)
    assert student.sio.call("poll_answer", {"poll": poll["id"], "choice": choice})["ok"]
    # the teacher sees the answer come in, then moves on
    presenter.wait(lambda: any((s["poll"] or {}).get("answered") == 1 for s in statuses))
    # the next lesson step closes that poll and asks its own
    nxt = presenter.call("lesson", {"lesson": "walk", "step": 2})
    assert nxt["poll"]["kind"] == "stuck" and nxt["poll"]["id"] != poll["id"]
    seen = student.frame(lambda f: (f["lesson"] or {}).get("step") == 2
                         and (f["room"]["poll"] or {}).get("id") == nxt["poll"]["id"])
    assert seen["phase"] == "error"
    csv_text = server.app.test_client().get(
        f"/room/{room['code']}/polls.csv", headers={"X-Room-Token": room["token"]}).text
    assert "Ada" in csv_text and choice in csv_text
    # a step without a poll takes the last one off the screens
    presenter.call("lesson", {"lesson": "walk", "step": 0})
    student.frame(lambda f: (f["lesson"] or {}).get("step") == 0 and f["room"]["poll"] is None)
    # a student cannot drive the lesson
    refused = student.sio.call("lesson", {"lesson": "walk", "step": 1})
    assert refused["ok"] is False and refused["field"] == "viewer"
    student.close()
