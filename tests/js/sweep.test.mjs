import test from "node:test";
import assert from "node:assert/strict";
import {
  decodeSweep, armName, armSummary, percent, progressText, stateText, stuckSeeds, tipText, loadPayload,
  loadedText, epochScale, barSpan, scatterGeometry, hitPoint,
} from "../../static/js/sweep-view.js";
import { createState, applyFrame } from "../../static/js/store.js";
import { fmt, fmtCount } from "../../static/js/format.js";

const TABLE = { eta: { label: "Learning rate η", symbol: "η" }, hidden: { label: "Hidden layers" }, alpha: { symbol: "α" } };
const b64 = (values) => Buffer.from(new Float32Array(values).buffer).toString("base64");
const SETTINGS = { problem: "xor", hidden: [2], activation: "sigmoid", eta: 0.5, alpha: 0, mode: "online", init_range: 1, seed: 9, sampling: "patterns" };

/** Edges as the server makes them (app/engine/sliced_sweep.py epoch_bins): geometric steps. */
function edgesFor(epochs, bins) {
  const low = Math.max(1, epochs / 1000);
  return Array.from({ length: bins + 1 }, (_, k) => low * (epochs / low) ** (k / bins));
}

/** A raw sweep view as a frame carries it; `at` and `loss` per arm (NaN at = stuck). */
function rawSweep({ seed = 5, epochs = 20000, arms, state = "done" }) {
  const nets = arms[0].at.length;
  const edges = edgesFor(epochs, 4);
  return {
    id: 1, state, nets, epochs, seed, edges, elapsed_s: 3.25,
    arms: arms.map(({ at, loss, changes = {} }, i) => {
      const converged = at.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
      const mid = converged.length >> 1;
      return {
        label: "AB"[i], changes, settings: { ...SETTINGS, ...changes }, finished: nets,
        converged: converged.length, stuck: nets - converged.length, diverged: loss.filter(Number.isNaN).length,
        histogram: [converged.length, 0, 0, 0],
        median: converged.length ? (converged.length % 2 ? converged[mid] : (converged[mid - 1] + converged[mid]) / 2) : null,
        net_epochs: 0,
        results: state === "running" ? null : { converged_at: b64(at), final_loss: b64(loss) },
      };
    }),
  };
}

const A = { at: [120, NaN, 2500, NaN, 800, 1500], loss: [0.004, 0.0627, 0.0049, NaN, 0.003, 0.0045] };
const B = { at: [60, 90, NaN, 400, 300, 250], loss: [0.002, 0.004, 0.125, 0.001, 0.0035, 0.004], changes: { eta: 2 } };

test("decodeSweep: none is null, results decode to the float32 values, running arms have none", () => {
  assert.equal(decodeSweep(null), null);
  assert.equal(decodeSweep({ state: "none" }), null);
  const view = decodeSweep(rawSweep({ arms: [A, B] }));
  assert.deepEqual([...view.arms[0].convergedAt], [...new Float32Array(A.at)]);
  assert.deepEqual([...view.arms[1].finalLoss], [...new Float32Array(B.loss)]);
  const running = decodeSweep(rawSweep({ arms: [A], state: "running" }));
  assert.equal(running.arms[0].convergedAt, null);
  assert.deepEqual(stuckSeeds(running, 0), []);
});

test("arm names: η alone for one arm; the settings B changes, for both arms", () => {
  const one = decodeSweep(rawSweep({ arms: [A] }));
  assert.equal(armName(one, 0, TABLE), `A: η = ${SETTINGS.eta}`);
  const two = decodeSweep(rawSweep({ arms: [A, B] }));
  assert.equal(armName(two, 1, TABLE), "B: η = 2");
  const layouts = decodeSweep(rawSweep({ arms: [A, { ...B, changes: { hidden: [3, 2], alpha: 0.9 } }] }));
  assert.equal(armName(layouts, 0, TABLE), "A: 2-2-1, α = 0"); // a layout reads as the net's shape
  assert.equal(armName(layouts, 1, TABLE), "B: 2-3-2-1, α = 0.9");
});

