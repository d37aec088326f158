import test from "node:test";
import assert from "node:assert/strict";
import { moveCursor, columnItems } from "../../static/js/network-keys.js";

const n = (layer, index) => ({ kind: "neuron", layer, index });
const w = (layer, neuron, input) => ({ kind: "weight", layer, neuron, input });

test("columns alternate neurons and the weights between them, bias weights included", () => {
  const sizes = [2, 2, 1];
  assert.deepEqual(columnItems(sizes, 0), [n(0, 0), n(0, 1)]);
  assert.equal(columnItems(sizes, 1).length, 2 * 3);
  assert.deepEqual(columnItems(sizes, 3), [w(1, 0, 0), w(1, 0, 1), w(1, 0, 2)]);
  assert.deepEqual(columnItems(sizes, 4), [n(2, 0)]);
});

test("arrows walk every neuron and weight of a 2-2-1 net", () => {
  const sizes = [2, 2, 1];
  let c = n(2, 0); // the output
  c = moveCursor(sizes, c, "ArrowLeft");
  assert.deepEqual(c, w(1, 0, 0), "← from r: its first incoming weight w1,1");
  c = moveCursor(sizes, c, "ArrowDown");
  assert.deepEqual(c, w(1, 0, 1));
  c = moveCursor(sizes, c, "ArrowLeft");
  assert.deepEqual(c, n(1, 1), "← from w1,2: the neuron it comes from, h2");
  c = moveCursor(sizes, c, "ArrowUp");
  assert.deepEqual(c, n(1, 0));
  assert.deepEqual(moveCursor(sizes, c, "ArrowUp"), c, "no wrap at the top");
  c = moveCursor(sizes, n(0, 1), "ArrowRight");
  assert.deepEqual(c, w(0, 0, 1), "→ from s2: its first outgoing weight v1,2");
  assert.deepEqual(moveCursor(sizes, c, "ArrowRight"), n(1, 0), "→ from a weight: the neuron it feeds");
  assert.deepEqual(moveCursor(sizes, w(1, 0, 2), "ArrowLeft"), n(1, 1), "a bias weight goes back to the layer's last neuron");
  assert.deepEqual(moveCursor(sizes, n(2, 0), "ArrowRight"), n(2, 0), "the output is the last column");
  assert.deepEqual(moveCursor(sizes, n(0, 0), "ArrowLeft"), n(0, 0));
  assert.deepEqual(moveCursor(sizes, w(0, 0, 0), "End"), w(0, 1, 2));
  assert.deepEqual(moveCursor(sizes, w(0, 1, 2), "Home"), w(0, 0, 0));
});

test("every item of a deep net is reachable from the output", () => {
  const sizes = [2, 3, 4, 1];
  const seen = new Set();
  const key = (c) => JSON.stringify(c);
  const queue = [n(3, 0)];
  while (queue.length) {
    const c = queue.shift();
    if (seen.has(key(c))) continue;
    seen.add(key(c));
    for (const k of ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End"]) queue.push(moveCursor(sizes, c, k));
  }
  const all = [0, 1, 2, 3, 4, 5, 6].flatMap((c) => columnItems(sizes, c));
  assert.equal(seen.size, all.length);
});

test("the simplest net (no biases): s, v, h, w, r in a row", () => {
  const sizes = [1, 1, 1];
  assert.deepEqual(columnItems(sizes, 1, false), [w(0, 0, 0)], "one weight, no bias column");
  let c = n(0, 0);
  const seen = [];
  for (let k = 0; k < 4; k++) seen.push((c = moveCursor(sizes, c, "ArrowRight", false)));
  assert.deepEqual(seen, [w(0, 0, 0), n(1, 0), w(1, 0, 0), n(2, 0)]);
  assert.deepEqual(moveCursor(sizes, w(1, 0, 0), "ArrowDown", false), w(1, 0, 0));
});
