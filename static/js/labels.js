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
 * Boxes filed by the square cells of side `cell` that they cover, grown by `pad`, over the
 * `region` ({x, y, w, h}; boxes beyond it are filed in its edge cells): which of them a box
 * overlaps (`gap` apart at least, `gap` ≤ `pad`) is asked of its own cells only.
 */
class BoxGrid {
  constructor(cell, region, boxes = [], pad = 0) {
    this.cell = cell;
    this.pad = pad;
    this.x0 = region.x;
    this.y0 = region.y;
    this.cols = Math.max(1, Math.ceil(region.w / cell) + 1);
    this.rows = Math.max(1, Math.ceil(region.h / cell) + 1);
    this.cells = new Array(this.cols * this.rows).fill(null);
    for (const box of boxes) this.add(box);
  }

  col(x) {
    return Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.x0) / this.cell)));
  }

  row(y) {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.y0) / this.cell)));
  }

  add(box) {
    const { pad, cells, cols } = this;
    for (let j = this.row(box.y - pad), j1 = this.row(box.y + box.h + pad); j <= j1; j++) {
      for (let i = this.col(box.x - pad), i1 = this.col(box.x + box.w + pad); i <= i1; i++) {
        const k = j * cols + i;
        if (cells[k]) cells[k].push(box);
        else cells[k] = [box];
      }
    }
  }

  /** Does the box at (x, y), `w` × `h`, overlap a box of the grid, `gap` apart at least? */
  hits(x, y, w, h, gap) {
    const { cells, cols } = this;
    for (let j = this.row(y), j1 = this.row(y + h); j <= j1; j++) {
      for (let i = this.col(x), i1 = this.col(x + w); i <= i1; i++) {
        const list = cells[j * cols + i];
        if (!list) continue;
        for (const b of list) if (x < b.x + b.w + gap && b.x < x + w + gap && y < b.y + b.h + gap && b.y < y + h + gap) return true;
      }
    }
    return false;
  }
}

/** A label's candidate centres as [x0, y0, x1, y1, …]: edgeCandidates makes them so, [{x, y}] are flattened. */
function centres(label) {
  const c = label.candidates;
  if (c instanceof Float64Array) return c;
  const xy = new Float64Array(2 * c.length);
  c.forEach((p, k) => {
    xy[2 * k] = p.x;
    xy[2 * k + 1] = p.y;
  });
  return xy;
}

/** The box around every candidate box of `labels` (the region where they can be placed). */
function extent(labels, xys) {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  labels.forEach(({ w, h }, n) => {
    const xy = xys[n];
    for (let k = 0; k < xy.length; k += 2) {
      x0 = Math.min(x0, xy[k] - w / 2);
      y0 = Math.min(y0, xy[k + 1] - h / 2);
      x1 = Math.max(x1, xy[k] + w / 2);
      y1 = Math.max(y1, xy[k + 1] + h / 2);
    }
  });
  return x0 <= x1 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : { x: 0, y: 0, w: 0, h: 0 };
}

/**
 * Place `labels` ({id, w, h, priority, candidates: [{x, y}] centres in order of preference, or
 * those as a Float64Array [x0, y0, x1, y1, …],
 * force: place at the first candidate even when it collides}) among `obstacles` ({x, y, w, h})
 * inside `bounds` ({x, y, w, h}). Returns {placed: [{id, x, y, w, h}] (top-left), dropped: [id],
 * squeezed: [id] (forced labels that found no candidate clear of the obstacles and in bounds)}.
 */
