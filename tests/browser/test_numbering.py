"""One numbering and one criterion on the page, in Chromium: the status, the derivation's note,
the CSVs and the PNG caption count epochs the same way (epoch n is the n-th pass; the
counter says epochs done), and "converged" in the status agrees with the truth table's ✓ and
with the engine. PNG exports are at least 2x with their caption."""

from __future__ import annotations

import csv
import io
import re
import struct
from typing import Any

from browser_helpers import page_session, screenshot
from playwright.sync_api import expect

from app.engine import Trainer, TrainingConfig

STATUS = "#status"
HOOK_TEXT = """
window.__texts = [];
const fill = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
  window.__texts.push(String(text));
  return fill.call(this, text, ...rest);
};
"""


def download(page: Any, button: str) -> bytes:
    with page.expect_download() as done:
        page.get_by_role("button", name=button).click()
    with open(done.value.path(), "rb") as f:
        return f.read()


def rows(data: bytes) -> list[dict[str, str]]:
    text = data.decode().split("\r\n\r\n")[0]
    return list(csv.DictReader(io.StringIO(text)))


def test_epochs_agree_across_status_derivation_and_csvs(open_page: Any) -> None:
    page = open_page("?seed=9")
    page.get_by_role("button", name="▸▸▸ Epoch").click()
    expect(page.locator(STATUS)).to_contain_text("1 epoch done")
    for _ in range(2):
        page.get_by_role("button", name="▸▸ Pattern").click()
    # two patterns into the second pass: the next step works on pattern 3 of epoch 2
    expect(page.locator(STATUS)).to_have_text("Paused at pattern 3 of epoch 2 · 1 epoch done")
    # the derivation shows the last traced pattern: pattern 2 of the same epoch 2
    expect(page.locator("#derivation .note")).to_contain_text("Pattern 2 of epoch 2")
    trace = rows(download(page, "Step trace CSV"))
    assert {(r["epoch"], r["pattern"]) for r in trace} == {("2", "2")}
    history = rows(download(page, "Error history CSV"))
    assert history[0]["after_epoch"] == "0" and history[-1]["after_epoch"] == "1"
    session = page_session(page)
    assert (session.trainer.epoch, session.trainer.pattern) == (1, 2)


def test_converged_means_the_same_in_the_status_the_truth_table_and_the_engine(
        open_page: Any) -> None:
    # tanh, seed 2: the case where the status once said converged beside an e of 0.103
    page = open_page("?activation=tanh&seed=2")
    expect(page.locator("#setting-activation")).to_have_value("tanh")
    top = page.evaluate("() => globalThis.backpropXor.state.table.speeds.length - 1")
    page.locator("#speed").fill(str(top))
    page.get_by_role("button", name="Run").click()
    status = page.locator(STATUS)
    expect(status).to_contain_text(re.compile(r"Converged after epoch [\d\u2009]+: every"),
                                   timeout=60_000)
    expect(page.locator("#run")).to_have_text("Run")
    frame = page.evaluate("() => globalThis.backpropXor.state.frame")
    n = frame["converged_epoch"]
    assert frame["epoch"] == n, "the counter reads the epoch after which it converged"
    assert f"after epoch {n:,}".replace(",", "\u2009") in status.inner_text()
    marks = page.locator("#truth-table tbody td.close")
    expect(marks).to_have_count(4)  # every row ✓ ...
    assert all(abs(row["e"]) < 0.1 for row in frame["truth"])  # ... on the weights shown
    engine = Trainer(TrainingConfig(activation="tanh", seed=2))
    engine.run(200_000, stop_on_convergence=True)
    assert engine.converged_epoch == n, "the CLI's and the page's converged epoch agree"
    screenshot(page, "numbering-converged-tanh")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_png_exports_are_2x_with_a_caption(open_page: Any) -> None:
    page = open_page("?seed=5", viewport={"width": 1366, "height": 768})
    page.add_init_script(HOOK_TEXT)
    page.reload()
    expect(page.locator("#truth-table tbody tr")).to_have_count(4)
    page.get_by_role("button", name="▸▸▸ Epoch").click()
    expect(page.locator(STATUS)).to_contain_text("1 epoch done")
    for button, canvas in (("Network PNG", "#network-canvas"), ("Curve PNG", "#curve-canvas")):
        page.evaluate("() => { window.__texts = []; }")
        data = download(page, button)
        box = page.locator(canvas).bounding_box()
        width, height = png_size(data)
        assert width == round(round(box["width"]) * 2), (button, width, box)
        assert height > round(box["height"]) * 2, "the picture and a caption band below it"
        caption = [t for t in page.evaluate("() => window.__texts") if t.startswith("xor · ")]
        assert caption == ["xor · 2-2-1 · sigmoid · η = 0.5 · α = 0 · 1 epoch done · L = "
                           + caption[0].split("L = ")[1]], caption
