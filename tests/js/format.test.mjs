import test from "node:test";
import assert from "node:assert/strict";
import { fmt, fmtSigned, parseNumber, fmtCount, sub, sup, statusText, positionText, epochsDone, withLabel } from "../../static/js/format.js";

test("fmt gives 3 significant digits and a true minus", () => {
  assert.equal(fmt(0.0751234), "0.0751");
  assert.equal(fmt(-0.41), "−0.410");
  assert.equal(fmt(1.23456), "1.23");
  assert.equal(fmt(0), "0");
  assert.equal(fmt(12345.6), "12346");
  assert.equal(fmt(999.7), "1000", "never an exponent from toPrecision");
  assert.equal(fmt(1.5e-7), "1.50e-7");
  assert.equal(fmt(-2.5e9), "−2.50e9");
  assert.equal(fmt(NaN), "NaN");
  assert.equal(fmt(-Infinity), "−∞");
  assert.equal(fmt(null), "–");
  assert.equal(fmt(0.5, 2), "0.50");
});

test("fmtSigned shows a plus for positive values", () => {
  assert.equal(fmtSigned(0.25), "+0.250");
  assert.equal(fmtSigned(-0.25), "−0.250");
  assert.equal(fmtSigned(0), "0");
});

test("parseNumber reads what people type and rejects junk", () => {
  assert.equal(parseNumber(" −1.5 "), -1.5);
  assert.equal(parseNumber("0,25"), 0.25);
  assert.equal(parseNumber("2e-3"), 0.002);
  assert.equal(parseNumber(".5"), 0.5);
  for (const bad of ["", "abc", "1.2.3", "--1", "1e", "Infinity"]) assert.ok(Number.isNaN(parseNumber(bad)), bad);
});

test("fmtCount groups thousands; sub and sup map digits", () => {
  assert.equal(fmtCount(1234567), "1\u2009234\u2009567");
  assert.equal(fmtCount(999), "999");
  assert.equal(sub("12"), "₁₂");
  assert.equal(sup(3), "³");
  assert.equal(sub("a1"), "a₁");
});

test("one numbering: epochs from 1 for the pass under way, the counter says epochs done", () => {
  assert.equal(positionText(0, 0), "pattern 1 of epoch 1", "the first pass");
  assert.equal(positionText(1264, 3), "pattern 4 of epoch 1\u2009265");
  assert.equal(epochsDone(0), "0 epochs done");
  assert.equal(epochsDone(1), "1 epoch done");
  assert.equal(epochsDone(1265), "1\u2009265 epochs done");
});

test("statusText says running, converged, diverged, paused", () => {
  assert.equal(statusText(null), "Connecting…");
  assert.equal(statusText({ status: "running", epoch: 5000, epochs_per_second: 123456 }), "Running at 123\u2009456 epochs/s: 5\u2009000 epochs done");
  // converged_epoch is 1-based: the counter when the net was judged converged
  assert.equal(statusText({ status: "converged", epoch: 812, converged_epoch: 812 }), "Converged after epoch 812: every |e| < 0.1");
  assert.equal(statusText({ status: "converged", epoch: 900, converged_epoch: 812 }), "Converged after epoch 812: every |e| < 0.1; 900 epochs done");
  assert.match(statusText({ status: "diverged", epoch: 3 }), /Lower η/);
  assert.equal(statusText({ status: "paused", epoch: 2, pattern: 1, trace: { phase: "error" } }), "Paused at pattern 2 of epoch 3, after the error e = d − r · 2 epochs done");
  assert.equal(statusText({ status: "paused", epoch: 0, pattern: 0, trace: null }), "Paused at pattern 1 of epoch 1 · 0 epochs done");
});

test("errors name settings by their labels", () => {
  const table = { eta: { label: "Learning rate η" }, init_range: { label: "Initial range" } };
  assert.equal(withLabel("eta: need a number from 0 to 10", "eta", table), "Learning rate η: need a number from 0 to 10");
  assert.equal(withLabel("init_range: -1 is outside [0.0, 10.0]", "init_range", table), "Initial range: -1 is outside [0.0, 10.0]");
  assert.equal(withLabel("must be finite", "eta", table), "Learning rate η: must be finite");
  assert.equal(withLabel("state.marks[0].epoch: not an integer", "state.marks[0].epoch", table), "state.marks[0].epoch: not an integer");
  assert.equal(withLabel("rate: slow down", "rate", table), "rate: slow down");
  assert.equal(withLabel(undefined, null, table), "");
});
