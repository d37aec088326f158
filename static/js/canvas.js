// Canvas sizing for sharp drawing on high-DPI screens: the backing store follows the CSS size
// times devicePixelRatio, and the context is scaled so drawing code works in CSS pixels.

// CSS sizes of the canvases, kept by a ResizeObserver: reading clientWidth while drawing would
// force a synchronous layout right after the panels' DOM was updated. A canvas watched with
// watchSize() also tells its owner when its box changed, so only that canvas is redrawn.
const sizes = new WeakMap();
const watchers = new WeakMap();
const observer = typeof ResizeObserver === "function"
  ? new ResizeObserver((entries) => {
    for (const entry of entries) {
      const box = entry.contentBoxSize?.[0];
      const size = box ? { width: box.inlineSize, height: box.blockSize } : { width: entry.contentRect.width, height: entry.contentRect.height };
      const old = sizes.get(entry.target);
      sizes.set(entry.target, size);
      if (!old || old.width !== size.width || old.height !== size.height) watchers.get(entry.target)?.();
    }
  })
  : null;

function cssSize(canvas) {
  let size = sizes.get(canvas);
  if (!size) {
    size = { width: canvas.clientWidth, height: canvas.clientHeight };
    sizes.set(canvas, size);
    observer?.observe(canvas);
  }
  return size;
}

/** Call `onResize()` whenever `canvas`'s CSS box changes size (and once it is first measured). */
export function watchSize(canvas, onResize) {
  watchers.set(canvas, onResize);
  cssSize(canvas);
}

/**
 * Fit `canvas` to its CSS box; returns {ctx, width, height, dpr, resized} (width/height in CSS
 * pixels). Cheap when nothing changed.
 */
export function fitCanvas(canvas, dpr = globalThis.devicePixelRatio || 1) {
  const size = cssSize(canvas);
  const width = Math.max(1, Math.round(size.width));
  const height = Math.max(1, Math.round(size.height));
  const w = Math.round(width * dpr);
  const h = Math.round(height * dpr);
  const resized = canvas.width !== w || canvas.height !== h;
  if (resized) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, width, height, dpr, resized };
}

/**
 * The theme for the canvases, read from the CSS custom properties: colours, fonts, and the one
 * drawing scale (`--draw-scale`) every canvas sizes its text, strokes and markers by.
 */
export function readTheme(element = document.documentElement) {
  const style = getComputedStyle(element);
  const get = (name) => style.getPropertyValue(name).trim();
  return {
    bg: get("--panel"), ink: get("--ink"), muted: get("--muted"), line: get("--line"),
    accent: get("--accent"), warn: get("--warn"), good: get("--good"), node: get("--node"),
    pos: get("--pos"), neg: get("--neg"), focus: get("--focus"), flat: get("--flat"),
    font: get("--font"), mono: get("--mono"), scale: parseFloat(get("--draw-scale")) || 1,
  };
}
