// The derivation's equations for the selected neuron or weight, with the frame's numbers
// substituted. Pure: returns a model ({title, sections: [{heading, eq, pending, note}]})
// that derivation.js renders. Every number is a value taken from the frame's trace or
// weights, never recomputed here, so the page shows exactly what the engine computed.
//
// An equation is a list of parts: a string of math text (x_{sub}, x^{sup}, x_o) or a number
// part {n: value} (shown formatted, with the full value kept for tests and tooltips).

import { positionText } from "./format.js";

export const PHASE_ORDER = ["forward", "error", "delta_output", "delta_hidden", "update"];

const capitalized = (text) => text[0].toUpperCase() + text.slice(1);

const num = (n, wrap = false) => ({ n, wrap });

/** Math-text symbol of neuron j (0-based) of layer `layer` (0 inputs .. last output). */
export function neuronSymbol(sizes, layer, j) {
  if (layer === 0) return `s_{${j + 1}}`;
  if (layer === sizes.length - 1) return sizes[layer] === 1 ? "r" : `r_{${j + 1}}`;
  return sizes.length > 3 ? `h^{${layer}}_{${j + 1}}` : `h_{${j + 1}}`;
}

/** Math-text symbol of the weight into neuron j of weight layer l from input i (bias: 0). */
export function weightSymbol(sizes, l, j, i) {
  const last = l === sizes.length - 2;
  const name = last ? "w" : sizes.length > 3 ? `v^{${l + 1}}` : "v";
  const from = i === sizes[l] ? 0 : i + 1;
  return `${name}_{${j + 1},${from}}`;
}

/** Math-text symbol of the local gradient of neuron j of layer L: δ_o, δ_h1 (δ_h2.1 for layer 2). */
export function deltaSymbol(sizes, L, j) {
  if (L === sizes.length - 1) return sizes[L] === 1 ? "δ_{o}" : `δ_{o${j + 1}}`;
  return sizes.length > 3 ? `δ_{h${L}.${j + 1}}` : `δ_{h${j + 1}}`;
}

function phaseIndex(trace) {
  const k = PHASE_ORDER.indexOf(trace?.phase);
  return k < 0 ? PHASE_ORDER.length - 1 : k;
}

/** Join a list of part-lists with a separator string. */
function joinParts(lists, separator) {
  const out = [];
  lists.forEach((parts, k) => {
    if (k) out.push(separator);
    out.push(...parts);
  });
  return out;
}

/** The input vector x of weight layer l: s, then each hidden layer's h (from the trace). */
function layerInputs(trace, l) {
  return l === 0 ? trace.s : trace.outputs[l - 1];
}

function section(heading, eq, pending = false, note = "") {
  return { heading, eq, pending, note };
}

/** Forward equations of neuron j of layer L >= 1: weighted input and output. */
function forwardSections(sizes, L, j, trace, activation, shown) {
  const l = L - 1;
  const output = L === sizes.length - 1;
  const weighted = output ? "a" : "b";
  const out = neuronSymbol(sizes, L, j);
  const inputs = sizes[l];
  const symbolic = [];
  for (let i = 0; i < inputs; i++) symbolic.push([`${weightSymbol(sizes, l, j, i)}·${neuronSymbol(sizes, l, i)}`]);
  symbolic.push([`${weightSymbol(sizes, l, j, inputs)}·1`]);
  const eq = [`${weighted} = `, ...joinParts(symbolic, " + ")];
  const sections = [];
  const heading = output ? "Weighted input from hidden neuron to output neuron" : "Weighted input to hidden neuron";
  if (shown >= 0) {
    const row = trace.weights_before[l][j];
    const x = layerInputs(trace, l);
    const terms = [];
    for (let i = 0; i < inputs; i++) terms.push([num(row[i], true), " × ", num(x[i], true)]);
    terms.push([num(row[inputs], true)]);
    eq.push(" = ", ...joinParts(terms, " + "), " = ", num(trace.weighted[l][j]));
  }
  sections.push(section(heading, eq, shown < 0));
  const squash = activation === "tanh" ? "tanh" : "σ";
  const outEq = [`${out} = ${squash}(${weighted})`];
  if (shown >= 0) outEq.push(` = ${squash}(`, num(trace.weighted[l][j]), ") = ", num(trace.outputs[l][j]));
  sections.push(section(output ? "Response from output neuron" : "Hidden neuron output", outEq, shown < 0));
  return sections;
}

