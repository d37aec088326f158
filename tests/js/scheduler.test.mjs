import test from "node:test";
import assert from "node:assert/strict";
import { createScheduler } from "../../static/js/scheduler.js";

function fakeFrames() {
  const queue = [];
  return { request: (cb) => queue.push(cb), run(now = 0) { const due = queue.splice(0); for (const cb of due) cb(now); return due.length; }, get pending() { return queue.length; } };
}

test("only marked jobs run, in the order they were added, once per frame", () => {
  const frames = fakeFrames();
  const s = createScheduler(frames.request);
  const ran = [];
  s.add("panels", () => { ran.push("panels"); });
  s.add("network", () => { ran.push("network"); });
  s.add("curve", () => { ran.push("curve"); });
  assert.equal(frames.pending, 1, "one frame requested for the first paint");
  frames.run();
  assert.deepEqual(ran, ["panels", "network", "curve"]);
  assert.ok(s.idle);
  ran.length = 0;
  s.mark("network"); // a hover
  s.mark("network");
  assert.equal(frames.pending, 1, "marking twice asks for one frame");
  frames.run();
  assert.deepEqual(ran, ["network"], "the curve is not redrawn");
  assert.deepEqual(s.counts, { panels: 1, network: 2, curve: 1 });
});

test("an idle scheduler requests no frames; an animation keeps its job going until it ends", () => {
  const frames = fakeFrames();
  const s = createScheduler(frames.request);
  let left = 3;
  s.add("network", () => --left > 0);
  frames.run(0);
  frames.run(16);
  frames.run(32);
  assert.equal(left, 0);
  assert.equal(frames.run(48), 0, "nothing requested once the animation is over");
  assert.ok(s.idle);
});

test("a job that throws is reported and the others still run", () => {
  const frames = fakeFrames();
  const errors = [];
  const s = createScheduler(frames.request, (name, error) => errors.push([name, error.message]));
  const ran = [];
  s.add("a", () => { throw new Error("boom"); });
  s.add("b", () => { ran.push("b"); });
  frames.run();
  assert.deepEqual(errors, [["a", "boom"]]);
  assert.deepEqual(ran, ["b"]);
  assert.throws(() => s.mark("nope"), /no job nope/);
});

test("a mark put off keeps the scheduler busy until it fires", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const frames = fakeFrames();
  const s = createScheduler(frames.request);
  let runs = 0;
  s.add("surface", () => { runs += 1; });
  frames.run();
  s.markLater("surface", 5);
  s.markLater("surface", 5);
  assert.ok(!s.idle, "a paint is still to come");
  t.mock.timers.tick(5);
  assert.equal(frames.run(), 1);
  assert.equal(runs, 2, "put off twice, painted once");
  assert.ok(s.idle);
});
