import test from "node:test";
import assert from "node:assert/strict";
import { diverging, NEGATIVE, POSITIVE, css, weightColor, weightWidth, heatmapInto } from "../../static/js/palette.js";

test("diverging runs orange -> light -> blue and clamps", () => {
  assert.deepEqual(diverging(-1), NEGATIVE);
  assert.deepEqual(diverging(1), POSITIVE);
  assert.deepEqual(diverging(5), POSITIVE);
  assert.deepEqual(diverging(0), [247, 247, 247]);
  assert.deepEqual(diverging(NaN), [247, 247, 247]);
  const [r, , b] = diverging(-0.6);
  assert.ok(r > b, "negative side is orange");
});

test("weight colour follows the sign; width grows with magnitude", () => {
  assert.match(weightColor(-2, 2), /^rgb\(230,97,1\)$/);
  assert.match(weightColor(0.5, 2), /^rgba\(33,102,172,/);
  assert.ok(weightWidth(2, 2) > weightWidth(0.5, 2));
  assert.equal(weightWidth(0, 2), 1);
  assert.equal(weightWidth(NaN, 2), 1);
  assert.equal(css([1, 2, 3], 0.5), "rgba(1,2,3,0.5)");
});

test("heatmapInto maps lo to orange and hi to blue, opaque", () => {
  const out = heatmapInto(new Float32Array([0, 1, 0.5]), 0, 1, new Uint8ClampedArray(12));
  assert.deepEqual([...out.slice(0, 4)], [...NEGATIVE, 255]);
  assert.deepEqual([...out.slice(4, 8)], [...POSITIVE, 255]);
  assert.equal(out[11], 255);
  assert.ok(out[8] > 200 && out[9] > 200, "the middle is light");
});