/** Error and objective (shown from the error phase on). */
function errorSections(trace, shown) {
  const ready = shown >= 1;
  const e = ["e = d − r"];
  const l = ["l = ½e^{2}"];
  if (ready) {
    e.push(" = ", num(trace.d), " − ", num(trace.r, true), " = ", num(trace.e));
    l.push(" = ½ × ", num(trace.e, true), "^{2} = ", num(trace.l));
  }
  return [section("Error function", e, !ready), section("Objective function", l, !ready)];
}

/** δ of the output neuron. */
function outputDeltaSection(trace, activation, shown) {
  const ready = shown >= 2;
  const eq = activation === "tanh" ? ["δ_{o} = e·(1 − r^{2})"] : ["δ_{o} = e·r(1 − r)"];
  if (ready) {
    const last = trace.delta.length - 1;
    const r = trace.r;
    if (activation === "tanh") eq.push(" = ", num(trace.e, true), " × (1 − ", num(r, true), "^{2})");
    else eq.push(" = ", num(trace.e, true), " × ", num(r, true), " × (1 − ", num(r, true), ")");
    eq.push(" = ", num(trace.delta[last][0]));
  }
  return section("Local gradient for output neuron", eq, !ready);
}

/** δ of hidden neuron j of layer L: h(1 − h)·Σ δ_k·w_k over the next layer. */
function hiddenDeltaSection(sizes, L, j, trace, activation, shown) {
  const ready = shown >= 3;
  const h = neuronSymbol(sizes, L, j);
  const terms = [];
  for (let k = 0; k < sizes[L + 1]; k++) {
    terms.push([`${deltaSymbol(sizes, L + 1, k)}·${weightSymbol(sizes, L, k, j)}`]);
  }
  const slope = activation === "tanh" ? `(1 − ${h}^{2})` : `${h}(1 − ${h})`;
  const eq = [`${deltaSymbol(sizes, L, j)} = ${slope}·(`, ...joinParts(terms, " + "), ")"];
  if (ready) {
    const out = trace.outputs[L - 1][j];
    const numbers = [];
    for (let k = 0; k < sizes[L + 1]; k++) numbers.push([num(trace.delta[L][k], true), " × ", num(trace.weights_before[L][k][j], true)]);
    if (activation === "tanh") eq.push(" = (1 − ", num(out, true), "^{2}) × (");
    else eq.push(" = ", num(out, true), " × (1 − ", num(out, true), ") × (");
    eq.push(...joinParts(numbers, " + "), ") = ", num(trace.delta[L - 1][j]));
  }
  return section("Local gradient backpropagation", eq, !ready);
}

/**
 * The derivation for `selection` ({kind: "neuron", layer, index} or {kind: "weight", layer,
 * neuron, input}) given the frame's trace (may be null), weights and settings.
 */
