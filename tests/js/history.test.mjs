import test from "node:test";
import assert from "node:assert/strict";
import { mergeHistory, halve, mergeMarks } from "../../static/js/history.js";

test("new points are appended, repeats skipped, reset replaces", () => {
  let pts = mergeHistory([], { reset: true, points: [[0, 1, 1, 1]] });
  pts = mergeHistory(pts, { reset: false, points: [[0, 1, 1, 1], [10, 0.5, 0.9, 0.6]] });
  assert.deepEqual(pts, [[0, 1, 1, 1], [10, 0.5, 0.9, 0.6]]);
  assert.deepEqual(mergeHistory(pts, null), pts);
  assert.deepEqual(mergeHistory(pts, { reset: true, points: [] }), []);
});

test("too many points are merged pairwise keeping min, max and the later last", () => {
  assert.deepEqual(halve([[1, 0.2, 0.4, 0.3], [2, 0.1, 0.3, 0.15], [3, 0.05, 0.06, 0.05]]),
    [[2, 0.1, 0.4, 0.15], [3, 0.05, 0.06, 0.05]]);
  const many = Array.from({ length: 50 }, (_, i) => [i, i, i, i]);
  const kept = mergeHistory([], { reset: true, points: many }, 16);
  assert.ok(kept.length <= 16);
  assert.equal(kept[kept.length - 1][0], 49);
  assert.equal(kept[0][1], 0);
});

test("marks merge without duplicates", () => {
  const m = mergeMarks([{ epoch: 1, kind: "back" }], [{ epoch: 1, kind: "back" }, { epoch: 5, kind: "settings" }], false);
  assert.deepEqual(m, [{ epoch: 1, kind: "back" }, { epoch: 5, kind: "settings" }]);
  assert.deepEqual(mergeMarks(m, [], true), []);
});
