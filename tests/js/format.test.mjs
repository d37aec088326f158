import test from "node:test";
import assert from "node:assert/strict";
import { fmt, fmtSigned, parseNumber, fmtCount, sub, sup, statusText } from "../../static/js/format.js";

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

test("statusText says running, converged, diverged, paused", () => {
  assert.equal(statusText(null), "Connecting…");
  assert.match(statusText({ status: "running", epoch: 5000, epochs_per_second: 123456 }), /^Running at 123\u2009456 epochs\/s/);
  assert.match(statusText({ status: "converged", epoch: 900, converged_epoch: 812 }), /Converged at epoch 812/);
  assert.match(statusText({ status: "diverged", epoch: 3 }), /Lower η/);
  assert.equal(statusText({ status: "paused", epoch: 2, pattern: 1, trace: { phase: "error" } }), "Paused at epoch 2, pattern 2 of 4, after the error e = d − r");
  assert.equal(statusText({ status: "paused", epoch: 2, pattern: 1, trace: null }), "Paused at epoch 2, pattern 2 of 4");
});
