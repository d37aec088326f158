import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { encode } from "../../static/vendor/msgpack.esm.js";
import { decodeFrame, decodeSurface, base64ToFloat32, levelsToValues } from "../../static/js/binary.js";

const b64 = (values) => Buffer.from(new Float32Array(values).buffer).toString("base64");
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

test("base64 little-endian float32 text decodes to the same values (a sweep's results)", () => {
  const values = new Float32Array([0.5, -2.25, 1e-3, 0.1]);
  assert.deepEqual([...base64ToFloat32(b64(values))], [...values]);
  assert.throws(() => base64ToFloat32(Buffer.from([1, 2, 3]).toString("base64")), RangeError);
  assert.throws(() => base64ToFloat32(new Float32Array(4).buffer), TypeError);
});

test("levels stand for lo + q·(hi − lo)/(levels − 1), from raw bytes or base64 text", () => {
  const bytes = new Uint8Array([0, 1, 128, 255]);
  const values = levelsToValues(bytes, "u8", 256, 0, 1);
  assert.deepEqual([...values], [0, 1 / 255, 128 / 255, 1].map(Math.fround));
  const text = Buffer.from(bytes).toString("base64");
  assert.deepEqual([...levelsToValues(text, "u8", 256, 0, 1)], [...values]);
  assert.deepEqual([...levelsToValues(bytes, "u8", 256, -1, 1)], [-1, -1 + 2 / 255, -1 + 256 / 255, 1].map(Math.fround));
  const wide = new Uint8Array([0, 0, 0xff, 0xff, 0x00, 0x01]); // 0, 65535, 256 little-endian
  assert.deepEqual([...levelsToValues(wide, "u16le", 65536, 0, 1)], [0, 1, 256 / 65535].map(Math.fround));
  assert.throws(() => levelsToValues(bytes, "zip", 256, 0, 1), TypeError);
  assert.throws(() => levelsToValues(bytes, "u8", 65536, 0, 1), RangeError, "levels must fit the encoding");
  assert.throws(() => levelsToValues(bytes, "u8", 256, 1, 1), RangeError, "an empty range");
  assert.throws(() => levelsToValues(new Uint8Array(3), "u16le", 65536, 0, 1), RangeError);
  assert.throws(() => levelsToValues([1, 2], "u8", 256, 0, 1), TypeError);
});

const grid = (output, hidden, resolution = 2) => ({ kind: "grid", resolution, encoding: "u8", levels: 256, lo: 0, hi: 1, output, hidden });

test("decodeSurface checks the grid's and the curve's sizes", () => {
  const four = new Uint8Array([0, 64, 128, 255]);
  const s = decodeSurface(grid(four, [four, four]));
  assert.equal(s.kind, "grid");
  assert.equal(s.hidden.length, 2);
  assert.equal(s.output[3], 1);
  assert.throws(() => decodeSurface(grid(four, [], 3)), RangeError);
  assert.throws(() => decodeSurface({ ...grid(four, []), encoding: undefined }), TypeError, "no encoding: refused");
  assert.throws(() => decodeSurface({ ...grid(four, []), kind: "cube" }), TypeError);
  assert.equal(decodeSurface(null), null);
  const line = new Uint8Array([0, 0, 0, 128, 255, 255]);
  const c = decodeSurface({ kind: "curve", points: 3, range: [-2, 2], encoding: "u16le", levels: 65536, lo: 0, hi: 1, output: line, hidden: [line] });
  assert.equal(c.kind, "curve");
  assert.deepEqual(c.range, [-2, 2]);
  assert.equal(c.output.length, 3);
  assert.throws(() => decodeSurface({ kind: "curve", points: 4, range: [-2, 2], encoding: "u16le", levels: 65536, lo: 0, hi: 1, output: line, hidden: [] }), RangeError);
});

test("decodeFrame reads a MessagePack blob and refuses anything else", () => {
  const frame = { seq: 3, weights: [[[0.1, -2.5e-300, 1 / 3]]], surface: null, loss: null };
  const blob = encode(frame);
  assert.deepEqual(decodeFrame(blob), frame);
  assert.deepEqual(decodeFrame(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength)), frame);
  assert.throws(() => decodeFrame("text"), TypeError);
  assert.throws(() => decodeFrame(null), TypeError);
});

const PYTHON = join(ROOT, ".venv", "bin", "python");

test("a frame the server encodes decodes to the engine's numbers, bit for bit", { skip: !existsSync(PYTHON) && "no .venv" }, () => {
  // the server's own encoder on a real session; its JSON twin (levels as base64) to compare
  const script = `
import json, sys
from app.sessions import Delivery, Session, build_frame
from app.web.wire import frame_bytes, jsonable
session = Session("s", lambda fn, *a: None)
for unit in ("epoch", "epoch", "pattern", "phase"):
    session.step(unit)
with session.lock:
    frame = build_frame(session, Delivery())
json_text = json.dumps(jsonable(frame), allow_nan=False)
sys.stdout.write(json.dumps({"blob": frame_bytes(frame).hex(), "json": json_text}))
`;
  const out = JSON.parse(execFileSync(PYTHON, ["-c", script], { cwd: ROOT, encoding: "utf8" }));
  const decoded = decodeFrame(Buffer.from(out.blob, "hex"));
  const twin = JSON.parse(out.json); // JSON.parse reads the shortest round-trip decimals exactly
  const { surface, ...numbers } = decoded;
  const { surface: twinSurface, ...twinNumbers } = twin;
  assert.deepEqual(numbers, twinNumbers);
  assert.ok(numbers.trace && numbers.truth.length === 4);
  assert.deepEqual(decodeSurface(surface), decodeSurface(twinSurface));
  assert.equal(surface.output.length, 625);
});
