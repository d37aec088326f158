// Placing labels without collisions: the weights' values and the neurons' δ on the network,
// the marks on the error curve. One greedy routine: labels in order of priority, each at the
// first of its candidate positions whose box overlaps no label placed before it, no obstacle
// (the neurons) and stays in bounds; the network's weights try again beside their lines and
// at smaller font steps, and what still has no free candidate is left out and counted in a
// note on the canvas (the curve's marks are merged first, so "edit" and "settings" at one
// epoch read "edit, settings").
// Pure: boxes in CSS pixels, text widths from the `measure` function passed in.

/** Do boxes a and b ({x, y, w, h}: top-left corner and size) overlap, `gap` apart at least? */
export function overlaps(a, b, gap = 0) {
  return a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap;
}

/**
 * Place `labels` ({id, w, h, priority, candidates: [{x, y}] centres in order of preference,
 * force: place at the first candidate even when it collides}) among `obstacles` ({x, y, w, h})
 * inside `bounds` ({x, y, w, h}). Returns {placed: [{id, x, y, w, h}] (top-left), dropped: [id],
 * squeezed: [id] (forced labels that found no candidate clear of the obstacles and in bounds)}.
 */
export function placeLabels(labels, { obstacles = [], bounds = null, gap = 1, repair = 60 } = {}) {
  const order = labels.map((label, k) => ({ label, k })).sort((a, b) => (b.label.priority ?? 0) - (a.label.priority ?? 0) || a.k - b.k);
  const placed = [];
  const dropped = [];
  const squeezed = []; // forced labels with no place clear of the obstacles
  const inside = (box) => !bounds || (box.x >= bounds.x && box.y >= bounds.y && box.x + box.w <= bounds.x + bounds.w && box.y + box.h <= bounds.y + bounds.h);
  const boxAt = (label, c) => ({ id: label.id, x: c.x - label.w / 2, y: c.y - label.h / 2, w: label.w, h: label.h });
  // the candidates a label could ever take: in bounds, clear of every obstacle
  const free = (label) => label.candidates.map((c) => boxAt(label, c)).filter((box) => inside(box) && !obstacles.some((o) => overlaps(box, o)));
  const clear = (box, others) => !others.some((p) => p !== box && overlaps(box, p, gap));
  const owner = new Map();
  for (const { label } of order) {
    const open = free(label);
    let chosen = open.find((box) => clear(box, placed)) ?? null;
    if (!chosen && label.force && label.candidates.length) {
      // drawn anyway: clear of the neurons if it can be, over them if it must
      chosen = open[0] ?? boxAt(label, label.candidates[0]);
      if (!open.length) squeezed.push(label.id);
    }
    if (chosen) {
      placed.push(chosen);
      owner.set(chosen, label);
    } else {
      dropped.push(label);
    }
  }
  // repair (small sets only: it is quadratic): a dropped label takes a place held by one
  // label that can move to another of its free places
  const still = [];
  for (const label of labels.length <= repair ? dropped : []) {
    let done = false;
    for (const box of free(label)) {
      const blockers = placed.filter((p) => overlaps(box, p, gap));
      if (blockers.length !== 1 || owner.get(blockers[0]).force) continue;
      const [blocker] = blockers;
      const others = [...placed.filter((p) => p !== blocker), box];
      const moved = free(owner.get(blocker)).find((alt) => clear(alt, others));
      if (!moved) continue;
      placed[placed.indexOf(blocker)] = moved;
      owner.set(moved, owner.get(blocker));
      placed.push(box);
      owner.set(box, label);
      done = true;
      break;
    }
    if (!done) still.push(label);
  }
  return { placed, dropped: (labels.length <= repair ? still : dropped).map((label) => label.id), squeezed };
}

const STOPS = new Map();
/** Fractions along a weight's line where its value may go: the staggered favourite, then nearest first. */
export function edgeStops(input) {
  const k = input % 3;
  if (!STOPS.has(k)) {
    const first = 0.28 + 0.16 * (k / 2);
    const stops = [];
    for (let t = 0.1; t <= 0.9 + 1e-9; t += 0.04) stops.push(Number(t.toFixed(2)));
    STOPS.set(k, [first, ...stops.sort((a, b) => Math.abs(a - first) - Math.abs(b - first))]);
  }
  return STOPS.get(k);
}

