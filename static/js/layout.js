// Where the network's neurons and weights go on the canvas, and what is under the pointer. Pure.
// Names follow the derivation's notation (as derive.js writes them): a symbol takes subscripts
// only where there is more than one of its kind, so the seed's own network (one neuron per
// layer, no bias) reads s, v, h, w, r; biases are input 0 (their input is the constant 1).
import { sub, sup } from "./format.js";

/** Neuron counts per layer (inputs first) from the frame's weights: [[...rows]] per layer;
 *  `bias`: the rows end with a bias column (settings.bias, true unless the net has none). */
export function sizesFromWeights(weights, bias = true) {
  if (!weights || !weights.length) return [2, 2, 1];
  return [weights[0][0].length - (bias ? 1 : 0), ...weights.map((layer) => layer.length)];
}

/** A frame's network shape: {sizes, bias}. */
export function shapeOf(frame) {
  const bias = frame?.settings?.bias !== false;
  return { sizes: sizesFromWeights(frame?.weights, bias), bias };
}

/** The derivation's symbol of a neuron: s (s₁ s₂) for inputs, h (h₁, h²₁) for hidden, r for the output. */
export function neuronLabel(sizes, layer, index) {
  if (layer === 0) return sizes[0] === 1 ? "s" : `s${sub(index + 1)}`;
  if (layer === sizes.length - 1) return sizes[layer] === 1 ? "r" : `r${sub(index + 1)}`;
  if (sizes.length - 2 > 1) return `h${sup(layer)}${sub(index + 1)}`;
  return sizes[layer] === 1 ? "h" : `h${sub(index + 1)}`;
}

/**
 * The derivation's symbol of a weight: v into hidden neurons, w into the output; subscript
 * neuron,input with input 0 for the bias (column sizes[layer], when the net has biases);
 * no subscript for the only weight of a layer of a net without biases. `layer`: weight layer.
 */
export function weightLabel(sizes, layer, neuron, input, bias = true) {
  const weightLayers = sizes.length - 1;
  const last = layer === weightLayers - 1;
  const name = last ? "w" : weightLayers > 2 ? `v${sup(layer + 1)}` : "v";
  if (!bias && sizes[layer] === 1 && sizes[layer + 1] === 1 && weightLayers <= 2) return name;
  const from = bias && input === sizes[layer] ? 0 : input + 1;
  return `${name}${sub(neuron + 1)},${sub(from)}`;
}

/**
 * Positions for a network of `sizes` in a box of width × height (CSS pixels), neurons at most
 * `maxRadius` wide (the drawing scale raises it in projector mode); `bias`: a bias node "1"
 * under every layer but the last, with its weights (false: none, as in the simplest case).
 * Returns {radius, nodes, edges}: nodes {layer, index, x, y, bias, label}; a bias node "1"
 * sits under every layer but the last; edges {layer, neuron, input, x1, y1, x2, y2, label}
 * for weight layer `layer` (neuron row, input column, the bias column last).
 */
export function networkLayout(sizes, width, height, pad = 28, maxRadius = 34, bias = true) {
  const columns = sizes.length;
  const extra = (l) => (bias && l < columns - 1 ? 1 : 0); // the bias node under a layer
  const rows = Math.max(...sizes.map((n, l) => n + extra(l)));
  const radius = Math.max(9, Math.min(maxRadius, (height - 2 * pad) / (rows * 2.6), (width - 2 * pad) / (columns * 4)));
  const left = pad + radius;
  const right = width - pad - radius;
  const x = (l) => (columns === 1 ? width / 2 : left + ((right - left) * l) / (columns - 1));
  const top = pad + radius;
  const bottom = height - pad - radius;
  const nodes = [];
  const byKey = new Map();
  sizes.forEach((n, layer) => {
    const count = n + extra(layer);
    for (let i = 0; i < count; i++) {
      const spacing = rows > 1 ? (bottom - top) / (rows - 1) : 0;
      const y = (top + bottom) / 2 + (i - (count - 1) / 2) * spacing;
      const isBias = i === n;
      const node = { layer, index: i, x: x(layer), y, bias: isBias, label: isBias ? "1" : neuronLabel(sizes, layer, i) };
      nodes.push(node);
      byKey.set(`${layer}:${i}`, node);
    }
  });
  const edges = [];
  for (let layer = 0; layer < columns - 1; layer++) {
    for (let neuron = 0; neuron < sizes[layer + 1]; neuron++) {
      for (let input = 0; input < sizes[layer] + extra(layer); input++) {
        const a = byKey.get(`${layer}:${input}`);
        const b = byKey.get(`${layer + 1}:${neuron}`);
        edges.push({ layer, neuron, input, x1: a.x, y1: a.y, x2: b.x, y2: b.y, label: weightLabel(sizes, layer, neuron, input, bias) });
      }
    }
  }
  return { sizes, bias, width, height, radius, nodes, edges };
}

/** Distance from point (px, py) to the segment (x1, y1)-(x2, y2). */
export function segmentDistance(px, py, x1, y1, x2, y2) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  const t = len2 ? Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len2)) : 0;
  return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
}

/**
 * What is at (x, y): {kind: "neuron", layer, index} (bias nodes are not selectable),
 * {kind: "weight", layer, neuron, input}, or null. Neurons win over weights.
 */
export function hitTest(layout, x, y, slack = 6) {
  for (const n of layout.nodes) {
    if (!n.bias && Math.hypot(x - n.x, y - n.y) <= layout.radius + 2) return { kind: "neuron", layer: n.layer, index: n.index };
  }
  let best = null;
  let bestDistance = slack;
  for (const e of layout.edges) {
    // ignore the parts hidden under the circles
    const d = segmentDistance(x, y, e.x1, e.y1, e.x2, e.y2);
    const inside = Math.hypot(x - e.x1, y - e.y1) < layout.radius || Math.hypot(x - e.x2, y - e.y2) < layout.radius;
    if (!inside && d <= bestDistance) {
      best = e;
      bestDistance = d;
    }
  }
  return best && { kind: "weight", layer: best.layer, neuron: best.neuron, input: best.input };
}

/** Same selection? (null-safe). */
export function sameSelection(a, b) {
  if (!a || !b) return a === b;
  return a.kind === b.kind && a.layer === b.layer && a.index === b.index && a.neuron === b.neuron && a.input === b.input;
}
