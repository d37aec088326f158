// The chain-rule model (static/js/chain.js) on frames the engine made (chain_fixtures.py):
// every term's number is the trace's, the terms multiply to the engine's ∂l/∂w to 1e-12, and
// lines show their numbers only once their phase is revealed.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { chainRule } from "../../static/js/chain.js";
import { derivation } from "../../static/js/derive.js";
import { PHASE_ORDER, netOf } from "../../static/js/notation.js";

const dir = new URL("./fixtures/", import.meta.url);
const load = (name) => JSON.parse(readFileSync(new URL(name, dir)));
const FIXTURES = readdirSync(dir).filter((n) => n.startsWith("chain-")).sort();
const numbers = (section) => section.eq.filter((p) => typeof p === "object").map((p) => p.n);
const text = (section) => section.eq.map((p) => (typeof p === "string" ? p : "#")).join("");
const byId = (model, id) => model.sections.find((s) => s.id === id);
const slope = (y, activation) => (activation === "tanh" ? 1 - y * y : y * (1 - y));
const close = (a, b, what) => assert.ok(Math.abs(a - b) <= 1e-12, `${what}: ${a} vs ${b}`);

/** Every weight of the frame's net: {kind, layer, neuron, input}. */
function everyWeight(frame) {
  const out = [];
  frame.weights.forEach((layer, l) => layer.forEach((row, j) => row.forEach((_, i) => out.push({ kind: "weight", layer: l, neuron: j, input: i }))));
  return out;
}

/** The same frame with its trace revealed up to `phase`. */
const atPhase = (frame, phase) => ({ ...frame, trace: { ...frame.trace, phase } });

test("fixtures cover sigmoid and tanh, online and batch, 1 to 3 hidden layers, with momentum", () => {
  const frames = FIXTURES.map(load);
  assert.ok(FIXTURES.length >= 4, FIXTURES.join());
  const has = (f) => frames.some(f);
  assert.ok(has((f) => f.settings.activation === "tanh") && has((f) => f.settings.activation === "sigmoid"));
  assert.ok(has((f) => f.settings.hidden.length === 3) && has((f) => f.settings.mode === "batch") && has((f) => f.settings.alpha > 0));
  for (const activation of ["sigmoid", "tanh"]) {
    for (const bias of [true, false]) assert.ok(has((f) => f.settings.activation === activation && f.settings.bias === bias), `${activation}, bias ${bias}`);
  }
  assert.ok(has((f) => f.settings.problem === "simplest"));
  assert.ok(frames.every((f) => f.trace?.phase === "update"));
});

