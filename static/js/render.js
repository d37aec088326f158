// The page's canvases as jobs of the render loop (scheduler.js): the network, the error curve
// and the decision surfaces, each redrawn only when marked dirty: by a frame that changed what
// it shows, a hover or selection (the network only), a toggle, a new theme or its own resize.
import { fitCanvas, readTheme, watchSize } from "./canvas.js";
import { networkLayout, shapeOf, neuronLabel } from "./layout.js";
import { drawNetwork } from "./network.js";
import { drawCurve } from "./curve.js";
import { drawSurface, drawResponseCurve } from "./surface.js";
import { phasesToPlay, startAnimation, animationAt } from "./animate.js";
import { displayedWeights } from "./store.js";
import { saturation } from "./saturation.js";

/** The shortest time between two paints of the decision surfaces (ms). */
export const SURFACE_MS = 100;
/** The shortest time between two paints of the error curve while running (ms); at once else. */
export const CURVE_RUNNING_MS = 100;

/** The system's "reduce motion" setting, one live query (`.matches` follows a change). */
const REDUCE_MOTION = globalThis.matchMedia?.("(prefers-reduced-motion: reduce)") ?? null;

/**
 * The canvases' jobs on `scheduler`, drawing from `state` (store.js). `canvases`: {network,
 * curve, surface, caption (the surface's), hidden (the fallback box inside the canvas that
 * shows the hidden neurons' small surfaces: the atlas)}. Returns the view
 * {layout, theme, saturated, frameArrived(previousTrace, frame), setTheme(), mark(...names),
 * picture(kind) (the network or the curve to export)}.
 */
