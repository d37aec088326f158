"""Lesson files: the shipped ones load and apply; a bad file is refused naming the field."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.engine import Trainer
from app.engine.errors import FieldError
from app.lessons import LessonError, LessonLibrary, load_file, parse_lesson, shipped, step_config
from app.sessions import Delivery, Session, build_frame
from app.sessions.lesson import apply_step

ROOT = Path(__file__).resolve().parents[2]

GOOD: dict[str, Any] = {
    "format": "backprop-xor-lesson/1",
    "name": "mine",
    "title": "A teacher's lesson",
    "summary": "Two steps on XOR.",
    "steps": [
        {"title": "Forward", "section": "Simplest case", "text": "Look at h.",
         "settings": {"seed": 4}, "advance": {"phases": 1},
         "select": {"kind": "neuron", "layer": 1, "index": 0},
         "highlight": {"network": [{"kind": "weight", "layer": 0, "neuron": 1, "input": 2}],
                       "panel": ["output"]}},
        {"title": "Update", "section": "Gradient descent", "text": "Look at Δw.",
         "settings": {"seed": 4, "eta": 2.0}, "weights": [[[1, 2, 3], [4, 5, 6]], [[7, 8, 9]]],
         "advance": {"epochs": 10, "patterns": 2, "phases": 3},
         "poll": {"kind": "weight_direction",
                  "target": {"kind": "weight", "layer": 1, "neuron": 0, "input": 2}}},
    ],
}


def changed(path: str, value: Any) -> dict[str, Any]:
    """GOOD with the value at `path` ("steps.1.settings.eta") replaced (None: removed)."""
    data = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    key = int(last) if last.isdigit() else last
    if value is None:
        del node[key]
    else:
        node[key] = value
    return data


def test_the_shipped_lessons_load() -> None:
    lessons = shipped()
    assert {"derivation", "momentum"} <= set(lessons)
    for name, lesson in lessons.items():
        assert lesson.name == name and 3 <= len(lesson.steps) <= 40
        for step in lesson.steps:
            assert 40 <= len(step.text) <= 700, step.title  # two or three sentences


@pytest.mark.parametrize("name", sorted(shipped()))
def test_every_shipped_step_applies_as_it_says(name: str) -> None:
    """Each step leaves the session at the epoch, pattern and phase it asks, from its weights."""
    lesson = shipped()[name]
    session = Session("lesson-test", spawn=lambda *a, **k: None)
    for k, step in enumerate(lesson.steps):
        place = apply_step(session, lesson, k)
        assert place == {"name": name, "step": k, "steps": len(lesson.steps), "title": step.title}
        config = step_config(step)
        reference = Trainer(config, step.weights)
        if step.advance.epochs:
            reference.run(step.advance.epochs)
        for _ in range(step.advance.patterns):
            trace = reference.step_pattern()
        for _ in range(step.advance.phases):
            trace = reference.step_phase()
        trainer = session.trainer
        assert trainer.config == config
        assert (trainer.epoch, trainer.pattern, trainer.phase) == (
            reference.epoch, reference.pattern, reference.phase), step.title
        assert trainer.weights() == reference.weights(), step.title
        with session.lock:
            frame = build_frame(session, Delivery())
        assert frame["lesson"] == place
        traced = step.advance.patterns or step.advance.phases
        assert (frame["trace"] is None) == (not traced), step.title
        if traced:
            assert frame["trace"]["delta"] == trace.delta
            assert frame["trace"]["phase"] == trace.phase
    session.close()


def test_a_teachers_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    lesson = load_file(path)
    assert lesson.steps[1].advance.epochs == 10 and lesson.steps[0].advance.epochs == 0
    library = LessonLibrary(tmp_path)
    assert library.get("mine").title == "A teacher's lesson"
    assert {"name": "mine", "title": "A teacher's lesson", "summary": "Two steps on XOR.",
            "steps": 2} in library.catalog()


@pytest.mark.parametrize(("path", "value", "field"), [
    ("format", "backprop-xor-lesson/2", "format"),
    ("colour", "red", "colour"),
    ("steps", [], "steps"),
    ("steps.0.text", "", "steps[0].text"),
    ("steps.0.text", "x" * 701, "steps[0].text"),
    ("steps.0.title", None, "steps[0].title"),
    ("steps.0.settings", {"eta": -1.0}, "steps[0].settings.eta"),
    ("steps.0.settings", {"problem": "xyzzy"}, "steps[0].settings.problem"),
    ("steps.0.settings", {"speed": 3}, "steps[0].settings.speed"),
    ("steps.1.weights", [[[1, 2], [4, 5]], [[7, 8, 9]]], "steps[1].weights[0][0]"),
    ("steps.1.weights", [[[1, 2, 3], [4, 5, 6]]], "steps[1].weights"),
    ("steps.1.weights", [[[1, 2, "3"], [4, 5, 6]], [[7, 8, 9]]], "steps[1].weights[0][0][2]"),
    ("steps.1.advance", {"epochs": 100_001}, "steps[1].advance.epochs"),
    ("steps.1.advance", {"phases": 5}, "steps[1].advance.phases"),
    ("steps.1.advance", {"patterns": True}, "steps[1].advance.patterns"),
    ("steps.0.select", {"kind": "neuron", "layer": 1, "index": 2}, "steps[0].select"),
    ("steps.0.select", {"kind": "weight", "layer": 1, "neuron": 0, "input": 3},
     "steps[0].select"),
    ("steps.0.select", {"kind": "synapse", "layer": 1}, "steps[0].select"),
    ("steps.0.highlight", {"network": [{"kind": "weight", "layer": 2, "neuron": 0, "input": 0}]},
     "steps[0].highlight.network[0]"),
    ("steps.0.highlight", {"panel": ["Not An Id"]}, "steps[0].highlight.panel[0]"),
    ("steps.1.poll", {"kind": "weight_direction"}, "steps[1].poll.target"),
    ("steps.1.poll", {"kind": "guess"}, "steps[1].poll.kind"),
    ("steps.1.poll", {"kind": "stuck", "unit": "century"}, "steps[1].poll.unit"),
])
def test_a_bad_file_is_refused_naming_the_field(path: str, value: Any, field: str) -> None:
    with pytest.raises(FieldError) as caught:
        parse_lesson(changed(path, value))
    assert caught.value.field == field
    assert str(caught.value).startswith(field), str(caught.value)


def test_steps_are_limited_and_files_checked(tmp_path: Path) -> None:
    with pytest.raises(FieldError) as caught:
        parse_lesson(changed("steps", GOOD["steps"] * 21))
    assert caught.value.field == "steps"
    for text, field, words in [
        ("{", "lesson", "not JSON (line 1"),
        (json.dumps(changed("name", "other")), "name", "must be the file's name"),
        ("[]", "lesson", "valid dictionary"),
    ]:
        path = tmp_path / "mine.json"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(LessonError) as refused:
            load_file(path)
        assert refused.value.field == field and refused.value.file == "mine.json"
        assert str(refused.value).startswith("mine.json: ") and words in str(refused.value)
    (tmp_path / "big.json").write_bytes(b" " * (256 * 1024 + 1))
    with pytest.raises(LessonError, match="larger than 256 KB"):
        load_file(tmp_path / "big.json")


def test_the_server_leaves_out_a_bad_teacher_file(tmp_path: Path, caplog: Any) -> None:
    (tmp_path / "mine.json").write_text(json.dumps(changed("steps.0.settings", {"eta": "fast"})))
    (tmp_path / "momentum.json").write_text(json.dumps(changed("name", "momentum")))
    library = LessonLibrary(tmp_path)
    assert "mine" not in library.lessons
    assert library.get("momentum") is shipped()["momentum"]  # a shipped one is not replaced
    assert library.refused["mine.json"].startswith("mine.json: steps[0].settings.eta")
    assert "is taken" in library.refused["momentum.json"]
    assert "lesson refused" in caplog.text
    with pytest.raises(FieldError) as caught:
        library.get("mine")
    assert caught.value.field == "lesson"


def test_the_check_command(tmp_path: Path) -> None:
    good, bad = tmp_path / "mine.json", tmp_path / "bad.json"
    good.write_text(json.dumps(GOOD))
    bad.write_text(json.dumps({**changed("steps.0.settings", {"hidden": [9]}), "name": "bad"}))
    run = subprocess.run([sys.executable, "-m", "app.lessons", "check", str(good), str(bad)],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 1
    assert "mine.json: ok, \"A teacher's lesson\", 2 steps" in run.stdout
    assert run.stderr.startswith("bad.json: steps[0].settings.hidden")
