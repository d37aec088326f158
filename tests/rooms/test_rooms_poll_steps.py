"""A poll is a question about one definite next step (app/rooms/question.py), without a server.

A presenter's session and its room, driven command by command as the socket events
would (`Session` methods), the room's broadcaster step (`_follow_poll`) run by hand:
every way the network can change before the step cancels the poll, for everyone;
the poll reveals only once its step is complete; the revealed answer is what that
step did. Includes the two wrong reveals of issue 13, replayed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from live_support import eventually

from app.engine import TrainingConfig
from app.rooms import MemoryHub, Room
from app.rooms.polls import CANCELLED
from app.rooms.question import STUCK_HORIZON, fingerprint
from app.sessions import Session

V10 = {"layer": 0, "neuron": 0, "input": 2}  # v₁,₀: the first hidden neuron's bias
W11 = {"layer": 1, "neuron": 0, "input": 0}


def spawn(fn: Callable, *args: Any) -> threading.Thread:
    thread = threading.Thread(target=fn, args=args, daemon=True)
    thread.start()
    return thread


def presenter(seed: int = 5, **settings: Any) -> tuple[Session, Room]:
    """A session shown in a room whose broadcaster is not running (the test ticks it)."""
    session = Session("s", spawn, TrainingConfig(seed=seed, **settings))
    return session, Room("ACDEFG", session, MemoryHub(), lambda x: x, lambda _room: None)


def weight(session: Session, target: dict[str, int]) -> float:
    return session.trainer.weights()[target["layer"]][target["neuron"]][target["input"]]


def tick(room: Room) -> dict[str, Any]:
    """One broadcaster step on the poll; the poll as students see it."""
    room._follow_poll()
    return room.meta()["poll"]


def direction(before: float, after: float) -> str:
    return "up" if after > before else "down" if after < before else "same"


def run_briefly(session: Session) -> None:
    session.set_speed(len(session_speeds()) - 1)
    session.run()
    eventually(lambda: session.trainer.epoch > 50)
    session.pause()


def session_speeds() -> list:
    from app.sessions import SPEEDS

    return list(SPEEDS)


CHANGES: dict[str, Callable[[Session], Any]] = {
    "randomize": lambda s: s.randomize(),
    "reset": lambda s: s.reset(),
    "edit one weight": lambda s: s.set_weight(1, 0, 1, 0.75),
    "edit every weight": lambda s: s.set_weights(s.trainer.weights()),
    "settings that keep the run (eta)": lambda s: s.configure({"eta": 2.0}),
    "settings that restart it (hidden)": lambda s: s.configure({"hidden": [3]}),
    "import": lambda s: s.import_state(s.export()),
    "back": lambda s: s.back(),
    "run": run_briefly,
}


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize("kind", ["weight_direction", "largest_delta"])
def test_any_change_before_the_step_cancels_the_poll(change: str, kind: str) -> None:
    session, room = presenter()
    session.step("phase")  # something to step back from
    room.open_poll(kind, target=W11, unit="pattern")
    CHANGES[change](session)
    poll = tick(room)
    assert poll["cancelled"] == CANCELLED, (change, poll)
    assert room.meta(for_presenter=True)["poll"]["cancelled"] == CANCELLED
    assert poll["revealed"] is False and "correct" not in poll
    for _ in range(3):  # the steps after it reveal nothing
        session.step("pattern")
        assert tick(room)["revealed"] is False


@pytest.mark.parametrize("change", ["randomize", "reset", "edit one weight", "import", "back",
                                    "settings that keep the run (eta)"])
def test_the_stuck_poll_is_cancelled_by_changes_too(change: str) -> None:
    session, room = presenter()
    session.step("pattern")
    room.open_poll("stuck")
    CHANGES[change](session)
    assert tick(room)["cancelled"] == CANCELLED


def test_replay_randomize_then_a_pattern_does_not_reveal_an_answer_of_the_old_weights() -> None:
    """Issue 13: a student answers, Randomize (step count stays 0), a pattern: 'down' was
    revealed while the weight went up. Now the poll is cancelled at the Randomize."""
    session, room = presenter(seed=3)
    poll = room.open_poll("weight_direction", target=V10, unit="pattern")
    poll.answer("student-1", "Ada", "up")
    session.randomize()
    assert tick(room)["cancelled"] == CANCELLED
    before = weight(session, V10)
    session.step("pattern")
    shown = tick(room)
    assert shown["revealed"] is False and shown["cancelled"] == CANCELLED
    assert weight(session, V10) != before  # the class saw it move; no answer claims otherwise


def test_replay_a_next_pattern_poll_waits_through_the_phases() -> None:
    """Issue 13: a next-pattern poll and ▸ Phase revealed 'down' at once with the weight
    unchanged. Now it waits for the pattern's last phase and tells what the pattern did."""
    session, room = presenter(seed=3)
    room.open_poll("weight_direction", target=V10, unit="pattern")
    before = weight(session, V10)
    for _ in range(4):  # forward, error, δ_o, δ_h: the weight has not changed yet
        session.step("phase")
        assert tick(room)["revealed"] is False
        assert weight(session, V10) == before
    session.step("phase")  # the update: the pattern is complete
    after = weight(session, V10)
    shown = tick(room)
    assert shown["revealed"] is True and shown["correct"] == direction(before, after) != "same"
    assert (shown["detail"]["before"], shown["detail"]["after"]) == (before, after)