test("the summary counts what the arm holds, with the stuck share and the median", () => {
  const view = decodeSweep(rawSweep({ arms: [A, B] }));
  for (const [i, arm] of [A, B].entries()) {
    const stuck = arm.at.filter(Number.isNaN).length;
    const converged = arm.at.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    const n = converged.length;
    const median = n % 2 ? converged[(n - 1) / 2] : (converged[n / 2 - 1] + converged[n / 2]) / 2;
    const share = `${((100 * stuck) / arm.at.length).toFixed(1)} %`;
    const diverged = arm.loss.filter(Number.isNaN).length;
    const { share: shown, text } = armSummary(view, i, TABLE);
    assert.equal(shown, share);
    assert.equal(text, `${armName(view, i, TABLE)} — ${converged.length} converged, ${stuck} stuck (${share}${diverged ? `, ${diverged} diverged` : ""}), median ${fmtCount(median)} epochs`);
  }
  assert.equal(percent(1, 3), "33.3 %");
  assert.equal(percent(0, 0), "–");
  assert.equal(progressText(view, 1), `${A.at.length} of ${A.at.length} nets`);
  const size = `${fmtCount(view.nets)} nets × ${fmtCount(view.epochs)} epochs`; // students see it too
  assert.equal(stateText(view), `${size}: done in 3.3 s`);
  assert.equal(stateText({ ...view, state: "running" }), `${size}: running · 3.3 s`);
  assert.equal(stateText(null), "");
});

test("stuck seeds are the seeds of the NaN entries; tooltips and loading name the net", () => {
  const view = decodeSweep(rawSweep({ seed: 40, arms: [A, B] }));
  const expected = A.at.flatMap((v, k) => (Number.isNaN(v) ? [40 + k] : []));
  assert.deepEqual(stuckSeeds(view, 0), expected);
  assert.equal(tipText(view, 0, 1), `A · seed 41 · stuck · L = ${fmt(Math.fround(A.loss[1]))}`);
  assert.equal(tipText(view, 0, 3), "A · seed 43 · diverged · L = NaN");
  assert.equal(tipText(view, 1, 4), `B · seed 44 · converged in ${B.at[4]} epochs · L = ${fmt(Math.fround(B.loss[4]))}`);
  assert.deepEqual(loadPayload(view, 1, 2), { ...SETTINGS, eta: 2, seed: 42 });
  assert.equal(loadedText(view, 1, 2, TABLE), "Loaded seed 42 of B: η = 2 (stuck in the sweep): press Run (Enter) to watch it.");
  const one = decodeSweep(rawSweep({ seed: 40, arms: [A] }));
  assert.equal(tipText(one, 0, 1).startsWith("seed 41 · stuck"), true);
  assert.equal(loadedText(one, 0, 1, TABLE), "Loaded seed 41 (stuck in the sweep): press Run (Enter) to watch it.");
});

test("the epoch axis is logarithmic: equal pixels per decade, ends at the range", () => {
  const edges = edgesFor(20000, 40);
  const x = epochScale(edges, [100, 500]);
  assert.equal(x.log, true);
  assert.ok(Math.abs(x(edges[0]) - 100) < 1e-9 && Math.abs(x(20000) - 500) < 1e-9);
  const decade = 400 / Math.log10(20000 / edges[0]);
  assert.ok(Math.abs(x(1000) - x(100) - decade) < 1e-9);
  assert.ok(Math.abs(x(Math.sqrt(edges[0] * 20000)) - 300) < 1e-9);
  // equal steps on the log scale make every bin equally wide
  const widths = edges.slice(1).map((e, k) => x(e) - x(edges[k]));
  for (const w of widths) assert.ok(Math.abs(w - 10) < 1e-9);
  // a budget of one epoch has linear edges from 0
  const linear = epochScale([0, 0.5, 1], [0, 10]);
  assert.equal(linear.log, false);
  assert.equal(linear(0.5), 5);
});

