import test from "node:test";
import assert from "node:assert/strict";
import { placeLabels, overlaps, networkLabels, markLabels, hiddenNoteTexts, WEIGHT_STEPS, lineBoxes } from "../../static/js/labels.js";
import { networkLayout } from "../../static/js/layout.js";
import { linearScale } from "../../static/js/scale.js";

// the network canvas's CSS size at the page's widths (desktop 1600 and 1366 px, phone 390 px)
const CANVASES = { desktop: [700, 438], laptop: [560, 350], phone: [356, 240] };
// the phones of issue 14: 390×844 and 360×740 (the canvases as Chromium lays them out)
const PHONES = { "390x844": [358, 240], "360x740": [328, 240] };
// a monospace font's advance is about 0.6 em (the weights' at their font step); the note's
// proportional italic about 0.55 em; the widest values the page prints ("−0.0123")
const measure = (s) => (text, kind, step = 1) => text.length * (kind === "delta" ? 13 : kind === "note" ? 11 * 0.92 : 12 * step) * 0.6 * s;
const WIDEST = "−0.0123";

function labelsFor(sizes, [width, height], s = 1, numbers = true, focus = null, widest = WIDEST) {
  const layout = networkLayout(sizes, width, height, 24 + 14 * s, 34 * s);
  const weights = new Map();
  for (const e of layout.edges) {
    const key = `${e.layer}:${e.neuron}:${e.input}`;
    if (numbers || key === focus) weights.set(key, widest);
  }
  const deltas = new Map(layout.nodes.filter((n) => n.layer > 0 && !n.bias).map((n) => [`${n.layer}:${n.index}`, `δ ${widest}`]));
  return { layout, weights, deltas, ...networkLabels(layout, { texts: { weights, deltas }, focus, measure: measure(s), s }) };
}

function assertClear({ layout, placed }, what) {
  for (let a = 0; a < placed.length; a++) {
    const box = placed[a];
    assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.w <= layout.width && box.y + box.h <= layout.height, `${what}: ${box.id} leaves the canvas`);
    for (let b = a + 1; b < placed.length; b++) assert.ok(!overlaps(box, placed[b]), `${what}: ${box.id} overlaps ${placed[b].id}`);
    for (const n of layout.nodes) {
      const r = n.bias ? layout.radius * 0.62 : layout.radius;
      assert.ok(!overlaps(box, { x: n.x - r, y: n.y - r, w: 2 * r, h: 2 * r }), `${what}: ${box.id} covers neuron ${n.layer}:${n.index}`);
    }
  }
}

test("the greedy placer takes the first free candidate, by priority, and drops the rest", () => {
  const box = (id, priority, ...xs) => ({ id, w: 10, h: 10, priority, candidates: xs.map((x) => ({ x, y: 5 })) });
  const { placed, dropped } = placeLabels([box("low", 0, 5), box("high", 1, 5, 30), box("none", 0, 5, 30)], { gap: 0 });
  assert.deepEqual(placed.map((p) => [p.id, p.x]), [["high", 0], ["none", 25]], "high first, at its first candidate; none at its second");
  assert.deepEqual(dropped, ["low"], "low's only place was taken");
  const forced = placeLabels([box("a", 1, 5), { ...box("b", 0, 5), force: true }]);
  assert.deepEqual(forced.placed.map((p) => p.id), ["a", "b"], "a forced label is drawn even when it collides");
  const out = placeLabels([box("a", 0, 5)], { bounds: { x: 10, y: 0, w: 100, h: 100 } });
  assert.deepEqual(out.dropped, ["a"], "a label outside the bounds is not placed");
});

test("the default net's labels all fit, apart, at desktop sizes; on a phone every δ does", () => {
  for (const [name, canvas] of Object.entries({ ...CANVASES, projector: [900, 560] })) {
    const s = name === "projector" ? 1.75 : 1;
    const result = labelsFor([2, 2, 1], canvas, s);
    assertClear(result, `2-2-1 ${name}`);
    if (name === "phone") {
      // 58 px of "−0.0123" between columns 120 px apart: crossing lines leave no room for all
      assert.ok(!result.dropped.some((id) => id.startsWith("d:")), `2-2-1 phone: ${result.dropped}`);
      assert.ok(result.placed.filter((p) => p.kind === "weight").length >= 6, `2-2-1 phone: ${result.dropped}`);
    } else {
      assert.deepEqual(result.dropped, [], `2-2-1 ${name}: every weight and δ labelled`);
      assert.equal(result.placed.length, 9 + 3);
    }
  }
});

