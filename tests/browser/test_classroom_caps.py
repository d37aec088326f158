"""A room's caps in Chromium: the student turned away sees why, the presenter sees it too.

A class behind one NAT shares one address (docs/deployment.md, "A classroom"): with
ROOM_STUDENTS_PER_ADDRESS at 1 here (every page comes from 127.0.0.1), a second student
gets a clear screen naming the cap, and the presenter's panel says how many students
could not join and which setting raises it.
"""

from __future__ import annotations

from typing import Any

from browser_helpers import screenshot
from playwright.sync_api import expect
from test_classroom import PHONE, STATUS, join, open_room


def test_a_student_over_the_per_address_cap_sees_why_and_so_does_the_presenter(
        open_page: Any, bare_page: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("BACKPROP_XOR_ROOM_STUDENTS_PER_ADDRESS", "1")
    presenter, code = open_room(open_page, "?projector=1")
    spaced = f"{code[:3]} {code[3:]}"
    join(open_page, code, name="Ada", **PHONE)
    expect(presenter.locator("#room-viewers")).to_have_text("1 student")
    away = presenter.locator("#room-turned-away")
    expect(away).to_be_hidden()
    bob = bare_page(f"?room={code}", **PHONE)
    gone = bob.locator("#room-gone")
    expect(gone.get_by_role("heading")).to_have_text(f"Cannot join room {spaced}")
    expect(gone).to_contain_text(f"Room {code} has 1 student from your address already "
                                 "(the most it takes from one address).")
    expect(bob.locator("#viewer-text")).to_have_text(f"Not following room {spaced}.")
    expect(bob.locator(STATUS)).to_have_text("Not following a room.")
    screenshot(bob, "classroom-caps-phone-turned-away")
    expect(away).to_have_text(
        "Could not join: 1 student (the room takes 1 from one address: "
        "ROOM_STUDENTS_PER_ADDRESS). Raise the setting and restart the server "
        "(docs/deployment.md).")
    expect(presenter.locator("#room-viewers")).to_have_text("1 student")
    screenshot(presenter, "classroom-caps-presenter-turned-away-1920")
