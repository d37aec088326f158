"""A room that says how it is, in Chromium: each state a clear, true message.

A wrong code is a screen with a field for another code (not "Connection lost;
reconnecting…" under a "(live)" banner); a closed room offers to keep a copy; students
see the presenter offline when the presenter's page goes away and live again when it
returns; the presenter sees a degraded broadcast, a loopback join link with the command
that serves on the network, each student's link and name; Close room asks first; the
name prompt comes once and is remembered.
"""

from __future__ import annotations

import csv
import re
from typing import Any

from browser_helpers import screenshot
from playwright.sync_api import expect
from test_classroom import PHONE, STATUS, close_room, frame_of, join, open_room


def test_a_wrong_code_is_a_clear_screen_with_a_way_to_type_another(open_page: Any,
                                                                     bare_page: Any) -> None:
    presenter, code = open_room(open_page)
    wrong = "ACDEFG" if code != "ACDEFG" else "HJKMNP"
    page = bare_page(f"?room={wrong}", **PHONE)
    gone = page.locator("#room-gone")
    expect(gone.get_by_role("heading")).to_have_text(
        f"No open room has the code {wrong[:3]} {wrong[3:]}")
    expect(gone).to_contain_text("may be mistyped")
    expect(page.locator("#viewer-text")).to_have_text(
        f"Not following room {wrong[:3]} {wrong[3:]}.")
    expect(page.locator("#viewer-note")).to_have_text("")  # no "reconnecting…"
    expect(page.locator("#poll-card")).to_be_hidden()
    expect(page.locator(STATUS)).to_have_text("Not following a room.")
    screenshot(page, "classroom-states-phone-wrong-code")
    gone.get_by_label("Another join code").fill("nope")
    gone.get_by_role("button", name="Join").click()
    expect(gone.locator("#room-gone-error")).to_contain_text("6 letters or digits")
    gone.get_by_label("Another join code").fill(f"{code[:3].lower()} {code[3:].lower()}")
    gone.get_by_role("button", name="Join").click()
    page.get_by_role("button", name="Join without a name").click()
    expect(page.locator("#viewer-text")).to_have_text(
        f"Following room {code[:3]} {code[3:]} (live)")
    expect(gone).to_be_hidden()
    expect(presenter.locator("#room-viewers")).to_have_text("1 student")


def test_close_asks_first_and_students_can_keep_a_copy(open_page: Any) -> None:
    presenter, code = open_room(open_page, "?seed=6")
    ada = join(open_page, code, **PHONE)
    bob = join(open_page, code)
    presenter.get_by_role("button", name="▸▸▸ Epoch").click()
    expect(ada.locator(STATUS)).to_contain_text("1 epoch done")
    presenter.get_by_role("button", name="Close room").click()
    confirm = presenter.get_by_role("dialog", name=f"Close room {code[:3]} {code[3:]}?")
    expect(confirm).to_contain_text("2 students following it will see that it has closed")
    screenshot(presenter, "classroom-states-presenter-close-confirm")
    confirm.get_by_role("button", name="Keep it open").click()
    expect(presenter.locator("#room-panel")).to_be_visible()
    expect(ada.locator("#viewer-text")).to_contain_text("(live)")
    close_room(presenter)
    for student in (ada, bob):
        expect(student.locator("#room-gone").get_by_role("heading")).to_have_text(
            f"Room {code[:3]} {code[3:]} has closed")
        expect(student.locator("#viewer-text")).to_have_text(
            f"Room {code[:3]} {code[3:]} has closed.")
    screenshot(ada, "classroom-states-phone-closed")
    weights = frame_of(presenter, "weights")
    ada.get_by_role("button", name="Keep a copy").click()
    expect(ada.locator("#viewer-text")).to_contain_text(f"Your own copy of room {code[:3]}")
    expect(ada.locator("#room-gone")).to_be_hidden()
    expect(ada.locator("#step-epoch")).to_be_enabled()
    expect(ada.locator(STATUS)).to_contain_text("1 epoch done")
    assert frame_of(ada, "weights") == weights
    ada.get_by_role("button", name="▸▸▸ Epoch").click()
    expect(ada.locator(STATUS)).to_contain_text("2 epochs done")  # hers to drive
    bob.locator("#room-gone").get_by_label("Another join code").fill("ZZZ")
    bob.locator("#room-gone").get_by_role("button", name="Join").click()
    expect(bob.locator("#room-gone-error")).to_contain_text("6 letters or digits")


