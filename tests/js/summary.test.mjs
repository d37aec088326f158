import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { derivationSummary } from "../../static/js/summary.js";
import { fmt } from "../../static/js/format.js";

const frame = JSON.parse(readFileSync(new URL("./fixtures/frame-221.json", import.meta.url)));

test("the summary names the item and says each equation's result", () => {
  const text = derivationSummary({ kind: "neuron", layer: 2, index: 0 }, frame);
  assert.match(text, /^Output neuron r\./);
  const t = frame.trace;
  if (frame.trace.phase !== "forward") assert.ok(text.includes(`e = ${fmt(t.e)}`), text);
  assert.ok(text.includes(`r = ${fmt(t.r)}`) || text.includes("later"), text);
  const weight = derivationSummary({ kind: "weight", layer: 1, neuron: 0, input: 1 }, frame);
  assert.match(weight, /^Weight w1,2, from h2 to r\./);
  assert.ok(!/[_{}^]/.test(weight), "no math markup in words for a screen reader");
});

test("without a selection the summary is the panel's hint", () => {
  assert.match(derivationSummary(null, frame), /Hover over or click/);
});
