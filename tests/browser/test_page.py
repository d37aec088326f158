"""The page end to end in Chromium: loads clean, steps, runs, shows the engine's numbers.

Numbers are checked two ways: against the frame the page holds, and against an engine
Trainer driven through the same steps in this process (same settings, same seed).
"""

from __future__ import annotations

import json
import re
from typing import Any

from browser_helpers import numbers, page_fmt, page_session, screenshot
from playwright.sync_api import expect

from app.engine import Trainer, TrainingConfig

STATUS = "#status"
INTERACTIVE_ROLES = {"button", "textbox", "combobox", "checkbox", "slider", "spinbutton", "link"}


def eq(page: Any, heading: str) -> Any:
    """The derivation panel's equation under `heading`."""
    return page.locator(f'#derivation .eq[data-heading="{heading}"]')


def values(page: Any, heading: str) -> list[float]:
    """The exact numbers of one equation, checking each shown text is its formatted value."""
    found = numbers(eq(page, heading))
    for value, text in found:
        assert text.strip("()") == page_fmt(value), (heading, value, text)
    return [value for value, _ in found]


def test_page_loads_clean_with_named_controls(open_page: Any) -> None:
    page = open_page()
    expect(page).to_have_title(re.compile("Backprop XOR"))
    expect(page.locator(STATUS)).to_contain_text("Paused at pattern 1 of epoch 1 · 0 epochs done")
    # the controls come from /api/settings: one labelled field per setting
    for name in ("problem", "hidden", "activation", "eta", "alpha", "mode", "init_range", "seed"):
        expect(page.get_by_label(re.compile(r".")).and_(page.locator(f"#setting-{name}"))).to_be_visible()
    cdp = page.context.new_cdp_session(page)
    tree = cdp.send("Accessibility.getFullAXTree")["nodes"]
    unnamed = [n for n in tree
               if not n.get("ignored") and n.get("role", {}).get("value") in INTERACTIVE_ROLES
               and not n.get("name", {}).get("value", "").strip()]
    assert not unnamed, f"controls without an accessible name: {unnamed}"
    assert sum(n.get("role", {}).get("value") == "button" for n in tree) >= 15
    screenshot(page, "page-loaded")


def test_phase_steps_show_the_engine_numbers(open_page: Any) -> None:
    page = open_page("?seed=7")
    expect(page.locator("#setting-seed")).to_have_value("7")
    expect(page.locator(STATUS)).to_contain_text("Paused at pattern 1 of epoch 1")
    trainer = Trainer(TrainingConfig(seed=7))
    # forward, error, δ of the output: three presses of the right arrow
    for _ in range(3):
        page.keyboard.press("ArrowRight")
        trace = trainer.step_phase()
    expect(page.locator(STATUS)).to_contain_text("after the local gradient δ of the output")
    expect(eq(page, "Local gradient for output neuron")).not_to_have_class(re.compile("pending"))
    assert trace.phase == "delta_output"
    w = trace.weights_before[1][0]
    h = trace.outputs[0]
    assert values(page, "Weighted input from hidden neuron to output neuron") == [
        w[0], h[0], w[1], h[1], w[2], trace.weighted[1][0]]
    assert values(page, "Response from output neuron") == [trace.weighted[1][0], trace.r]
    assert values(page, "Error function") == [trace.d, trace.r, trace.e]
    assert values(page, "Objective function") == [trace.e, trace.l]
    assert values(page, "Local gradient for output neuron") == [
        trace.e, trace.r, trace.r, trace.delta[1][0]]
    # the page's own frame holds the same numbers
    assert page.evaluate("() => window.backpropXor.state.frame.trace.delta") == trace.delta
    # the truth table: current weights' responses, exactly
    rows = page.locator("#truth-table tbody tr")
    for k, row in enumerate(trainer.truth_table()):
        shown = numbers(rows.nth(k))
        assert [v for v, _ in shown] == [row["r"], row["e"]]
    expect(rows.nth(0)).to_have_class("current")
    screenshot(page, "derivation-delta-output")

    # the hidden layer's δ, then the update; select the hidden neuron h₂ and the weight v₁,₂
    page.keyboard.press("ArrowRight")
    trace = trainer.step_phase()
    expect(page.locator(STATUS)).to_contain_text("after the local gradients δ of the hidden layer")
    click_neuron(page, 1, 1)
    expect(eq(page, "Local gradient backpropagation")).to_contain_text("δh2")
    assert values(page, "Local gradient backpropagation") == [
        h[1], h[1], trace.delta[1][0], trace.weights_before[1][0][1], trace.delta[0][1]]
    page.keyboard.press("ArrowRight")
    trace = trainer.step_phase()
    expect(page.locator(STATUS)).to_contain_text("pattern 2 of epoch 1")
    click_weight(page, 0, 0, 1)
    heading = "Similar pattern for hidden weights"
    expect(eq(page, heading)).not_to_have_class(re.compile("pending"))
    assert values(page, heading) == [0.5, trace.delta[0][0], trace.s[1], trace.learning[0][0][1]]
    assert values(page, "Descend the gradient") == [
        trace.weights_before[0][0][1], trace.change[0][0][1], trace.weights_after[0][0][1]]
    assert values(page, "The pattern for hidden layers") == [
        trace.delta[0][0], trace.s[1], trace.gradient[0][0][1]]
    screenshot(page, "derivation-weight")


