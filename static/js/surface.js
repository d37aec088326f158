// Drawing a decision surface: drawSurface(ctx, data, box); a one-input net's response curve:
// drawResponseCurve(ctx, data, box). A G × G grid of outputs over the
// input square as a heatmap (row 0 is s₂ = 0, drawn at the bottom) with the 4 patterns marked
// by their desired response. The grid image is cached per grid array.
import { heatmapInto, diverging, css } from "./palette.js";

// one small offscreen image per destination (a canvas, or data.cache: one cell of an atlas),
// refilled when its grid changes
const images = new WeakMap();

function gridImage(target, grid, resolution, lo, hi) {
  let entry = images.get(target);
  if (!entry || entry.resolution !== resolution) {
    const canvas = new OffscreenCanvas(resolution, resolution);
    entry = { canvas, ctx: canvas.getContext("2d"), image: new ImageData(resolution, resolution), resolution, rgba: new Uint8ClampedArray(resolution * resolution * 4) };
    images.set(target, entry);
  }
  if (entry.grid === grid && entry.lo === lo && entry.hi === hi) return entry.canvas;
  heatmapInto(grid, lo, hi, entry.rgba);
  // flip rows: grid row j (s₂ = j/(G-1)) goes to image row G-1-j
  const row = resolution * 4;
  for (let j = 0; j < resolution; j++) entry.image.data.set(entry.rgba.subarray(j * row, (j + 1) * row), (resolution - 1 - j) * row);
  entry.ctx.putImageData(entry.image, 0, 0);
  Object.assign(entry, { grid, lo, hi });
  return entry.canvas;
}

/**
 * A one-input net's response (or a hidden neuron's output) as a line over s in [-m, m]
 * (`range`), y from lo to hi, with the pattern (s, d) marked: the simplest case's "surface".
 * data: {line: Float32Array, range, lo, hi, patterns, theme}; box: {width, height}.
 */
export function drawResponseCurve(ctx, data, box) {
  const { theme, line } = data;
  const s = theme.scale || 1;
  ctx.fillStyle = theme.bg;
  ctx.fillRect(0, 0, box.width, box.height);
  ctx.strokeStyle = theme.line;
  ctx.lineWidth = Math.max(1, Math.round(s));
  ctx.strokeRect(0.5, 0.5, box.width - 1, box.height - 1);
  const [m0, m1] = data.range;
  const x = (v) => ((v - m0) / (m1 - m0)) * box.width;
  const y = (v) => box.height - ((v - data.lo) / (data.hi - data.lo || 1)) * box.height;
  ctx.beginPath(); // s = 0 and the middle of the output range, for reading the curve
  ctx.moveTo(Math.round(x(0)) + 0.5, 0);
  ctx.lineTo(Math.round(x(0)) + 0.5, box.height);
  ctx.moveTo(0, Math.round(y((data.lo + data.hi) / 2)) + 0.5);
  ctx.lineTo(box.width, Math.round(y((data.lo + data.hi) / 2)) + 0.5);
  ctx.stroke();
  ctx.strokeStyle = theme.accent;
  ctx.lineWidth = 2 * s;
  ctx.beginPath();
  line.forEach((v, i) => {
    const px = (i / (line.length - 1)) * box.width;
    if (i) ctx.lineTo(px, y(v));
    else ctx.moveTo(px, y(v));
  });
  ctx.stroke();
  const r = Math.max(4, Math.min(box.width, box.height) * 0.05);
  for (const p of data.patterns || []) {
    ctx.fillStyle = css(diverging(((p.d - data.lo) / (data.hi - data.lo || 1)) * 2 - 1));
    ctx.strokeStyle = p.close ? theme.good : theme.ink;
    ctx.lineWidth = (p.close ? 3 : 2) * s;
    ctx.beginPath();
    ctx.arc(Math.min(Math.max(x(p.s[0]), r + 2), box.width - r - 2), Math.min(Math.max(y(p.d), r + 2), box.height - r - 2), r, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
  }
}

/**
 * data: {grid: Float32Array, resolution, lo, hi, patterns: [{s, d, close}], theme, cache (an
 * object to key the grid's image by, when several surfaces share one canvas)};
 * box: {width, height}.
 */
export function drawSurface(ctx, data, box) {
  const { theme } = data;
  const s = theme.scale || 1;
  ctx.fillStyle = theme.bg;
  ctx.fillRect(0, 0, box.width, box.height);
  if (!data.grid) return;
  const g = data.resolution;
  // the grid's points are cell centres: pixel centres of a G × G image stretched over the box
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(gridImage(data.cache ?? ctx.canvas, data.grid, g, data.lo, data.hi), 0, 0, box.width, box.height);
  ctx.strokeStyle = theme.line;
  ctx.lineWidth = Math.max(1, Math.round(s));
  ctx.strokeRect(0.5, 0.5, box.width - 1, box.height - 1);
  if (!data.patterns) return;
  const r = Math.max(4, Math.min(box.width, box.height) * 0.06);
  const inset = 0.5 / g;
  for (const p of data.patterns) {
    const px = (inset + p.s[0] * (1 - 2 * inset)) * box.width;
    const py = (1 - inset - p.s[1] * (1 - 2 * inset)) * box.height;
    ctx.fillStyle = css(diverging(((p.d - data.lo) / (data.hi - data.lo || 1)) * 2 - 1));
    ctx.strokeStyle = p.close ? theme.good : theme.ink;
    ctx.lineWidth = (p.close ? 3 : 2) * s;
    ctx.beginPath();
    ctx.arc(Math.min(Math.max(px, r + 2), box.width - r - 2), Math.min(Math.max(py, r + 2), box.height - r - 2), r, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
  }
}
