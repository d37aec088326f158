import test from "node:test";
import assert from "node:assert/strict";
import { linearScale, logScale, niceTicks, logTicks, lossDomain } from "../../static/js/scale.js";

test("linearScale maps and inverts", () => {
  const s = linearScale([0, 10], [100, 0]);
  assert.equal(s(0), 100);
  assert.equal(s(5), 50);
  assert.equal(s.invert(25), 7.5);
  assert.equal(s.log, false);
});

test("logScale maps decades evenly and clamps non-positive values", () => {
  const s = logScale([1e-4, 1], [0, 400]);
  assert.equal(s(1e-4), 0);
  assert.ok(Math.abs(s(1e-2) - 200) < 1e-9);
  assert.equal(s(0), 0);
  assert.ok(Math.abs(s.invert(300) - 1e-1) < 1e-12);
});

test("niceTicks are round and cover the range", () => {
  assert.deepEqual(niceTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(0, 0.3, 3), [0, 0.1, 0.2, 0.3]);
  assert.deepEqual(niceTicks(0, 1234, 4), [0, 500, 1000]);
  assert.deepEqual(niceTicks(5, 5), [5]);
});

test("logTicks gives powers of ten, thinned", () => {
  assert.deepEqual(logTicks(1e-4, 1), [1e-4, 1e-3, 1e-2, 1e-1, 1]);
  assert.deepEqual(logTicks(1e-12, 1, 3), [1e-12, 1e-8, 1e-4, 1]);
});

test("lossDomain: 0..max for linear, whole decades for log, defaults when empty", () => {
  assert.deepEqual(lossDomain([0.1, 0.2, NaN], false), [0, 0.2 * 1.05]);
  assert.deepEqual(lossDomain([0.003, 0.2, 0], true), [1e-3, 1]);
  assert.deepEqual(lossDomain([], true), [1e-4, 1]);
  assert.deepEqual(lossDomain([], false), [0, 0.5]);
});