test("bars of the arms sit side by side inside their bin", () => {
  const edges = edgesFor(20000, 40);
  const x = epochScale(edges, [0, 800]);
  for (const k of [0, 17, 39]) {
    const [a, b] = [0, 1].map((i) => barSpan(x, edges, k, i, 2, 2));
    assert.ok(Math.abs(a.x - (x(edges[k]) + 1)) < 1e-9);
    assert.ok(Math.abs(a.x + a.w - b.x) < 1e-9);
    assert.ok(Math.abs(b.x + b.w - (x(edges[k + 1]) - 1)) < 1e-9);
    assert.ok(Math.abs(a.w - b.w) < 1e-12);
    const alone = barSpan(x, edges, k, 0, 1, 2);
    assert.ok(Math.abs(alone.w - (a.w + b.w)) < 1e-9);
  }
});

test("scatter: a point per net and arm, x by seed, y by log loss, diverged at the top", () => {
  const view = decodeSweep(rawSweep({ seed: 10, arms: [A, B] }));
  const box = { width: 600, height: 300 };
  const { x, y, points } = scatterGeometry(view, box);
  assert.equal(points.length, A.at.length + B.at.length);
  assert.deepEqual(y.domain, [1e-3, 1]); // decades around the finite losses
  for (const p of points) {
    const loss = view.arms[p.i].finalLoss[p.k];
    assert.equal(p.x, x(10 + p.k));
    assert.equal(p.y, Number.isNaN(loss) ? y.range[1] : y(loss));
    assert.equal(p.stuck, Number.isNaN([A, B][p.i].at[p.k]));
  }
  assert.equal(x(10), 54);
  assert.equal(x(10 + A.at.length - 1), 600 - 12);
  const stuck = points.find((p) => p.i === 0 && p.k === 1);
  const converged = points.find((p) => p.i === 0 && p.k === 0);
  assert.ok(stuck.y < converged.y, "a larger loss is drawn higher");
  assert.ok(Math.abs(converged.y - y(Math.fround(0.004))) < 1e-9);
  // a cancelled sweep: the axis spans the nets that finished
  const cancelled = decodeSweep(rawSweep({ seed: 10, arms: [A] }));
  cancelled.nets = 5000;
  assert.equal(scatterGeometry(cancelled, box).x(10 + A.at.length - 1), 600 - 12);
});

test("hitPoint: the nearest point within the radius, the first of equals", () => {
  const points = [{ x: 10, y: 10 }, { x: 14, y: 10 }, { x: 10, y: 10 }, { x: 40, y: 40 }];
  assert.equal(hitPoint(points, 10, 10), points[0]);
  assert.equal(hitPoint(points, 13, 10), points[1]);
  assert.equal(hitPoint(points, 40, 46), points[3]);
  assert.equal(hitPoint(points, 40, 46.5), null);
  assert.equal(hitPoint(points, 40, 46.5, 7), points[3]);
  assert.equal(hitPoint([], 0, 0), null);
});

test("the store keeps the sweep: null leaves it, {state: none} clears it", () => {
  const state = createState();
  const frame = (sweep) => ({ history: null, marks: null, surface: null, sweep });
  applyFrame(state, frame(rawSweep({ arms: [A] })));
  const version = state.sweepVersion;
  assert.equal(state.sweep.arms[0].convergedAt.length, A.at.length);
  applyFrame(state, frame(null));
  assert.equal(state.sweepVersion, version);
  assert.equal(state.sweep.arms[0].stuck, 2);
  applyFrame(state, frame({ state: "none" }));
  assert.equal(state.sweep, null);
  assert.equal(state.sweepVersion, version + 1);
});
