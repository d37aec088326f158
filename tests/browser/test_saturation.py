"""Saturated neurons in Chromium: the dashed halo and the note match the engine's σ' values."""

from __future__ import annotations

import math
from typing import Any

from browser_helpers import page_fmt, page_session, screenshot
from playwright.sync_api import expect

from app.engine import Trainer, TrainingConfig
from app.engine.activations import SATURATED_BELOW

#: Seed 3 is stuck after 20,000 epochs (the sweep finds it): both hidden neurons flat.
STUCK_SEED = 3


def halo_pixels(page: Any) -> dict[str, int]:
    """Per neuron ("layer:index"): how many of 72 points on its halo have the halo's colour."""
    return page.evaluate("""() => {
        const { view } = globalThis.backpropXor;
        const canvas = document.getElementById("network-canvas");
        const dpr = canvas.width / canvas.clientWidth;
        const want = view.theme.flat.match(/[0-9a-f]{2}/gi).map((h) => parseInt(h, 16));
        const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        const found = {};
        for (const node of view.layout.nodes.filter((n) => n.layer > 0 && !n.bias)) {
            let hits = 0;
            for (let k = 0; k < 72; k++) {
                const a = (k / 72) * 2 * Math.PI;
                const x = Math.round((node.x + Math.cos(a) * (view.layout.radius + 13)) * dpr);
                const y = Math.round((node.y + Math.sin(a) * (view.layout.radius + 13)) * dpr);
                const at = (y * canvas.width + x) * 4;
                let d = 0;
                for (let c = 0; c < 3; c++) d += Math.abs(data[at + c] - want[c]);
                if (d < 60) hits++;
            }
            found[`${node.layer}:${node.index}`] = hits;
        }
        return found;
    }""")


def test_a_stuck_nets_saturated_neurons_are_marked_and_explained(open_page: Any) -> None:
    page = open_page()
    expect(page.locator("#saturation-note")).to_have_text("")  # fresh weights: nothing flat
    stuck = Trainer(TrainingConfig(seed=STUCK_SEED))
    stuck.run(20_000)
    assert stuck.converged_epoch is None
    page_session(page).set_weights(stuck.weights())
    note = page.locator("#saturation-note")
    expect(note).to_contain_text("δ vanishes and learning stalls")
    below = SATURATED_BELOW["sigmoid"]
    rows = stuck.truth_table()
    names = [f"({','.join(str(int(s)) for s in row['s'])})" for row in rows]
    for j, label in enumerate(("h₁", "h₂")):
        slopes = [row["slopes"][0][j] for row in rows]
        flat = [p for p, value in enumerate(slopes) if value < below]
        assert len(flat) >= 2  # what makes the net stuck
        p = min(flat, key=lambda q: slopes[q])
        expect(note).to_contain_text(
            f"{label} on {len(flat)} of 4 patterns ({label}(1−{label}) = {page_fmt(slopes[p])} "
            f"at {names[p]})")
    r_flat = sum(row["slopes"][1][0] < below for row in rows)
    assert r_flat < 2 and "r on" not in note.inner_text()
    # drawn: a dashed halo in the saturation colour around h₁ and h₂, none around r
    page.wait_for_function("() => globalThis.backpropXor.view.saturated?.size === 2")
    page.wait_for_function("() => globalThis.backpropXor.scheduler.idle")
    halos = halo_pixels(page)
    assert halos["1:0"] >= 12 and halos["1:1"] >= 12, halos
    assert halos["2:0"] <= 2, halos
    screenshot(page, "saturation-stuck")


def test_a_solved_net_has_no_saturation_note(open_page: Any) -> None:
    page = open_page()
    solved = Trainer(TrainingConfig(seed=1))
    solved.run(20_000, stop_on_convergence=True)
    assert solved.converged_epoch is not None
    page_session(page).set_weights(solved.weights())
    expect(page.locator("#loss")).to_contain_text(page_fmt(solved.loss()))
    expect(page.locator("#saturation-note")).to_have_text("")
    assert math.isfinite(solved.loss())
