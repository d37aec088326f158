"""Classroom mode end to end in Chromium: a presenter and students in separate browser contexts.

Students follow the presenter's steps (the same numbers as the presenter's frame), cannot
drive the room (controls disabled or hidden, a forged command refused), answer polls whose
answers the presenter sees live and the step reveals; a student forks a private copy and
goes back to live; a late joiner gets the current state at once.
"""

from __future__ import annotations

import csv
import re
from typing import Any

from browser_helpers import screenshot
from playwright.sync_api import expect
from test_page import click_weight

STATUS = "#status"
PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}


def frame_of(page: Any, path: str) -> Any:
    """A value from the page's newest frame, e.g. `weights`."""
    return page.evaluate(f"() => window.backpropXor.state.frame.{path}")


def open_room(open_page: Any, query: str = "") -> tuple[Any, str]:
    """A presenter's page with a room open; returns (page, code)."""
    page = open_page(query, viewport=PROJECTOR)
    page.get_by_role("button", name="Classroom").click()
    page.get_by_role("button", name="Open a room").click()
    code = page.locator("#room-code")
    expect(code).to_have_text(re.compile(r"^[A-Z0-9]{3} [A-Z0-9]{3}$"))
    expect(page.locator("#room-qr")).to_have_attribute("src", re.compile(r"/qr\.svg$"))
    return page, code.inner_text().replace(" ", "")


def join(open_page: Any, code: str, via_link: bool = False, name: str = "",
         **options: Any) -> Any:
    """A student's page following room `code` (by the join link or by ?room=), answering the
    name prompt with `name` (or joining without one)."""
    page = open_page(f"join/{code}" if via_link else f"?room={code}", **options)
    prompt = page.get_by_role("dialog", name=f"Joining room {code[:3]} {code[3:]}")
    expect(prompt).to_be_visible()
    if name:
        prompt.get_by_label("Your name").fill(name)
        prompt.get_by_role("button", name="Join", exact=True).click()
    else:
        prompt.get_by_role("button", name="Join without a name").click()
    expect(prompt).to_be_hidden()
    expect(page.locator("#viewer-text")).to_have_text(
        f"Following room {code[:3]} {code[3:]} (live)")
    return page


def same_frame(presenter: Any, *students: Any) -> None:
    """Each student shows the presenter's status, with exactly the presenter's numbers."""
    text = presenter.locator(STATUS).inner_text()
    for student in students:
        expect(student.locator(STATUS)).to_have_text(text)
        for path in ("weights", "truth", "loss", "epoch", "pattern", "trace"):
            assert frame_of(student, path) == frame_of(presenter, path), path
        surface = "() => Array.from(window.backpropXor.state.surface.output)"
        assert student.evaluate(surface) == presenter.evaluate(surface)


def test_students_follow_read_only(open_page: Any) -> None:
    presenter, code = open_room(open_page, "?seed=5")
    first = join(open_page, code, via_link=True)
    second = join(open_page, code)
    expect(presenter.locator("#room-viewers")).to_have_text("2 students")
    same_frame(presenter, first, second)

    presenter.get_by_role("button", name="▸▸ Pattern").click()
    presenter.keyboard.press("ArrowRight")
    expect(presenter.locator(STATUS)).to_contain_text(
        "pattern 2 of epoch 1, after the forward pass")
    same_frame(presenter, first, second)
    presenter.get_by_role("button", name="▸▸▸ Epoch").click()
    expect(presenter.locator(STATUS)).to_contain_text("1 epoch done")
    same_frame(presenter, first, second)
    history = "() => window.backpropXor.state.history"
    assert first.evaluate(history) == presenter.evaluate(history)

    # a student's controls are disabled; keys send nothing; selecting still works locally
    for control in ("#step-phase", "#run", "#reset", "#speed", "#setting-eta", "#export"):
        expect(first.locator(control)).to_be_disabled()
    before = presenter.locator(STATUS).inner_text()
    first.locator("#network-canvas").focus()
    first.keyboard.press("e")  # the network owns the arrows (a local cursor); E steps an epoch
    expect(first.locator("#viewer-note")).to_contain_text("presenter drives it")
    click_weight(first, 1, 0, 1)
    expect(first.locator("#weight-name")).to_have_text("w₁,₂")
    expect(first.locator('#derivation .eq[data-heading="Weight"]')).to_contain_text("w1,2")
    expect(second.locator("#weight-name")).to_have_text("(click one)")  # local to that student
    expect(first.locator("#weight-value")).to_be_disabled()

    # a forged command from a student's connection is refused, naming the viewer
    reply = first.evaluate("() => new Promise((resolve) => window.backpropXor.client.socket"
                           ".emit('step', {unit: 'epoch'}, resolve))")
    assert reply["ok"] is False and "viewer" in reply["error"].lower(), reply
    first.evaluate("() => window.backpropXor.client.socket.emit('reset', {})")
    expect(first.locator("#viewer-note")).to_contain_text(re.compile("viewer", re.I))
    expect(presenter.locator(STATUS)).to_have_text(before)
    same_frame(presenter, first, second)

    # the presenter hides the controls on students' screens, then shows them again
    presenter.get_by_label("Hide controls on students' screens").check()
    for student in (first, second):
        expect(student.locator(".controls")).to_be_hidden()
        expect(student.locator(".stepper")).to_be_hidden()
    expect(second.locator("#network-canvas")).to_be_visible()
    presenter.get_by_label("Hide controls on students' screens").uncheck()
    expect(first.locator(".controls")).to_be_visible()
    expect(first.locator("#step-epoch")).to_be_disabled()

    close_room(presenter)
    expect(presenter.locator("#room-panel")).to_be_hidden()


