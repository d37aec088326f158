"""The decision surface drawn from its 8-bit levels looks the same as drawn from the engine's
exact outputs: the page's canvases compared pixel by pixel, at a fixed epoch, in Chromium."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import numpy as np

from app.engine import Trainer, TrainingConfig
from app.sessions import surface_grid

#: Every canvas pixel's RGBA: the main surface's canvas, and each hidden neuron's cell of the
#: atlas (the one canvas their small surfaces share), in device pixels.
PIXELS = """() => {
  const read = (c, x = 0, y = 0, w = c.width, h = c.height) => {  // through a copy (no warning)
    const copy = document.createElement("canvas");
    Object.assign(copy, { width: w, height: h });
    const ctx = copy.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(c, x, y, w, h, 0, 0, w, h);
    const bytes = ctx.getImageData(0, 0, w, h).data;  // as base64: a list of numbers is slow
    let text = "";
    for (let k = 0; k < bytes.length; k += 0x8000) {
      text += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
    }
    return btoa(text);
  };
  const main = document.querySelector("#surface-canvas");
  const atlas = document.querySelector("#hidden-canvas");
  const dpr = atlas.width / atlas.clientWidth;
  const cells = globalThis.backpropXor.view.atlas.cells.map((cell) => read(atlas,
    Math.round(cell.x * dpr), Math.round(cell.y * dpr), Math.round(cell.width * dpr),
    Math.round(cell.height * dpr)));
  return [read(main), ...cells];
}"""

#: Swap in exact outputs for the decoded levels and redraw (as a frame's surface would).
EXACT = """([output, hidden]) => {
  const { state, scheduler } = globalThis.backpropXor;
  state.surface = { ...state.surface, output: Float32Array.from(output),
                    hidden: hidden.map((h) => Float32Array.from(h)) };
  state.frameVersion += 1;
  scheduler.mark("surface");
}"""


def exact_outputs(epochs: int) -> tuple[list[float], list[list[float]]]:
    """The engine's response and hidden outputs over the grid after `epochs`, as float32."""
    trainer = Trainer(TrainingConfig())
    trainer.run(epochs)
    out = trainer.outputs_over(surface_grid()).astype(np.float32)
    return out[:, -1].tolist(), [out[:, 2 + k].tolist() for k in range(2)]


def test_the_surface_from_levels_matches_the_exact_one_pixel_for_pixel(open_page: Any) -> None:
    page = open_page()
    # a surface with something on it: seed 1's net trained until it converged (the run stops)
    page.evaluate("async () => { const c = globalThis.backpropXor.client;"
                  " await c.command('speed', {level: 8}); await c.command('run'); }")
    page.wait_for_function("() => { const f = globalThis.backpropXor.state.frame;"
                           " return f?.status === 'converged' && !f.running; }")
    epochs = page.evaluate("() => globalThis.backpropXor.state.frame.epoch")
    page.wait_for_function("() => globalThis.backpropXor.scheduler.idle")
    page.wait_for_timeout(300)  # the surfaces repaint at most every 100 ms: let the last one land
    page.wait_for_function("() => globalThis.backpropXor.scheduler.idle")
    shots = Path(os.environ.get("SURFACE_SHOTS", "/tmp"))
    page.locator("#surface-canvas").screenshot(path=str(shots / "surface-levels.png"))
    from_levels = page.evaluate(PIXELS)

    page.evaluate(EXACT, list(exact_outputs(epochs)))
    page.wait_for_timeout(300)
    page.wait_for_function("() => globalThis.backpropXor.scheduler.idle")
    page.locator("#surface-canvas").screenshot(path=str(shots / "surface-exact.png"))
    from_exact = page.evaluate(PIXELS)

    assert len(from_levels) == len(from_exact) == 3  # r and two hidden neurons
    for levels, exact in zip(from_levels, from_exact, strict=True):
        a, b = (np.frombuffer(base64.b64decode(x), dtype=np.uint8).astype(int)
                for x in (levels, exact))
        assert a.shape == b.shape and a.size > 1000
        assert len(np.unique(a.reshape(-1, 4), axis=0)) > 10  # a surface drawn, not a blank
        diff = np.abs(a - b)
        # half a level is 1/510 of the range: at most one step of a colour channel
        assert diff.max() <= 1, f"{diff.max()} apart"
        assert np.count_nonzero(diff) <= 0.05 * a.size
        differ = np.count_nonzero(diff.reshape(-1, 4).any(1))
        print(f"epoch {epochs}: canvas of {a.size // 4} pixels: {differ} differ, "
              f"by at most {diff.max()}")
