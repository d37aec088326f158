// Drawing a decision surface: drawSurface(ctx, data, box). A G × G grid of outputs over the
// input square as a heatmap (row 0 is s₂ = 0, drawn at the bottom) with the 4 patterns marked
// by their desired response. The grid image is cached per grid array.
import { heatmapInto, diverging, css } from "./palette.js";

const images = new WeakMap();

function gridImage(grid, resolution, lo, hi) {
  let entry = images.get(grid);
  if (entry && entry.lo === lo && entry.hi === hi) return entry.canvas;
  const canvas = entry?.canvas ?? new OffscreenCanvas(resolution, resolution);
  const image = new ImageData(resolution, resolution);
  // flip rows: grid row j (s₂ = j/(G-1)) goes to image row G-1-j
  const rgba = new Uint8ClampedArray(resolution * resolution * 4);
  heatmapInto(grid, lo, hi, rgba);
  for (let j = 0; j < resolution; j++) {
    image.data.set(rgba.subarray(j * resolution * 4, (j + 1) * resolution * 4), (resolution - 1 - j) * resolution * 4);
  }
  canvas.getContext("2d").putImageData(image, 0, 0);
  images.set(grid, { canvas, lo, hi });
  return canvas;
}

/**
 * data: {grid: Float32Array, resolution, lo, hi, patterns: [{s, d, close}], theme, marks: bool};
 * box: {width, height}.
 */
export function drawSurface(ctx, data, box) {
  const { theme } = data;
  ctx.fillStyle = theme.bg;
  ctx.fillRect(0, 0, box.width, box.height);
  if (!data.grid) return;
  const g = data.resolution;
  // the grid's points are cell centres: pixel centres of a G × G image stretched over the box
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(gridImage(data.grid, g, data.lo, data.hi), 0, 0, box.width, box.height);
  ctx.strokeStyle = theme.line;
  ctx.lineWidth = 1;
  ctx.strokeRect(0.5, 0.5, box.width - 1, box.height - 1);
  if (!data.patterns) return;
  const r = Math.max(4, Math.min(box.width, box.height) * 0.06);
  const inset = 0.5 / g;
  for (const p of data.patterns) {
    const px = (inset + p.s[0] * (1 - 2 * inset)) * box.width;
    const py = (1 - inset - p.s[1] * (1 - 2 * inset)) * box.height;
    ctx.fillStyle = css(diverging(((p.d - data.lo) / (data.hi - data.lo || 1)) * 2 - 1));
    ctx.strokeStyle = p.close ? theme.good : theme.ink;
    ctx.lineWidth = p.close ? 3 : 2;
    ctx.beginPath();
    ctx.arc(Math.min(Math.max(px, r + 2), box.width - r - 2), Math.min(Math.max(py, r + 2), box.height - r - 2), r, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
  }
}
