// The chain rule for one weight, worked term by term as the derivation does, with the frame's
// numbers: the chain-rule product, each term on its line, the combined terms, the local gradient
// (the negative product of the first three terms), the abbreviated gradient, then gradient
// descent ("descend the gradient", "a negative becomes a positive", momentum). Pure: returns the
// same model as derive.js ({title, note, sections}) for derivation.js to render.
//
// Every number shown is a value from the frame's trace, weights or settings; the only numbers
// made here are the σ' terms r(1 − r) and h(1 − h) from the trace's r and h, as the derivation
// writes them. Results (∂l/∂w, δ, Δw, the new weight) are always the engine's own.
//
// Each line has a phase: it shows its numbers once the trace has revealed that phase (forward:
// the terms from the forward pass; error: e and the combined terms; delta_output: δ_o; delta_hidden:
// δ_h; update: Δw), and is `pending` (symbols only) before.
import { PHASE_ORDER, phaseIndex, netOf, neuronSymbol, weightedSymbol, weightSymbol, deltaSymbol, num, joinParts, section, slopeText, slopeValue, slopeNumbers } from "./notation.js";

const FORWARD = 0;
const ERROR = 1;
const DELTA_OUTPUT = 2;
const DELTA_HIDDEN = 3;
const UPDATE = 4;

/** A line that shows `numbers` (and knows its `value`) once phase `phase` is revealed. */
function line(id, heading, symbolic, phase, shown, numbers, value, note = "") {
  const ready = shown >= phase;
  const s = section(heading, ready ? [...symbolic, ...numbers()] : [...symbolic], !ready, note, id);
  s.phase = PHASE_ORDER[phase];
  if (ready && value !== undefined) s.value = value();
  return s;
}

/** What the chain is about: the weight, its input and the neurons it connects. */
function weightFacts(frame, selection) {
  const { sizes, bias } = netOf(frame);
  const { layer: l, neuron: j, input: i } = selection;
  const last = sizes.length - 2; // index of the output weight layer
  const isBias = bias && i === sizes[l];
  const trace = frame.trace || null;
  return {
    sizes, bias, l, j, i, last, isBias, trace,
    activation: frame.settings?.activation ?? "sigmoid",
    w: weightSymbol(sizes, l, j, i, bias),
    x: isBias ? "1" : neuronSymbol(sizes, l, i),
    xValue: () => (isBias ? 1 : (trace.inputs?.[l] ?? (l === 0 ? trace.s : trace.outputs[l - 1]))[i]),
    to: neuronSymbol(sizes, l + 1, j),
    delta: deltaSymbol(sizes, l + 1, j),
  };
}

/** The three terms every weight shares: ∂l/∂e = e, ∂e/∂r = −1, ∂r/∂a = σ'(a). */
function sharedTerms(f, shown, first) {
  const t = f.trace;
  const squash = f.activation === "tanh" ? "tanh′(a)" : "σ′(a)";
  return [
    line("term-1", "First term", ["∂l/∂e = e"], ERROR, shown, () => [" = ", num(t.e)], () => t.e,
      first ? "" : "The first three terms are the same as for the output layer."),
    line("term-2", "Second term", ["∂e/∂r = ∂(d − r)/∂r"], ERROR, shown, () => [" = −1"], () => -1),
    line("term-3", "Third term", [`∂r/∂a = ${squash} = ${slopeText("r", f.activation)}`], FORWARD, shown,
      () => [" = ", ...slopeNumbers(t.r, f.activation), " = ", num(slopeValue(t.r, f.activation))], () => slopeValue(t.r, f.activation)),
  ];
}

