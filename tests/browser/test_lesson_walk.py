"""Lessons end to end in Chromium: a link opens a lesson at a step, the keys and buttons walk it,
every step shows its words, selects and lights up what it is about, and the panel's numbers
are the frame's, which are the engine's (an engine Trainer taken through the same step here).
Every step is screenshotted to test-artifacts/lesson-<name>-<step>.png.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_helpers import lines, page_fmt, screenshot
from playwright.sync_api import expect

from app.engine import Trainer
from app.lessons import shipped, step_config

CARD = "#lesson-card"


def reference(step: Any) -> tuple[Trainer, Any]:
    """An engine trainer taken through the step by hand, and its last trace (or None)."""
    trainer = Trainer(step_config(step), step.weights)
    if step.advance.epochs:
        trainer.run(step.advance.epochs)
    trace = None
    for _ in range(step.advance.patterns):
        trace = trainer.step_pattern()
    for _ in range(step.advance.phases):
        trace = trainer.step_phase()
    return trainer, trace


def slope(y: float, activation: str) -> float:
    """σ' from the output, as the page writes it."""
    return 1 - y * y if activation == "tanh" else y * (1 - y)


def expected_results(trace: Any, select: Any, activation: str, bias: bool) -> dict[str, float]:
    """The number each line of the weight's chain rule ends with, from the engine's trace."""
    k, j, i = select.layer, select.neuron, select.input
    last = len(trace.weights_before) - 1
    sizes = [len(trace.s)] + [len(layer) for layer in trace.weights_before]
    x = 1.0 if bias and i == sizes[k] else trace.inputs[k][i]
    out = {"weight": trace.weights_before[k][j][i], "term-1": trace.e,
           "term-3": slope(trace.r, activation), "local-output": trace.delta[last][0],
           "rule": trace.learning[k][j][i], "descend": trace.weights_after[k][j][i],
           "revised": trace.learning[k][j][i], "momentum": trace.change[k][j][i]}
    gradient = trace.gradient[k][j][i]
    if k == last:
        out.update({"term-4": x, "combined": gradient, "abbreviated": gradient})
    else:
        out.update({"local-hidden": trace.delta[k][j], "pattern": gradient,
                    "recursion": trace.delta[k][j]})
        if k == last - 1:
            out.update({"term-4": trace.weights_before[last][0][j],
                        "term-5": slope(trace.outputs[k][j], activation), "term-6": x,
                        "combined": gradient, "abbreviated": gradient})
    return out


def check_panel(page: Any, step: Any, trace: Any, frame_trace: Any) -> None:
    """The derivation panel: lit lines, and every revealed line's result is the engine's."""
    panel = page.locator("#derivation")
    lit = panel.locator(".eq.lit")
    # awaited: the panel lights the step's lines a frame after its counter changes
    for ident in step.highlight.panel:
        expect(panel.locator(f'.eq.lit[data-id="{ident}"]')).to_have_count(1)
    expect(lit).to_have_count(len(step.highlight.panel))
    assert sorted(lit.nth(k).get_attribute("data-id") for k in range(lit.count())) == sorted(
        step.highlight.panel)
    if step.select is None or step.select.kind != "weight" or trace is None:
        return
    assert frame_trace["delta"] == trace.delta and frame_trace["gradient"] == trace.gradient
    config = step_config(step)
    wanted = expected_results(trace, step.select, config.activation,
                              getattr(config, "bias", True))
    checked = 0
    for ident, _, found in lines(panel.locator(".eq:not(.pending)")):
        for value, text in found:
            assert text.strip("()") == page_fmt(value), (ident, value, text)
        if ident in wanted and found:
            assert found[-1][0] == pytest.approx(wanted[ident], rel=0, abs=1e-15), ident
            checked += 1
    assert checked >= 3, "the step shows revealed lines with numbers"


