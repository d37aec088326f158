import test from "node:test";
import assert from "node:assert/strict";
import { placeLabels, overlaps, networkLabels, markLabels } from "../../static/js/labels.js";
import { networkLayout } from "../../static/js/layout.js";
import { linearScale } from "../../static/js/scale.js";

// the network canvas's CSS size at the page's widths (desktop 1600 and 1366 px, phone 390 px)
const CANVASES = { desktop: [700, 438], laptop: [560, 350], phone: [356, 240] };
// a monospace font's advance is about 0.6 em; the widest values the page prints ("−0.0123")
const measure = (s) => (text, kind) => text.length * (kind === "delta" ? 13 : 12) * 0.6 * s;
const WIDEST = "−0.0123";

function labelsFor(sizes, [width, height], s = 1, numbers = true, focus = null) {
  const layout = networkLayout(sizes, width, height, 24 + 14 * s, 34 * s);
  const weights = new Map();
  for (const e of layout.edges) {
    const key = `${e.layer}:${e.neuron}:${e.input}`;
    if (numbers || key === focus) weights.set(key, WIDEST);
  }
  const deltas = new Map(layout.nodes.filter((n) => n.layer > 0 && !n.bias).map((n) => [`${n.layer}:${n.index}`, `δ ${WIDEST}`]));
  return { layout, ...networkLabels(layout, { texts: { weights, deltas }, focus, measure: measure(s), s }) };
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
