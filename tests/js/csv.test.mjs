import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { field, toCSV, historyCSV, traceCSV } from "../../static/js/csv.js";

/** A small RFC 4180 line parser for the test (quoted fields may hold commas). */
const parseLine = (line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)]
  .slice(0, -1).map((m) => (m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1]));

const frame = JSON.parse(readFileSync(new URL("./fixtures/frame-221.json", import.meta.url)));

test("fields are quoted only when needed and numbers keep full precision", () => {
  assert.equal(field('a"b'), '"a""b"');
  assert.equal(field("a,b"), '"a,b"');
  assert.equal(field(0.1 + 0.2), "0.30000000000000004");
  assert.equal(field(null), "");
  assert.equal(toCSV(["x", "y"], [[1, "z"]]), "x,y\r\n1,z\r\n");
});

test("historyCSV has a header and one row per point", () => {
  const text = historyCSV([[0, 0.1, 0.2, 0.15], [10, 0.05, 0.1, 0.06]]);
  const lines = text.trim().split("\r\n");
  assert.equal(lines[0], "after_epoch,loss_min,loss_max,loss_last");
  assert.equal(lines[2], "10,0.05,0.1,0.06");
});

test("traceCSV has one row per weight with the trace's exact values", () => {
  const t = frame.trace;
  const text = traceCSV(t);
  const [weights, summary] = text.split("\r\n\r\n");
  const rows = weights.split("\r\n").map(parseLine);
  assert.equal(rows.length, 1 + 9);
  const header = rows[0];
  const w12 = rows.find((r) => r[header.indexOf("weight")] === "w1,2");
  assert.equal(Number(w12[header.indexOf("x")]), t.outputs[0][1]);
  assert.equal(Number(w12[header.indexOf("delta")]), t.delta[1][0]);
  assert.equal(Number(w12[header.indexOf("dl_dw")]), t.gradient[1][0][1]);
  assert.equal(Number(w12[header.indexOf("dw")]), t.change[1][0][1]);
  assert.equal(Number(w12[header.indexOf("w_after")]), t.weights_after[1][0][1]);
  assert.equal(Number(w12[header.indexOf("epoch")]), t.epoch + 1, "epochs counted from 1, as on the page");
  assert.equal(Number(w12[header.indexOf("pattern")]), t.pattern + 1);
  const bias = rows.find((r) => r[header.indexOf("weight")] === "v2,0");
  assert.equal(bias[header.indexOf("x")], "1");
  assert.match(summary, /^s1,s2,d,r,e,l\r\n/);
  assert.ok(summary.includes(String(t.e)));
  assert.match(traceCSV(null), /no trace/);
});
