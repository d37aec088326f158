"""Polls a teacher can trust, in Chromium: a presenter at 1920×1080 and two students, one on a
390×844 phone.

The two wrong reveals of issue 13 replayed on the page: Randomize after an answer cancels
the poll on every screen (no answer of the old weights is revealed by the next pattern);
a next-pattern poll waits through the phases and reveals what the pattern did, with its
numbers. The weight a poll asks about is highlighted on each student's network; a student
on a fork is told that a poll opened and goes back to live in one click.
"""

from __future__ import annotations

import re
from typing import Any

from browser_helpers import screenshot
from playwright.sync_api import expect
from test_classroom import PHONE, STATUS, frame_of, join, open_room
from test_page import click_weight

CANCELLED = "Poll cancelled: the network changed"


def ask_weight(presenter: Any, layer: int, neuron: int, inp: int, unit: str) -> None:
    click_weight(presenter, layer, neuron, inp)
    presenter.get_by_label("Ask", exact=True).select_option("weight_direction")
    presenter.get_by_label("over the next").select_option(unit)
    presenter.get_by_role("button", name="Ask the room").click()


def test_wrong_reveals_replayed_are_cancelled_or_wait_for_the_step(open_page: Any) -> None:
    presenter, code = open_room(open_page, "?seed=3&projector=1")
    ada = join(open_page, code, name="Ada", **PHONE)
    bob = join(open_page, code, name="Bob")
    expect(presenter.locator("#room-viewers")).to_have_text("2 students")

    # 1. an answer, then Randomize: the poll is void for everyone, the pattern reveals nothing
    ask_weight(presenter, 0, 0, 2, "pattern")  # v₁,₀
    for student in (ada, bob):
        expect(student.locator("#poll-question")).to_have_text(
            "Will v₁,₀ go up or down over the next pattern?")
    ada.get_by_role("button", name="up", exact=True).click()
    expect(ada.locator("#poll-verdict")).to_contain_text("Answer sent")
    expect(presenter.locator("#room-poll-answered")).to_have_text("1 / 2 answered")
    presenter.get_by_role("button", name="Randomize").click()
    for student in (ada, bob):
        expect(student.locator("#poll-verdict")).to_contain_text(CANCELLED)
        expect(student.locator("#poll-choices button").first).to_be_disabled()
    expect(presenter.locator("#room-poll-note")).to_contain_text(CANCELLED)
    expect(presenter.get_by_role("button", name="Reveal")).to_be_disabled()
    screenshot(ada, "classroom-trust-phone-cancelled")
    screenshot(presenter, "classroom-trust-presenter-cancelled")
    presenter.get_by_role("button", name="▸▸ Pattern").click()
    expect(presenter.locator(STATUS)).to_contain_text("pattern 2 of epoch 1")
    expect(bob.locator(STATUS)).to_contain_text("pattern 2 of epoch 1")
    for student in (ada, bob):
        expect(student.locator("#poll-verdict")).to_contain_text(CANCELLED)
        expect(student.locator("#poll-choices .correct")).to_have_count(0)

    # 2. a next-pattern poll and ▸ Phase: no reveal until the pattern's update phase
    ask_weight(presenter, 0, 0, 2, "pattern")
    expect(bob.locator("#poll-verdict")).to_contain_text("Answer before")
    assert ada.evaluate("() => window.backpropXor.state.pollTarget") == "weight:0:0:2"
    bob.get_by_role("button", name="stays the same").click()
    ada.get_by_role("button", name="down", exact=True).click()
    expect(presenter.locator("#room-poll-answered")).to_have_text("2 / 2 answered")
    before = frame_of(presenter, "weights")[0][0][2]
    for phase in ("forward pass", "error", "δ of the output", "δ of the hidden layer"):
        presenter.get_by_role("button", name="▸ Phase").click()
        expect(presenter.locator("#phase")).not_to_be_empty()
        expect(bob.locator("#poll-verdict")).to_contain_text("Answer sent")
        expect(bob.locator("#poll-choices .correct")).to_have_count(0)
        del phase
    screenshot(ada, "classroom-trust-phone-waiting")
    presenter.get_by_role("button", name="▸ Phase").click()  # the update: the pattern is done
    expect(presenter.locator(STATUS)).to_contain_text("pattern 3 of epoch 1")
    after = frame_of(presenter, "weights")[0][0][2]
    right = "up" if after > before else "down" if after < before else "same"
    assert right != "same"
    for student in (ada, bob):
        expect(student.locator(f'#poll-choices [data-choice="{right}"]')).to_have_class(
            re.compile("correct"))
        expect(student.locator("#poll-step")).to_contain_text("v₁,₀ went")
    expect(bob.locator("#poll-verdict")).to_contain_text("Not this time")
    expect(presenter.locator("#room-poll-bars .correct")).to_have_attribute("data-choice", right)
    screenshot(ada, "classroom-trust-phone-revealed")
    screenshot(presenter, "classroom-trust-presenter-revealed")


def test_the_polls_weight_is_highlighted_for_students(open_page: Any) -> None:
    presenter, code = open_room(open_page, "?seed=2")
    ada = join(open_page, code, **PHONE)
    plain = ada.locator("#network-canvas").screenshot()
    ask_weight(presenter, 1, 0, 1, "phase")  # w₁,₂
    expect(ada.locator("#poll-context")).to_contain_text("w₁,₂ (highlighted on the network)")
    target = "() => window.backpropXor.state.pollTarget"
    assert ada.evaluate(target) == "weight:1:0:1"
    lit = ada.locator("#network-canvas").screenshot()
    assert lit != plain  # the network was drawn again, with the glow
    screenshot(ada, "classroom-trust-phone-target")
    presenter.get_by_role("button", name="Randomize").click()
    expect(ada.locator("#poll-verdict")).to_contain_text(CANCELLED)
    assert ada.evaluate(target) is None


def test_a_student_on_a_fork_is_told_a_poll_opened(open_page: Any) -> None:
    presenter, code = open_room(open_page, "?seed=4")
    ada = join(open_page, code, name="Ada", **PHONE)
    ada.get_by_role("button", name="Try it yourself").click()
    expect(ada.locator("#viewer-text")).to_contain_text("Your own copy of room")
    ada.get_by_role("button", name="▸▸▸ Epoch").click()
    expect(ada.locator(STATUS)).to_contain_text("1 epoch done")
    presenter.locator("#room-people summary").click()
    expect(presenter.locator("#room-students .student")).to_contain_text(["Ada"])
    expect(presenter.locator("#room-students .student")).to_have_attribute("data-link", "fork")
    presenter.get_by_label("Ask", exact=True).select_option("stuck")
    presenter.get_by_role("button", name="Ask the room").click()
    news = ada.locator("#viewer-news")
    expect(news).to_contain_text("A poll opened in the room: “Is the network stuck")
    screenshot(ada, "classroom-trust-phone-fork-news")
    news.get_by_role("button", name="Back to live to answer").click()
    expect(ada.locator("#viewer-text")).to_contain_text("(live)")
    expect(news).to_be_hidden()
    ada.get_by_role("button", name="yes, stuck").click()
    expect(presenter.locator("#room-poll-answered")).to_have_text("1 / 1 answered")
    expect(presenter.locator("#room-students .student")).to_have_attribute("data-link", "live")