export function derivation(selection, frame) {
  const weights = frame?.weights;
  if (!selection || !weights) return { title: "", sections: [], note: "Hover over or click a neuron or a weight." };
  const sizes = [weights[0][0].length - 1, ...weights.map((layer) => layer.length)];
  const trace = frame.trace || null;
  const activation = frame.settings?.activation ?? "sigmoid";
  const shown = trace ? phaseIndex(trace) : -1;
  const note = trace
    ? `${capitalized(positionText(trace.epoch, trace.pattern))}, s = (${trace.s.join(", ")}), d = ${trace.d}; after the ${PHASE_ORDER[shown].replace("_", " ")} phase.`
    : "Step a phase or a pattern to see the numbers of one pattern.";
  if (selection.kind === "neuron") {
    const { layer: L, index: j } = selection;
    const symbol = neuronSymbol(sizes, L, j);
    if (L === 0) {
      const eq = [`${symbol} = `];
      if (trace) eq.push(num(trace.s[j]));
      return { title: `Input ${symbol}`, sections: [section("Signal: the input to the hidden neurons", eq, !trace)], note };
    }
    const sections = forwardSections(sizes, L, j, trace, activation, shown);
    if (L === sizes.length - 1) sections.push(...errorSections(trace, shown), outputDeltaSection(trace, activation, shown));
    else sections.push(hiddenDeltaSection(sizes, L, j, trace, activation, shown));
    return { title: L === sizes.length - 1 ? `Output neuron ${symbol}` : `Hidden neuron ${symbol}`, sections, note };
  }
  const { layer: l, neuron: j, input: i } = selection;
  const symbol = weightSymbol(sizes, l, j, i);
  const output = l === sizes.length - 2;
  const bias = i === sizes[l];
  const x = bias ? "1" : neuronSymbol(sizes, l, i);
  const delta = deltaSymbol(sizes, l + 1, j);
  const sections = [];
  const current = section("Weight", [`${symbol} = `, num(trace ? trace.weights_before[l][j][i] : weights[l][j][i])]);
  sections.push(current);
  const gradientReady = shown >= (output ? 2 : 3);
  const grad = [`∂l/∂${symbol} = −${delta}·${x}`];
  if (gradientReady) {
    const xv = bias ? 1 : layerInputs(trace, l)[i];
    grad.push(" = −", num(trace.delta[l][j], true), " × ", num(xv, true), " = ", num(trace.gradient[l][j][i]));
  }
  sections.push(section(output ? "Output layer gradient abbreviated" : "The pattern for hidden layers", grad, !gradientReady));
  const updateReady = shown >= 4;
  const xv = bias || !trace ? 1 : layerInputs(trace, l)[i];
  const eta = frame.settings?.eta;
  const alpha = frame.settings?.alpha;
  const change = [`Δ${symbol} = η·${delta}·${x} + α·Δ${symbol}(n−1)`];
  let changeNote = "";
  if (updateReady) {
    change.push(" = ", num(eta), " × ", num(trace.delta[l][j], true), " × ", num(xv, true), " + ", num(trace.momentum[l][j][i], true));
    if (trace.batch && trace.pattern !== 3) {
      change.push(" → ", num(trace.change[l][j][i]));
      changeNote = "Batch mode: η·δ·x is summed over the epoch and applied after the 4th pattern.";
    } else {
      change.push(" = ", num(trace.change[l][j][i]));
    }
    if (alpha) changeNote = `${changeNote} Momentum α = ${alpha}: α·Δw(n−1) shown as its value.`.trim();
  }
  sections.push(section("The weight update rule revised (with momentum)", change, !updateReady, changeNote));
  const descend = [`${symbol}(n+1) = ${symbol}(n) + Δ${symbol}`];
  if (updateReady) descend.push(" = ", num(trace.weights_before[l][j][i], true), " + ", num(trace.change[l][j][i], true), " = ", num(trace.weights_after[l][j][i]));
  sections.push(section("Descend the gradient", descend, !updateReady));
  return { title: `Weight ${symbol}, ${bias ? "the bias of" : `from ${x} to`} ${neuronSymbol(sizes, l + 1, j)}`, sections, note };
}

/** Split math text into runs: [{text, kind: "base"|"sub"|"sup"}] (x_{12}, x_o, x^{2}). */
export function mathRuns(text) {
  const runs = [];
  const re = /([_^])(\{([^}]*)\}|(.))/gu;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) runs.push({ text: text.slice(last, m.index), kind: "base" });
    runs.push({ text: m[3] ?? m[4], kind: m[1] === "_" ? "sub" : "sup" });
    last = m.index + m[0].length;
  }
  if (last < text.length) runs.push({ text: text.slice(last), kind: "base" });
  return runs;
}
