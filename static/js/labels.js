// Placing labels without collisions: the weights' values and the neurons' δ on the network,
// the marks on the error curve. One greedy routine: labels in order of priority, each at the
// first of its candidate positions whose box overlaps no label placed before it, no obstacle
// (the neurons) and stays in bounds; a label with no free candidate is left out (the curve's
// marks are merged first, so "edit" and "settings" at one epoch read "edit, settings").
// Pure: boxes in CSS pixels, text widths from the `measure` function passed in.

/** Do boxes a and b ({x, y, w, h}: top-left corner and size) overlap, `gap` apart at least? */
export function overlaps(a, b, gap = 0) {
  return a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap;
}

/**
 * Place `labels` ({id, w, h, priority, candidates: [{x, y}] centres in order of preference,
 * force: place at the first candidate even when it collides}) among `obstacles` ({x, y, w, h})
 * inside `bounds` ({x, y, w, h}). Returns {placed: [{id, x, y, w, h}] (top-left), dropped: [id]}.
 */
export function placeLabels(labels, { obstacles = [], bounds = null, gap = 1, repair = 60 } = {}) {
  const order = labels.map((label, k) => ({ label, k })).sort((a, b) => (b.label.priority ?? 0) - (a.label.priority ?? 0) || a.k - b.k);
  const placed = [];
  const dropped = [];
  const inside = (box) => !bounds || (box.x >= bounds.x && box.y >= bounds.y && box.x + box.w <= bounds.x + bounds.w && box.y + box.h <= bounds.y + bounds.h);
  const boxAt = (label, c) => ({ id: label.id, x: c.x - label.w / 2, y: c.y - label.h / 2, w: label.w, h: label.h });
  // the candidates a label could ever take: in bounds, clear of every obstacle
  const free = (label) => label.candidates.map((c) => boxAt(label, c)).filter((box) => inside(box) && !obstacles.some((o) => overlaps(box, o)));
  const clear = (box, others) => !others.some((p) => p !== box && overlaps(box, p, gap));
  const owner = new Map();
  for (const { label } of order) {
    const chosen = free(label).find((box) => clear(box, placed))
      ?? (label.force && label.candidates.length ? boxAt(label, label.candidates[0]) : null);
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
  return { placed, dropped: (labels.length <= repair ? still : dropped).map((label) => label.id) };
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
 * The network's labels, placed: one per weight shown (its value: every weight in numbers mode,
 * else only the focused one) and one per neuron with a δ (below it, else above, right, left).
 * `texts`: {weights: Map "layer:neuron:input" -> text, deltas: Map "layer:index" -> text};
 * `focus`: the key of the focused weight (always drawn); `measure(text, kind)` -> width in px
 * ("weight" or "delta"); `s`: the drawing scale; `rings`: Map "layer:index" -> the radius of a
 * neuron with its δ ring as drawn (default: a thin ring). Returns {placed: [{id, kind, key, x,
 * y, w, h}], dropped}: ids are "w:<key>" and "d:<key>".
 */
export function networkLabels(layout, { texts, focus = null, measure, s = 1, rings = null }) {
  const labels = [];
  const h = 16 * s;
  for (const e of layout.edges) {
    const key = `${e.layer}:${e.neuron}:${e.input}`;
    const text = texts.weights.get(key);
    if (text === undefined) continue;
    const candidates = edgeStops(e.input).map((t) => ({ x: e.x1 + (e.x2 - e.x1) * t, y: e.y1 + (e.y2 - e.y1) * t }));
    const focused = key === focus;
    labels.push({ id: `w:${key}`, w: measure(text, "weight") + 8 * s, h, priority: focused ? 3 : 1, force: focused, candidates });
  }
  const r = layout.radius;
  const outer = (key) => rings?.get(key) ?? r + 3 * s; // a neuron's circle with its δ ring
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
    labels.push({ id: `d:${key}`, w, h, priority: 2, candidates });
  }
  // the neurons and their δ rings are obstacles; a label may cross lines, never a circle
  const obstacles = layout.nodes.map((n) => {
    const rr = n.bias ? r * 0.62 + 2 * s : outer(`${n.layer}:${n.index}`);
    return { x: n.x - rr, y: n.y - rr, w: 2 * rr, h: 2 * rr };
  });
  const { placed, dropped } = placeLabels(labels, { obstacles, bounds: { x: 0, y: 0, w: layout.width, h: layout.height }, gap: 2 * s });
  return {
    placed: placed.map((box) => ({ ...box, kind: box.id[0] === "w" ? "weight" : "delta", key: box.id.slice(2) })),
    dropped,
  };
}

/** Words for the curve's mark kinds. */
export const MARK_WORDS = { settings: "settings", back: "back", reset: "reset", edit: "edit" };

/**
 * The error curve's mark labels: marks whose lines fall within `near` px of each other merge
 * into one label ("edit ×2, settings"); each label sits right of its line at the top, else
 * stacked below the labels it would overprint. `x(epoch)` maps to pixels; `measure(text)` ->
 * width. Returns [{text, x (the line), kinds, box: {x, y, w, h}}] for the labels placed.
 */
export function markLabels(marks, { x, top, bottom, right, measure, s = 1, near = 3 }) {
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
  const { placed } = placeLabels(labels, { bounds: { x: 0, y: top, w: right, h: bottom - top }, gap: 1 });
  return placed.map((box) => ({ text: groups[box.id].text, x: groups[box.id].x, kinds: groups[box.id].kinds, box }));
}
