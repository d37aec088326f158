// Saturated neurons: where σ' (h(1-h), r(1-r); 1-h² for tanh) is near 0, δ = σ' · (...) all but
// vanishes and the neuron's weights stop moving. The server sends each neuron's σ' per pattern
// (frame.truth[p].slopes) and the threshold (api/settings saturated_below); this module only
// counts and words them. No DOM, no globals.
import { fmt } from "./format.js";
import { neuronLabel } from "./layout.js";

/** A neuron flat on at least this many of the 4 patterns is marked (a stuck net's hidden
 *  neurons are flat on 2 or 3; a solved net's on at most 1). */
export const MARK_FROM = 2;

/**
 * Per hidden or output neuron: {layer (1-based, as in layouts), index, flat: [pattern...],
 * slopes: [σ' per pattern], marked}. `truth`: frame.truth; `below`: the σ' threshold. A solved
 * net (|e| < 0.1 everywhere) marks nothing: trained on, it saturates near its targets.
 */
export function saturation(truth, below) {
  if (!Array.isArray(truth) || truth.length === 0 || !truth[0].slopes || !(below > 0)) return [];
  const solved = truth.every((row) => row.close); // flat near the targets: no harm, nothing to learn
  const neurons = [];
  truth[0].slopes.forEach((layer, L) => layer.forEach((_, j) => {
    const slopes = truth.map((row) => row.slopes?.[L]?.[j]);
    const flat = [];
    slopes.forEach((value, p) => { if (Number.isFinite(value) && value < below) flat.push(p); });
    neurons.push({ layer: L + 1, index: j, flat, slopes, marked: !solved && flat.length >= MARK_FROM });
  }));
  return neurons;
}

/** The slope's name for a neuron: h(1−h) or r(1−r), 1−h² or 1−r² for tanh. */
export function slopeName(sizes, layer, index, activation) {
  const y = neuronLabel(sizes, layer, index);
  return activation === "tanh" ? `1−${y}²` : `${y}(1−${y})`;
}

/** One line for the page: which neurons are saturated, where, and what that does to learning. */
export function saturationNote(neurons, sizes, activation, below, patternNames) {
  const marked = neurons.filter((n) => n.marked);
  if (marked.length === 0) return "";
  const parts = marked.map((n) => {
    const p = n.flat.reduce((best, q) => (n.slopes[q] < n.slopes[best] ? q : best), n.flat[0]);
    return `${neuronLabel(sizes, n.layer, n.index)} on ${n.flat.length} of 4 patterns ` +
      `(${slopeName(sizes, n.layer, n.index, activation)} = ${fmt(n.slopes[p])} at ${patternNames[p]})`;
  });
  const curve = activation === "tanh" ? "tanh" : "sigmoid";
  return `Saturated (σ′ < ${below}): ${parts.join(", ")}. On the flat part of the ${curve}, δ vanishes and learning stalls.`;
}
