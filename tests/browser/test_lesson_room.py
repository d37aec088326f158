"""A teacher runs a lesson in a room, in Chromium: the students' pages follow the presenter's
step (card, numbers, highlights), a step's poll is asked in the room, the students answer,
the presenter's step reveals it; students cannot move the lesson."""

from __future__ import annotations

import re
from typing import Any

from browser_helpers import screenshot
from playwright.sync_api import expect
from test_classroom import PHONE, frame_of, join, open_room

from app.lessons import shipped

CARD = "#lesson-card"


def same_step(presenter: Any, student: Any, index: int) -> None:
    """The student shows the presenter's lesson step, with the presenter's numbers."""
    step = shipped()["momentum"].steps[index]
    for page in (presenter, student):
        expect(page.locator(f"{CARD} #lesson-counter")).to_have_text(f"Step {index + 1} of 7")
        expect(page.locator(f"{CARD} #lesson-title")).to_have_text(step.title)
        expect(page.locator(f"{CARD} #lesson-text")).to_have_text(step.text)
    for path in ("lesson", "weights", "trace", "epoch"):
        assert frame_of(student, path) == frame_of(presenter, path), path
    lit = "() => [...document.querySelectorAll('#derivation .eq.lit')].map((e) => e.dataset.id)"
    expect(student.locator("#derivation .eq.lit")).to_have_count(len(step.highlight.panel))
    assert student.evaluate(lit) == presenter.evaluate(lit)


def test_a_lesson_in_a_room(open_page: Any) -> None:
    presenter, code = open_room(open_page, "?lesson=momentum&step=3")
    expect(presenter.locator(f"{CARD} #lesson-counter")).to_have_text("Step 3 of 7")
    student = join(open_page, code, **PHONE)
    same_step(presenter, student, 2)
    # the student follows: no lesson buttons, the presenter leads; keys do nothing
    expect(student.locator(f"{CARD} #lesson-lead")).to_have_text("The presenter leads the lesson.")
    expect(student.get_by_role("button", name="Next step ▸")).to_be_hidden()
    student.locator("#network-canvas").focus()
    student.keyboard.press("PageDown")
    refused = student.evaluate("() => new Promise((resolve) => window.backpropXor.client.socket"
                               ".emit('lesson', {lesson: 'momentum', step: 0}, resolve))")
    assert refused["ok"] is False and refused["field"] == "viewer", refused
    expect(presenter.locator(f"{CARD} #lesson-counter")).to_have_text("Step 3 of 7")

    # step 4 asks the room whether w1,1 goes up or down over the next pattern
    presenter.keyboard.press("PageDown")
    same_step(presenter, student, 3)
    question = "Will this weight go up or down over the next pattern?"
    expect(presenter.locator(f"{CARD} #lesson-poll")).to_have_text(f"Poll for the room: {question}")
    expect(presenter.locator("#room-poll-question")).to_have_text(question)
    expect(student.locator("#poll-question")).to_have_text(question)
    expect(student.locator("#poll-context")).to_have_text(
        "Weight w₁,₁ (highlighted on the network), over the next pattern")
    student.get_by_role("button", name="down", exact=True).click()
    expect(presenter.locator("#room-poll-answered")).to_have_text("1 / 1 answered")
    screenshot(presenter, "lesson-room-presenter-poll")
    screenshot(student, "lesson-room-student-poll")

    # the presenter's next pattern reveals the answer: how the weight really moved
    before = frame_of(presenter, "weights")[1][0][0]
    presenter.get_by_role("button", name="▸▸ Pattern").click()
    expect(presenter.locator("#room-poll-answered")).to_contain_text("answer shown")
    after = frame_of(presenter, "weights")[1][0][0]
    right = "up" if after > before else "down" if after < before else "same"
    expect(student.locator(f'#poll-choices [data-choice="{right}"]')).to_have_class(
        re.compile("correct"))
    expect(student.locator("#poll-verdict")).to_contain_text(
        "Right" if right == "down" else "Not this time")
    # stepping within a lesson step keeps the card; the next step takes the poll off
    expect(student.locator(f"{CARD} #lesson-counter")).to_have_text("Step 4 of 7")
    presenter.get_by_role("button", name="Next step ▸").click()
    same_step(presenter, student, 4)
    expect(student.locator("#poll-card")).to_be_hidden()
    screenshot(student, "lesson-room-student-step5")
    # leaving the lesson takes the card off every screen
    presenter.get_by_role("button", name="Leave the lesson").click()
    expect(student.locator(CARD)).to_be_hidden()
    expect(presenter.locator(CARD)).to_be_hidden()
