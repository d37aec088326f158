import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { captionText, exportScale } from "../../static/js/png.js";
import { fileStem } from "../../static/js/downloads.js";

const frame = JSON.parse(readFileSync(new URL("./fixtures/frame-221.json", import.meta.url)));

test("the caption names problem, layout, activation, η, α, epochs done and the loss", () => {
  const text = captionText({ ...frame, epoch: 1265, loss: 0.003124, settings: { ...frame.settings, eta: 0.5, alpha: 0.9 } });
  assert.match(text, /^xor · 2-2-1 · sigmoid · η = 0\.5 · α = 0\.9 · 1\u2009265 epochs done · L = 0\.00312$/);
  assert.ok(!captionText({ ...frame, loss: null }).includes("L ="));
});

test("exports are at least 2x, more on denser screens; file names carry the layout", () => {
  assert.equal(exportScale(1), 2);
  assert.equal(exportScale(2), 2);
  assert.equal(exportScale(2.6), 3);
  assert.match(fileStem({ ...frame, epoch: 12 }), /^backprop-xor-2-2-1-epoch12$/);
});