/**
 * The weights' font steps, as fractions of the page's size (12 px at scale 1): a crowded net
 * (a phone's narrow columns) tries the smaller ones before it hides a value.
 */
export const WEIGHT_STEPS = [1, 11 / 12, 10 / 12];

/**
 * Centres for a `w` × `h` label of edge `e`: on the line at each of its stops, then (`beside`)
 * touching it from either side (half over it, then just clear of it); `far`: then further off
 * (the focused weight's value, its line highlighted, when a short line has no room on it).
 */
export function edgeCandidates(e, w, h, beside = false, far = false) {
  const stops = edgeStops(e.input);
  const at = (t) => ({ x: e.x1 + (e.x2 - e.x1) * t, y: e.y1 + (e.y2 - e.y1) * t });
  const candidates = stops.map(at);
  if (!beside) return candidates;
  const dx = e.x2 - e.x1;
  const dy = e.y2 - e.y1;
  const len = Math.hypot(dx, dy) || 1;
  const nx = -dy / len;
  const ny = dx / len;
  const reach = (w * Math.abs(nx) + h * Math.abs(ny)) / 2; // the box's half-extent across the line
  for (const f of far ? [0.5, 1.05, 2, 3, 4] : [0.5, 1.05]) {
    for (const t of stops) {
      const c = at(t);
      for (const side of [-1, 1]) candidates.push({ x: c.x + side * f * reach * nx, y: c.y + side * f * reach * ny });
    }
  }
  return candidates;
}

/**
 * The words of the note for labels that found no room: "2 weight values hidden: select a
 * weight to see its value" (and the δ: "… and 1 δ hidden: select one to see it"), longest
 * first: the page draws the first that fits its canvas. Returns [long, shorter, shortest].
 */
export function hiddenNoteTexts(weights, deltas) {
  const parts = [];
  if (weights) parts.push(`${weights} weight value${weights === 1 ? "" : "s"}`);
  if (deltas) parts.push(`${deltas} δ`);
  const what = parts.join(" and ");
  const how = deltas && !weights ? "select a neuron to see it" : weights && !deltas ? `select a weight to see ${weights === 1 ? "it" : "its value"}` : "select one to see it";
  return [`${what} hidden: ${how}`, `${what} hidden`, `${weights + deltas} hidden`];
}

/**
 * The network's labels, placed: one per weight shown (its value: every weight in numbers mode,
 * else only the focused one) and one per neuron with a δ (below it, else above, right, left).
 * `texts`: {weights: Map "layer:neuron:input" -> text, deltas: Map "layer:index" -> text};
 * `focus`: the key of the focused weight (always drawn); `measure(text, kind, step)` -> width
 * in px ("weight" at the font step `step` of WEIGHT_STEPS, "delta", or "note"); `s`: the
 * drawing scale; `rings`: Map "layer:index" -> the radius of a neuron with its δ ring as drawn
 * (default: a thin ring).
 * Tries harder before it hides a value: the weights on their lines at the page's size, then
 * beside their lines too, then at the smaller font steps; the first try that places every
 * label wins, else the one that hides fewest. What still finds no room is counted in a note
 * (hiddenNoteTexts) placed clear of every label, at the bottom of the canvas by preference.
 * Returns {placed: [{id, kind, key, x, y, w, h}], dropped: [id], step (the weights' font
 * step), note: null | {text, weights, deltas, count, x, y, w, h}}: ids are "w:<key>" and "d:<key>".
 */