test("no two labels overlap for 1 to 8 neurons per layer, 1 to 3 hidden layers, at every size", () => {
  for (const [name, canvas] of Object.entries(CANVASES)) {
    for (let n = 1; n <= 8; n++) {
      for (const sizes of [[2, n, 1], [2, n, n, 1], [2, n, n, n, 1]]) {
        const result = labelsFor(sizes, canvas);
        assertClear(result, `${sizes.join("-")} ${name}`);
        // δ labels go first: every neuron's δ is shown while there is room for it
        if (sizes.length === 3 && n <= 3) assert.ok(!result.dropped.some((id) => id.startsWith("d:")), `${sizes.join("-")} ${name}: ${result.dropped}`);
      }
    }
  }
});

/** Every label placed clear of the others, or dropped and counted by the note; the note names the count. */
function assertAccounted(result, what) {
  const { layout, placed, dropped, note, weights, deltas } = result;
  const ids = [...[...weights.keys()].map((k) => `w:${k}`), ...[...deltas.keys()].map((k) => `d:${k}`)];
  const seen = [...placed.map((p) => p.id), ...dropped];
  assert.deepEqual([...seen].sort(), [...ids].sort(), `${what}: each label exactly once, placed or hidden`);
  assertClear(result, what);
  if (!dropped.length) {
    assert.equal(note, null, `${what}: no note when nothing is hidden`);
    return;
  }
  assert.ok(note, `${what}: ${dropped.length} hidden without a note`);
  const hiddenWeights = dropped.filter((id) => id.startsWith("w:")).length;
  assert.equal(note.count, dropped.length, what);
  assert.equal(note.weights, hiddenWeights, what);
  assert.equal(note.deltas, dropped.length - hiddenWeights, what);
  assert.ok(hiddenNoteTexts(note.weights, note.deltas).includes(note.text), `${what}: ${note.text}`);
  const shown = note.text.startsWith(`${dropped.length} hidden`) ? dropped.length : Number(/^(\d+) weight/.exec(note.text)?.[1] ?? 0) + Number(/(\d+) δ/.exec(note.text)?.[1] ?? 0);
  assert.equal(shown, dropped.length, `${what}: the note reads "${note.text}"`);
  assert.ok(note.x >= 0 && note.y >= 0 && note.x + note.w <= layout.width && note.y + note.h <= layout.height, `${what}: the note leaves the canvas`);
  for (const box of placed) assert.ok(!overlaps(note, box), `${what}: the note covers ${box.id}`);
  for (const n of layout.nodes) {
    const r = n.bias ? layout.radius * 0.62 : layout.radius;
    assert.ok(!overlaps(note, { x: n.x - r, y: n.y - r, w: 2 * r, h: 2 * r }), `${what}: the note covers neuron ${n.layer}:${n.index}`);
  }
}

test("on a phone every label is placed apart or counted as hidden by the note, 1 to 8 neurons per layer", () => {
  for (const [name, canvas] of Object.entries(PHONES)) {
    for (let n = 1; n <= 8; n++) {
      for (const sizes of [[2, n, 1], [2, n, n, 1], [2, n, n, n, 1]]) {
        for (const numbers of [true, false]) {
          const result = labelsFor(sizes, canvas, 1, numbers, numbers ? null : "0:0:0");
          assertAccounted(result, `${sizes.join("-")} ${name}${numbers ? "" : " (numbers off)"}`);
          assert.ok(WEIGHT_STEPS.includes(result.step));
        }
      }
    }
  }
});

test("the default net on a phone labels all 9 weights and 3 δ: beside the lines and a font step smaller", () => {
  for (const [name, canvas] of Object.entries(PHONES)) {
    for (const widest of ["−0.376", "−0.0419"]) { // seed 1's values; seed 3's widest
      const result = labelsFor([2, 2, 1], canvas, 1, true, null, widest);
      assertAccounted(result, `2-2-1 ${name} ${widest}`);
      assert.deepEqual(result.dropped, [], `2-2-1 ${name} ${widest}`);
      assert.equal(result.placed.filter((p) => p.kind === "weight").length, 9);
      assert.ok(result.step >= 10 / 12, "at 10 px at least");
    }
  }
});

