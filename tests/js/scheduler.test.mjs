import test from "node:test";
import assert from "node:assert/strict";
import { createScheduler, FRAME_BUDGET_MS } from "../../static/js/scheduler.js";

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

test("past the frame budget the other jobs wait for the next frame, and go first then", () => {
  const frames = fakeFrames();
  let time = 0;
  const s = createScheduler(frames.request, undefined, () => time);
  const ran = [];
  const job = (name, ms, again = () => false) => s.add(name, () => { ran.push(name); time += ms; return again(); });
  let animating = 3;
  job("network", FRAME_BUDGET_MS + 1, () => --animating > 0); // slow, and animating
  job("curve", 2);
  job("surface", 2);
  frames.run();
  assert.deepEqual(ran, ["network"], "the network used up the frame");
  ran.length = 0;
  frames.run();
  assert.deepEqual(ran, ["curve", "surface", "network"], "the put-off jobs first, then the animation");
  ran.length = 0;
  frames.run();
  assert.deepEqual(ran, ["network"]);
  assert.ok(s.idle);
});