export function networkLabels(layout, { texts, focus = null, measure, s = 1, rings = null }) {
  const h = 16 * s;
  const r = layout.radius;
  const outer = (key) => rings?.get(key) ?? r + 3 * s; // a neuron's circle with its δ ring
  const deltaLabels = [];
  for (const n of layout.nodes) {
    const key = `${n.layer}:${n.index}`;
    const text = texts.deltas.get(key);
    if (text === undefined) continue;
    const ring = outer(key);
    const w = measure(text, "delta") + 4 * s;
    const dy = ring + h / 2 + s;
    const dx = ring + w / 2 + s;
    const ox = (ring + w / 2) * 0.72;
    const oy = (ring + h / 2) * 0.8;
    const candidates = [[0, dy], [0, -dy], [ox, oy], [-ox, oy], [dx, 0], [-dx, 0], [ox, -oy], [-ox, -oy]].map(([x, y]) => ({ x: n.x + x, y: n.y + y }));
    deltaLabels.push({ id: `d:${key}`, w, h, priority: 2, candidates });
  }
  const weightLabels = (step, beside) => {
    const labels = [];
    const lh = Math.min(h, Math.round(16 * step) * s);
    for (const e of layout.edges) {
      const key = `${e.layer}:${e.neuron}:${e.input}`;
      const text = texts.weights.get(key);
      if (text === undefined) continue;
      const focused = key === focus;
      const w = measure(text, "weight", step) + 8 * s * step;
      labels.push({ id: `w:${key}`, w, h: lh, priority: focused ? 3 : 1, force: focused, candidates: edgeCandidates(e, w, lh, beside, focused) });
    }
    return labels;
  };
  // the neurons and their δ rings are obstacles; a label may cross lines, never a circle
  const nodes = layout.nodes.map((n) => {
    const rr = n.bias ? r * 0.62 + 2 * s : outer(`${n.layer}:${n.index}`);
    return { x: n.x - rr, y: n.y - rr, w: 2 * rr, h: 2 * rr };
  });
  const bounds = { x: 0, y: 0, w: layout.width, h: layout.height };
  const place = (step, beside, reserved = []) => ({ step, ...placeLabels([...weightLabels(step, beside), ...deltaLabels], { obstacles: [...nodes, ...reserved], bounds, gap: 2 * s }) });
  const tries = [[1, false], [1, true], ...WEIGHT_STEPS.slice(1).map((step) => [step, true])];
  // a try is better when it hides fewer labels, then when the focused weight sits clear of the neurons
  const worse = (a, b) => b.dropped.length < a.dropped.length || (b.dropped.length === a.dropped.length && b.squeezed.length < a.squeezed.length);
  let best = null;
  for (const [step, beside] of tries) {
    const result = place(step, beside);
    if (!best || worse(best, result)) best = result;
    if (!best.dropped.length && !best.squeezed.length) break;
  }
  let note = null;
  if (best.dropped.length) {
    // the note: at the bottom (centre, left, right), else the top, clear of every label; when
    // no such place is free, a strip at the bottom is kept for it and the labels placed again
    const noteH = 14 * s;
    const margin = 3 * s;
    const noteFor = (dropped) => {
      const weights = dropped.filter((id) => id[0] === "w").length;
      const deltas = dropped.length - weights;
      const texts = hiddenNoteTexts(weights, deltas);
      const text = texts.find((t) => measure(t, "note") + 2 * margin <= layout.width) ?? texts.at(-1);
      return { text, weights, deltas, count: dropped.length, w: Math.min(layout.width, measure(text, "note") + 2 * margin), h: noteH };
    };
    const spots = (w) => {
      const bottom = layout.height - noteH - margin;
      return [[(layout.width - w) / 2, bottom], [margin, bottom], [layout.width - w - margin, bottom], [(layout.width - w) / 2, margin], [margin, margin], [layout.width - w - margin, margin]];
    };
    const free = (box, placed) => box.x >= 0 && box.x + box.w <= layout.width && ![...nodes, ...placed].some((o) => overlaps(box, o, 2 * s));
    const find = (result) => {
      const n = noteFor(result.dropped);
      const spot = spots(n.w).map(([x, y]) => ({ ...n, x: Math.max(0, x), y })).find((box) => free(box, result.placed));
      return spot ?? null;
    };
    note = find(best);
    if (!note) {
      const strip = { x: 0, y: layout.height - noteH - 2 * margin, w: layout.width, h: noteH + 2 * margin };
      let again = null;
      for (const [step, beside] of tries) {
        const result = place(step, beside, [strip]);
        if (!again || worse(again, result)) again = result;
        if (!again.dropped.length && !again.squeezed.length) break;
      }
      best = again;
      const n = noteFor(best.dropped);
      note = best.dropped.length ? { ...n, x: Math.max(0, (layout.width - n.w) / 2), y: layout.height - noteH - margin } : null;
    }
  }
  return {
    placed: best.placed.map((box) => ({ ...box, kind: box.id[0] === "w" ? "weight" : "delta", key: box.id.slice(2) })),
    dropped: best.dropped,
    step: best.step,
    note,
  };
}

