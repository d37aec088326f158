// Drawing the network: drawNetwork(ctx, data, layout). Weights are lines (colour: sign,
// thickness: size), neurons circles filled by their output with a ring for δ; during a traced
// step the phases animate (signals forward, δ back, weights changing). Text, strokes and
// markers all follow the theme's drawing scale (projector mode raises it); the weights' values
// and the δ labels are placed by labels.js so that none overprints another. No globals.
import { diverging, css, weightColor, weightWidth } from "./palette.js";
import { fmt } from "./format.js";
import { sameSelection } from "./layout.js";
import { networkLabels } from "./labels.js";
import { PHASE_ORDER } from "./derive.js";

// the last placement per layout: reused while every label keeps its width (an animation, a
// run whose values keep their number of digits), placed again when one changes. While
// running (data.running), labels are placed with a digit's slack and rings a little larger,
// and the placement stands while every label and ring still fits what it was placed with (a
// crowded 2-8-8-8-1 net's placement costs tens of ms on a busy machine); paused, exactly.
const placements = new WeakMap();
// text widths by font and text, across draws (the same few hundred values recur)
const textWidths = new Map();
const MAX_WIDTHS = 4000;

const lerp = (a, b, t) => a + (b - a) * t;
const ease = (t) => t * t * (3 - 2 * t);
const TAU = Math.PI * 2;

/** Output of neuron (layer L >= 1, j) from the trace, or the input s; undefined when unknown. */
function neuronOutput(trace, L, j) {
  if (!trace) return undefined;
  return L === 0 ? trace.s[j] : trace.outputs[L - 1]?.[j];
}

/** The δ of neuron (L, j) if its phase has been revealed. */
function neuronDelta(trace, sizes, L, j, shown) {
  if (!trace || L === 0) return undefined;
  const needed = L === sizes.length - 1 ? 2 : 3;
  return shown >= needed ? trace.delta[L - 1]?.[j] : undefined;
}

function line(ctx, e) {
  ctx.beginPath();
  ctx.moveTo(e.x1, e.y1);
  ctx.lineTo(e.x2, e.y2);
  ctx.stroke();
}

function circle(ctx, x, y, r) {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, TAU);
}

/** Fonts of the network's text at drawing scale `s`. */
export function networkFonts(theme, radius, s = theme.scale || 1) {
  return {
    weight: `${Math.round(12 * s)}px ${theme.mono}`,
    weightAt: (step = 1) => `${Math.round(12 * step * s)}px ${theme.mono}`, // labels.js's WEIGHT_STEPS
    note: `italic ${Math.round(11 * s)}px ${theme.font}`,
    delta: `${Math.round(13 * s)}px ${theme.mono}`,
    name: (bias) => `italic ${Math.round(Math.min(radius * 0.9, 24 * s) * (bias ? 0.8 : 1))}px Georgia, serif`,
    value: `${Math.round(Math.max(10 * s, radius * 0.42))}px ${theme.mono}`,
  };
}

/**
 * data: {weights, trace, selection, hover, numbers, anim: {phase, t}|null, theme, activation,
 * dragging: weight selection|null, saturated: Set of "layer:index" (flat σ', saturation.js),
 * cursor: the keyboard's item (drawn like a hover), lit: Set of "neuron:L:j" / "weight:l:j:i"
 * that a lesson step points at, target: "weight:l:j:i" a room's poll asks about (a dashed
 * glow in the accent colour), running: the run is on (the labels' placement may stand while
 * they still fit it)}. layout: from networkLayout(). Returns the
 * placed labels ({placed, dropped, step, note}: labels.js), for the tests and the benchmark;
 * the labels that found no room are counted in a note drawn on the canvas ("2 weight values
 * hidden: select a weight to see its value"), and the selected or hovered weight's value is
 * always drawn.
 */
