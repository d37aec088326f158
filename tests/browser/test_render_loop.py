"""The render loop in Chromium: each canvas is redrawn only when what it shows changed, and a
page with nothing changing requests no animation frames at all."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

COUNTS = "() => ({ ...globalThis.backpropXor.scheduler.counts })"
IDLE = "() => globalThis.backpropXor.scheduler.idle"


def node_point(page: Any, layer: int, index: int) -> tuple[float, float]:
    """A neuron's centre in page coordinates."""
    box = page.locator("#network-canvas").bounding_box()
    node = page.evaluate("([l, j]) => globalThis.backpropXor.view.layout.nodes.find("
                         "(n) => n.layer === l && n.index === j)", [layer, index])
    return box["x"] + node["x"], box["y"] + node["y"]


def test_a_hover_redraws_the_network_not_the_curve_and_the_page_idles(open_page: Any) -> None:
    page = open_page()
    page.wait_for_function(IDLE)
    before = page.evaluate(COUNTS)
    page.mouse.move(*node_point(page, 1, 0))
    expect(page.locator("#derivation h3")).to_have_text("Hidden neuron h1")
    page.mouse.move(*node_point(page, 1, 1))
    expect(page.locator("#derivation h3")).to_have_text("Hidden neuron h2")
    page.wait_for_function(IDLE)
    after = page.evaluate(COUNTS)
    assert after["network"] >= before["network"] + 2, (before, after)
    assert after["derivation"] >= before["derivation"] + 2, (before, after)
    for name in ("curve", "surface", "panels", "sweep"):
        assert after[name] == before[name], (name, before, after)

    # a step changes the network, the panels and the curve; the sweep panel stays as it was
    page.get_by_role("button", name="▸▸ Pattern").click()
    expect(page.locator("#truth-table tbody tr").nth(1)).to_have_class("current")
    page.wait_for_function(IDLE)
    stepped = page.evaluate(COUNTS)
    for name in ("network", "panels", "curve"):
        assert stepped[name] > after[name], (name, after, stepped)
    assert stepped["sweep"] == after["sweep"]

    # the log toggle redraws the curve only
    page.get_by_role("checkbox", name="Log scale").check()
    page.wait_for_function(IDLE)
    logged = page.evaluate(COUNTS)
    assert logged["curve"] == stepped["curve"] + 1
    assert {k: v for k, v in logged.items() if k != "curve"} == {
        k: v for k, v in stepped.items() if k != "curve"}


def test_a_step_animates_its_phases_unless_the_system_asks_for_less_motion(
        open_page: Any) -> None:
    """With motion allowed the pattern step's phases travel along the weights, a network
    redraw per animation frame until they are done; under prefers-reduced-motion (the other
    browser tests' default) the step is drawn once, at its end, and the page idles at once."""
    runs = {}
    for motion in ("no-preference", "reduce"):
        page = open_page(reduced_motion=motion)
        page.wait_for_function(IDLE)
        before = page.evaluate(COUNTS)["network"]
        page.get_by_role("button", name="▸▸ Pattern").click()
        expect(page.locator("#truth-table tbody tr").nth(1)).to_have_class("current")
        animating = page.evaluate("() => globalThis.backpropXor.view.anim !== null")
        page.wait_for_function(IDLE)
        runs[motion] = (animating, page.evaluate(COUNTS)["network"] - before)
    animated, redraws = runs["no-preference"]
    assert animated and redraws > 10, runs  # the pulses: a redraw per frame for ~2 s
    still, redraws = runs["reduce"]
    assert not still and redraws <= 2, runs  # the step's own redraw (and its frame's)
