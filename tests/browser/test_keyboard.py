"""The page by keyboard alone, in Chromium: a focused control owns its keys, the network is
reached by Tab and walked with the arrows, Enter selects and edits, a screen reader hears a
summary of the focused item's derivation."""

from __future__ import annotations

from typing import Any

from browser_helpers import page_session, screenshot
from playwright.sync_api import expect

STATUS = "#status"


def focused_id(page: Any) -> str:
    return page.evaluate("() => document.activeElement?.id ?? ''")


def test_the_focused_speed_slider_owns_its_arrow_keys(open_page: Any) -> None:
    page = open_page()
    session = page_session(page)
    speeds = page.evaluate("() => globalThis.backpropXor.state.table.speeds")
    level = session.speed
    page.locator("#speed").focus()
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#speed-label")).to_have_text(speeds[level - 1]["label"])
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#speed-label")).to_have_text(speeds[level - 2]["label"])
    expect(page.locator(STATUS)).to_contain_text("Paused at pattern 1 of epoch 1")
    assert (session.trainer.epoch, session.trainer.pattern) == (0, 0), "the arrows stepped nothing"
    page.keyboard.press("e")  # a shortcut the slider does not own still works
    expect(page.locator(STATUS)).to_contain_text("1 epoch done")
    # typing in a field: every key is the field's
    page.locator("#setting-eta").focus()
    page.keyboard.press("r")
    page.keyboard.press("ArrowLeft")
    expect(page.locator(STATUS)).to_contain_text("1 epoch done")


def test_the_network_by_tab_arrows_and_enter(open_page: Any) -> None:
    page = open_page("?seed=4")
    session = page_session(page)
    page.locator("#link").focus()
    page.keyboard.press("Tab")
    assert focused_id(page) == "network-canvas", "Tab reaches the network after the controls"
    canvas = page.locator("#network-canvas")
    assert canvas.evaluate("(c) => c.matches(':focus-visible')"), "a visible focus ring"
    expect(canvas).to_have_css("outline-style", "solid")
    summary = page.locator("#network-summary")
    page.keyboard.press("ArrowLeft")  # the cursor starts on r; left: its first weight w1,1
    expect(page.locator("#derivation h3")).to_contain_text("Weight w1,1")
    expect(summary).to_contain_text("Weight w1,1, from h1 to r.")
    page.keyboard.press("ArrowDown")
    expect(summary).to_contain_text("Weight w1,2, from h2 to r.")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#derivation h3")).to_have_text("Hidden neuron h2")
    expect(summary).to_contain_text("Hidden neuron h2.")
    page.keyboard.press("ArrowLeft")  # h2's first incoming weight, from s1
    expect(summary).to_contain_text("Weight v2,1, from s1 to h2.")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # down the column: v2,2, then h2's bias v2,0
    expect(summary).to_contain_text("Weight v2,0, the bias of h2.")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(summary).to_contain_text("Weight v2,1, from s1 to h2.")
    screenshot(page, "keyboard-network-cursor")
    # Enter selects: the weight editor follows; Enter again edits the value
    page.keyboard.press("Enter")
    expect(page.locator("#weight-name")).to_have_text("v₂,₁")
    page.keyboard.press("Enter")
    assert focused_id(page) == "weight-value"
    page.keyboard.type("0.25")
    page.keyboard.press("Enter")
    expect(page.locator('#derivation .eq[data-heading="Weight"] .num')).to_have_attribute(
        "data-value", "0.25")
    assert session.trainer.weights()[0][1][0] == 0.25
    # the page's shortcuts still work from the network: E steps an epoch; Escape leaves
    canvas.focus()
    page.keyboard.press("e")
    expect(page.locator(STATUS)).to_contain_text("1 epoch done")
    page.keyboard.press("Escape")
    expect(page.locator("#derivation h3")).to_contain_text("Weight v2,1")  # the selection stays


def test_a_click_selects_without_taking_the_arrows_from_the_steps(open_page: Any) -> None:
    page = open_page()
    box = page.locator("#network-canvas").bounding_box()
    node = page.evaluate("() => globalThis.backpropXor.view.layout.nodes.find("
                         "(n) => n.layer === 1 && n.index === 0)")
    page.mouse.click(box["x"] + node["x"], box["y"] + node["y"])
    expect(page.locator("#derivation h3")).to_have_text("Hidden neuron h1")
    assert focused_id(page) != "network-canvas"
    page.keyboard.press("ArrowRight")
    expect(page.locator(STATUS)).to_contain_text("after the forward pass")
