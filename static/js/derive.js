// The derivation's equations for the selected neuron or weight, with the frame's numbers
// substituted. Pure: returns a model ({title, sections: [{id, heading, eq, pending, note}], note})
// that derivation.js renders. Every number is a value taken from the frame's trace or
// weights, never recomputed here, so the page shows exactly what the engine computed. A weight's
// equations are the chain rule worked term by term (chain.js).
//
// An equation is a list of parts: a string of math text (x_{sub}, x^{sup}, x_o) or a number
// part {n: value} (shown formatted, with the full value kept for tests and tooltips).
import { PHASE_ORDER, phaseIndex, netOf, neuronSymbol, weightedSymbol, weightSymbol, deltaSymbol, num, joinParts, section, slopeText, slopeValue, slopeNumbers } from "./notation.js";
import { chainRule } from "./chain.js";
import { positionText } from "./format.js";

export { PHASE_ORDER, neuronSymbol, weightSymbol, deltaSymbol };

/** The input vector x of weight layer l: s, then each hidden layer's h (from the trace). */
function layerInputs(trace, l) {
  return l === 0 ? trace.s : trace.outputs[l - 1];
}

/** Forward equations of neuron j of layer L >= 1: weighted input and output. */
function forwardSections(net, L, j, trace, activation, shown) {
  const { sizes, bias } = net;
  const l = L - 1;
  const output = L === sizes.length - 1;
  const weighted = weightedSymbol(sizes, L, j);
  const out = neuronSymbol(sizes, L, j);
  const inputs = sizes[l];
  const symbolic = [];
  for (let i = 0; i < inputs; i++) symbolic.push([`${weightSymbol(sizes, l, j, i, bias)}·${neuronSymbol(sizes, l, i)}`]);
  if (bias) symbolic.push([`${weightSymbol(sizes, l, j, inputs, bias)}·1`]);
  const eq = [`${weighted} = `, ...joinParts(symbolic, " + ")];
  const sections = [];
  const heading = output ? "Weighted input from hidden neuron to output neuron" : "Weighted input to hidden neuron";
  if (shown >= 0) {
    const row = trace.weights_before[l][j];
    const x = layerInputs(trace, l);
    const terms = [];
    for (let i = 0; i < inputs; i++) terms.push([num(row[i], true), " × ", num(x[i], true)]);
    if (bias) terms.push([num(row[inputs], true)]);
    eq.push(" = ", ...joinParts(terms, " + "), " = ", num(trace.weighted[l][j]));
  }
  sections.push(section(heading, eq, shown < 0, "", "weighted"));
  const squash = activation === "tanh" ? "tanh" : "σ";
  const outEq = [`${out} = ${squash}(${weighted})`];
  if (shown >= 0) outEq.push(` = ${squash}(`, num(trace.weighted[l][j]), ") = ", num(trace.outputs[l][j]));
  sections.push(section(output ? "Response from output neuron" : "Hidden neuron output", outEq, shown < 0, "", "output"));
  sections.push(...definitionSections(weighted, out, shown >= 0 ? trace.weighted[l][j] : null, shown >= 0 ? trace.outputs[l][j] : null, activation));
  return sections;
}

/** The definitions and identities for this neuron: the squashing function and its slope from the output. */
function definitionSections(x, y, xValue, yValue, activation) {
  const ready = yValue !== null;
  const tanh = activation === "tanh";
  // exp() rather than a superscript: math text has no subscripts inside superscripts, nor numbers
  const f = tanh ? [`tanh(${x}) = (exp(${x}) − exp(−${x}))/(exp(${x}) + exp(−${x}))`] : [`σ(${x}) = 1/(1 + exp(−${x}))`];
  if (ready) f.push(...(tanh ? [" = ", num(yValue)] : [" = 1/(1 + exp(−", num(xValue, true), ")) = ", num(yValue)]));
  const d = tanh ? [`tanh′(${x}) = 1 − tanh^{2}(${x}) = ${slopeText(y, activation)}`] : [`σ′(${x}) = σ(${x})·(1 − σ(${x})) = ${slopeText(y, activation)}`];
  if (ready) d.push(" = ", ...slopeNumbers(yValue, activation), " = ", num(slopeValue(yValue, activation)));
  return [
    section(tanh ? "The tanh function (an option)" : "Sigmoid function", f, !ready, "", "sigmoid"),
    section(tanh ? "Derivative of tanh" : "Derivative of the sigmoid function", d, !ready,
      "Written with the neuron's own output: no need for the weighted input again.", "slope"),
  ];
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
  return [section("Error function", e, !ready, "", "error"), section("Objective function", l, !ready, "", "objective")];
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
  return section("Local gradient for output neuron", eq, !ready, "", "local-output");
}

/** δ of hidden neuron j of layer L: h(1 − h)·Σ δ_k·w_k over the next layer. */
function hiddenDeltaSection(net, L, j, trace, activation, shown) {
  const { sizes, bias } = net;
  const ready = shown >= 3;
  const h = neuronSymbol(sizes, L, j);
  const terms = [];
  for (let k = 0; k < sizes[L + 1]; k++) {
    terms.push([`${deltaSymbol(sizes, L + 1, k)}·${weightSymbol(sizes, L, k, j, bias)}`]);
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
  return section("Local gradient backpropagation", eq, !ready, "", "recursion");
}

/** Where the trace is, in words: pattern, epoch (both from 1), s, d and the phase. */
const capitalized = (text) => text[0].toUpperCase() + text.slice(1);

/** The panel's note: which pattern of which epoch the numbers are from, and the phase. */
function traceNote(trace, shown) {
  if (!trace) return "Step a phase or a pattern to see the numbers of one pattern.";
  const s = trace.s.length === 1 ? `s = ${trace.s[0]}` : `s = (${trace.s.join(", ")})`;
  return `${capitalized(positionText(trace.epoch, trace.pattern))}, ${s}, d = ${trace.d}; after the ${PHASE_ORDER[shown].replace("_", " ")} phase.`;
}

/**
 * The derivation for `selection` ({kind: "neuron", layer, index} or {kind: "weight", layer,
 * neuron, input}) given the frame's trace (may be null), weights and settings.
 */
export function derivation(selection, frame) {
  const weights = frame?.weights;
  if (!selection || !weights) return { title: "", sections: [], note: "Hover over or click a neuron or a weight." };
  const net = netOf(frame);
  const { sizes } = net;
  const trace = frame.trace || null;
  const activation = frame.settings?.activation ?? "sigmoid";
  const shown = phaseIndex(trace);
  const note = traceNote(trace, shown);
  if (selection.kind === "weight") return { ...chainRule(selection, frame), note };
  const { layer: L, index: j } = selection;
  const symbol = neuronSymbol(sizes, L, j);
  if (L === 0) {
    const eq = [`${symbol} = `];
    if (trace) eq.push(num(trace.s[j]));
    return { title: `Input ${symbol}`, sections: [section("Signal: the input to the hidden neurons", eq, !trace, "", "signal")], note };
  }
  const sections = forwardSections(net, L, j, trace, activation, shown);
  if (L === sizes.length - 1) sections.push(...errorSections(trace, shown), outputDeltaSection(trace, activation, shown));
  else sections.push(hiddenDeltaSection(net, L, j, trace, activation, shown));
  return { title: L === sizes.length - 1 ? `Output neuron ${symbol}` : `Hidden neuron ${symbol}`, sections, note };
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