export function drawNetwork(ctx, data, layout) {
  const { theme, trace, anim } = data;
  const s = theme.scale || 1;
  const sizes = layout.sizes;
  const weights = data.weights;
  ctx.fillStyle = theme.bg;
  ctx.fillRect(0, 0, layout.width, layout.height);
  if (!weights) return { placed: [], dropped: [], step: 1, note: null };
  const shown = trace ? PHASE_ORDER.indexOf(trace.phase) : -1;
  const phase = anim?.phase;
  const t = anim ? ease(anim.t) : 0;
  let scale = 1;
  for (const layer of weights) for (const row of layer) for (const w of row) if (Number.isFinite(w)) scale = Math.max(scale, Math.abs(w));
  const lo = data.activation === "tanh" ? -1 : 0;
  const fonts = networkFonts(theme, layout.radius, s);
  const marked = (sel) => sameSelection(sel, data.selection) || sameSelection(sel, data.hover) || sameSelection(sel, data.dragging) || sameSelection(sel, data.cursor);

  const weightValue = (e) => {
    if (phase === "update" && trace) return lerp(trace.weights_before[e.layer][e.neuron][e.input], trace.weights_after[e.layer][e.neuron][e.input], t);
    return weights[e.layer]?.[e.neuron]?.[e.input];
  };

  // weights
  ctx.lineCap = "round";
  for (const e of layout.edges) {
    const w = weightValue(e);
    const width = weightWidth(w, scale) * s;
    if (data.target && data.target === `weight:${e.layer}:${e.neuron}:${e.input}`) {
      ctx.strokeStyle = theme.accent;
      ctx.lineWidth = width + 12 * s;
      ctx.globalAlpha = 0.6;
      ctx.setLineDash([9 * s, 6 * s]);
      line(ctx, e);
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
    }
    if (data.lit?.has(`weight:${e.layer}:${e.neuron}:${e.input}`) || marked({ kind: "weight", layer: e.layer, neuron: e.neuron, input: e.input })) {
      ctx.strokeStyle = theme.focus;
      ctx.lineWidth = width + 6 * s;
      ctx.globalAlpha = 0.55;
      line(ctx, e);
      ctx.globalAlpha = 1;
    }
    ctx.strokeStyle = weightColor(w, scale);
    ctx.lineWidth = width;
    line(ctx, e);
  }

  // signals and local gradients travelling along the lines
  if (anim && trace && (phase === "forward" || phase === "delta_hidden")) {
    const columns = sizes.length - 1;
    const stage = Math.min(columns - 1, Math.floor(t * columns));
    const local = t * columns - stage;
    const forward = phase === "forward";
    const layer = forward ? stage : columns - 1 - stage;
    if (forward || layer >= 1) {
      ctx.strokeStyle = theme.ink;
      ctx.lineWidth = 1.5 * s;
      for (const e of layout.edges) {
        if (e.layer !== layer) continue;
        const f = forward ? local : 1 - local;
        const value = forward ? (layout.bias !== false && e.input === sizes[e.layer] ? 1 : neuronOutput(trace, e.layer, e.input)) : trace.delta[e.layer]?.[e.neuron];
        const r = (forward ? 4 + 3 * Math.min(1, Math.abs(value ?? 0)) : 4 + 40 * Math.min(0.1, Math.abs(value ?? 0))) * s;
        ctx.fillStyle = forward ? css(diverging(value * 2 - 1)) : value < 0 ? theme.neg : theme.pos;
        circle(ctx, lerp(e.x1, e.x2, f), lerp(e.y1, e.y2, f), r);
        ctx.fill();
        ctx.stroke();
      }
    }
  }

  // neurons
  const radius = layout.radius;
  const deltas = new Map();
  const rings = new Map(); // a neuron's radius with its δ ring, for the labels to keep clear of
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  for (const n of layout.nodes) {
    const out = n.bias ? 1 : neuronOutput(trace, n.layer, n.index);
    const delta = n.bias ? undefined : neuronDelta(trace, sizes, n.layer, n.index, shown);
    const r = n.bias ? radius * 0.62 : radius;
    if (delta !== undefined && Number.isFinite(delta)) { // ring: δ (sign colour, width by size)
      ctx.strokeStyle = delta < 0 ? theme.neg : theme.pos;
      ctx.lineWidth = (3 + Math.min(9, Math.abs(delta) * 60)) * s;
      circle(ctx, n.x, n.y, r + ctx.lineWidth / 2 + s);
      ctx.stroke();
      rings.set(`${n.layer}:${n.index}`, r + ctx.lineWidth + s);
    }
    if (delta !== undefined) deltas.set(`${n.layer}:${n.index}`, `δ ${fmt(delta)}`);
    if (!n.bias && data.saturated?.has(`${n.layer}:${n.index}`)) {
      // saturated: a dashed halo, the flat part of the curve (saturation.js says where)
      ctx.strokeStyle = theme.flat;
      ctx.lineWidth = 2.5 * s;
      ctx.setLineDash([5 * s, 4 * s]);
      circle(ctx, n.x, n.y, r + 13 * s);
      ctx.stroke();
      ctx.setLineDash([]);
      rings.set(`${n.layer}:${n.index}`, r + 15 * s); // the labels keep clear of the halo too
    }
    if (!n.bias && data.lit?.has(`neuron:${n.layer}:${n.index}`)) {
      // a lesson points here: a wide ring in the focus colour, outside the δ ring
      ctx.strokeStyle = theme.focus;
      ctx.lineWidth = 4 * s;
      ctx.globalAlpha = 0.7;
      circle(ctx, n.x, n.y, r + 19 * s);
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    if (anim && trace && !n.bias && (phase === "error" || phase === "delta_output") && n.layer === sizes.length - 1) {
      ctx.strokeStyle = theme.focus;
      ctx.lineWidth = 3 * s;
      ctx.globalAlpha = 1 - t;
      circle(ctx, n.x, n.y, r + (6 + 18 * t) * s);
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    const known = out !== undefined && Number.isFinite(out);
    const fill = known && !n.bias ? diverging(((out - lo) / (1 - lo)) * 2 - 1) : null;
    ctx.fillStyle = fill ? css(fill) : theme.node;
    const focused = !n.bias && marked({ kind: "neuron", layer: n.layer, index: n.index });
    ctx.strokeStyle = focused ? theme.focus : theme.ink;
    ctx.lineWidth = (focused ? 4 : 2) * s;
    circle(ctx, n.x, n.y, r);
    ctx.fill();
    ctx.stroke();
    // label: dark text on light fills, light text on strong fills
    const light = !fill || fill[0] * 0.299 + fill[1] * 0.587 + fill[2] * 0.114 > 150;
    ctx.fillStyle = fill ? (light ? "#111" : "#fff") : theme.ink;
    ctx.font = fonts.name(n.bias);
    ctx.fillText(n.label, n.x, n.y + (known && !n.bias ? -radius * 0.18 : 0));
    if (known && !n.bias) {
      ctx.font = fonts.value;
      ctx.fillText(fmt(out), n.x, n.y + radius * 0.45);
    }
  }

  // the weights' values (all in numbers mode, else the focused one) and the δ labels, placed
  const focus = data.dragging || data.hover || data.cursor || data.selection;
  const focusKey = focus?.kind === "weight" ? `${focus.layer}:${focus.neuron}:${focus.input}` : null;
  const texts = { weights: new Map(), deltas };
  for (const e of layout.edges) {
    const key = `${e.layer}:${e.neuron}:${e.input}`;
    if (!data.numbers && key !== focusKey) continue;
    texts.weights.set(key, fmt(weightValue(e)));
  }
  const measure = (text, kind, step = 1) => {
    const font = kind === "weight" ? fonts.weightAt(step) : fonts[kind];
    const id = `${font}|${text}`;
    let width = textWidths.get(id);
    if (width === undefined) {
      ctx.font = font;
      width = ctx.measureText(text).width;
      if (textWidths.size >= MAX_WIDTHS) textWidths.clear();
      textWidths.set(id, width);
    }
    return width;
  };
  const key = [focusKey, s, ...[...texts.weights].map(([k, t]) => `${k}=${Math.ceil(measure(t, "weight"))}`),
    ...[...deltas].map(([k, t]) => `${k}=${Math.ceil(measure(t, "delta"))}`), ...[...rings].map(([k, r]) => `${k}@${Math.ceil(r / 3)}`)].join("|");
  // which labels and rings there are, whatever their widths (a sticky placement needs the same)
  const shape = [focusKey, s, ...texts.weights.keys(), "|", ...deltas.keys(), "|", ...rings.keys()].join();
  const last = placements.get(layout);
  let labels = last?.key === key && (data.running || !last.slack) ? last.labels : null;
  if (!labels && data.running && last?.slack && last.shape === shape && fitsPlacement(last, texts, deltas, rings, measure)) labels = last.labels;
  if (!labels) {
    // while running: a digit's slack (a value gaining one keeps its place) and rings 3 px larger
    const slack = data.running ? measure("0", "weight") : 0;
    const placedWith = { weights: new Map(), deltas: new Map() };
    const placing = (text, kind, step = 1) => {
      const width = measure(text, kind, step) + (kind === "note" ? 0 : slack * step);
      if (kind !== "note") placedWith[kind === "weight" ? "weights" : "deltas"].set(`${kind}|${step}|${text}`, width);
      return width;
    };
    const ringsWith = data.running ? new Map([...rings].map(([k, r]) => [k, r + 3 * s])) : rings;
    labels = networkLabels(layout, { texts, focus: focusKey, measure: slack ? placing : measure, s, rings: ringsWith });
    placements.set(layout, { key, labels, shape, slack, rings: ringsWith, placedWith, texts: { weights: new Map(texts.weights), deltas: new Map(deltas) } });
  }
  for (const box of labels.placed) {
    const cx = box.x + box.w / 2;
    const cy = box.y + box.h / 2;
    if (box.kind === "weight") {
      // the box as wide as this text (a sticky placement's box may be wider), centred as placed
      const w = labels.step === undefined ? box.w : measure(texts.weights.get(box.key), "weight", labels.step) + 8 * s * labels.step;
      ctx.fillStyle = theme.bg;
      ctx.globalAlpha = 0.88;
      ctx.fillRect(cx - w / 2, box.y, w, box.h);
      ctx.globalAlpha = 1;
      ctx.font = fonts.weightAt(labels.step);
      ctx.fillStyle = theme.ink;
      ctx.fillText(texts.weights.get(box.key), cx, cy);
    } else {
      ctx.font = fonts.delta;
      ctx.fillStyle = theme.ink;
      ctx.fillText(deltas.get(box.key), cx, cy);
    }
  }
  if (labels.note) {
    // the values that found no room, counted: none is left out silently
    const { x, y, w, h, text } = labels.note;
    ctx.fillStyle = theme.bg;
    ctx.globalAlpha = 0.88;
    ctx.fillRect(x, y, w, h);
    ctx.globalAlpha = 1;
    ctx.font = fonts.note;
    ctx.fillStyle = theme.ink;
    ctx.fillText(text, x + w / 2, y + h / 2);
  }
  return labels;
}

/**
 * Does a placement made while running (with slack) still hold these labels and rings: every
 * label's text no wider than the one it was placed for, every ring no larger?
 */
function fitsPlacement(last, texts, deltas, rings, measure) {
  const step = last.labels.step;
  for (const [k, r] of rings) if (!(r <= last.rings.get(k))) return false;
  const fits = (kind, placedTexts, current) => {
    for (const [k, text] of current) {
      const before = placedTexts.get(k);
      if (text === before) continue;
      const placed = last.placedWith[kind === "weight" ? "weights" : "deltas"].get(`${kind}|${kind === "weight" ? step : 1}|${before}`);
      if (placed === undefined || measure(text, kind, kind === "weight" ? step : 1) > placed) return false;
    }
    return true;
  };
  return fits("weight", last.texts.weights, texts.weights) && fits("delta", last.texts.deltas, deltas);
}