/** Words for the curve's mark kinds. */
export const MARK_WORDS = { settings: "settings", back: "back", reset: "reset", edit: "edit" };

/**
 * The error curve's mark labels: marks whose lines fall within `near` px of each other merge
 * into one label ("edit ×2, settings"); each label sits right of its line at the top, else
 * stacked below the labels it would overprint. `x(epoch)` maps to pixels; `measure(text)` ->
 * width; `line`: the loss line's points in pixels ([[x, y]]), which a label keeps off where it
 * can (a mark at epoch 0 would sit on the line's start), crossing it only when nowhere else is
 * free. Returns [{text, x (the line), kinds, box: {x, y, w, h}}] for the labels placed.
 */
export function markLabels(marks, { x, top, bottom, right, measure, s = 1, near = 3, line = [] }) {
  const groups = [];
  for (const m of marks) {
    const px = Math.round(x(m.epoch)) + 0.5;
    const last = groups.at(-1);
    if (last && Math.abs(px - last.x) <= near * s) last.kinds.push(m.kind);
    else groups.push({ x: px, kinds: [m.kind] });
  }
  const h = 14 * s;
  const labels = groups.map((g, k) => {
    const counts = new Map();
    for (const kind of g.kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
    g.text = [...counts].map(([kind, n]) => `${MARK_WORDS[kind] ?? kind}${n > 1 ? ` ×${n}` : ""}`).join(", ");
    const w = measure(g.text) + 6 * s;
    const rows = Math.max(1, Math.floor((bottom - top) / h));
    const candidates = [];
    for (let row = 0; row < rows; row++) candidates.push({ x: g.x + 3 * s + w / 2, y: top + h / 2 + row * h });
    for (let row = 0; row < rows; row++) candidates.push({ x: g.x - 3 * s - w / 2, y: top + h / 2 + row * h }); // left of the line
    return { id: k, w, h, priority: k, candidates }; // the newest mark first: it stays legible
  });
  const bounds = { x: 0, y: top, w: right, h: bottom - top };
  const first = placeLabels(labels, { bounds, gap: 1, obstacles: lineBoxes(line, labels, 2 * s) });
  // the labels with no place off the line: wherever else is free, crossing it
  const rest = labels.filter((label) => first.dropped.includes(label.id));
  const placed = [...first.placed, ...(rest.length ? placeLabels(rest, { bounds, gap: 1, obstacles: first.placed }).placed : [])];
  return placed.map((box) => ({ text: groups[box.id].text, x: groups[box.id].x, kinds: groups[box.id].kinds, box }));
}

/** The polyline `points` as small boxes (`pad` wide around it, one every few px), near the labels' candidates only. */
export function lineBoxes(points, labels = [], pad = 2) {
  if (points.length < 1 || !labels.length) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const label of labels) {
    for (const c of label.candidates) {
      lo = Math.min(lo, c.x - label.w / 2);
      hi = Math.max(hi, c.x + label.w / 2);
    }
  }
  const boxes = [];
  const box = (px, py) => boxes.push({ x: px - pad, y: py - pad, w: 2 * pad, h: 2 * pad });
  if (points.length === 1) box(points[0][0], points[0][1]);
  for (let k = 1; k < points.length; k++) {
    const [x1, y1] = points[k - 1];
    const [x2, y2] = points[k];
    if (Math.max(x1, x2) < lo - pad || Math.min(x1, x2) > hi + pad) continue;
    const steps = Math.max(1, Math.ceil(Math.hypot(x2 - x1, y2 - y1) / pad));
    for (let i = 0; i <= steps; i++) box(x1 + ((x2 - x1) * i) / steps, y1 + ((y2 - y1) * i) / steps);
  }
  return boxes;
}