for (const name of FIXTURES) {
  test(`${name}: every weight's terms are the trace's numbers and multiply to its ∂l/∂w`, () => {
    const frame = load(name);
    const t = frame.trace;
    const { sizes, bias } = netOf(frame);
    const activation = frame.settings.activation;
    const last = sizes.length - 2;
    for (const sel of everyWeight(frame)) {
      const { layer: l, neuron: j, input: i } = sel;
      const model = chainRule(sel, frame);
      const where = `${name} weight ${l},${j},${i}`;
      const isBias = bias && i === sizes[l];
      const x = isBias ? 1 : t.inputs[l][i];
      const gradient = t.gradient[l][j][i];
      const terms = model.sections.filter((s) => s.id.startsWith("term-"));
      assert.equal(terms.length, l === last ? 4 : l === last - 1 ? 6 : 0, where);
      assert.ok(model.sections.every((s) => !s.pending), where);
      if (terms.length) {
        const expected = [t.e, -1, slope(t.r, activation)];
        if (l === last) expected.push(x);
        else expected.push(t.weights_before[last][0][j], slope(t.outputs[l][j], activation), x);
        assert.deepEqual(terms.map((s) => s.value), expected, where);
        // each term's line ends with its value; e and the inputs are the trace's own numbers
        for (const s of terms) if (numbers(s).length) assert.equal(numbers(s).at(-1), s.value, `${where} ${s.id}`);
        close(terms.reduce((p, s) => p * s.value, 1), gradient, `${where}: product of the terms`);
        const combined = byId(model, "combined");
        assert.deepEqual(numbers(combined), [...expected.filter((_, k) => k !== 1), gradient], where);
        assert.equal(byId(model, "local-output").value, t.delta[last][0], where);
        assert.deepEqual(numbers(byId(model, "local-output")), [t.e, slope(t.r, activation), t.delta[last][0]], where);
        close(-t.e * slope(t.r, activation), -t.delta[last][0], `${where}: δ_o is minus the product of the first three terms`);
        assert.equal(byId(model, "abbreviated").value, gradient, where);
      } else {
        // deeper: δ = σ'(h)·Σ δ_k·w_kj over the next layer, with the trace's numbers
        const rec = byId(model, "recursion");
        const L = l + 1;
        const next = t.delta[L].map((d, k) => [d, t.weights_before[L][k][j]]);
        const h = t.outputs[l][j];
        const hs = activation === "tanh" ? [h] : [h, h];
        assert.deepEqual(numbers(rec), [...hs, ...next.flat(), t.delta[l][j]], where);
        close(slope(h, activation) * next.reduce((sum, [d, w]) => sum + d * w, 0), t.delta[l][j], `${where}: δ recursion`);
        assert.match(byId(model, "chain").note, /\d+ paths/);
        assert.match(rec.note, /replaces the sum over paths/);
      }
      if (l < last) {
        const pattern = byId(model, "pattern");
        assert.deepEqual(numbers(pattern), [t.delta[l][j], x, gradient], where);
        close(-t.delta[l][j] * x, gradient, `${where}: −δ·x`);
      }
      // gradient descent, from the engine's Δw and new weight
      assert.deepEqual(numbers(byId(model, "rule")), [frame.settings.eta, gradient, t.learning[l][j][i]], where);
      assert.deepEqual(numbers(byId(model, "descend")), [t.weights_before[l][j][i], t.change[l][j][i], t.weights_after[l][j][i]], where);
      assert.deepEqual(numbers(byId(model, "revised")), [frame.settings.eta, t.delta[l][j], x, t.learning[l][j][i]], where);
      assert.equal(text(byId(model, "negative")).includes("= η · "), true, where);
      const momentum = byId(model, "momentum");
      assert.equal(Boolean(momentum), frame.settings.alpha > 0, where);
      if (momentum && !t.batch) assert.deepEqual(numbers(momentum), [t.learning[l][j][i], t.momentum[l][j][i], t.change[l][j][i]], where);
      if (momentum && t.batch) assert.deepEqual(numbers(momentum), [t.momentum[l][j][i], t.change[l][j][i]], where);
    }
  });
}

test("output weight: the seed's four terms and their order, symbol by symbol", () => {
  const frame = load("chain-221-sigmoid.json");
  const model = chainRule({ kind: "weight", layer: 1, neuron: 0, input: 1 }, frame);
  assert.equal(model.title, "Weight w_{1,2}, from h_{2} to r");
  assert.deepEqual(model.sections.map((s) => s.id), ["weight", "chain", "term-1", "term-2", "term-3", "term-4", "combined", "local-output", "abbreviated", "rule", "descend", "negative", "revised", "momentum"]);
  assert.deepEqual(model.sections.map((s) => s.heading).slice(1, 9), ["Gradient for output layer weight, chain rule", "First term", "Second term", "Third term", "Fourth term", "Combined terms", "Local gradient for output neuron", "Output layer gradient abbreviated"]);
  const t = (id) => text(byId(model, id));
  assert.equal(t("chain"), "∂l/∂w_{1,2} = ∂l/∂e · ∂e/∂r · ∂r/∂a · ∂a/∂w_{1,2}");
  assert.equal(t("term-1"), "∂l/∂e = e = #");
  assert.equal(t("term-2"), "∂e/∂r = ∂(d − r)/∂r = −1");
  assert.equal(t("term-3"), "∂r/∂a = σ′(a) = r(1 − r) = # × (1 − #) = #");
  assert.equal(t("term-4"), "∂a/∂w_{1,2} = h_{2} = #");
  assert.equal(t("combined"), "∂l/∂w_{1,2} = −e · r(1 − r) · h_{2} = −# × # × # = #");
  assert.equal(t("local-output"), "δ_{o} = −∂l/∂a = −(∂l/∂e · ∂e/∂r · ∂r/∂a) = e · r(1 − r) = # × # = #");
  assert.equal(t("abbreviated"), "∂l/∂w_{1,2} = −δ_{o} · h_{2} = −# × # = #");
  assert.equal(t("rule"), "Δw_{1,2} = −η · ∂l/∂w_{1,2} = −# × # = #");
  assert.equal(t("descend"), "w_{1,2}(n+1) = w_{1,2}(n) + Δw_{1,2} = # + # = #");
  assert.equal(t("negative"), "Δw_{1,2} = −η · (−δ_{o} · h_{2}) = η · δ_{o} · h_{2}");
  assert.equal(t("revised"), "Δw_{1,2} = η · δ_{o} · h_{2} = # × # × # = #");
  assert.equal(t("momentum"), "Δw_{1,2}(n) = η · δ_{o} · h_{2} + α · Δw_{1,2}(n−1) = # + # = #");
});