def test_a_next_phase_poll_on_the_forward_phase_is_answered_stays_the_same() -> None:
    session, room = presenter(seed=3)
    poll = room.open_poll("weight_direction", target=V10, unit="phase")
    room.roster.report({"host": "h", "students": [{"id": "a"}, {"id": "b"}]})
    poll.answer("a", "", "same")
    poll.answer("b", "", "down")
    session.step("phase")
    shown = tick(room)
    assert shown["revealed"] and shown["correct"] == "same"
    assert shown["detail"]["before"] == shown["detail"]["after"] == weight(session, V10)
    assert shown["tally"] == {"up": 0, "down": 1, "same": 1}


@pytest.mark.parametrize(("unit", "taken"), [("phase", "pattern"), ("phase", "epoch"),
                                              ("pattern", "epoch")])
def test_a_bigger_step_than_asked_reveals_what_that_step_did(unit: str, taken: str) -> None:
    """Asked about a phase, the presenter stepped a pattern: the class saw the pattern."""
    session, room = presenter(seed=8)
    session.step("phase")
    room.open_poll("weight_direction", target=W11, unit=unit)
    before = weight(session, W11)
    session.step(taken)
    shown = tick(room)
    assert shown["revealed"] and shown["correct"] == direction(before, weight(session, W11))


@pytest.mark.parametrize("unit", ["phase", "pattern", "epoch"])
def test_every_weight_and_unit_reveals_the_real_step(unit: str) -> None:
    for seed in (1, 2):
        session, room = presenter(seed=seed, hidden=(2, 2))
        session.step("phase")
        for layer, rows in enumerate(session.trainer.weights()):
            for neuron, row in enumerate(rows):
                for column in range(len(row)):
                    target = {"layer": layer, "neuron": neuron, "input": column}
                    room.open_poll("weight_direction", target=target, unit=unit)
                    before = weight(session, target)
                    predicted = room.poll.correct
                    session.step(unit)
                    shown = tick(room)
                    assert shown["revealed"], (seed, target)
                    assert shown["correct"] == direction(before, weight(session, target))
                    assert shown["correct"] == predicted  # the look-ahead was right
                    session.back()  # the next weight asks about the same step
                    tick(room)


def test_a_poll_waits_while_nothing_changes_and_survives_what_does_not_touch_the_network():
    session, room = presenter()
    room.open_poll("weight_direction", target=W11)
    session.set_speed(3)
    room.set_hide_controls(True)
    session.configure({"eta": session.trainer.config.eta})  # the same value: no change
    for _ in range(3):
        assert tick(room)["cancelled"] is None
    session.step("pattern")
    assert tick(room)["revealed"]


def test_largest_delta_is_the_delta_of_the_pattern_asked_about() -> None:
    session, room = presenter(seed=11, hidden=(3,))
    room.open_poll("largest_delta")
    session.step("phase")
    session.step("phase")
    assert not tick(room)["revealed"]
    session.step("pattern")  # finishes the pattern asked about
    trace = session.last_trace
    shown = tick(room)
    sizes = {f"{layer}:{j}": abs(d) for layer, ds in enumerate(trace.delta)
             for j, d in enumerate(ds)}
    assert shown["revealed"] and shown["correct"] == max(sizes, key=sizes.get)
    assert shown["detail"]["delta"] == [list(d) for d in trace.delta]
    labels = [c["label"] for c in shown["choices"]]
    assert labels == ["h₁", "h₂", "h₃", "r"]


def test_largest_delta_asked_with_the_deltas_on_screen_is_about_the_next_pattern() -> None:
    session, room = presenter(seed=11)
    for _ in range(3):  # forward, error, δ_o: this pattern's δ are shown
        session.step("phase")
    poll = room.open_poll("largest_delta")
    assert poll.detail["pattern"] == [0, 1]  # pattern 2 of epoch 1 (from 0 on the wire)
    session.step("pattern")
    assert not tick(room)["revealed"]
    session.step("pattern")
    assert session.last_trace.pattern == 1
    assert tick(room)["revealed"]


