// The surfaces of a frame as Float32Array. Pure.
// Frames carry them as base64 text of little-endian float32 bytes (`encoding:
// "base64-float32le"`, docs/protocol.md), so that every frame is one WebSocket message.

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const ENCODING = "base64-float32le";

/** Little-endian float32 values from base64 text. */
export function base64ToFloat32(text) {
  if (typeof text !== "string") throw new TypeError(`binary: expected base64 text, got ${Object.prototype.toString.call(text)}`);
  const raw = atob(text);
  if (raw.length % 4 !== 0) throw new RangeError(`binary: ${raw.length} bytes is not a whole number of float32`);
  const bytes = new Uint8Array(raw.length);
  for (let k = 0; k < raw.length; k++) bytes[k] = raw.charCodeAt(k);
  if (LITTLE_ENDIAN) return new Float32Array(bytes.buffer);
  const view = new DataView(bytes.buffer);
  return Float32Array.from({ length: raw.length / 4 }, (_, k) => view.getFloat32(4 * k, true));
}

/**
 * The surfaces of a frame decoded, or null: a two-input net's {kind: "grid", resolution,
 * output, hidden: [...]} (G × G values each), a one-input net's {kind: "curve", points,
 * range: [-m, m], output, hidden} (N values each, r(s) and h(s)).
 */
export function decodeSurface(surface) {
  if (!surface) return null;
  if (surface.encoding !== ENCODING) throw new TypeError(`surface: unknown encoding ${surface.encoding}`);
  const output = base64ToFloat32(surface.output);
  const hidden = (surface.hidden || []).map(base64ToFloat32);
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
