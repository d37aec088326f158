import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { derivation, mathRuns, weightSymbol, neuronSymbol, deltaSymbol } from "../../static/js/derive.js";

const load = (name) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const numbers = (section) => section.eq.filter((p) => typeof p === "object").map((p) => p.n);
const text = (section) => section.eq.map((p) => (typeof p === "string" ? p : "#")).join("");
const find = (model, heading) => model.sections.find((s) => s.heading === heading);

test("output neuron: forward, error, objective and δ_o with the trace's own numbers", () => {
  const frame = load("frame-221.json");
  const t = frame.trace;
  const model = derivation({ kind: "neuron", layer: 2, index: 0 }, frame);
  assert.equal(model.title, "Output neuron r");
  const a = find(model, "Weighted input from hidden neuron to output neuron");
  assert.equal(text(a), "a = w_{1,1}·h_{1} + w_{1,2}·h_{2} + w_{1,0}·1 = # × # + # × # + # = #");
  const w = t.weights_before[1][0];
  assert.deepEqual(numbers(a), [w[0], t.outputs[0][0], w[1], t.outputs[0][1], w[2], t.weighted[1][0]]);
  assert.deepEqual(numbers(find(model, "Response from output neuron")), [t.weighted[1][0], t.r]);
  assert.deepEqual(numbers(find(model, "Error function")), [t.d, t.r, t.e]);
  assert.deepEqual(numbers(find(model, "Objective function")), [t.e, t.l]);
  const d = find(model, "Local gradient for output neuron");
  assert.equal(text(d), "δ_{o} = e·r(1 − r) = # × # × (1 − #) = #");
  assert.deepEqual(numbers(d), [t.e, t.r, t.r, t.delta[1][0]]);
  assert.ok(model.sections.every((s) => !s.pending));
});

test("hidden neuron δ_h sums δ·w over the next layer with the weights before the update", () => {
  const frame = load("frame-221.json");
  const t = frame.trace;
  const model = derivation({ kind: "neuron", layer: 1, index: 1 }, frame);
  const d = find(model, "Local gradient backpropagation");
  assert.equal(text(d), "δ_{h2} = h_{2}(1 − h_{2})·(δ_{o}·w_{1,2}) = # × (1 − #) × (# × #) = #");
  assert.deepEqual(numbers(d), [t.outputs[0][1], t.outputs[0][1], t.delta[1][0], t.weights_before[1][0][1], t.delta[0][1]]);
});

test("weight: gradient, Δw with η and momentum, and the new weight", () => {
  const frame = load("frame-221.json");
  const t = frame.trace;
  const model = derivation({ kind: "weight", layer: 0, neuron: 0, input: 1 }, frame);
  assert.match(model.title, /^Weight v_\{1,2\}, from s_\{2\} to h_\{1\}/);
  const g = find(model, "The pattern for hidden layers");
  assert.deepEqual(numbers(g), [t.delta[0][0], t.s[1], t.gradient[0][0][1]]);
  const c = find(model, "Momentum");
  assert.equal(text(c), "Δv_{1,2}(n) = η · δ_{h1} · s_{2} + α · Δv_{1,2}(n−1) = # + # = #");
  assert.deepEqual(numbers(c), [t.learning[0][0][1], t.momentum[0][0][1], t.change[0][0][1]]);
  assert.deepEqual(numbers(find(model, "Similar pattern for hidden weights")), [frame.settings.eta, t.delta[0][0], t.s[1], t.learning[0][0][1]]);
  assert.deepEqual(numbers(find(model, "Descend the gradient")), [t.weights_before[0][0][1], t.change[0][0][1], t.weights_after[0][0][1]]);
  const bias = derivation({ kind: "weight", layer: 1, neuron: 0, input: 2 }, frame);
  assert.deepEqual(numbers(find(bias, "Output layer gradient abbreviated")), [t.delta[1][0], 1, t.gradient[1][0][2]]);
});

test("quantities of phases not yet revealed are pending, with no numbers", () => {
  const frame = load("frame-tanh-32.json"); // tanh, 2-3-2-1, after delta_hidden
  const model = derivation({ kind: "weight", layer: 2, neuron: 0, input: 0 }, frame);
  assert.equal(find(model, "Output layer gradient abbreviated").pending, false);
  const change = find(model, "The weight update rule revised");
  assert.equal(change.pending, true);
  assert.deepEqual(numbers(change), []);
  const out = derivation({ kind: "neuron", layer: 3, index: 0 }, frame);
  assert.equal(text(find(out, "Local gradient for output neuron")), "δ_{o} = e·(1 − r^{2}) = # × (1 − #^{2}) = #");
  const h = derivation({ kind: "neuron", layer: 1, index: 2 }, frame);
  assert.match(text(find(h, "Local gradient backpropagation")), /^δ_\{h1\.3\} = \(1 − h\^\{1\}_\{3\}\^\{2\}\)·\(δ_\{h2\.1\}·v\^\{2\}_\{1,3\} \+ δ_\{h2\.2\}·v\^\{2\}_\{2,3\}\)/);
  const noTrace = derivation({ kind: "neuron", layer: 1, index: 0 }, { ...frame, trace: null });
  assert.ok(noTrace.sections.every((s) => s.pending && numbers(s).length === 0));
  assert.match(noTrace.note, /Step/);
});

test("symbols and math runs", () => {
  assert.equal(neuronSymbol([2, 2, 1], 0, 0), "s_{1}");
  assert.equal(weightSymbol([2, 2, 1], 1, 0, 2), "w_{1,0}");
  assert.equal(deltaSymbol([2, 2, 1], 2, 0), "δ_{o}");
  assert.deepEqual(mathRuns("δ_{o} = e^{2}"), [
    { text: "δ", kind: "base" }, { text: "o", kind: "sub" }, { text: " = e", kind: "base" }, { text: "2", kind: "sup" },
  ]);
  assert.deepEqual(derivation(null, {}).sections, []);
});

test("definitions and identities for a neuron: σ of its weighted input, σ' from its output", () => {
  const frame = load("frame-221.json");
  const t = frame.trace;
  const model = derivation({ kind: "neuron", layer: 1, index: 0 }, frame);
  const sig = model.sections.find((s) => s.id === "sigmoid");
  assert.equal(sig.heading, "Sigmoid function");
  assert.equal(text(sig), "σ(b_{1}) = 1/(1 + exp(−b_{1})) = 1/(1 + exp(−#)) = #");
  assert.deepEqual(numbers(sig), [t.weighted[0][0], t.outputs[0][0]]);
  assert.ok(Math.abs(1 / (1 + Math.exp(-t.weighted[0][0])) - t.outputs[0][0]) < 1e-15);
  const slope = model.sections.find((s) => s.id === "slope");
  assert.equal(text(slope), "σ′(b_{1}) = σ(b_{1})·(1 − σ(b_{1})) = h_{1}(1 − h_{1}) = # × (1 − #) = #");
  const h = t.outputs[0][0];
  assert.deepEqual(numbers(slope), [h, h, h * (1 - h)]);
  const tanh = derivation({ kind: "neuron", layer: 3, index: 0 }, load("frame-tanh-32.json"));
  assert.equal(text(tanh.sections.find((s) => s.id === "slope")), "tanh′(a) = 1 − tanh^{2}(a) = (1 − r^{2}) = 1 − #^{2} = #");
});
