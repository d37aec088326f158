// Colours. A colour-blind-safe diverging palette (orange for negative, blue for
// positive, after ColorBrewer's PuOr/RdBu family) for weights, δ and the surfaces. Pure.

export const NEGATIVE = [230, 97, 1]; // orange  #e66101
export const POSITIVE = [33, 102, 172]; // blue  #2166ac
const NEG_LIGHT = [253, 184, 99]; // #fdb863
const POS_LIGHT = [146, 197, 222]; // #92c5de
const MIDDLE = [247, 247, 247]; // #f7f7f7

const mix = (a, b, t) => a.map((v, i) => Math.round(v + (b[i] - v) * t));

/** The diverging colour for t in [-1, 1] (clamped): orange .. light grey .. blue, as [r, g, b]. */
export function diverging(t) {
  const x = Number.isFinite(t) ? Math.max(-1, Math.min(1, t)) : 0;
  const a = Math.abs(x);
  const [light, dark] = x < 0 ? [NEG_LIGHT, NEGATIVE] : [POS_LIGHT, POSITIVE];
  return a < 0.5 ? mix(MIDDLE, light, a * 2) : mix(light, dark, (a - 0.5) * 2);
}

/** CSS colour string of an [r, g, b] triple with optional alpha. */
export function css([r, g, b], alpha = 1) {
  return alpha >= 1 ? `rgb(${r},${g},${b})` : `rgba(${r},${g},${b},${alpha})`;
}

/** Stroke colour of a weight: its sign's full colour, fading toward grey for tiny magnitudes. */
export function weightColor(value, scale) {
  if (!Number.isFinite(value)) return css([128, 128, 128]);
  const t = Math.min(1, Math.abs(value) / (scale || 1));
  return css(value < 0 ? NEGATIVE : POSITIVE, 0.35 + 0.65 * t);
}

/** Line width in CSS pixels for a weight of `value` when the largest |weight| is `scale`. */
export function weightWidth(value, scale, maxWidth = 10) {
  if (!Number.isFinite(value)) return 1;
  const t = Math.min(1, Math.abs(value) / (scale || 1));
  return 1 + (maxWidth - 1) * Math.sqrt(t);
}

const LUT_SIZE = 256;
let lut = null;

/** The diverging palette sampled at 256 steps, as packed RGB bytes (built once). */
function paletteLut() {
  if (!lut) {
    lut = new Uint8ClampedArray(LUT_SIZE * 3);
    for (let k = 0; k < LUT_SIZE; k++) lut.set(diverging((k / (LUT_SIZE - 1)) * 2 - 1), k * 3);
  }
  return lut;
}

/**
 * Fill an RGBA byte buffer from a grid of outputs, mapping [lo, hi] to the diverging palette
 * (lo: orange, middle: light, hi: blue). `rgba` has 4 bytes per value.
 */
export function heatmapInto(values, lo, hi, rgba) {
  const table = paletteLut();
  const scale = (LUT_SIZE - 1) / (hi - lo || 1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let k = Number.isFinite(v) ? Math.round((v - lo) * scale) : (LUT_SIZE - 1) >> 1;
    k = k < 0 ? 0 : k >= LUT_SIZE ? LUT_SIZE - 1 : k;
    rgba[i * 4] = table[k * 3];
    rgba[i * 4 + 1] = table[k * 3 + 1];
    rgba[i * 4 + 2] = table[k * 3 + 2];
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}