/** δ_o = −∂l/∂a, the negative product of the first three terms. */
function outputDelta(f, shown) {
  const t = f.trace;
  const slope = () => slopeValue(t.r, f.activation);
  return line("local-output", "Local gradient for output neuron",
    [`δ_{o} = −∂l/∂a = −(∂l/∂e · ∂e/∂r · ∂r/∂a) = e · ${slopeText("r", f.activation)}`], DELTA_OUTPUT, shown,
    () => [" = ", num(t.e, true), " × ", num(slope(), true), " = ", num(t.delta[f.last][0])], () => t.delta[f.last][0],
    "The negative product of the first three terms: computed once for the output neuron, reused for every weight behind it.");
}

/** Chain of an output-layer weight: four terms. */
function outputChain(f, shown) {
  const t = f.trace;
  const { w, x } = f;
  const grad = () => t.gradient[f.l][f.j][f.i];
  return [
    line("chain", "Gradient for output layer weight, chain rule", [`∂l/∂${w} = ∂l/∂e · ∂e/∂r · ∂r/∂a · ∂a/∂${w}`], -1, shown, () => []),
    ...sharedTerms(f, shown, true),
    line("term-4", "Fourth term", [`∂a/∂${w} = ${x}`], FORWARD, shown, () => (f.isBias ? [] : [" = ", num(f.xValue())]), () => f.xValue(),
      f.isBias ? "A bias weight's input is the constant 1." : ""),
    line("combined", "Combined terms", [`∂l/∂${w} = −e · ${slopeText("r", f.activation)} · ${x}`], ERROR, shown,
      () => [" = −", num(t.e, true), " × ", num(slopeValue(t.r, f.activation), true), " × ", num(f.xValue(), true), " = ", num(grad())], grad),
    outputDelta(f, shown),
    line("abbreviated", "Output layer gradient abbreviated", [`∂l/∂${w} = −δ_{o} · ${x}`], DELTA_OUTPUT, shown,
      () => [" = −", num(t.delta[f.last][0], true), " × ", num(f.xValue(), true), " = ", num(grad())], grad),
  ];
}

/** Chain of a weight into the last hidden layer: six terms, one path to the output. */
function hiddenChain(f, shown) {
  const t = f.trace;
  const { sizes, w: v, x, to: h, delta } = f;
  const L = f.l + 1;
  const b = weightedSymbol(sizes, L, f.j);
  const w = weightSymbol(sizes, f.last, 0, f.j, f.bias);
  const wValue = () => t.weights_before[f.last][0][f.j];
  const hValue = () => t.outputs[f.l][f.j];
  const hSlope = () => slopeValue(hValue(), f.activation);
  const rSlope = () => slopeValue(t.r, f.activation);
  const squash = f.activation === "tanh" ? `tanh′(${b})` : `σ′(${b})`;
  const grad = () => t.gradient[f.l][f.j][f.i];
  const slopeH = slopeText(h, f.activation);
  return [
    line("chain", "Gradient for hidden layer weight, chain rule",
      [`∂l/∂${v} = ∂l/∂e · ∂e/∂r · ∂r/∂a · ∂a/∂${h} · ∂${h}/∂${b} · ∂${b}/∂${v}`], -1, shown, () => []),
    ...sharedTerms(f, shown, false),
    line("term-4", "Fourth term", [`∂a/∂${h} = ${w}`], FORWARD, shown, () => [" = ", num(wValue())], wValue),
    line("term-5", "Fifth term", [`∂${h}/∂${b} = ${squash} = ${slopeH}`], FORWARD, shown,
      () => [" = ", ...slopeNumbers(hValue(), f.activation), " = ", num(hSlope())], hSlope),
    line("term-6", "Sixth term", [`∂${b}/∂${v} = ${x}`], FORWARD, shown, () => (f.isBias ? [] : [" = ", num(f.xValue())]), () => f.xValue(),
      f.isBias ? "A bias weight's input is the constant 1." : ""),
    line("combined", "Combined terms", [`∂l/∂${v} = −e · ${slopeText("r", f.activation)} · ${w} · ${slopeH} · ${x}`], ERROR, shown,
      () => [" = −", ...joinParts([t.e, rSlope(), wValue(), hSlope(), f.xValue()].map((n) => [num(n, true)]), " × "), " = ", num(grad())], grad),
    outputDelta(f, shown),
    line("abbreviated", "Hidden layer gradient abbreviated", [`∂l/∂${v} = −δ_{o} · ${w} · ${slopeH} · ${x}`], DELTA_OUTPUT, shown,
      () => [" = −", ...joinParts([t.delta[f.last][0], wValue(), hSlope(), f.xValue()].map((n) => [num(n, true)]), " × "), " = ", num(grad())], grad),
    line("local-hidden", "Local gradient for hidden neuron", [`${delta} = −∂l/∂${b} = δ_{o} · ${w} · ${slopeH}`], DELTA_HIDDEN, shown,
      () => [" = ", num(t.delta[f.last][0], true), " × ", num(wValue(), true), " × ", num(hSlope(), true), " = ", num(t.delta[f.l][f.j])],
      () => t.delta[f.l][f.j], "Backpropagated: δ_o, passed back through the weight and the hidden neuron's slope."),
    line("pattern", "The pattern for hidden layers", [`∂l/∂${v} = −${delta} · ${x}`], DELTA_HIDDEN, shown,
      () => [" = −", num(t.delta[f.l][f.j], true), " × ", num(f.xValue(), true), " = ", num(grad())], grad,
      "Every weight's gradient: minus the δ of the neuron it feeds times its input."),
  ];
}

