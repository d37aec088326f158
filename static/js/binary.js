// Decoding what the server sends in binary. Pure.
// A frame is one MessagePack blob (docs/protocol.md, "Frames"): decodeFrame turns it into the
// plain object the rest of the page reads, numbers exactly the engine's float64 values. Its
// decision surface carries levels: 256 across the activation's range for a grid (u8), 65,536
// for a one-input net's curves (u16le), raw bytes in a frame, base64 text where JSON carries
// them; decodeSurface turns them back into outputs. A sweep's results are base64 float32 text.
import { decode } from "../vendor/msgpack.esm.js";

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A frame from its MessagePack blob (ArrayBuffer or a byte view); an object is passed through. */
export function decodeFrame(blob) {
  if (blob instanceof ArrayBuffer || ArrayBuffer.isView(blob)) return decode(blob);
  if (blob && typeof blob === "object") return blob;
  throw new TypeError(`frame: expected a MessagePack blob, got ${Object.prototype.toString.call(blob)}`);
}

/** Bytes from base64 text. */
export function base64ToBytes(text) {
  if (typeof text !== "string") throw new TypeError(`binary: expected base64 text, got ${Object.prototype.toString.call(text)}`);
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let k = 0; k < raw.length; k++) bytes[k] = raw.charCodeAt(k);
  return bytes;
}

/** Little-endian float32 values from base64 text. */
export function base64ToFloat32(text) {
  const bytes = base64ToBytes(text);
  if (bytes.length % 4 !== 0) throw new RangeError(`binary: ${bytes.length} bytes is not a whole number of float32`);
  if (LITTLE_ENDIAN) return new Float32Array(bytes.buffer);
  const view = new DataView(bytes.buffer);
  return Float32Array.from({ length: bytes.length / 4 }, (_, k) => view.getFloat32(4 * k, true));
}

const asBytes = (data) => (typeof data === "string" ? base64ToBytes(data) : data);

/**
 * Outputs from levels: level q stands for lo + q·(hi − lo)/(levels − 1). `data` is raw bytes
 * (Uint8Array) or base64 text; `encoding` "u8" (one byte a level) or "u16le" (two, little-endian).
 */
export function levelsToValues(data, encoding, levels, lo, hi) {
  const bytes = asBytes(data);
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`surface: levels must be bytes, got ${Object.prototype.toString.call(data)}`);
  const wide = encoding === "u16le";
  if (!wide && encoding !== "u8") throw new TypeError(`surface: unknown encoding ${encoding}`);
  if (!(levels === (wide ? 65536 : 256))) throw new RangeError(`surface: ${levels} levels do not fit ${encoding}`);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) throw new RangeError(`surface: bad range ${lo} to ${hi}`);
  if (wide && bytes.length % 2 !== 0) throw new RangeError(`surface: ${bytes.length} bytes is not a whole number of u16`);
  const step = (hi - lo) / (levels - 1);
  const count = wide ? bytes.length / 2 : bytes.length;
  const values = new Float32Array(count);
  for (let k = 0; k < count; k++) values[k] = lo + step * (wide ? bytes[2 * k] | (bytes[2 * k + 1] << 8) : bytes[k]);
  return values;
}

/**
 * The surfaces of a frame decoded, or null: a two-input net's {kind: "grid", resolution,
 * output, hidden: [...]} (G × G values each), a one-input net's {kind: "curve", points,
 * range: [-m, m], output, hidden} (N values each, r(s) and h(s)), as Float32Array outputs.
 */
export function decodeSurface(surface) {
  if (!surface) return null;
  const read = (data) => levelsToValues(data, surface.encoding, surface.levels, surface.lo, surface.hi);
  const output = read(surface.output);
  const hidden = (surface.hidden || []).map(read);
  if (surface.kind === "curve") {
    const n = surface.points;
    for (const line of [output, ...hidden]) {
      if (line.length !== n) throw new RangeError(`surface: need ${n} values, got ${line.length}`);
    }
    return { kind: "curve", points: n, range: surface.range, output, hidden };
  }
  if (surface.kind !== undefined && surface.kind !== "grid") throw new TypeError(`surface: unknown kind ${surface.kind}`);
  const g = surface.resolution;
  for (const grid of [output, ...hidden]) {
    if (grid.length !== g * g) throw new RangeError(`surface: need ${g * g} values, got ${grid.length}`);
  }
  return { kind: "grid", resolution: g, output, hidden };
}
