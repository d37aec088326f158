import test from "node:test";
import assert from "node:assert/strict";
import { phasesToPlay, startAnimation, animationAt } from "../../static/js/animate.js";

test("a new pattern plays every phase up to its own; the same pattern only the new ones", () => {
  assert.deepEqual(phasesToPlay(null, { epoch: 0, pattern: 0, phase: "error" }), ["forward", "error"]);
  const prev = { epoch: 0, pattern: 0, phase: "error" };
  assert.deepEqual(phasesToPlay(prev, { epoch: 0, pattern: 0, phase: "delta_output" }), ["delta_output"]);
  assert.deepEqual(phasesToPlay(prev, { epoch: 0, pattern: 1, phase: "update" }).length, 5);
  assert.deepEqual(phasesToPlay(prev, { epoch: 0, pattern: 0, phase: "forward" }), [], "back within a pattern: no replay");
  assert.deepEqual(phasesToPlay(prev, null), []);
});

test("animationAt walks the phases and ends", () => {
  const anim = startAnimation(["forward", "error"], 1000, 100);
  assert.deepEqual(animationAt(anim, 1000), { phase: "forward", t: 0 });
  assert.deepEqual(animationAt(anim, 1150), { phase: "error", t: 0.5 });
  assert.equal(animationAt(anim, 1200), null);
  assert.equal(startAnimation([], 0, 100), null);
  assert.equal(animationAt(null, 5), null);
});
