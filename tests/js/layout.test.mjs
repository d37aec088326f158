import test from "node:test";
import assert from "node:assert/strict";
import { networkLayout, hitTest, neuronLabel, weightLabel, sizesFromWeights, shapeOf, segmentDistance, sameSelection } from "../../static/js/layout.js";

test("labels follow the derivation: s, h, r, v, w with bias input 0", () => {
  const sizes = [2, 2, 1];
  assert.equal(neuronLabel(sizes, 0, 1), "s₂");
  assert.equal(neuronLabel(sizes, 1, 0), "h₁");
  assert.equal(neuronLabel(sizes, 2, 0), "r");
  assert.equal(weightLabel(sizes, 0, 1, 0), "v₂,₁");
  assert.equal(weightLabel(sizes, 0, 0, 2), "v₁,₀");
  assert.equal(weightLabel(sizes, 1, 0, 1), "w₁,₂");
  assert.equal(neuronLabel([2, 3, 2, 1], 2, 1), "h²₂");
  assert.equal(weightLabel([2, 3, 2, 1], 1, 0, 0), "v²₁,₁");
});

test("sizesFromWeights reads the shape from nested weights", () => {
  assert.deepEqual(sizesFromWeights([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9]]]), [2, 2, 1]);
  assert.deepEqual(sizesFromWeights(null), [2, 2, 1]);
});

test("networkLayout places every neuron, bias node and weight inside the box", () => {
  const layout = networkLayout([2, 3, 2, 1], 600, 400);
  assert.equal(layout.nodes.length, 2 + 1 + 3 + 1 + 2 + 1 + 1);
  assert.equal(layout.edges.length, 3 * 3 + 2 * 4 + 1 * 3);
  for (const n of layout.nodes) {
    assert.ok(n.x - layout.radius >= 0 && n.x + layout.radius <= 600, `x ${n.x}`);
    assert.ok(n.y - layout.radius >= 0 && n.y + layout.radius <= 400, `y ${n.y}`);
  }
  const columns = new Set(layout.nodes.map((n) => n.x));
  assert.equal(columns.size, 4);
  assert.equal(layout.nodes.filter((n) => n.bias).every((n) => n.label === "1"), true);
});

test("hitTest finds neurons first, then the nearest weight line, else null", () => {
  const layout = networkLayout([2, 2, 1], 600, 400);
  const h1 = layout.nodes.find((n) => n.layer === 1 && n.index === 0);
  assert.deepEqual(hitTest(layout, h1.x + 2, h1.y - 2), { kind: "neuron", layer: 1, index: 0 });
  const edge = layout.edges.find((e) => e.layer === 1 && e.input === 1);
  const mx = (edge.x1 + edge.x2) / 2;
  const my = (edge.y1 + edge.y2) / 2;
  assert.deepEqual(hitTest(layout, mx, my + 1), { kind: "weight", layer: 1, neuron: 0, input: 1 });
  assert.equal(hitTest(layout, 1, 1), null);
  const bias = layout.nodes.find((n) => n.bias && n.layer === 0);
  assert.equal(hitTest(layout, bias.x, bias.y), null, "bias nodes are not selectable and hide line ends");
});

test("segmentDistance and sameSelection", () => {
  assert.equal(segmentDistance(0, 5, -10, 0, 10, 0), 5);
  assert.equal(segmentDistance(20, 0, -10, 0, 10, 0), 10);
  assert.ok(sameSelection({ kind: "weight", layer: 0, neuron: 1, input: 2 }, { kind: "weight", layer: 0, neuron: 1, input: 2 }));
  assert.ok(!sameSelection({ kind: "neuron", layer: 0, index: 1 }, null));
  assert.ok(sameSelection(null, null));
});

test("the simplest net: no bias nodes or weights, the derivation's plain symbols", () => {
  const layout = networkLayout([1, 1, 1], 400, 250, 28, 34, false);
  assert.equal(layout.nodes.length, 3);
  assert.ok(!layout.nodes.some((n) => n.bias));
  assert.deepEqual(layout.edges.map((e) => e.label), ["v", "w"]);
  assert.deepEqual(layout.nodes.map((n) => n.label), ["s", "h", "r"]);
  assert.deepEqual(sizesFromWeights([[[0.5]], [[0.7]]], false), [1, 1, 1]);
  assert.deepEqual(shapeOf({ settings: { bias: false }, weights: [[[0.5]], [[0.7]]] }), { sizes: [1, 1, 1], bias: false });
  assert.equal(weightLabel([2, 2, 1], 0, 0, 1, false), "v₁,₂", "without biases, subscripts stay where there are several");
  assert.equal(neuronLabel([2, 1, 1], 1, 0), "h", "one hidden neuron: h, as the derivation writes it");
});