def test_students_see_the_presenter_offline_and_live_again(open_page: Any) -> None:
    presenter, code = open_room(open_page)
    ada = join(open_page, code, **PHONE)
    url = presenter.url
    presenter.goto("about:blank")  # the presenter's page goes away (its connection closes)
    expect(ada.locator("#viewer-text")).to_have_text(
        f"Following room {code[:3]} {code[3:]}: the presenter is offline; the room waits for them.")
    screenshot(ada, "classroom-states-phone-presenter-offline")
    presenter.goto(url)  # back: the tab's session and its room
    expect(presenter.locator("#room-code")).to_have_text(f"{code[:3]} {code[3:]}")
    expect(ada.locator("#viewer-text")).to_have_text(f"Following room {code[:3]} {code[3:]} (live)")


def test_the_presenter_sees_links_names_a_degraded_broadcast_and_a_loopback_link(
        open_page: Any) -> None:
    presenter, code = open_room(open_page, "?projector=1")
    expect(presenter.locator("#room-loopback")).to_contain_text("./dev serve --host 0.0.0.0")
    expect(presenter.locator("#room-loopback")).to_contain_text("Phones cannot open 127.0.0.1")
    ada = join(open_page, code, name="Ada", **PHONE)
    join(open_page, code)
    presenter.locator("#room-people summary").click()
    students = presenter.locator("#room-students .student")
    expect(students).to_have_count(2)
    expect(students.first).to_contain_text("Ada")
    expect(students.nth(1)).to_contain_text("student 2")
    expect(presenter.locator("#room-links")).to_have_text("Students: 2 live")
    # the link between server processes drops (here: the hub is told so) and comes back
    hub = presenter.live.app.extensions["backprop_classroom"].hub
    hub._set_link(False)
    warning = presenter.locator("#room-warning")
    expect(warning).to_contain_text("The room's broadcast is degraded: link to other servers lost")
    expect(ada.locator("#viewer-note")).to_contain_text("link to other servers lost")
    screenshot(presenter, "classroom-states-presenter-degraded-1920")
    hub._set_link(True)
    expect(warning).to_be_hidden()
    expect(ada.locator("#viewer-note")).to_contain_text("restored")
    # a student who leaves shows as offline
    ada.close()
    expect(presenter.locator("#room-links")).to_have_text("Students: 1 live · 1 offline")
    expect(students.nth(1)).to_have_attribute("data-link", "offline")


def test_the_name_prompt_comes_once_and_the_name_is_remembered(open_page: Any) -> None:
    presenter, code = open_room(open_page)
    ada = join(open_page, code, name="  Ada  ", **PHONE)
    expect(ada.get_by_role("button", name="as Ada")).to_be_visible()
    presenter.get_by_label("Ask", exact=True).select_option("stuck")
    presenter.get_by_role("button", name="Ask the room").click()
    ada.get_by_role("button", name="no, it will learn").click()
    # a reload asks no more; a new tab of the same device knows the name
    ada.reload()
    expect(ada.locator("#viewer-text")).to_contain_text("(live)")
    expect(ada.locator("#name-dialog")).to_be_hidden()
    other = ada.context.new_page()
    other.goto(ada.url)
    expect(other.locator("#viewer-text")).to_contain_text("(live)")
    expect(other.locator("#name-dialog")).to_be_hidden()
    expect(other.get_by_role("button", name="as Ada")).to_be_visible()
    other.close()
    ada.get_by_role("button", name="as Ada").click()
    prompt = ada.get_by_role("dialog", name=re.compile("^Joining room"))
    prompt.get_by_label("Your name").fill("Ada L.")
    prompt.get_by_role("button", name="Join", exact=True).click()
    presenter.locator("#room-people summary").click()
    expect(presenter.locator("#room-students .student").first).to_contain_text("Ada L.")
    with presenter.expect_download() as download:
        presenter.get_by_role("button", name="Answers CSV").click()
    with open(download.value.path(), encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [(r["name"], r["answer"]) for r in rows] == [("Ada L.", "no, it will learn")]