export function placeLabels(labels, { obstacles = [], bounds = null, gap = 1, repair = 60 } = {}) {
  const order = labels.map((label, k) => ({ label, k })).sort((a, b) => (b.label.priority ?? 0) - (a.label.priority ?? 0) || a.k - b.k);
  const xys = labels.map(centres);
  const xyOf = new Map(labels.map((label, k) => [label, xys[k]]));
  const placed = [];
  const dropped = [];
  const squeezed = []; // forced labels with no place clear of the obstacles
  const boxAt = (label, x, y) => ({ id: label.id, x: x - label.w / 2, y: y - label.h / 2, w: label.w, h: label.h });
  // the obstacles and the labels placed so far in grids of cells a label's size (a crowded
  // net tries thousands of candidates: each is checked against its neighbours only)
  const cell = Math.max(8, ...labels.map((label) => label.h));
  const region = bounds ?? extent(labels, xys);
  const walls = new BoxGrid(cell, region, obstacles, 0);
  const taken = new BoxGrid(cell, region, [], gap);
  const fits = (x, y, w, h) => (!bounds || (x >= bounds.x && y >= bounds.y && x + w <= bounds.x + bounds.w && y + h <= bounds.y + bounds.h)) && !walls.hits(x, y, w, h, 0);
  // the candidates a label could ever take: in bounds, clear of every obstacle
  const free = (label) => {
    const xy = xyOf.get(label);
    const boxes = [];
    for (let k = 0; k < xy.length; k += 2) {
      const box = boxAt(label, xy[k], xy[k + 1]);
      if (fits(box.x, box.y, box.w, box.h)) boxes.push(box);
    }
    return boxes;
  };
  const clear = (box, others) => !others.some((p) => p !== box && overlaps(box, p, gap));
  const owner = new Map();
  for (const { label, k: n } of order) {
    const { w, h } = label;
    const xy = xys[n];
    let chosen = null;
    let first = -1; // the first candidate clear of the obstacles (a forced label's fallback)
    for (let k = 0; k < xy.length; k += 2) {
      const x = xy[k] - w / 2;
      const y = xy[k + 1] - h / 2;
      if (!fits(x, y, w, h)) continue;
      if (first < 0) first = k;
      if (!taken.hits(x, y, w, h, gap)) {
        chosen = boxAt(label, xy[k], xy[k + 1]);
        break;
      }
    }
    if (!chosen && label.force && xy.length) {
      // drawn anyway: clear of the neurons if it can be, over them if it must
      const k = Math.max(0, first);
      chosen = boxAt(label, xy[k], xy[k + 1]);
      if (first < 0) squeezed.push(label.id);
    }
    if (chosen) {
      placed.push(chosen);
      taken.add(chosen);
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
 * As a Float64Array [x0, y0, x1, y1, …]: a crowded net's tries make tens of thousands.
 */
export function edgeCandidates(e, w, h, beside = false, far = false) {
  const stops = edgeStops(e.input);
  const dx = e.x2 - e.x1;
  const dy = e.y2 - e.y1;
  const offsets = beside ? (far ? [0.5, 1.05, 2, 3, 4] : [0.5, 1.05]) : [];
  const xy = new Float64Array(2 * stops.length * (1 + 2 * offsets.length));
  let k = 0;
  for (const t of stops) {
    xy[k++] = e.x1 + dx * t;
    xy[k++] = e.y1 + dy * t;
  }
  if (!beside) return xy;
  const len = Math.hypot(dx, dy) || 1;
  const nx = -dy / len;
  const ny = dx / len;
  const reach = (w * Math.abs(nx) + h * Math.abs(ny)) / 2; // the box's half-extent across the line
  for (const f of offsets) {
    for (const t of stops) {
      const cx = e.x1 + dx * t;
      const cy = e.y1 + dy * t;
      for (const side of [-1, 1]) {
        xy[k++] = cx + side * f * reach * nx;
        xy[k++] = cy + side * f * reach * ny;
      }
    }
  }
  return xy;
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
  const made = new Map(); // the weights' labels of each try (the note's second round repeats them)
  const weightLabels = (step, beside) => {
    const id = `${step}|${beside}`;
    if (!made.has(id)) made.set(id, makeWeightLabels(step, beside));
    return made.get(id);
  };
  const makeWeightLabels = (step, beside) => {
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