test("weight into the hidden layer: six terms, δ_h backpropagated; a bias weight's input is 1", () => {
  const frame = load("chain-221-sigmoid.json");
  const model = chainRule({ kind: "weight", layer: 0, neuron: 1, input: 2 }, frame);
  assert.equal(model.title, "Weight v_{2,0}, the bias of h_{2}");
  const t = (id) => text(byId(model, id));
  assert.equal(t("chain"), "∂l/∂v_{2,0} = ∂l/∂e · ∂e/∂r · ∂r/∂a · ∂a/∂h_{2} · ∂h_{2}/∂b_{2} · ∂b_{2}/∂v_{2,0}");
  assert.equal(t("term-4"), "∂a/∂h_{2} = w_{1,2} = #");
  assert.equal(t("term-5"), "∂h_{2}/∂b_{2} = σ′(b_{2}) = h_{2}(1 − h_{2}) = # × (1 − #) = #");
  assert.equal(t("term-6"), "∂b_{2}/∂v_{2,0} = 1");
  assert.match(byId(model, "term-6").note, /constant 1/);
  assert.equal(t("local-hidden"), "δ_{h2} = −∂l/∂b_{2} = δ_{o} · w_{1,2} · h_{2}(1 − h_{2}) = # × # × # = #");
  assert.equal(t("pattern"), "∂l/∂v_{2,0} = −δ_{h2} · 1 = −# × # = #");
  assert.equal(byId(model, "revised").heading, "Similar pattern for hidden weights");
  assert.equal(byId(model, "term-1").note, "The first three terms are the same as for the output layer.");
});

test("tanh: σ' is 1 − y² in every term", () => {
  const frame = load("chain-221-tanh.json");
  const model = chainRule({ kind: "weight", layer: 0, neuron: 0, input: 0 }, frame);
  assert.equal(text(byId(model, "term-3")), "∂r/∂a = tanh′(a) = (1 − r^{2}) = 1 − #^{2} = #");
  assert.equal(text(byId(model, "term-5")), "∂h_{1}/∂b_{1} = tanh′(b_{1}) = (1 − h_{1}^{2}) = 1 − #^{2} = #");
  assert.equal(byId(model, "momentum"), undefined);
});

test("deeper weights: the δ recursion over the next layer, and why it replaces the sum over paths", () => {
  const frame = load("chain-322-batch.json");
  const model = chainRule({ kind: "weight", layer: 0, neuron: 2, input: 0 }, frame);
  assert.deepEqual(model.sections.map((s) => s.id).slice(0, 4), ["weight", "chain", "recursion", "pattern"]);
  assert.ok(text(byId(model, "recursion")).startsWith("δ_{h1.3} = h^{1}_{3}(1 − h^{1}_{3}) · (δ_{h2.1}·v^{2}_{1,3} + δ_{h2.2}·v^{2}_{2,3}) = # × (1 − #) × (# × # + # × #) = #"));
  assert.match(byId(model, "chain").note, /^4 paths lead from h\^\{1\}_\{3\} to r/);
  const middle = chainRule({ kind: "weight", layer: 1, neuron: 0, input: 1 }, frame);
  assert.match(byId(middle, "chain").note, /^2 paths/);
  // batch mode: Δw waits for the epoch's last pattern; this fixture is on it
  assert.equal(frame.trace.pattern, 3);
  assert.ok(frame.trace.change[0][2][0] !== 0);
  const early = chainRule({ kind: "weight", layer: 0, neuron: 2, input: 0 }, { ...frame, trace: { ...frame.trace, pattern: 1 } });
  assert.match(byId(early, "descend").note, /Batch mode/);
});

