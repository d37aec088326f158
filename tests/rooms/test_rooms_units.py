"""Rooms without a server: join codes, polls' right answers, student views, fan-out."""

from __future__ import annotations

import csv
import io
import threading

import pytest

from app.engine import Trainer, TrainingConfig
from app.engine.errors import FieldError
from app.rooms import ALPHABET, CODE_LENGTH, Fanout, MemoryHub, Viewer, new_code, normalize_code
from app.rooms.exports import polls_csv
from app.rooms.polls import neuron_choices, open_poll
from app.rooms.view import Have, merge, student_view
from app.sessions.history import rebucket

CONFUSABLE = set("0O1IlL2Z5S8B")


def test_codes_avoid_confusable_characters() -> None:
    assert not CONFUSABLE & set(ALPHABET)
    codes = {new_code() for _ in range(500)}
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert len(codes) > 490  # random, not a counter


def test_new_code_skips_taken_codes() -> None:
    taken = {new_code() for _ in range(50)}
    assert new_code(taken) not in taken


@pytest.mark.parametrize("typed", ["acd efg", "ACD-EFG", " acdefg "])
def test_normalize_accepts_what_a_student_types(typed: str) -> None:
    assert normalize_code(typed.strip()) == "ACDEFG"


@pytest.mark.parametrize("bad", ["", "ABC", "ACDEF0", "ACDEFGH", 12, None, "x" * 100])
def test_normalize_rejects_malformed_codes(bad: object) -> None:
    with pytest.raises(ValueError, match="room"):
        normalize_code(bad)


@pytest.mark.parametrize("unit", ["phase", "pattern", "epoch"])
def test_weight_direction_poll_predicts_the_real_step(unit: str) -> None:
    trainer = Trainer(TrainingConfig(seed=5))
    trainer.step_phase()
    for layer, (rows, cols) in enumerate(trainer.shape.layer_shapes):
        for neuron in range(rows):
            for column in range(cols):
                target = {"layer": layer, "neuron": neuron, "input": column}
                poll = open_poll(trainer, "weight_direction", target=target, unit=unit)
                twin = trainer.clone()
                before = twin.layers[layer][neuron, column]
                getattr(twin, f"step_{unit}")()
                after = twin.layers[layer][neuron, column]
                expected = "up" if after > before else "down" if after < before else "same"
                assert poll.correct == expected
    assert trainer.steps == 1  # looking ahead did not move the real trainer


def test_largest_delta_poll_names_the_neuron_of_the_next_pattern() -> None:
    trainer = Trainer(TrainingConfig(hidden=(3,), seed=11))
    poll = open_poll(trainer, "largest_delta")
    trace = trainer.step_pattern()
    sizes = {f"{layer}:{j}": abs(d) for layer, ds in enumerate(trace.delta)
             for j, d in enumerate(ds)}
    assert poll.correct == max(sizes, key=sizes.get)
    assert [c["label"] for c in neuron_choices(trainer)] == ["h₁", "h₂", "h₃", "r"]


def test_stuck_poll_agrees_with_training_on() -> None:
    answers = {}
    for seed in range(1, 30):
        trainer = Trainer(TrainingConfig(seed=seed))
        poll = open_poll(trainer, "stuck")
        trainer.run(20_000, stop_on_convergence=True)
        answers[seed] = poll.correct
        assert poll.correct == ("no" if trainer.status == "converged" else "yes")
    assert set(answers.values()) == {"yes", "no"}  # some seeds stick, most learn


