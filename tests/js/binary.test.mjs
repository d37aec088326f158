import test from "node:test";
import assert from "node:assert/strict";
import { decodeSurface, base64ToFloat32 } from "../../static/js/binary.js";

const b64 = (values) => Buffer.from(new Float32Array(values).buffer).toString("base64");

test("base64 little-endian float32 text decodes to the same values", () => {
  const values = new Float32Array([0.5, -2.25, 1e-3, 0.1]);
  assert.deepEqual([...base64ToFloat32(b64(values))], [...values]);
  assert.throws(() => base64ToFloat32(Buffer.from([1, 2, 3]).toString("base64")), RangeError);
  assert.throws(() => base64ToFloat32(new Float32Array(4).buffer), TypeError, "bytes are not sent any more");
});

test("decodeSurface reads the encoding and checks the grid size", () => {
  const text = b64([0.5, -2.25, 1e-3, 0.1]);
  const s = decodeSurface({ resolution: 2, output: text, hidden: [text, text], encoding: "base64-float32le" });
  assert.equal(s.hidden.length, 2);
  assert.deepEqual([...s.output], [...base64ToFloat32(text)]);
  assert.throws(() => decodeSurface({ resolution: 3, output: text, hidden: [], encoding: "base64-float32le" }), RangeError);
  assert.throws(() => decodeSurface({ resolution: 2, output: text, hidden: [], encoding: "zip" }), TypeError);
  assert.throws(() => decodeSurface({ resolution: 2, output: text, hidden: [] }), TypeError, "no encoding: refused");
  assert.equal(decodeSurface(null), null);
});

test("a one-input net's surface is a curve of N values over [-m, m]", () => {
  const line = b64([0.1, 0.5, 0.9]);
  const s = decodeSurface({ kind: "curve", points: 3, range: [-2, 2], output: line, hidden: [line], encoding: "base64-float32le" });
  assert.equal(s.kind, "curve");
  assert.deepEqual(s.range, [-2, 2]);
  assert.equal(s.output.length, 3);
  assert.throws(() => decodeSurface({ kind: "curve", points: 4, range: [-2, 2], output: line, hidden: [], encoding: "base64-float32le" }), RangeError);
  assert.throws(() => decodeSurface({ kind: "cube", resolution: 2, output: line, hidden: [], encoding: "base64-float32le" }), TypeError);
});
