import test from "node:test";
import assert from "node:assert/strict";
import { toFloat32, decodeSurface, base64ToFloat32 } from "../../static/js/binary.js";

test("toFloat32 reads ArrayBuffers, views and unaligned Buffers", () => {
  const values = new Float32Array([0.25, -1.5, 3]);
  assert.deepEqual([...toFloat32(values.buffer)], [0.25, -1.5, 3]);
  const bytes = new Uint8Array(13);
  bytes.set(new Uint8Array(values.buffer), 1);
  assert.deepEqual([...toFloat32(bytes.subarray(1))], [0.25, -1.5, 3]);
  assert.deepEqual([...toFloat32(Buffer.from(values.buffer))], [0.25, -1.5, 3]);
  assert.equal(toFloat32(null), null);
  assert.throws(() => toFloat32(new Uint8Array(3)), RangeError);
  assert.throws(() => toFloat32("abc"), TypeError);
});

test("decodeSurface checks the grid size", () => {
  const grid = new Float32Array(4).buffer;
  const s = decodeSurface({ resolution: 2, output: grid, hidden: [grid, grid] });
  assert.equal(s.hidden.length, 2);
  assert.equal(s.output.length, 4);
  assert.throws(() => decodeSurface({ resolution: 3, output: grid, hidden: [] }), RangeError);
  assert.equal(decodeSurface(null), null);
});

test("room frames: base64 little-endian float32 text decodes to the same values", () => {
  const values = new Float32Array([0.5, -2.25, 1e-3, 0.1]);
  const text = Buffer.from(values.buffer).toString("base64");
  assert.deepEqual([...base64ToFloat32(text)], [...values]);
  assert.throws(() => base64ToFloat32(Buffer.from([1, 2, 3]).toString("base64")), RangeError);
  const s = decodeSurface({ resolution: 2, output: text, hidden: [text], encoding: "base64-float32le" });
  assert.deepEqual([...s.output], [...values]);
  assert.deepEqual([...s.hidden[0]], [...values]);
  assert.throws(() => decodeSurface({ resolution: 2, output: text, hidden: [], encoding: "zip" }), TypeError);
});