@pytest.mark.parametrize("name", sorted(shipped()))
def test_walk_a_lesson_end_to_end(open_page: Any, name: str) -> None:
    lesson = shipped()[name]
    page = open_page(f"?lesson={name}&step=1&hide=sweep")
    card = page.locator(CARD)
    expect(card).to_be_visible()
    expect(page.locator("#sweep")).to_be_hidden()  # the link hid it
    count = len(lesson.steps)
    for k, step in enumerate(lesson.steps):
        expect(card.locator("#lesson-counter")).to_have_text(f"Step {k + 1} of {count}")
        expect(card.locator("#lesson-title")).to_have_text(step.title)
        expect(card.locator("#lesson-text")).to_have_text(step.text)
        expect(card.locator("#lesson-section")).to_have_text(f"§ {step.section}")
        if step.poll is not None:
            expect(card.locator("#lesson-poll")).to_contain_text("Think first:")
        trainer, trace = reference(step)
        frame = page.evaluate("() => window.backpropXor.state.frame")
        assert frame["lesson"] == {"name": name, "step": k, "steps": count, "title": step.title}
        assert frame["weights"] == trainer.weights(), step.title
        assert (frame["epoch"], frame["pattern"]) == (trainer.epoch, trainer.pattern)
        expect(page).to_have_url(re.compile(rf"lesson={name}&step={k + 1}&hide=sweep$"))
        if step.select is not None:
            selection = page.evaluate("() => window.backpropXor.state.selection")
            assert selection == step.select.model_dump()
        lit = page.evaluate("() => [...(window.backpropXor.state.lit?.network ?? [])]")
        assert len(lit) == len(step.highlight.network)
        check_panel(page, step, trace, frame["trace"])
        screenshot(page, f"lesson-{name}-{k + 1:02d}")
        if k == count - 1:
            expect(card.locator("#lesson-next")).to_be_disabled()
            break
        if k == 1:  # one step back with Page Up and forward again with the button
            page.keyboard.press("PageUp")
            expect(card.locator("#lesson-counter")).to_have_text(f"Step 1 of {count}")
            card.get_by_role("button", name="Next step ▸").click()
            expect(card.locator("#lesson-counter")).to_have_text(f"Step 2 of {count}")
        page.keyboard.press("PageDown" if k % 2 else "]")
        expect(card.locator("#lesson-counter")).to_have_text(f"Step {k + 2} of {count}")
        expect(page.locator("#derivation")).to_be_visible()
    card.get_by_role("button", name="Leave the lesson").click()
    expect(card).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/\?hide=sweep$"))


def test_lessons_dialog_starts_a_lesson_and_tailors_a_link(open_page: Any) -> None:
    page = open_page()
    page.get_by_role("button", name="Lessons").click()
    dialog = page.locator("#lessons-dialog")
    start = dialog.get_by_role("button", name=re.compile("^Start: Learning rate and momentum"))
    expect(start).to_be_visible()
    dialog.get_by_label("Error curve").check()
    dialog.get_by_label("Controls (step, run, settings)").check()
    expect(page.locator(".panel.curve")).to_be_hidden()
    expect(page.locator(".panel.controls")).to_be_hidden()
    expect(page.locator("#network-canvas")).to_be_visible()
    start.click()
    card = page.locator(CARD)
    expect(card.locator("#lesson-counter")).to_have_text("Step 1 of 7")
    page.get_by_role("button", name="Lessons").click()
    dialog.get_by_role("button", name="Copy a link to this page").click()
    link = dialog.locator("#tailor-output")
    expect(link).to_have_value(re.compile(r"\?lesson=momentum&step=1&hide=controls,curve$"))
    screenshot(page, "lesson-dialog")
    url = link.input_value()
    dialog.get_by_role("button", name="Close").click()
    # the link, opened in a new tab, shows the same focused page
    other = open_page(url.split("/", 3)[3])
    expect(other.locator(CARD).locator("#lesson-title")).to_have_text(
        shipped()["momentum"].steps[0].title)
    expect(other.locator(".panel.curve")).to_be_hidden()
    expect(other.locator(".panel.controls")).to_be_hidden()
    expect(other.locator("#step-phase")).to_be_hidden()
    box = other.locator("#network-canvas").bounding_box()
    assert box["width"] > 700, "without the controls the network takes their room"
    screenshot(other, "lesson-tailored-link")
    # a bad link is reported by name
    bad = open_page("?lesson=nope&hide=clock")
    expect(bad.locator("#message")).to_contain_text("hide: clock is not one of")
    expect(bad.locator("#message")).to_contain_text("lesson: no lesson is called 'nope'")
    expect(bad.locator(CARD)).to_be_hidden()