test("the hidden labels' note: its words and their count", () => {
  assert.deepEqual(hiddenNoteTexts(2, 0), ["2 weight values hidden: select a weight to see its value", "2 weight values hidden", "2 hidden"]);
  assert.equal(hiddenNoteTexts(1, 0)[0], "1 weight value hidden: select a weight to see it");
  assert.equal(hiddenNoteTexts(3, 1)[0], "3 weight values and 1 δ hidden: select one to see it");
  assert.equal(hiddenNoteTexts(0, 2)[0], "2 δ hidden: select a neuron to see it");
  // a crowded phone net: many hidden, the note counts them all and stays clear of the labels
  const crowded = labelsFor([2, 8, 8, 1], PHONES["360x740"]);
  assert.ok(crowded.dropped.length > 50);
  assertAccounted(crowded, "2-8-8-1 360x740");
});

test("the focused weight's value is always drawn, even on a crowded phone net", () => {
  const focus = "1:3:4";
  const result = labelsFor([2, 8, 8, 1], CANVASES.phone, 1, true, focus);
  assert.ok(result.placed.some((p) => p.key === focus && p.kind === "weight"));
  const alone = labelsFor([2, 8, 8, 8, 1], CANVASES.phone, 1, false, focus);
  assert.deepEqual(alone.placed.filter((p) => p.kind === "weight").map((p) => p.key), [focus]);
});

test("curve marks at one epoch merge into one label; nearby ones stack without overlap", () => {
  const x = linearScale([0, 100], [50, 650]);
  const opts = { x, top: 14, bottom: 200, right: 660, measure: (t) => t.length * 6.6 };
  const merged = markLabels([{ epoch: 40, kind: "edit" }, { epoch: 40, kind: "settings" }, { epoch: 40, kind: "edit" }], opts);
  assert.deepEqual(merged.map((m) => m.text), ["edit ×2, settings"]);
  const marks = [1, 2, 3, 4, 5, 60].map((epoch, k) => ({ epoch, kind: ["edit", "settings", "back", "reset"][k % 4] }));
  const placed = markLabels(marks, opts);
  assert.equal(placed.length, 6, "every mark labelled");
  for (let a = 0; a < placed.length; a++) {
    for (let b = a + 1; b < placed.length; b++) assert.ok(!overlaps(placed[a].box, placed[b].box), `${placed[a].text} / ${placed[b].text}`);
  }
  assert.equal(placed.find((m) => m.text === "settings").x, Math.round(x(60)) + 0.5);
});

test("a curve mark's label keeps off the loss line: a mark at epoch 0 sits below the line's start", () => {
  const x = linearScale([0, 10], [58, 680]);
  const opts = { x, top: 14, bottom: 220, right: 700, measure: (t) => t.length * 6.6 };
  // the loss from the top of the plot, nearly flat (as after a setting changed at epoch 0)
  const line = [0, 1, 2, 3, 4, 5, 6].map((epoch) => [x(epoch), 18 + epoch * 0.5]);
  const [label] = markLabels([{ epoch: 0, kind: "settings" }], { ...opts, line });
  assert.equal(label.text, "settings");
  assert.equal(label.x, Math.round(x(0)) + 0.5);
  for (const box of lineBoxes(line, [{ w: label.box.w, candidates: [{ x: label.box.x + label.box.w / 2 }] }], 2)) {
    assert.ok(!overlaps(label.box, box), `the label ${JSON.stringify(label.box)} covers the line at ${box.x}, ${box.y}`);
  }
  const [alone] = markLabels([{ epoch: 0, kind: "settings" }], opts);
  assert.equal(alone.box.y, 14, "with no line in the way: at the top");
  // a line over every row: the label is drawn anyway, crossing it
  const wall = [];
  for (let y = 14; y <= 220; y += 2) wall.push([50, y], [200, y]);
  assert.equal(markLabels([{ epoch: 0, kind: "settings" }], { ...opts, line: wall }).length, 1);
});