/** Paths from neuron j of layer L to the output: the product of the later hidden layers' sizes. */
function pathCount(sizes, L) {
  let paths = 1;
  for (let k = L + 1; k < sizes.length - 1; k++) paths *= sizes[k];
  return paths;
}

/** A weight deeper than the last hidden layer: the chain is a sum over paths, δ recursion replaces it. */
function deepChain(f, shown) {
  const t = f.trace;
  const { sizes, w: v, x, to: h, delta } = f;
  const L = f.l + 1;
  const b = weightedSymbol(sizes, L, f.j);
  const next = sizes[L + 1];
  const paths = pathCount(sizes, L);
  const grad = () => t.gradient[f.l][f.j][f.i];
  const slopeH = slopeText(h, f.activation);
  const terms = [];
  for (let k = 0; k < next; k++) terms.push([`${deltaSymbol(sizes, L + 1, k)}·${weightSymbol(sizes, L, k, f.j, f.bias)}`]);
  const recursion = () => {
    const out = t.outputs[f.l][f.j];
    const products = [];
    for (let k = 0; k < next; k++) products.push([num(t.delta[L][k], true), " × ", num(t.weights_before[L][k][f.j], true)]);
    return [" = ", ...slopeNumbers(out, f.activation), " × (", ...joinParts(products, " + "), ") = ", num(t.delta[f.l][f.j])];
  };
  return [
    line("chain", "Gradient for a deeper weight: a sum over paths",
      [`∂l/∂${v} = Σ_{paths} ∂l/∂e · ∂e/∂r · ∂r/∂a · … · ∂${h}/∂${b} · ∂${b}/∂${v}`], -1, shown, () => [], undefined,
      `${paths} paths lead from ${h} to r, one through each choice of a neuron in every later hidden layer.`),
    line("recursion", "Local gradient backpropagation", [`${delta} = ${slopeH} · (`, ...joinParts(terms, " + "), ")"], DELTA_HIDDEN, shown,
      recursion, () => t.delta[f.l][f.j],
      "Why one sum over the next layer replaces the sum over paths: each δ of the next layer is already −∂l/∂b of its neuron, the sum over every path from there to r, and every path from here passes through exactly one of them."),
    line("pattern", "The pattern for hidden layers", [`∂l/∂${v} = −${delta} · ${x}`], DELTA_HIDDEN, shown,
      () => [" = −", num(t.delta[f.l][f.j], true), " × ", num(f.xValue(), true), " = ", num(grad())], grad,
      f.isBias ? "A bias weight's input is the constant 1." : "Every weight's gradient: minus the δ of the neuron it feeds times its input."),
  ];
}

