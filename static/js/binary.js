// Binary payloads of a frame (the surfaces) as Float32Array. Pure.

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
  const output = toFloat32(surface.output);
  const hidden = (surface.hidden || []).map(toFloat32);
  const g = surface.resolution;
  for (const grid of [output, ...hidden]) {
    if (grid && grid.length !== g * g) throw new RangeError(`surface: need ${g * g} values, got ${grid.length}`);
  }
  return { resolution: g, output, hidden };
}
