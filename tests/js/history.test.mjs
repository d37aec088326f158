import test from "node:test";
import assert from "node:assert/strict";
import { mergeHistory, mergeMarks } from "../../static/js/history.js";

test("reset replaces, start cuts and appends (the growing last point is resent)", () => {
  let pts = mergeHistory([], { reset: true, start: 0, points: [[0, 1, 1, 1], [1, 0.9, 0.9, 0.9]] });
  assert.deepEqual(pts, [[0, 1, 1, 1], [1, 0.9, 0.9, 0.9]]);
  const before = pts;
  pts = mergeHistory(pts, { reset: false, start: 1, points: [[2, 0.5, 0.9, 0.6], [3, 0.4, 0.5, 0.4]] });
  assert.deepEqual(pts, [[0, 1, 1, 1], [2, 0.5, 0.9, 0.6], [3, 0.4, 0.5, 0.4]]);
  assert.equal(before.length, 2, "the old array is untouched");
  assert.deepEqual(mergeHistory(pts, null), pts);
  assert.deepEqual(mergeHistory(pts, { reset: true, start: 0, points: [] }), []);
  assert.equal(mergeHistory(pts, { reset: false, points: [[9, 0, 0, 0]] }).length, 4, "no start: append");
});

test("marks: a list replaces, null keeps", () => {
  const kept = [{ epoch: 1, kind: "back" }];
  assert.equal(mergeMarks(kept, null), kept);
  assert.deepEqual(mergeMarks(kept, []), []);
});
