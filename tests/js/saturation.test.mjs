import test from "node:test";
import assert from "node:assert/strict";
import { saturation, saturationNote, slopeName, MARK_FROM } from "../../static/js/saturation.js";

// σ' per pattern as the server sends it (frame.truth[p].slopes): a stuck 2-2-1 net from the
// sweep (seed 3 after 20,000 epochs): both hidden neurons flat on 3 patterns, r never flat.
const stuck = [
  [[0.2468, 0.2484], [0.0138]],
  [[0.0003, 0.0003], [0.2236]],
  [[0.0003, 0.0003], [0.2236]],
  [[0.00004, 0.00002], [0.2234]],
].map((slopes, p) => ({ s: [p >> 1, p & 1], slopes }));
const names = stuck.map((row) => `(${row.s.join(",")})`);

test("neurons flat on at least half the patterns are marked", () => {
  const neurons = saturation(stuck, 0.01);
  assert.equal(neurons.length, 3);
  assert.deepEqual(neurons.map((n) => [n.layer, n.index, n.flat, n.marked]), [
    [1, 0, [1, 2, 3], true],
    [1, 1, [1, 2, 3], true],
    [2, 0, [], false],
  ]);
  assert.equal(MARK_FROM, 2);
});

test("a solved net's neurons, flat on one pattern each, are not marked", () => {
  const solved = stuck.map((row, p) => ({ ...row, slopes: [[p === 0 ? 0.005 : 0.1, p === 3 ? 0.0001 : 0.1], [0.08]] }));
  assert.ok(saturation(solved, 0.01).every((n) => !n.marked && n.flat.length <= 1));
});

test("the note names each marked neuron, where it is flattest and what it costs", () => {
  const neurons = saturation(stuck, 0.01);
  const note = saturationNote(neurons, [2, 2, 1], "sigmoid", 0.01, names);
  assert.match(note, /^Saturated \(σ′ < 0\.01\): h₁ on 3 of 4 patterns \(h₁\(1−h₁\) = [^)]+ at \(1,1\)\)/);
  assert.match(note, /h₂ on 3 of 4 patterns/);
  assert.match(note, /δ vanishes and learning stalls\.$/);
  assert.equal(saturationNote(saturation(stuck, 0.00001), [2, 2, 1], "sigmoid", 0.00001, names), "");
});

test("slope names follow the derivation and the activation", () => {
  assert.equal(slopeName([2, 2, 1], 2, 0, "sigmoid"), "r(1−r)");
  assert.equal(slopeName([2, 2, 1], 1, 1, "tanh"), "1−h₂²");
});

test("missing or non-finite slopes mark nothing", () => {
  assert.deepEqual(saturation(null, 0.01), []);
  assert.deepEqual(saturation([{ s: [0, 0] }], 0.01), []);
  const diverged = stuck.map((row) => ({ ...row, slopes: [[null, null], [null]] }));
  assert.ok(saturation(diverged, 0.01).every((n) => !n.marked));
});

test("a solved net marks nothing, however flat: trained on, it saturates near its targets", () => {
  const flat = stuck.map((row) => ({ ...row, close: true, slopes: [[0.001, 0.001], [0.0001]] }));
  assert.ok(saturation(flat, 0.01).every((n) => !n.marked && n.flat.length === 4));
  assert.equal(saturationNote(saturation(flat, 0.01), [2, 2, 1], "sigmoid", 0.01, names), "");
  const oneOpen = flat.map((row, p) => ({ ...row, close: p !== 2 }));
  assert.ok(saturation(oneOpen, 0.01).every((n) => n.marked));
});
