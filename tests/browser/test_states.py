"""No stale or silent states, in Chromium: the weight editor and the fields' errors follow the
selection and the session, a slow new shape says it is being prepared, errors name settings
by their labels, and a tab whose session moved elsewhere says so and can take it back."""

from __future__ import annotations

import json
import threading
from typing import Any

from browser_helpers import SESSION_KEY, page_session, screenshot
from playwright.sync_api import expect

from app.sessions.session import Session

STATUS = "#status"


def edge_point(page: Any, layer: int, neuron: int, inp: int, at: float = 0.62) -> tuple:
    box = page.locator("#network-canvas").bounding_box()
    e = page.evaluate("([l, j, i]) => globalThis.backpropXor.view.layout.edges.find("
                      "(e) => e.layer === l && e.neuron === j && e.input === i)",
                      [layer, neuron, inp])
    return (box["x"] + e["x1"] + (e["x2"] - e["x1"]) * at,
            box["y"] + e["y1"] + (e["y2"] - e["y1"]) * at)


def node_point(page: Any, layer: int, index: int) -> tuple:
    box = page.locator("#network-canvas").bounding_box()
    n = page.evaluate("([l, j]) => globalThis.backpropXor.view.layout.nodes.find("
                      "(n) => n.layer === l && n.index === j)", [layer, index])
    return box["x"] + n["x"], box["y"] + n["y"]


def test_the_weight_editor_follows_the_selection(open_page: Any) -> None:
    page = open_page("?seed=2")
    weights = page_session(page).trainer.weights()
    value = page.locator("#weight-value")
    page.mouse.click(*edge_point(page, 1, 0, 0))
    expect(page.locator("#weight-name")).to_have_text("w₁,₁")
    expect(value).to_have_value(str(float(f"{weights[1][0][0]:.6g}")))
    value.fill("9.99")  # typed, not set
    page.mouse.click(*edge_point(page, 0, 1, 2))
    expect(page.locator("#weight-name")).to_have_text("v₂,₀")
    expect(value).to_have_value(str(float(f"{weights[0][1][2]:.6g}")))  # not the old 9.99
    page.mouse.click(*node_point(page, 1, 0))
    expect(page.locator("#weight-name")).to_have_text("(click one)")
    expect(value).to_have_value("")
    expect(value).to_be_disabled()


def test_field_errors_name_the_label_and_go_with_the_state(open_page: Any, tmp_path: Any) -> None:
    page = open_page("?seed=6")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export JSON").click()
    path = tmp_path / "run.json"
    download.value.save_as(path)
    eta = page.locator("#setting-eta")
    eta.fill("-1")
    eta.press("Tab")
    error = page.locator("#setting-eta-error")
    expect(error).to_contain_text("Learning rate η:")
    expect(error).not_to_contain_text("eta:")
    expect(eta).to_have_attribute("aria-invalid", "true")
    hidden = page.locator("#setting-hidden")
    hidden.fill("2,2,2,2,2")
    hidden.press("Tab")
    expect(page.locator("#setting-hidden-error")).to_contain_text("Hidden layers:")
    screenshot(page, "states-field-errors")
    page.locator("#import").set_input_files(str(path))
    expect(page.locator("#message")).to_have_text("Imported run.json.")
    # the refused text and its error are gone: the fields show the imported run
    expect(error).to_have_text("")
    expect(eta).to_have_value(str(json.loads(path.read_text())["settings"]["eta"]))
    expect(eta).not_to_have_attribute("aria-invalid", "true")
    expect(hidden).to_have_value("2")


def test_a_slow_new_shape_says_it_is_being_prepared(open_page: Any, monkeypatch: Any) -> None:
    page = open_page()
    entered, release = threading.Event(), threading.Event()
    original = Session.configure

    def slow(self: Session, values: Any) -> Any:  # as long as a compile the test controls
        entered.set()
        assert release.wait(60), "the test did not release the configure"
        return original(self, values)

    monkeypatch.setattr(Session, "configure", slow)
    hidden = page.locator("#setting-hidden")
    hidden.fill("3,2")
    hidden.press("Tab")
    busy = page.locator("#network-busy")
    expect(busy).to_be_visible()
    expect(busy).to_contain_text("Preparing this network")
    assert entered.is_set()
    screenshot(page, "states-preparing")
    release.set()
    expect(busy).to_be_hidden()
    expect(page.locator("#hidden-surfaces canvas")).to_have_count(5)


def test_a_tab_whose_session_moved_says_so_and_takes_it_back(open_page: Any) -> None:
    first = open_page("?seed=8")
    session_id = first.evaluate(f"() => sessionStorage.getItem('{SESSION_KEY}')")
    second_context = first.context.browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        second_context.add_init_script(
            f"sessionStorage.setItem('{SESSION_KEY}', {json.dumps(session_id)})")
        second = second_context.new_page()
        second.goto(f"{first.live.url}/")
        expect(second.locator("#truth-table tbody tr")).to_have_count(4)
        bar = first.locator("#session-bar")
        expect(bar).to_be_visible()
        expect(bar).to_contain_text("moved to another tab")
        expect(first.locator(STATUS)).to_have_text("This session is open in another tab.")
        expect(first.locator("#step-epoch")).to_be_disabled()  # no 10 s timeouts: stopped
        screenshot(first, "states-moved-away")
        second.get_by_role("button", name="▸▸▸ Epoch").click()
        expect(second.locator(STATUS)).to_contain_text("1 epoch done")

        first.get_by_role("button", name="Take it back here").click()
        expect(bar).to_be_hidden()
        expect(first.locator(STATUS)).to_contain_text("1 epoch done")  # the same session
        expect(first.locator("#step-epoch")).to_be_enabled()
        expect(second.locator("#session-bar")).to_be_visible()
        first.get_by_role("button", name="▸▸▸ Epoch").click()
        expect(first.locator(STATUS)).to_contain_text("2 epochs done")
    finally:
        second_context.close()