export function createCanvases(scheduler, state, canvases) {
  const view = { layout: null, theme: null, anim: null, saturated: new Set(), lastTraceAt: 0 };
  const shown = { surfaceVersion: -1, curveEpoch: null };
  const mark = (...names) => scheduler.mark(...names);

  function paintNetwork(now) {
    const frame = state.frame;
    if (!frame || !view.theme) return false;
    const anim = animationAt(view.anim, now);
    if (!anim) view.anim = null;
    const net = fitCanvas(canvases.network);
    const { sizes, bias } = shapeOf(frame);
    const old = view.layout;
    if (!old || old.width !== net.width || old.height !== net.height || old.sizes.join() !== sizes.join() || old.bias !== bias) {
      const s = view.theme.scale || 1;
      view.layout = networkLayout(sizes, net.width, net.height, 24 + 14 * s, 34 * s, bias);
    }
    const activation = frame.settings?.activation ?? "sigmoid";
    const neurons = saturation(frame.truth, state.table?.saturated_below?.[activation]);
    view.saturated = new Set(neurons.filter((n) => n.marked).map((n) => `${n.layer}:${n.index}`));
    view.labels = drawNetwork(net.ctx, {
      target: state.pollTarget, // a room's poll asks about this weight (room viewer.js)
      weights: displayedWeights(state), trace: frame.trace, selection: state.selection, hover: state.hover,
      numbers: state.numbers, anim, theme: view.theme, activation, dragging: state.drag, saturated: view.saturated,
      cursor: state.cursor,
      lit: state.lit?.network,
      running: Boolean(frame.running),
    }, view.layout);
    return Boolean(anim);
  }

  // while running, the curve (a large canvas with text) at most 10 times a second: it moves
  // by a pixel or so per frame; paused, every change at once (a step, a toggle)
  let curveAt = -Infinity;
  function paintCurve(now) {
    const frame = state.frame;
    if (!frame || !view.theme) return;
    if (frame.running && now - curveAt < CURVE_RUNNING_MS) {
      scheduler.markLater("curve", CURVE_RUNNING_MS - (now - curveAt));
      return;
    }
    curveAt = now;
    const curve = fitCanvas(canvases.curve);
    drawCurve(curve.ctx, { points: state.history, marks: state.marks, log: state.log, theme: view.theme, epoch: frame.epoch }, curve);
  }

  // The hidden neurons' surfaces in one canvas (the atlas): the grid of small pictures the
  // page always showed (squares of the canvas's min-height, row-gap apart, wrapping at its
  // width, each captioned with the neuron's name), one upload to the compositor instead of one
  // per neuron. A cell is redrawn only when its values changed; the captions only on a new
  // layout. The canvas's fallback content has a figure per neuron for assistive technology.
  const atlas = { key: "", cells: [], drawn: [], metrics: null };
  view.atlas = atlas;

  /** The fallback figures (one per hidden neuron, named), remade when the names change. */
  function hiddenFigures(labels) {
    const box = canvases.hidden;
    if (box.childElementCount === labels.length && [...box.children].every((figure, k) => figure.lastChild.textContent === labels[k])) return;
    box.replaceChildren(...labels.map((label) => {
      const figure = document.createElement("figure");
      const picture = document.createElement("canvas"); // never drawn: the atlas shows it
      picture.setAttribute("role", "img");
      picture.setAttribute("aria-label", `Output of hidden neuron ${label} over the input square`);
      const caption = document.createElement("figcaption");
      caption.textContent = label;
      figure.append(picture, caption);
      return figure;
    }));
  }

  /** Cell size, gap and caption font of the atlas from its style (px), read once per theme. */
  function atlasMetrics(canvas) {
    if (!atlas.metrics) {
      const style = getComputedStyle(canvas);
      const font = parseFloat(style.fontSize) || 12.8;
      atlas.metrics = {
        cell: parseFloat(style.minHeight) || 80, gap: parseFloat(style.rowGap) || 8, font,
        line: parseFloat(style.lineHeight) || font * 1.45,
      };
    }
    return atlas.metrics;
  }

  function paintHidden(surface, sizes, draw, lo, hi) {
    const canvas = canvases.hidden.parentElement;
    const labels = [];
    for (let L = 1; L < sizes.length - 1; L++) for (let j = 0; j < sizes[L]; j++) labels.push(neuronLabel(sizes, L, j));
    labels.length = Math.min(labels.length, surface.hidden.length);
    hiddenFigures(labels);
    const m = atlasMetrics(canvas);
    const fit = fitCanvas(canvas);
    const perRow = Math.max(1, Math.floor((fit.width + m.gap) / (m.cell + m.gap)));
    const rows = Math.max(1, Math.ceil(labels.length / perRow));
    const height = Math.round(rows * (m.cell + m.line) + (rows - 1) * m.gap);
    if (canvas.style.height !== `${height}px`) canvas.style.height = `${height}px`; // its resize marks the surfaces again
    const key = [fit.width, fit.height, fit.dpr, labels.join(), m.cell, m.gap, m.line, m.font].join();
    const { ctx } = fit;
    if (fit.resized || key !== atlas.key) {
      atlas.key = key;
      atlas.drawn = [];
      atlas.cells = labels.map((label, k) => ({
        label, x: Math.round((k % perRow) * (m.cell + m.gap)), y: Math.round(Math.floor(k / perRow) * (m.cell + m.line + m.gap)),
        width: Math.round(m.cell), height: Math.round(m.cell), key: {},
      }));
      ctx.clearRect(0, 0, fit.width, fit.height);
      ctx.font = `${m.font}px ${view.theme.font}`;
      ctx.fillStyle = view.theme.muted;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      for (const cell of atlas.cells) ctx.fillText(cell.label, cell.x + cell.width / 2, cell.y + cell.height + m.line / 2);
    }
    atlas.cells.forEach((cell, k) => {
      const values = surface.hidden[k];
      const drawn = atlas.drawn[k];
      if (drawn && drawn.values === values && drawn.lo === lo && drawn.hi === hi && drawn.theme === view.theme) return;
      atlas.drawn[k] = { values, lo, hi, theme: view.theme };
      ctx.save();
      ctx.translate(cell.x, cell.y);
      draw(ctx, values, null, cell, cell.key);
      ctx.restore();
    });
  }

  // the main surface and the atlas at most 10 times a second: a heat map needs no more, and a
  // 2-8-8-8-1 net at full speed stays under 16 ms
  let surfacesAt = -Infinity;
  const shownMain = {};
  function paintSurfaces(now) {
    const surface = state.surface;
    const frame = state.frame;
    if (!surface || !frame || !view.theme) return;
    if (now - surfacesAt < SURFACE_MS) {
      scheduler.markLater("surface", SURFACE_MS - (now - surfacesAt));
      return;
    }
    surfacesAt = now;
    const [lo, hi] = frame.settings?.activation === "tanh" ? [-1, 1] : [0, 1];
    const draw = (ctx, values, patterns, box, cache) => (surface.kind === "curve"
      ? drawResponseCurve(ctx, { line: values, range: surface.range, lo, hi, patterns, theme: view.theme }, box)
      : drawSurface(ctx, { grid: values, resolution: surface.resolution, lo, hi, patterns, theme: view.theme, cache }, box));
    const main = fitCanvas(canvases.surface);
    const patterns = JSON.stringify(frame.truth?.map((p) => [p.s, p.d, p.close]));
    if (main.resized || shownMain.output !== surface.output || shownMain.patterns !== patterns || shownMain.lo !== lo || shownMain.theme !== view.theme || shownMain.width !== main.width || shownMain.height !== main.height) {
      Object.assign(shownMain, { output: surface.output, patterns, lo, theme: view.theme, width: main.width, height: main.height });
      draw(main.ctx, surface.output, frame.truth, main);
      const caption = surface.kind === "curve" ? "r against s" : "r over (s₁, s₂)";
      if (canvases.caption.textContent !== caption) canvases.caption.textContent = caption;
      canvases.surface.setAttribute("aria-label", surface.kind === "curve"
        ? "The response r against the signal s, with the pattern (s, d) marked"
        : `The response r over the input square, with the ${frame.truth?.length ?? 4} patterns marked`);
    }
    paintHidden(surface, shapeOf(frame).sizes, draw, lo, hi);
  }

  scheduler.add("network", paintNetwork);
  scheduler.add("curve", paintCurve);
  scheduler.add("surface", paintSurfaces);
  watchSize(canvases.network, () => mark("network"));
  watchSize(canvases.curve, () => mark("curve"));
  watchSize(canvases.surface, () => mark("surface"));
  watchSize(canvases.hidden.parentElement, () => mark("surface"));

  /**
   * The network or the curve as a picture to export: {width, height, draw(ctx)} in CSS pixels,
   * drawn from the same data as on screen (no animation), or null before the first frame.
   */
  function picture(kind) {
    const frame = state.frame;
    if (!frame || !view.theme) return null;
    const canvas = kind === "network" ? canvases.network : canvases.curve;
    const { width, height } = fitCanvas(canvas);
    if (kind === "curve") {
      return { width, height, draw: (ctx) => drawCurve(ctx, { points: state.history, marks: state.marks, log: state.log, theme: view.theme, epoch: frame.epoch }, { width, height }) };
    }
    const shape = shapeOf(frame);
    const layout = view.layout ?? networkLayout(shape.sizes, width, height, 28, 34, shape.bias);
    return {
      width: layout.width, height: layout.height,
      draw: (ctx) => drawNetwork(ctx, {
        weights: displayedWeights(state), trace: frame.trace, selection: state.selection, hover: null, numbers: state.numbers,
        anim: null, theme: view.theme, activation: frame.settings?.activation ?? "sigmoid", dragging: null, saturated: view.saturated,
      }, layout),
    };
  }

  /** A frame was folded into the state: start its phase animation, mark what it changed. */
  function frameArrived(previousTrace, frame) {
    const now = performance.now();
    // the user's system asks for less motion (prefers-reduced-motion): the step is drawn at
    // once, in its final state, without the pulses travelling along the weights
    const phases = REDUCE_MOTION?.matches ? [] : phasesToPlay(previousTrace, frame.trace);
    if (phases.length) {
      const interval = now - view.lastTraceAt;
      const per = frame.running ? Math.max(60, Math.min(420, (interval * 0.9) / phases.length)) : 420;
      view.anim = startAnimation(phases, now, per);
      view.lastTraceAt = now;
    }
    mark("network");
    const history = frame.history;
    if (history?.reset || history?.points?.length || frame.marks || frame.epoch !== shown.curveEpoch) mark("curve");
    shown.curveEpoch = frame.epoch;
    // the surface's pattern marks show |e| < 0.1, which can change without the surface
    if (frame.surface || frame.truth?.some((row, p) => row.close !== shown.close?.[p])) mark("surface");
    shown.close = frame.truth?.map((row) => row.close);
  }

  /** Colours and drawing scale from the style sheet (after projector mode changed). */
  function setTheme() {
    view.theme = readTheme();
    atlas.metrics = null;
    atlas.key = ""; // the captions again, in the new colours
    view.layout = null;
    scheduler.markAll();
  }

  return Object.assign(view, { frameArrived, setTheme, mark, picture });
}
