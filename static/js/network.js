// Drawing the network: drawNetwork(ctx, data, layout). Weights are lines (colour: sign,
// thickness: size), neurons circles filled by their output with a ring for δ; during a traced
// step the phases animate (signals forward, δ back, weights changing). No globals.
import { diverging, css, weightColor, weightWidth } from "./palette.js";
import { fmt } from "./format.js";
import { edgeLabelPoint, sameSelection } from "./layout.js";
import { PHASE_ORDER } from "./derive.js";

const lerp = (a, b, t) => a + (b - a) * t;
const ease = (t) => t * t * (3 - 2 * t);

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

/**
 * data: {weights, trace, selection, hover, numbers, anim: {phase, t}|null, theme, activation,
 * dragging: weight selection|null, saturated: Set of "layer:index" (flat σ', saturation.js),
 * lit: Set of "neuron:L:j" / "weight:l:j:i" that a lesson step points at (lesson-view.js refKey)}.
 * layout: from networkLayout().
 */
export function drawNetwork(ctx, data, layout) {
  const { theme, trace, anim } = data;
  const sizes = layout.sizes;
  const weights = data.weights;
  const scaleText = theme.scale || 1;
  ctx.fillStyle = theme.bg;
  ctx.fillRect(0, 0, layout.width, layout.height);
  if (!weights) return;
  const shown = trace ? PHASE_ORDER.indexOf(trace.phase) : -1;
  const phase = anim?.phase;
  const t = anim ? ease(anim.t) : 0;
  let scale = 1;
  for (const layer of weights) for (const row of layer) for (const w of row) if (Number.isFinite(w)) scale = Math.max(scale, Math.abs(w));
  const lo = data.activation === "tanh" ? -1 : 0;
  const nodeAt = new Map(layout.nodes.map((n) => [`${n.layer}:${n.index}`, n]));

  const weightValue = (e) => {
    const w = weights[e.layer]?.[e.neuron]?.[e.input];
    if (phase === "update" && trace) {
      const before = trace.weights_before[e.layer][e.neuron][e.input];
      const after = trace.weights_after[e.layer][e.neuron][e.input];
      return lerp(before, after, t);
    }
    return w;
  };

  // weights
  ctx.lineCap = "round";
  const focus = data.dragging || data.hover || data.selection;
  for (const e of layout.edges) {
    const w = weightValue(e);
    const sel = { kind: "weight", layer: e.layer, neuron: e.neuron, input: e.input };
    const lit = data.lit?.has(`weight:${e.layer}:${e.neuron}:${e.input}`);
    const highlighted = lit || sameSelection(sel, data.selection) || sameSelection(sel, data.hover) || sameSelection(sel, data.dragging);
    if (highlighted) {
      ctx.strokeStyle = theme.focus;
      ctx.lineWidth = weightWidth(w, scale) + 6;
      ctx.globalAlpha = 0.55;
      ctx.beginPath();
      ctx.moveTo(e.x1, e.y1);
      ctx.lineTo(e.x2, e.y2);
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    ctx.strokeStyle = weightColor(w, scale);
    ctx.lineWidth = weightWidth(w, scale);
    ctx.beginPath();
    ctx.moveTo(e.x1, e.y1);
    ctx.lineTo(e.x2, e.y2);
    ctx.stroke();
  }

  // signals and local gradients travelling along the lines
  if (anim && trace && (phase === "forward" || phase === "delta_hidden")) {
    const columns = sizes.length - 1;
    const stage = Math.min(columns - 1, Math.floor(t * columns));
    const local = t * columns - stage;
    const forward = phase === "forward";
    const layer = forward ? stage : columns - 1 - stage;
    if (forward || layer >= 1) {
      for (const e of layout.edges) {
        if (e.layer !== layer) continue;
        const f = forward ? local : 1 - local;
        const value = forward ? (e.input === sizes[e.layer] ? 1 : neuronOutput(trace, e.layer, e.input)) : trace.delta[e.layer]?.[e.neuron];
        const x = lerp(e.x1, e.x2, f);
        const y = lerp(e.y1, e.y2, f);
        const r = forward ? 4 + 3 * Math.min(1, Math.abs(value ?? 0)) : 4 + 40 * Math.min(0.1, Math.abs(value ?? 0));
        ctx.fillStyle = forward ? css(diverging(value * 2 - 1)) : value < 0 ? theme.neg : theme.pos;
        ctx.strokeStyle = theme.ink;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.arc(x, y, r, 0, Math.PI * 2);
        ctx.fill();
        ctx.stroke();
      }
    }
  }

  // weight values: all in numbers mode, else only the focused one
  const labelFont = `${Math.round(12 * scaleText)}px ${theme.mono}`;
  ctx.font = labelFont;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  for (const e of layout.edges) {
    const sel = { kind: "weight", layer: e.layer, neuron: e.neuron, input: e.input };
    if (!data.numbers && !sameSelection(sel, focus)) continue;
    const p = edgeLabelPoint(e, sizes);
    const text = fmt(weightValue(e));
    const w = ctx.measureText(text).width + 8;
    const h = 16 * scaleText;
    ctx.fillStyle = theme.bg;
    ctx.globalAlpha = 0.88;
    ctx.fillRect(p.x - w / 2, p.y - h / 2, w, h);
    ctx.globalAlpha = 1;
    ctx.fillStyle = theme.ink;
    ctx.fillText(text, p.x, p.y);
  }

  // neurons
  const radius = layout.radius;
  for (const n of layout.nodes) {
    const out = n.bias ? 1 : neuronOutput(trace, n.layer, n.index);
    const delta = n.bias ? undefined : neuronDelta(trace, sizes, n.layer, n.index, shown);
    const r = n.bias ? radius * 0.62 : radius;
    const pulse = anim && trace && !n.bias && ((phase === "error" || phase === "delta_output") && n.layer === sizes.length - 1);
    // ring: δ (sign colour, width by size)
    if (delta !== undefined && Number.isFinite(delta)) {
      ctx.strokeStyle = delta < 0 ? theme.neg : theme.pos;
      ctx.lineWidth = 3 + Math.min(9, Math.abs(delta) * 60);
      ctx.beginPath();
      ctx.arc(n.x, n.y, r + ctx.lineWidth / 2 + 1, 0, Math.PI * 2);
      ctx.stroke();
    }
    if (!n.bias && data.saturated?.has(`${n.layer}:${n.index}`)) {
      // saturated: a dashed halo, the flat part of the curve (saturation.js says where)
      ctx.strokeStyle = theme.flat;
      ctx.lineWidth = 2.5 * scaleText;
      ctx.setLineDash([5 * scaleText, 4 * scaleText]);
      ctx.beginPath();
      ctx.arc(n.x, n.y, r + 13, 0, Math.PI * 2);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (!n.bias && data.lit?.has(`neuron:${n.layer}:${n.index}`)) {
      // a lesson points here: a wide ring in the focus colour, outside the δ ring
      ctx.strokeStyle = theme.focus;
      ctx.lineWidth = 4 * scaleText;
      ctx.globalAlpha = 0.7;
      ctx.beginPath();
      ctx.arc(n.x, n.y, r + 19 * scaleText, 0, Math.PI * 2);
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    if (pulse) {
      ctx.strokeStyle = theme.focus;
      ctx.lineWidth = 3;
      ctx.globalAlpha = 1 - t;
      ctx.beginPath();
      ctx.arc(n.x, n.y, r + 6 + 18 * t, 0, Math.PI * 2);
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    const known = out !== undefined && Number.isFinite(out);
    const fill = known && !n.bias ? diverging(((out - lo) / (1 - lo)) * 2 - 1) : null;
    ctx.fillStyle = fill ? css(fill) : theme.node;
    ctx.strokeStyle = theme.ink;
    ctx.lineWidth = 2;
    const sel = { kind: "neuron", layer: n.layer, index: n.index };
    if (!n.bias && (sameSelection(sel, data.selection) || sameSelection(sel, data.hover))) {
      ctx.lineWidth = 4;
      ctx.strokeStyle = theme.focus;
    }
    ctx.beginPath();
    ctx.arc(n.x, n.y, r, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
    // label: dark text on light fills, light text on strong fills
    const light = !fill || fill[0] * 0.299 + fill[1] * 0.587 + fill[2] * 0.114 > 150;
    ctx.fillStyle = fill ? (light ? "#111" : "#fff") : theme.ink;
    ctx.font = `italic ${Math.round(Math.min(radius * 0.9, 24) * (n.bias ? 0.8 : 1))}px Georgia, serif`;
    ctx.fillText(n.label, n.x, n.y + (known && !n.bias ? -radius * 0.18 : 0));
    if (known && !n.bias) {
      ctx.font = `${Math.round(Math.max(10, radius * 0.42))}px ${theme.mono}`;
      ctx.fillText(fmt(out), n.x, n.y + radius * 0.45);
    }
    if (delta !== undefined) {
      ctx.font = `${Math.round(13 * scaleText)}px ${theme.mono}`;
      ctx.fillStyle = theme.ink;
      ctx.fillText(`δ ${fmt(delta)}`, n.x, n.y + radius + 14 * scaleText + 6);
    }
  }
}
