"""The derivation's simplest network on the page, in Chromium: one input, one hidden neuron,
one output, no biases (`problem=simplest`): drawn as s, v, h, w, r with no bias nodes, one
truth-table row under a column s, the response as a curve over s, the bias switch and the
s and d fields; back to XOR, everything as before."""

from __future__ import annotations

from typing import Any

from browser_helpers import page_session, screenshot
from playwright.sync_api import expect

IDLE = "() => globalThis.backpropXor.scheduler.idle"


def test_the_simplest_network_is_drawn_as_derived(open_page: Any) -> None:
    page = open_page()
    page.locator("#setting-problem").select_option("simplest")
    rows = page.locator("#truth-table tbody tr")
    expect(rows).to_have_count(1)
    expect(page.locator("#truth-table th.signal")).to_have_text(["s"])
    expect(page.locator("#setting-bias")).not_to_be_checked()
    expect(page.locator("#setting-s")).to_be_visible()
    expect(page.locator("#setting-d")).to_be_visible()
    expect(page.locator("#surface-caption")).to_have_text("r against s")
    expect(page.locator("#hidden-surfaces canvas")).to_have_count(1)
    page.wait_for_function(IDLE)
    layout = page.evaluate("() => globalThis.backpropXor.view.layout")
    assert [n["label"] for n in layout["nodes"]] == ["s", "h", "r"]
    assert [e["label"] for e in layout["edges"]] == ["v", "w"]
    session = page_session(page)
    [[[v]], [[w]]] = session.trainer.weights()
    # the weight editor and the keyboard see the same two weights
    page.locator("#link").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    expect(page.locator("#weight-name")).to_have_text("w")
    expect(page.locator("#weight-value")).to_have_value(str(float(f"{w:.6g}")))
    # the signal and the desired response are settings of the problem
    field = page.locator("#setting-s")
    field.fill("2")
    field.press("Tab")
    expect(rows.first.locator("td").first).to_have_text("2")
    page.get_by_role("button", name="▸▸ Pattern").click()
    expect(page.locator("#status")).to_contain_text("1 epoch done")
    trace = page.evaluate("() => globalThis.backpropXor.state.frame.trace")
    assert trace["s"] == [2.0] and trace["weights_before"][0] == [[v]]
    screenshot(page, "simplest")

    page.locator("#setting-problem").select_option("xor")
    expect(rows).to_have_count(4)
    expect(page.locator("#truth-table th.signal")).to_have_text(["s₁", "s₂"])
    expect(page.locator("#setting-bias")).to_be_checked()
    expect(page.locator("#setting-s")).to_be_hidden()
    expect(page.locator("#surface-caption")).to_have_text("r over (s₁, s₂)")
    page.wait_for_function(IDLE)
    back = page.evaluate("() => globalThis.backpropXor.view.layout")
    assert back["bias"] and back["sizes"] == [2, 1, 1]  # the hidden layer stays as it was
    assert [n["label"] for n in back["nodes"]] == ["s₁", "s₂", "1", "h", "1", "r"]