/** Gradient descent for the weight: the rule, descending, a negative becomes a positive, momentum. */
function descent(f, frame, shown) {
  const t = f.trace;
  const { w, x, delta, l, j, i } = f;
  const eta = frame.settings?.eta;
  const alpha = frame.settings?.alpha ?? 0;
  const patterns = frame.truth?.length || 4;
  const batchWait = Boolean(t?.batch) && t.pattern !== patterns - 1;
  const output = l === f.last;
  const lines = [
    line("rule", "Weight update rule", [`Δ${w} = −η · ∂l/∂${w}`], UPDATE, shown,
      () => [" = −", num(eta), " × ", num(t.gradient[l][j][i], true), " = ", num(t.learning[l][j][i])], () => t.learning[l][j][i],
      "η, the learning rate, sets the size of the step against the gradient."),
    line("descend", "Descend the gradient", [`${w}(n+1) = ${w}(n) + Δ${w}`], UPDATE, shown,
      () => [" = ", num(t.weights_before[l][j][i], true), " + ", num(t.change[l][j][i], true), " = ", num(t.weights_after[l][j][i])],
      () => t.weights_after[l][j][i],
      batchWait ? `Batch mode: η·δ·x is added to the epoch's sum, and the weights change after the last pattern.`
        : alpha ? "Δ here is the whole change, momentum included (below)." : ""),
    line("negative", "A negative becomes a positive", [`Δ${w} = −η · (−${delta} · ${x}) = η · ${delta} · ${x}`], UPDATE, shown, () => []),
    line("revised", output ? "The weight update rule revised" : "Similar pattern for hidden weights", [`Δ${w} = η · ${delta} · ${x}`], UPDATE, shown,
      () => [" = ", num(eta), " × ", num(t.delta[l][j], true), " × ", num(f.xValue(), true), " = ", num(t.learning[l][j][i])], () => t.learning[l][j][i]),
  ];
  if (alpha > 0) {
    lines.push(line("momentum", "Momentum", [`Δ${w}(n) = η · ${delta} · ${x} + α · Δ${w}(n−1)`], UPDATE, shown,
      () => (batchWait ? [" → ", num(t.change[l][j][i])] : t.batch
        ? [" = Σ + ", num(t.momentum[l][j][i], true), " = ", num(t.change[l][j][i])]
        : [" = ", num(t.learning[l][j][i], true), " + ", num(t.momentum[l][j][i], true), " = ", num(t.change[l][j][i])]),
      () => t.change[l][j][i],
      `α = ${alpha}: the last change, scaled by α, is added again (the 1996 applet's momentum).`));
  }
  return lines;
}

/**
 * The chain rule for the weight `selection` ({kind: "weight", layer, neuron, input}) in `frame`
 * (its trace may be null: symbols only). Returns {title, note, sections}; the sections are in the
 * derivation's order, each with an `id` (chain, term-1 … term-6, combined, local-output,
 * abbreviated, local-hidden, pattern, recursion, rule, descend, negative, revised, momentum), a
 * `phase`, and once revealed its `value` (the number its line ends with).
 */
export function chainRule(selection, frame) {
  const f = weightFacts(frame, selection);
  const shown = phaseIndex(f.trace);
  const current = f.trace ? f.trace.weights_before[f.l][f.j][f.i] : frame.weights[f.l][f.j][f.i];
  const sections = [section("Weight", [`${f.w} = `, num(current)], false, "", "weight")];
  if (f.l === f.last) sections.push(...outputChain(f, shown));
  else if (f.l === f.last - 1) sections.push(...hiddenChain(f, shown));
  else sections.push(...deepChain(f, shown));
  sections.push(...descent(f, frame, shown));
  const title = `Weight ${f.w}, ${f.isBias ? "the bias of" : `from ${f.x} to`} ${f.to}`;
  return { title, sections };
}
