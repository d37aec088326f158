import test from "node:test";
import assert from "node:assert/strict";
import { mergeHistory, mergeMarks, rebucket } from "../../static/js/history.js";

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

test("wider buckets: the kept points merge like the server's, then the frame applies", () => {
  const kept = [[0, 5, 5, 5], [1, 4, 4, 4], [2, 3, 6, 6], [3, 2, 2, 2], [4, 1, 1, 1]];
  assert.deepEqual(rebucket(kept, 2), [[1, 4, 5, 4], [3, 2, 6, 2], [4, 1, 1, 1]]);
  assert.deepEqual(rebucket(kept, 1), kept, "merging at the same width changes nothing");
  // the server merged to width 4 and goes on from the bucket of our last point (epoch 4)
  const next = mergeHistory(kept, { reset: false, start: 1, width: 4, points: [[7, 0.5, 1, 0.5]] }, 1);
  assert.deepEqual(next, [[3, 2, 6, 2], [7, 0.5, 1, 0.5]]);
  assert.deepEqual(mergeHistory(next, { reset: false, start: 1, width: 4, points: [[8, 0.4, 0.4, 0.4]] }, 4),
    [[3, 2, 6, 2], [8, 0.4, 0.4, 0.4]]);
});