def edge(page: Any, layer: int, neuron: int, inp: int) -> dict[str, float]:
    """A weight line's end points in page coordinates."""
    box = page.locator("#network-canvas").bounding_box()
    e = page.evaluate(
        "([l, j, i]) => window.backpropXor.view.layout.edges.find("
        "(e) => e.layer === l && e.neuron === j && e.input === i)", [layer, neuron, inp])
    return {k: e[k] + (box["x"] if k.startswith("x") else box["y"])
            for k in ("x1", "y1", "x2", "y2")}


def click_weight(page: Any, layer: int, neuron: int, inp: int,
                 at: float = 0.62) -> tuple[float, float]:
    """Click weight (layer, neuron, input) on the canvas; returns the point clicked."""
    e = edge(page, layer, neuron, inp)
    x = e["x1"] + (e["x2"] - e["x1"]) * at
    y = e["y1"] + (e["y2"] - e["y1"]) * at
    page.mouse.click(x, y)
    return x, y


def click_neuron(page: Any, layer: int, index: int) -> None:
    """Click a neuron's circle."""
    box = page.locator("#network-canvas").bounding_box()
    node = page.evaluate(
        "([l, j]) => window.backpropXor.view.layout.nodes.find("
        "(n) => n.layer === l && n.index === j)",
        [layer, index])
    page.mouse.click(box["x"] + node["x"], box["y"] + node["y"])


def test_buttons_and_keys_step_run_pause_back(open_page: Any) -> None:
    page = open_page()
    status = page.locator(STATUS)
    page.get_by_role("button", name="▸▸ Pattern").click()
    expect(status).to_contain_text("pattern 2 of epoch 1")
    page.keyboard.press("Shift+ArrowRight")
    expect(status).to_contain_text("pattern 3 of epoch 1")
    page.get_by_role("button", name="◂ Back").click()
    expect(status).to_contain_text("pattern 2 of epoch 1")
    page.keyboard.press("ArrowLeft")
    expect(status).to_contain_text("pattern 1 of epoch 1")
    expect(page.locator("#back")).to_be_disabled()
    page.get_by_role("button", name="▸▸▸ Epoch").click()
    expect(status).to_contain_text("pattern 1 of epoch 2")
    page.keyboard.press("e")
    expect(status).to_contain_text("pattern 1 of epoch 3")
    # slow traced run: 4 patterns a second
    page.locator("#speed").fill("3")
    expect(page.locator("#speed-label")).to_have_text("4 patterns/s")
    page.get_by_role("button", name="Run").click()
    expect(page.locator("#run")).to_have_text("Pause")
    expect(status).to_contain_text("Running")
    expect(page.locator("#phase")).to_contain_text("pattern")
    page.keyboard.press(" ")
    expect(page.locator("#run")).to_have_text("Run")
    expect(status).to_contain_text("Paused")
    session = page_session(page)
    epoch, pattern = session.trainer.epoch, session.trainer.pattern
    expect(status).to_contain_text(f"Paused at pattern {pattern + 1} of epoch {epoch + 1}")
    # fast run to convergence, then reset with the key
    page.locator("#speed").fill("8")
    page.keyboard.press(" ")
    expect(status).to_contain_text(re.compile(r"Converged after epoch \d+"), timeout=30_000)
    assert page.locator("#curve-canvas").is_visible()
    screenshot(page, "converged")
    page.keyboard.press("r")
    expect(status).to_contain_text("Paused at pattern 1 of epoch 1")


def test_dragging_a_weight_changes_the_engine(open_page: Any) -> None:
    page = open_page()
    session = page_session(page)
    before = session.trainer.weights()[1][0][0]
    e = edge(page, 1, 0, 0)
    x = e["x1"] + (e["x2"] - e["x1"]) * 0.5
    y = e["y1"] + (e["y2"] - e["y1"]) * 0.5
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y - 40, steps=5)
    page.mouse.move(x, y - 60, steps=5)
    page.mouse.up()
    expect(page.locator("#weight-name")).to_have_text("w₁,₁")
    weight = eq(page, "Weight")
    expect(weight.locator(".num")).not_to_have_attribute("data-value", repr(before))
    shown = numbers(weight)[0][0]
    after = session.trainer.weights()[1][0][0]
    assert after == shown, "the page shows the engine's new weight"
    assert after > before + 0.3, "dragging up 60 px raised the weight"
    # typing a value sets it exactly
    page.locator("#weight-value").fill("-0.75")
    page.locator("#weight-value").press("Enter")
    expect(weight.locator(".num")).to_have_attribute("data-value", "-0.75")
    assert session.trainer.weights()[1][0][0] == -0.75
    page.locator("#back").click()
    expect(weight.locator(".num")).to_have_attribute("data-value", repr(after))


