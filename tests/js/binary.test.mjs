import test from "node:test";
import assert from "node:assert/strict";
import { toFloat32, decodeSurface } from "../../static/js/binary.js";

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