test("lines show numbers only once their phase is revealed, and stay revealed after", () => {
  const frame = load("chain-221-sigmoid.json");
  const sel = { kind: "weight", layer: 0, neuron: 0, input: 1 };
  const expectations = {
    forward: ["term-3", "term-4", "term-5", "term-6"],
    error: ["term-1", "term-2", "combined"],
    delta_output: ["local-output", "abbreviated"],
    delta_hidden: ["local-hidden", "pattern"],
    update: ["rule", "descend", "negative", "revised", "momentum"],
  };
  let revealed = new Set(["weight", "chain"]);
  for (const phase of PHASE_ORDER) {
    const model = chainRule(sel, atPhase(frame, phase));
    revealed = new Set([...revealed, ...expectations[phase]]);
    for (const s of model.sections) {
      assert.equal(s.pending, !revealed.has(s.id), `${phase}: ${s.id}`);
      if (s.pending) {
        assert.deepEqual(numbers(s), [], `${phase}: ${s.id} shows no numbers yet`);
        assert.equal(s.value, undefined);
        assert.equal(s.phase, Object.keys(expectations).find((p) => expectations[p].includes(s.id)));
      }
    }
  }
  const symbolic = chainRule(sel, { ...frame, trace: null });
  assert.ok(symbolic.sections.filter((s) => s.id !== "weight").every((s) => numbers(s).length === 0));
  assert.deepEqual(numbers(byId(symbolic, "weight")), [frame.weights[0][0][1]]);
});

test("the derivation panel shows a weight as its chain rule, with where the pattern is", () => {
  const frame = load("chain-221-tanh.json");
  const model = derivation({ kind: "weight", layer: 1, neuron: 0, input: 0 }, frame);
  assert.equal(byId(model, "chain").heading, "Gradient for output layer weight, chain rule");
  assert.equal(model.note, `Pattern ${frame.trace.pattern + 1} of epoch ${frame.trace.epoch + 1}, s = (${frame.trace.s.join(", ")}), d = ${frame.trace.d}; after the update phase.`);
});

test("symbols: the seed's network unsubscripted, subscripts only where there are several", async () => {
  const { neuronSymbol, weightedSymbol, weightSymbol, deltaSymbol } = await import("../../static/js/notation.js");
  const seed = [1, 1, 1];
  assert.deepEqual([neuronSymbol(seed, 0, 0), neuronSymbol(seed, 1, 0), neuronSymbol(seed, 2, 0)], ["s", "h", "r"]);
  assert.deepEqual([weightedSymbol(seed, 1, 0), weightedSymbol(seed, 2, 0)], ["b", "a"]);
  assert.deepEqual([weightSymbol(seed, 0, 0, 0, false), weightSymbol(seed, 1, 0, 0, false)], ["v", "w"]);
  assert.deepEqual([deltaSymbol(seed, 1, 0), deltaSymbol(seed, 2, 0)], ["δ_{h}", "δ_{o}"]);
  // with a bias the weights need their subscripts: v₁,₁ and the bias v₁,₀
  assert.deepEqual([weightSymbol(seed, 0, 0, 0, true), weightSymbol(seed, 0, 0, 1, true)], ["v_{1,1}", "v_{1,0}"]);
  const xor = [2, 2, 1];
  assert.deepEqual([neuronSymbol(xor, 0, 1), neuronSymbol(xor, 1, 0), weightSymbol(xor, 1, 0, 0), weightSymbol(xor, 0, 1, 2), deltaSymbol(xor, 1, 0)],
    ["s_{2}", "h_{1}", "w_{1,1}", "v_{2,0}", "δ_{h1}"]);
  assert.deepEqual(netOf({ settings: { bias: false }, weights: [[[0.5]], [[0.3]]] }), { sizes: [1, 1, 1], bias: false });
  assert.deepEqual(netOf({ settings: {}, weights: [[[0.5, 0.1], [0.2, 0.3]], [[0.3, 0.1, 0.2]]] }), { sizes: [1, 2, 1], bias: true });
});