def test_export_import_round_trip(open_page: Any, tmp_path: Any) -> None:
    page = open_page("?seed=11")
    expect(page.locator("#setting-seed")).to_have_value("11")
    for _ in range(2):
        page.get_by_role("button", name="▸▸ Pattern").click()
    expect(page.locator(STATUS)).to_contain_text("pattern 3 of epoch 1")
    truth_before = numbers(page.locator("#truth-table"))
    with page.expect_download() as download:
        page.get_by_role("button", name="Export JSON").click()
    path = tmp_path / "run.json"
    download.value.save_as(path)
    state = json.loads(path.read_text())
    assert state["settings"]["seed"] == 11 and state["pattern"] == 2
    page.keyboard.press("r")
    expect(page.locator(STATUS)).to_contain_text("pattern 1 of epoch 1")
    page.locator("#import").set_input_files(str(path))
    expect(page.locator("#message")).to_have_text("Imported run.json.")
    expect(page.locator(STATUS)).to_contain_text("Paused at pattern 3 of epoch 1")
    assert numbers(page.locator("#truth-table")) == truth_before
    assert page_session(page).trainer.weights() == state["weights"]


def test_link_reproduces_the_setup(open_page: Any) -> None:
    query = "?problem=and&hidden=3&activation=tanh&eta=0.25&seed=42"
    page = open_page(query)
    for name, value in (("problem", "and"), ("hidden", "3"), ("activation", "tanh"),
                        ("eta", "0.25"), ("seed", "42")):
        expect(page.locator(f"#setting-{name}")).to_have_value(value)
    expect(page.locator("#hidden-surfaces canvas")).to_have_count(3)
    config = TrainingConfig(problem="and", hidden=(3,), activation="tanh", eta=0.25, seed=42)
    expected = [x for row in Trainer(config).truth_table() for x in (row["r"], row["e"])]
    first = page.locator("#truth-table .num").first
    expect(first).to_have_attribute("data-value", repr(expected[0]))
    assert [v for v, _ in numbers(page.locator("#truth-table"))] == expected
    page.get_by_role("button", name="Link to this setup").click()
    link = page.locator("#link-output").input_value()
    for part in ("problem=and", "hidden=3", "activation=tanh", "eta=0.25", "seed=42"):
        assert part in link
    # a fresh tab opened from the link shows the same numbers
    other = open_page(link.split("/", 3)[3])
    expect(other.locator("#setting-seed")).to_have_value("42")
    first = other.locator("#truth-table .num").first
    expect(first).to_have_attribute("data-value", repr(expected[0]))
    assert [v for v, _ in numbers(other.locator("#truth-table"))] == expected


def test_projector_mode_and_help(open_page: Any) -> None:
    page = open_page(viewport={"width": 1920, "height": 1080})
    page.get_by_role("button", name="▸▸ Pattern").click()
    page.keyboard.press("p")
    expect(page.locator("html")).to_have_class(re.compile("projector"))
    expect(page.locator("body")).to_have_css("background-color", "rgb(11, 14, 19)")
    expect(page.locator("html")).to_have_css("font-size", "22px")
    expect(page.get_by_label("Projector")).to_be_checked()
    page.keyboard.press("n")
    expect(page.get_by_label("Numbers")).to_be_checked()
    screenshot(page, "projector-1920x1080")
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile("projector"))
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Keyboard")).to_be_hidden()
    page.get_by_label("Projector").uncheck()
    expect(page.locator("html")).not_to_have_class(re.compile("projector"))


def test_phone_layout_and_sharp_canvases(open_page: Any) -> None:
    page = open_page(viewport={"width": 390, "height": 844}, device_scale_factor=3,
                     is_mobile=True, has_touch=True)
    canvas = page.locator("#network-canvas")
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    assert box["width"] <= 390
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    expect(canvas).to_have_attribute("width", str(round(round(box["width"]) * 3)))
    screenshot(page, "phone-390", full_page=True)


def test_the_unbundled_modules_work_for_development(chromium: Any, make_live: Any) -> None:
    """./dev serve --dev: the same page from static/js, under the same CSP, with no errors."""
    live = make_live(ASSETS="dev")
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        scripts: list[str] = []
        page.on("request", lambda r: r.resource_type == "script" and scripts.append(r.url))
        page.goto(f"{live.url}/")
        expect(page.locator("#truth-table tbody tr")).to_have_count(4)
        expect(page.locator(STATUS)).to_contain_text("Paused")
        assert any(url.endswith("/static/js/main.js") for url in scripts), scripts
        assert not any("/assets/" in url for url in scripts), scripts
        assert len(scripts) > 20, "one request per module"
        assert not problems, problems
    finally:
        context.close()