def test_poll_answers_tally_and_csv() -> None:
    trainer = Trainer()
    poll = open_poll(trainer, "stuck")
    poll.answer("a", "Ada", "yes")
    poll.answer("b", "", "no")
    poll.answer("a", "Ada", "no")  # a student may change their mind before the reveal
    assert poll.tally() == {"yes": 0, "no": 2}
    assert "correct" not in poll.public()
    assert poll.public(for_presenter=True)["correct"] == poll.correct
    with pytest.raises(FieldError, match=r"^choice: "):
        poll.answer("c", "", "maybe")
    poll.revealed = True
    with pytest.raises(ValueError, match="poll"):
        poll.answer("c", "", "yes")
    rows = list(csv.DictReader(io.StringIO(polls_csv("ACDEFG", [poll]))))
    assert [(r["student"], r["name"], r["answer"]) for r in rows] == [
        ("a", "Ada", "no, it will learn"), ("b", "", "no, it will learn")]
    assert {r["right"] for r in rows} == {"yes" if poll.correct == "no" else "no"}


@pytest.mark.parametrize("bad", [
    {"kind": "guess"},
    {"kind": "weight_direction", "target": None},
    {"kind": "weight_direction", "target": {"layer": 5, "neuron": 0, "input": 0}},
    {"kind": "weight_direction", "target": {"layer": 0, "neuron": 0, "input": 0}, "unit": "x"},
    {"kind": "stuck", "question": ""},
    {"kind": "stuck", "question": "?" * 500},
])
def test_bad_polls_are_refused_naming_the_field(bad: dict) -> None:
    with pytest.raises(ValueError) as error:
        open_poll(Trainer(), **bad)
    field = str(error.value).split(":")[0]
    assert field.split(".")[0] in {"kind", "target", "unit", "question"}


def _snapshot(points: int, generation: int = 0, marks: int = 0) -> dict:
    """A room's whole picture after `points` epochs (as a hub keeps it)."""
    history = [[e, 0.1, 0.2, 0.15] for e in range(points)]
    return {"frame": {"epoch": points, "surface": {"output": "AAAA"}, "settings": {"eta": 0.5}},
            "marks_revision": marks, "marks": [],
            "history": {"generation": generation, "width": 1, "points": history}}


def _change(points: int, start: int, generation: int = 0, reset: bool = False,
            surface: bool = True, marks: list | None = None) -> dict:
    """A snapshot of changes: the curve from `start`, surface and marks if given."""
    history = [[e, 0.1, 0.2, 0.15] for e in range(start, points)]
    return {"frame": {"epoch": points, "surface": {"output": "BBBB"} if surface else None,
                      "settings": {"eta": 0.5} if surface else None},
            "marks_revision": 0, "marks": marks, "state": {},
            "history": {"generation": generation, "width": 1, "reset": reset, "start": start,
                        "points": history}}


def test_merge_follows_changes_and_drops_a_gap() -> None:
    whole = merge(None, _change(5, 0, reset=True, marks=[{"epoch": 0, "kind": "reset"}]))
    assert len(whole["history"]["points"]) == 5 and whole["marks"][0]["kind"] == "reset"
    whole = merge(whole, _change(9, 4, surface=False))  # the last point resent, 4 new
    assert [p[0] for p in whole["history"]["points"]] == list(range(9))
    assert whole["frame"]["surface"] == {"output": "BBBB"}  # kept from before
    assert whole["marks"] == [{"epoch": 0, "kind": "reset"}]
    assert merge(whole, _change(20, 15)) is None  # points 9..14 were lost: wait
    assert merge(whole, _change(20, 3, generation=1)) is None  # rebucketed: need it all
    assert merge(None, _change(3, 0, reset=True, surface=False)) is None
    fresh = merge(whole, _change(4, 0, generation=1, reset=True))
    assert len(fresh["history"]["points"]) == 4


def test_student_view_sends_only_the_new_part_of_the_curve() -> None:
    first, have = student_view(_snapshot(10), Have(), {})
    assert first["history"]["reset"] and len(first["history"]["points"]) == 10
    assert first["marks"] == []
    later, have = student_view(_snapshot(15), have, {})
    assert not later["history"]["reset"]
    assert later["history"]["start"] == 9 and len(later["history"]["points"]) == 6
    assert later["marks"] is None
    rebucketed, _ = student_view(_snapshot(8, generation=1), have, {})
    assert rebucketed["history"]["reset"]