def test_the_stuck_poll_reveals_when_training_on_converges() -> None:
    session, room = presenter(seed=1)
    poll = room.open_poll("stuck")
    assert poll.correct == "no"
    session.set_speed(len(session_speeds()) - 1)
    session.run()
    assert tick(room)["cancelled"] is None  # running is its step
    eventually(lambda: session.status() == "converged", timeout=60)
    shown = tick(room)
    assert shown["revealed"] and shown["correct"] == "no"
    assert shown["detail"]["converged_epoch"] == session.trainer.converged_epoch


def stuck_seed() -> int:
    from app.engine import Trainer

    for seed in range(1, 200):
        trainer = Trainer(TrainingConfig(seed=seed))
        trainer.run(STUCK_HORIZON, stop_on_convergence=True)
        if trainer.status != "converged":
            return seed
    raise AssertionError("no stuck seed among the first 200")


def test_the_stuck_poll_reveals_yes_after_the_horizon() -> None:
    session, room = presenter(seed=stuck_seed())
    session.step("phase")
    room.open_poll("stuck")
    start = session.trainer.epoch
    session.set_speed(len(session_speeds()) - 1)
    session.run()
    eventually(lambda: (tick(room) or {}).get("revealed"), timeout=60)
    session.pause()
    shown = room.meta()["poll"]
    assert shown["correct"] == "yes" and shown["cancelled"] is None
    assert session.trainer.epoch - start >= STUCK_HORIZON


def test_a_poll_is_refused_while_running_except_the_stuck_one() -> None:
    session, room = presenter()
    session.set_speed(0)
    session.run()
    try:
        with pytest.raises(ValueError, match=r"^poll: pause"):
            room.open_poll("weight_direction", target=W11)
        room.open_poll("stuck")
    finally:
        session.pause()


def test_an_early_reveal_shows_the_prediction_marked_as_such() -> None:
    session, room = presenter(seed=4)
    poll = room.open_poll("weight_direction", target=W11, unit="epoch")
    before = weight(session, W11)
    room.reveal()
    shown = room.meta()["poll"]
    assert shown["revealed"] and shown["predicted"]
    session.step("epoch")
    assert tick(room)["correct"] == direction(before, weight(session, W11)) == poll.correct


def test_a_restored_poll_follows_on_if_the_network_is_where_it_was_asked() -> None:
    session, room = presenter(seed=4)
    room.open_poll("weight_direction", target=W11)
    room.poll.watch = None  # as after a restart: the poll's record, no watch
    assert room.poll.asked_on == fingerprint(session.trainer)
    assert tick(room)["cancelled"] is None  # the broadcaster's first look: watched again
    session.step("pattern")
    assert tick(room)["revealed"]
    room.open_poll("weight_direction", target=W11)
    room.poll.watch = None
    room.poll.asked_on = "0" * 24  # the network is elsewhere now
    assert tick(room)["cancelled"] == CANCELLED


def test_the_tally_counts_the_students_connected_now_and_freezes_at_the_reveal() -> None:
    session, room = presenter()
    poll = room.open_poll("weight_direction", target=W11)
    room.roster.report({"host": "h", "students": [{"id": "a", "name": "Ada"},
                                                   {"id": "b", "name": "Ben"}]})
    for viewer, choice in (("a", "up"), ("b", "down"), ("ghost", "up")):
        poll.answer(viewer, "", choice)
    shown = room.meta(for_presenter=True)["poll"]
    assert shown["answered"] == 2 <= room.meta()["viewers"] == 2
    assert sum(shown["tally"].values()) == 2
    assert "tally" not in room.meta()["poll"]  # students see no tally before the reveal
    session.step("pattern")
    tick(room)
    room.roster.report({"host": "h", "students": []})  # everyone left after the reveal
    assert sum(room.meta()["poll"]["tally"].values()) == 2  # frozen


@pytest.mark.parametrize("unit", ["phase", "pattern", "epoch"])
def test_the_simplest_case_polls_name_and_reveal_its_weights(unit: str) -> None:
    """The seed's simplest network (one input, one hidden neuron, no biases): v and w."""
    session, room = presenter(seed=7, problem="simplest", hidden=(1,), bias=False)
    for layer, name in ((0, "v"), (1, "w")):
        target = {"layer": layer, "neuron": 0, "input": 0}
        poll = room.open_poll("weight_direction", target=target, unit=unit)
        assert poll.question == f"Will {name} go up or down over the next {unit}?"
        before = weight(session, target)
        session.step(unit)
        shown = tick(room)
        assert shown["revealed"] and shown["correct"] == direction(before, weight(session, target))
    delta = room.open_poll("largest_delta")
    assert [c["label"] for c in delta.choices] == ["h", "r"]