test("the seed's network (simplest, no bias): the derivation's own symbols, exactly", () => {
  const frame = load("chain-111-simplest.json");
  assert.deepEqual(netOf(frame), { sizes: [1, 1, 1], bias: false });
  const w = chainRule({ kind: "weight", layer: 1, neuron: 0, input: 0 }, frame);
  const t = (model, id) => text(byId(model, id));
  assert.equal(w.title, "Weight w, from h to r");
  assert.equal(t(w, "chain"), "∂l/∂w = ∂l/∂e · ∂e/∂r · ∂r/∂a · ∂a/∂w");
  assert.equal(t(w, "term-4"), "∂a/∂w = h = #");
  assert.equal(t(w, "combined"), "∂l/∂w = −e · r(1 − r) · h = −# × # × # = #");
  assert.equal(t(w, "abbreviated"), "∂l/∂w = −δ_{o} · h = −# × # = #");
  assert.equal(t(w, "negative"), "Δw = −η · (−δ_{o} · h) = η · δ_{o} · h");
  const v = chainRule({ kind: "weight", layer: 0, neuron: 0, input: 0 }, frame);
  assert.equal(v.title, "Weight v, from s to h");
  assert.equal(t(v, "chain"), "∂l/∂v = ∂l/∂e · ∂e/∂r · ∂r/∂a · ∂a/∂h · ∂h/∂b · ∂b/∂v");
  assert.equal(t(v, "term-4"), "∂a/∂h = w = #");
  assert.equal(t(v, "term-5"), "∂h/∂b = σ′(b) = h(1 − h) = # × (1 − #) = #");
  assert.equal(t(v, "term-6"), "∂b/∂v = s = #");
  assert.equal(t(v, "combined"), "∂l/∂v = −e · r(1 − r) · w · h(1 − h) · s = −# × # × # × # × # = #");
  assert.equal(t(v, "local-hidden"), "δ_{h} = −∂l/∂b = δ_{o} · w · h(1 − h) = # × # × # = #");
  assert.equal(t(v, "pattern"), "∂l/∂v = −δ_{h} · s = −# × # = #");
  assert.equal(t(v, "revised"), "Δv = η · δ_{h} · s = # × # × # = #");
  assert.equal(t(v, "momentum"), "Δv(n) = η · δ_{h} · s + α · Δv(n−1) = # + # = #");
  // the neurons: b = v·s and a = w·h, no bias term
  const h = derivation({ kind: "neuron", layer: 1, index: 0 }, frame);
  assert.equal(h.title, "Hidden neuron h");
  assert.equal(text(h.sections.find((s) => s.id === "weighted")), "b = v·s = # × # = #");
  const r = derivation({ kind: "neuron", layer: 2, index: 0 }, frame);
  assert.equal(text(r.sections.find((s) => s.id === "weighted")), "a = w·h = # × # = #");
  assert.equal(text(r.sections.find((s) => s.id === "local-output")), "δ_{o} = e·r(1 − r) = # × # × (1 − #) = #");
  assert.match(r.note, /^Pattern 1 of epoch 4, s = 1, d = 0;/);
});

test("no bias on XOR: no bias term in a weighted input, no bias column", () => {
  const frame = load("chain-221-nobias.json");
  assert.deepEqual(netOf(frame), { sizes: [2, 2, 1], bias: false });
  const r = derivation({ kind: "neuron", layer: 2, index: 0 }, frame);
  assert.equal(text(r.sections.find((s) => s.id === "weighted")), "a = w_{1,1}·h_{1} + w_{1,2}·h_{2} = # × # + # × # = #");
});