def test_fanout_skips_a_stalled_student_and_catches_it_up() -> None:
    hub = MemoryHub()
    sent: list[tuple[dict, list[str]]] = []
    got = threading.Condition()
    stalled = {"slow"}

    def send(payload: dict, sids: list[str]) -> None:
        with got:
            sent.append((payload, sids))
            got.notify_all()

    threads = []

    def spawn(fn):
        t = threading.Thread(target=fn, daemon=True)
        threads.append(t)
        t.start()

    fanout = Fanout("ACDEFG", hub, send, lambda sid: sid not in stalled, spawn, min_interval=0)
    hub.announce("ACDEFG")
    fanout.add(Viewer("fast", "v1"))
    fanout.add(Viewer("slow", "v2"))
    for n in range(1, 6):
        change = _change(n * 10, 0 if n == 1 else n * 10 - 11, reset=n == 1)
        hub.publish("ACDEFG", {**change, "room": {"code": "ACDEFG"}})
        with got:
            assert got.wait_for(lambda n=n: any(p["epoch"] == n * 10 for p, _ in sent), 5)
    assert all(sids == ["fast"] for _, sids in sent)  # nothing was queued for "slow"
    stalled.clear()
    with got:
        assert got.wait_for(lambda: any("slow" in sids for _, sids in sent), 5)
    caught_up = next(p for p, sids in sent if "slow" in sids)
    assert caught_up["epoch"] == 50 and caught_up["history"]["reset"]
    assert len(caught_up["history"]["points"]) == 50
    fanout.stop()
    for t in threads:
        t.join(timeout=5)
    assert hub.viewers("ACDEFG") == 2


def test_a_student_gets_the_surface_only_when_the_rooms_picture_changed() -> None:
    whole = merge(None, _change(5, 0, reset=True))
    first, have = student_view(whole, Have(), {})
    assert first["surface"] == {"output": "BBBB"}  # a new student: the picture
    whole = merge(whole, _change(9, 4, surface=False))
    same, have = student_view(whole, have, {})
    assert same["surface"] is None  # unchanged: not resent (about twice the rest of a frame)
    newcomer, _ = student_view(whole, Have(), {})
    assert newcomer["surface"] == {"output": "BBBB"}  # kept for whoever joins
    changed = {**_change(12, 8), "frame": {"epoch": 12, "surface": {"output": "CCCC"},
                                           "settings": None}}
    whole = merge(whole, changed)
    new, have = student_view(whole, have, {})
    assert new["surface"] == {"output": "CCCC"}
    assert new["settings"] is None and newcomer["settings"] == {"eta": 0.5}  # sent when changed
    assert student_view(whole, have, {})[0]["surface"] is None


def test_a_bucket_merge_sends_the_student_the_merged_tail_not_the_whole_curve() -> None:
    points = [[e, 0.1, 0.2, 0.15] for e in range(100)]
    snapshot = {"frame": {"epoch": 99, "surface": None, "settings": None}, "marks_revision": 0,
                "marks": [],
                "history": {"generation": 0, "width": 1, "points": points}}
    _, have = student_view(snapshot, Have(), {})
    merged = rebucket([*points, *([e, 0.1, 0.2, 0.15] for e in range(100, 120))], 2)
    later = {**snapshot, "history": {"generation": 0, "width": 2, "points": merged}}
    view, _ = student_view(later, have, {})
    assert not view["history"]["reset"] and view["history"]["width"] == 2
    # from the bucket holding the student's last epoch (99): buckets 49 (98-99) onwards
    assert view["history"]["start"] == 49 and len(view["history"]["points"]) == len(merged) - 49
    assert rebucket(points, 2)[:49] + view["history"]["points"] == merged  # the student's merge
