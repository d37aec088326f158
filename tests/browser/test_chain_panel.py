"""The chain rule in the derivation panel, in Chromium: a selected weight's terms appear phase
by phase, and every number is the engine's (an engine Trainer stepped beside the page).
The panel at each phase is screenshotted (test-artifacts/chain-<net>-<phase>.png); the last
one of the XOR net is the README's picture (docs/chain-rule.png)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_helpers import SCREENSHOTS, lines, numbers, page_fmt
from playwright.sync_api import expect
from test_page import click_weight

from app.engine import Trainer, TrainingConfig

#: Which lines show their numbers after each phase (ids of chain.js), for a hidden weight.
REVEALED = {
    "forward": {"weight", "chain", "term-3", "term-4", "term-5", "term-6"},
    "error": {"term-1", "term-2", "combined"},
    "delta_output": {"local-output", "abbreviated"},
    "delta_hidden": {"local-hidden", "pattern"},
    "update": {"rule", "descend", "negative", "revised", "momentum"},
}
PHASES = list(REVEALED)


def slope(y: float) -> float:
    """σ' from the output."""
    return y * (1 - y)


@pytest.mark.parametrize(("query", "config", "weight"), [
    ("?seed=7&alpha=0.5", TrainingConfig(seed=7, alpha=0.5), (0, 0, 0)),
])
def test_a_hidden_weights_chain_rule_phase_by_phase(open_page: Any, query: str,
                                                     config: TrainingConfig,
                                                     weight: tuple[int, int, int]) -> None:
    page = open_page(query)
    expect(page.locator("#setting-alpha")).to_have_value(str(config.alpha))
    trainer = Trainer(config)
    # three patterns first: the third, s = (1, 0), moves v₁,₁, so momentum has a change to carry
    for k in range(3):
        trainer.step_pattern()
        page.get_by_role("button", name="▸▸ Pattern").click()
        expect(page.locator("#status")).to_contain_text(f"pattern {k + 2} of epoch 1")
    click_weight(page, *weight)
    panel = page.locator("#derivation")
    expect(panel.locator('.eq[data-id="term-6"]')).to_be_visible()
    shown: set[str] = set()
    for phase in PHASES:
        page.keyboard.press("ArrowRight")
        trace = trainer.step_phase()
        shown |= REVEALED[phase]
        expect(panel.locator(f'.eq[data-phase="{phase}"]').first).not_to_have_class(
            re.compile("pending"))
        # awaited: the panel marks the lines still to come a frame after the phase's own
        ids = [ident for ident, _, _ in lines(panel.locator(".eq"))]
        expect(panel.locator(".eq.pending")).to_have_count(len(set(ids) - shown))
        read = lines(panel.locator(".eq"))
        ids = [ident for ident, _, _ in read]
        pending = {ident for ident, classes, _ in read if "pending" in classes.split()}
        assert pending == set(ids) - shown, (phase, pending)
        for ident, _, found in read:
            if ident in pending:
                assert found == [], (phase, ident)
            for number, text in found:
                assert text.strip("()") == page_fmt(number), (ident, number, text)
        if SCREENSHOTS:
            page.locator("#derivation").screenshot(path=str(artifact(f"chain-xor-{phase}")))
    # after the update every term is the engine's own number, and they multiply to ∂l/∂v
    layer, neuron, column = weight
    h = trace.outputs[layer][neuron]
    x = trace.inputs[layer][column]
    w = trace.weights_before[1][0][neuron]
    terms = [value(panel, f"term-{k}") for k in range(1, 7)]
    assert terms == [trace.e, -1, slope(trace.r), w, slope(h), x]
    product = terms[0] * terms[1] * terms[2] * terms[3] * terms[4] * terms[5]
    assert product == pytest.approx(trace.gradient[layer][neuron][column], abs=1e-12)
    assert value(panel, "combined") == trace.gradient[layer][neuron][column]
    assert value(panel, "local-output") == trace.delta[1][0]
    assert value(panel, "local-hidden") == trace.delta[layer][neuron]
    assert value(panel, "momentum") == trace.change[layer][neuron][column]
    assert trace.momentum[layer][neuron][column] != 0
    assert value(panel, "descend") == trace.weights_after[layer][neuron][column]
    assert page.evaluate("() => window.backpropXor.state.frame.trace.gradient") == trace.gradient


def value(panel: Any, ident: str) -> float:
    """The number a line ends with (∂e/∂r is the constant −1, written as text)."""
    line = panel.locator(f'.eq[data-id="{ident}"]')
    found = numbers(line)
    if found:
        return found[-1][0]
    text = line.locator(".math").inner_text()
    assert text.endswith("= −1"), text
    return -1.0


def artifact(name: str) -> Any:
    """A path in test-artifacts/."""
    from browser_helpers import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