def close_room(presenter: Any) -> None:
    """Close room, confirmed in its dialog."""
    presenter.get_by_role("button", name="Close room").click()
    confirm = presenter.get_by_role("dialog", name=re.compile("^Close room"))
    expect(confirm).to_contain_text("will see that it has closed")
    confirm.get_by_role("button", name="Close the room").click()


def test_polls_end_to_end(open_page: Any) -> None:
    presenter, code = open_room(open_page, "?seed=3&projector=1")
    ada = join(open_page, code, **PHONE)
    bob = join(open_page, code)
    expect(presenter.locator("#room-viewers")).to_have_text("2 students")

    # "will w1,1 go up or down over the next pattern?"
    click_weight(presenter, 1, 0, 0)
    expect(presenter.locator("#weight-name")).to_have_text("w₁,₁")
    presenter.get_by_label("Ask", exact=True).select_option("weight_direction")
    presenter.get_by_label("over the next").select_option("pattern")
    presenter.get_by_role("button", name="Ask the room").click()
    question = "Will w₁,₁ go up or down over the next pattern?"
    expect(presenter.locator("#room-poll-question")).to_have_text(question)
    for student in (ada, bob):
        expect(student.locator("#poll-question")).to_have_text(question)
        expect(student.locator("#poll-context")).to_have_text(
            "Weight w₁,₁ (highlighted on the network), over the next pattern")
    ada.get_by_role("button", name="up", exact=True).click()
    expect(ada.get_by_role("button", name="up", exact=True)).to_have_attribute(
        "aria-pressed", "true")
    bob.get_by_role("button", name="down", exact=True).click()
    expect(bob.locator("#poll-verdict")).to_contain_text("Answer sent")
    bars = presenter.locator("#room-poll-bars")
    expect(presenter.locator("#room-poll-answered")).to_have_text("2 / 2 answered")
    expect(bars).to_be_hidden()  # the projector does not give the answer away
    expect(presenter.locator("#room-poll-hidden")).to_be_visible()
    screenshot(presenter, "classroom-presenter-poll-1920")
    presenter.get_by_label("Show tally").check()
    expect(bars.locator('[data-choice="up"] .count')).to_have_text("1")
    expect(bars.locator('[data-choice="down"] .count')).to_have_text("1")
    expect(bars.locator('[data-choice="same"] .count')).to_have_text("0")
    expect(bars.locator(".correct")).to_have_count(0)
    presenter.get_by_label("Show tally").uncheck()
    expect(bars).to_be_hidden()
    screenshot(ada, "classroom-student-phone-poll")

    # the step reveals: the right answer is how the weight really moved
    before = frame_of(presenter, "weights")[1][0][0]
    presenter.get_by_role("button", name="▸▸ Pattern").click()
    expect(presenter.locator(STATUS)).to_contain_text("pattern 2 of epoch 1")
    after = frame_of(presenter, "weights")[1][0][0]
    right = "up" if after > before else "down" if after < before else "same"
    expect(bars.locator(".correct")).to_have_attribute("data-choice", right)
    expect(presenter.locator("#room-poll-answered")).to_contain_text("answer shown")
    for student, chose in ((ada, "up"), (bob, "down")):
        expect(student.locator(f'#poll-choices [data-choice="{right}"]')).to_have_class(
            re.compile("correct"))
        verdict = "Right" if chose == right else "Not this time"
        expect(student.locator("#poll-verdict")).to_contain_text(verdict)
        expect(student.locator("#poll-choices button").first).to_be_disabled()
        expect(student.locator('#poll-tally [data-choice="up"] .count')).to_have_text("1")
    screenshot(ada, "classroom-student-phone-revealed")

    # "which neuron will have the largest |δ|?": revealed by the button, then ended
    presenter.get_by_label("Ask", exact=True).select_option("largest_delta")
    presenter.get_by_role("button", name="Ask the room").click()
    expect(bob.get_by_role("button", name="r", exact=True)).to_be_enabled()
    expect(bob.locator("#poll-choices button")).to_have_text(["h₁", "h₂", "r"])
    bob.get_by_role("button", name="h₂", exact=True).click()
    expect(presenter.locator("#room-poll-answered")).to_have_text("1 / 2 answered")
    presenter.get_by_role("button", name="Reveal").click()
    expect(bob.locator("#poll-choices .correct")).to_have_count(1)
    expect(ada.locator("#poll-verdict")).to_contain_text("The answer:")
    presenter.get_by_role("button", name="End poll").click()
    expect(ada.locator("#poll-card")).to_be_hidden()
    expect(bob.locator("#poll-card")).to_be_hidden()

    # every answer, exportable as CSV with the presenter's token
    with presenter.expect_download() as download:
        presenter.get_by_role("button", name="Answers CSV").click()
    with open(download.value.path(), encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert sorted(r["answer"] for r in rows) == ["down", "h₂", "up"], rows
    assert {r["room"] for r in rows} == {code}
    assert [r["right"] for r in rows if r["kind"] == "weight_direction" and r["answer"] == right] \
        == ["yes"]


def test_fork_back_to_live_and_late_joiner(open_page: Any) -> None:
    presenter, code = open_room(open_page, "?seed=11")
    for _ in range(3):
        presenter.get_by_role("button", name="▸▸▸ Epoch").click()
    expect(presenter.locator(STATUS)).to_contain_text("3 epochs done")
    presenter.get_by_role("button", name="▸▸ Pattern").click()
    expect(presenter.locator(STATUS)).to_contain_text("pattern 2 of epoch 4")

    # a late joiner gets the current state at once: frame and the whole curve
    late = join(open_page, code)
    same_frame(presenter, late)
    history = "() => window.backpropXor.state.history"
    assert late.evaluate(history) == presenter.evaluate(history)

    # fork: a private copy of the room's state, with full controls
    late.get_by_role("button", name="Try it yourself").click()
    expect(late.locator("#viewer-text")).to_contain_text("Your own copy of room")
    expect(late.locator("#step-epoch")).to_be_enabled()
    expect(late.locator(STATUS)).to_have_text(presenter.locator(STATUS).inner_text())
    assert frame_of(late, "weights") == frame_of(presenter, "weights")
    late.get_by_role("button", name="▸▸▸ Epoch").click()
    late.get_by_role("button", name="▸▸▸ Epoch").click()
    expect(late.locator(STATUS)).to_contain_text("pattern 1 of epoch 6")
    late.locator("#setting-eta").fill("2")
    late.locator("#setting-eta").press("Enter")
    expect(late.locator("#setting-eta")).to_have_value("2")
    expect(presenter.locator(STATUS)).to_contain_text("pattern 2 of epoch 4")
    assert frame_of(presenter, "settings")["eta"] != 2

    # the room moves on meanwhile; back to live follows it again
    presenter.get_by_role("button", name="▸▸ Pattern").click()
    expect(presenter.locator(STATUS)).to_contain_text("pattern 3 of epoch 4")
    late.get_by_role("button", name="Back to live").click()
    expect(late.locator("#viewer-text")).to_contain_text("(live)")
    expect(late.locator("#step-epoch")).to_be_disabled()
    same_frame(presenter, late)
    expect(presenter.locator("#room-viewers")).to_have_text("1 student")


def test_a_changed_answer_moves_the_presenters_bars(open_page: Any) -> None:
    presenter, code = open_room(open_page)
    student = join(open_page, code)
    presenter.get_by_label("Ask", exact=True).select_option("stuck")
    presenter.get_by_role("button", name="Ask the room").click()
    bars = presenter.locator("#room-poll-bars")
    presenter.get_by_label("Show tally").check()
    student.get_by_role("button", name="yes, stuck").click()
    expect(bars.locator('[data-choice="yes"] .count')).to_have_text("1")
    student.get_by_role("button", name="no, it will learn").click()
    expect(student.get_by_role("button", name="no, it will learn")).to_have_attribute(
        "aria-pressed", "true")
    expect(bars.locator('[data-choice="no"] .count')).to_have_text("1")
    expect(bars.locator('[data-choice="yes"] .count')).to_have_text("0")


def test_students_are_told_when_the_room_closes(open_page: Any) -> None:
    presenter, code = open_room(open_page)
    student = join(open_page, code)
    close_room(presenter)
    expect(student.locator("#viewer-text")).to_have_text(f"Room {code[:3]} {code[3:]} has closed.")
    expect(student.locator("#viewer-fork")).to_be_hidden()
