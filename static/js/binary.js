// Binary payloads of a frame (the surfaces) as Float32Array. Pure.
// A session's frames carry ArrayBuffers (Socket.IO attachments); a room's frames carry the
// same bytes as base64 text (`encoding: "base64-float32le"`), so one message serves a class.

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian float32 values from base64 text. */
export function base64ToFloat32(text) {
  const raw = atob(text);
  if (raw.length % 4 !== 0) throw new RangeError(`binary: ${raw.length} bytes is not a whole number of float32`);
  const bytes = new Uint8Array(raw.length);
  for (let k = 0; k < raw.length; k++) bytes[k] = raw.charCodeAt(k);
  if (LITTLE_ENDIAN) return new Float32Array(bytes.buffer);
  const view = new DataView(bytes.buffer);
  return Float32Array.from({ length: raw.length / 4 }, (_, k) => view.getFloat32(4 * k, true));
}

/**
 * A Float32Array view of a binary value as socket.io-client hands it over (ArrayBuffer),
 * or of a typed array, DataView or Node Buffer; copies when the bytes are unaligned.
 * Returns null for null/undefined.
 */
export function toFloat32(data) {
  if (data === null || data === undefined) return null;
  if (data instanceof Float32Array) return data;
  if (data instanceof ArrayBuffer) return new Float32Array(data);
  if (ArrayBuffer.isView(data)) {
    const { buffer, byteOffset, byteLength } = data;
    if (byteLength % 4 !== 0) throw new RangeError(`binary: ${byteLength} bytes is not a whole number of float32`);
    if (byteOffset % 4 === 0) return new Float32Array(buffer, byteOffset, byteLength / 4);
    return new Float32Array(buffer.slice(byteOffset, byteOffset + byteLength));
  }
  if (Array.isArray(data)) return Float32Array.from(data);
  throw new TypeError(`binary: cannot read ${Object.prototype.toString.call(data)} as float32`);
}

/** The surfaces of a frame decoded: {resolution, output, hidden: [...]}, or null. */
export function decodeSurface(surface) {
  if (!surface) return null;
  const encoding = surface.encoding;
  if (encoding !== undefined && encoding !== "base64-float32le") throw new TypeError(`surface: unknown encoding ${encoding}`);
  const read = encoding ? (text) => (typeof text === "string" ? base64ToFloat32(text) : toFloat32(text)) : toFloat32;
  const output = read(surface.output);
  const hidden = (surface.hidden || []).map(read);
  const g = surface.resolution;
  for (const grid of [output, ...hidden]) {
    if (grid && grid.length !== g * g) throw new RangeError(`surface: need ${g * g} values, got ${grid.length}`);
  }
  return { resolution: g, output, hidden };
}
