// The derivation's notation for a network of any size: symbols as math text (x_{sub}, x^{sup}),
// the phases in order, and the parts an equation is made of. Pure.
//
// The seed's own network (one neuron per layer, no bias) gets the seed's unsubscripted symbols
// s, v, b, h, w, a, r, δ_o, δ_h. A symbol takes subscripts only where there is more than one of
// its kind: s₁ s₂ for two inputs, h₁ h₂ and b₁ b₂ for two hidden neurons, v₁,₂ for the weight
// into h₁ from s₂, v₁,₀ and w₁,₀ for biases (their input is the constant 1), δ_h₁ for h₁'s δ.
// With several hidden layers the layer is a superscript: h¹₂, v²₁,₃, δ_h1.2.

/** The phases of one pattern, in order (GET /api/settings → phases). */
export const PHASE_ORDER = ["forward", "error", "delta_output", "delta_hidden", "update"];

/** How many phases of the trace are revealed, as an index into PHASE_ORDER (-1: no trace). */
export function phaseIndex(trace) {
  if (!trace) return -1;
  const k = PHASE_ORDER.indexOf(trace.phase);
  return k < 0 ? PHASE_ORDER.length - 1 : k;
}

/**
 * The network's shape from a frame: {sizes: [inputs, ...hidden, 1], bias}. The weights carry a
 * bias column unless `settings.bias` is false (the seed's network has none).
 */
export function netOf(frame) {
  const bias = frame?.settings?.bias !== false;
  const weights = frame?.weights;
  if (!weights || !weights.length) return { sizes: [2, 2, 1], bias };
  return { sizes: [weights[0][0].length - (bias ? 1 : 0), ...weights.map((layer) => layer.length)], bias };
}

const hiddenLayers = (sizes) => sizes.length - 2;

/** Math-text symbol of neuron j (0-based) of layer `layer` (0 inputs .. last the output). */
export function neuronSymbol(sizes, layer, j) {
  if (layer === 0) return sizes[0] === 1 ? "s" : `s_{${j + 1}}`;
  if (layer === sizes.length - 1) return sizes[layer] === 1 ? "r" : `r_{${j + 1}}`;
  if (hiddenLayers(sizes) > 1) return `h^{${layer}}_{${j + 1}}`;
  return sizes[layer] === 1 ? "h" : `h_{${j + 1}}`;
}

/** Math-text symbol of the weighted input of neuron j of layer L >= 1: b (hidden), a (output). */
export function weightedSymbol(sizes, layer, j) {
  if (layer === sizes.length - 1) return sizes[layer] === 1 ? "a" : `a_{${j + 1}}`;
  if (hiddenLayers(sizes) > 1) return `b^{${layer}}_{${j + 1}}`;
  return sizes[layer] === 1 ? "b" : `b_{${j + 1}}`;
}

/**
 * Math-text symbol of the weight into neuron j of weight layer l from input i (the bias,
 * input index sizes[l], is numbered 0). Unsubscripted when it is the only weight of its layer.
 */
export function weightSymbol(sizes, l, j, i, bias = true) {
  const last = l === sizes.length - 2;
  const name = last ? "w" : hiddenLayers(sizes) > 1 ? `v^{${l + 1}}` : "v";
  if (!bias && sizes[l] === 1 && sizes[l + 1] === 1 && !name.includes("^")) return name;
  const from = i === sizes[l] ? 0 : i + 1;
  return `${name}_{${j + 1},${from}}`;
}

/** Math-text symbol of the local gradient of neuron j of layer L: δ_o, δ_h, δ_h1 (δ_h2.1 for layer 2). */
export function deltaSymbol(sizes, L, j) {
  if (L === sizes.length - 1) return sizes[L] === 1 ? "δ_{o}" : `δ_{o${j + 1}}`;
  if (hiddenLayers(sizes) > 1) return `δ_{h${L}.${j + 1}}`;
  return sizes[L] === 1 ? "δ_{h}" : `δ_{h${j + 1}}`;
}

/** A number part of an equation (shown formatted; `wrap`: in parentheses when negative). */
export const num = (n, wrap = false) => ({ n, wrap });

/** Join a list of part-lists with a separator string. */
export function joinParts(lists, separator) {
  const out = [];
  lists.forEach((parts, k) => {
    if (k) out.push(separator);
    out.push(...parts);
  });
  return out;
}

/**
 * One line of the panel: {id, heading, eq, pending, note}. `id` names the line for lessons
 * (which highlight lines by id) and tests; `pending` lines belong to a phase not yet revealed.
 */
export function section(heading, eq, pending = false, note = "", id = "") {
  return { id, heading, eq, pending, note };
}

/** The derivative σ' of an activation written with the neuron's output y, as text. */
export function slopeText(y, activation) {
  return activation === "tanh" ? `(1 − ${y}^{2})` : `${y}(1 − ${y})`;
}

/** σ' from the output y: y(1 − y) for sigmoid, 1 − y² for tanh (as the engine's `slope`). */
export function slopeValue(y, activation) {
  return activation === "tanh" ? 1 - y * y : y * (1 - y);
}

/** The parts that show σ' with y's number substituted: 0.6 × (1 − 0.6), or 1 − 0.6². */
export function slopeNumbers(y, activation) {
  return activation === "tanh" ? ["1 − ", num(y, true), "^{2}"] : [num(y, true), " × (1 − ", num(y, true), ")"];
}
