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

/**
 * The canvases' jobs on `scheduler`, drawing from `state` (store.js). `canvases`: {network,
 * curve, surface, caption (the surface's), hidden (the box the hidden neurons' small surfaces
 * go in)}. Returns the view
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
    }, view.layout);
    return Boolean(anim);
  }

  function paintCurve() {
    const frame = state.frame;
    if (!frame || !view.theme) return;
    const curve = fitCanvas(canvases.curve);
    drawCurve(curve.ctx, { points: state.history, marks: state.marks, log: state.log, theme: view.theme, epoch: frame.epoch }, curve);
  }

  /** One small canvas per hidden neuron, made when their number changes. */
  function hiddenCanvases(count, sizes) {
    const box = canvases.hidden;
    if (box.childElementCount === count) return [...box.children].map((figure) => figure.firstChild);
    const labels = [];
    for (let L = 1; L < sizes.length - 1; L++) for (let j = 0; j < sizes[L]; j++) labels.push(neuronLabel(sizes, L, j));
    box.replaceChildren(...labels.slice(0, count).map((label) => {
      const figure = document.createElement("figure");
      const canvas = document.createElement("canvas");
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", `Output of hidden neuron ${label} over the input square`);
      const caption = document.createElement("figcaption");
      caption.textContent = label;
      figure.append(canvas, caption);
      watchSize(canvas, () => mark("surface"));
      return figure;
    }));
    return [...box.children].map((figure) => figure.firstChild);
  }

  // the surfaces (up to 25 canvases, each an upload to the compositor) at most 10 times a
  // second: a heat map needs no more, and a 2-8-8-8-1 net at full speed stays under 16 ms
  let surfacesAt = -Infinity;
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
    const main = fitCanvas(canvases.surface);
    const draw = (ctx, values, patterns, box) => (surface.kind === "curve"
      ? drawResponseCurve(ctx, { line: values, range: surface.range, lo, hi, patterns, theme: view.theme }, box)
      : drawSurface(ctx, { grid: values, resolution: surface.resolution, lo, hi, patterns, theme: view.theme }, box));
    draw(main.ctx, surface.output, frame.truth, main);
    canvases.caption.textContent = surface.kind === "curve" ? "r against s" : "r over (s₁, s₂)";
    canvases.surface.setAttribute("aria-label", surface.kind === "curve"
      ? "The response r against the signal s, with the pattern (s, d) marked"
      : `The response r over the input square, with the ${frame.truth?.length ?? 4} patterns marked`);
    hiddenCanvases(surface.hidden.length, shapeOf(frame).sizes).forEach((canvas, k) => {
      const small = fitCanvas(canvas);
      draw(small.ctx, surface.hidden[k], null, small);
    });
  }

  scheduler.add("network", paintNetwork);
  scheduler.add("curve", paintCurve);
  scheduler.add("surface", paintSurfaces);
  watchSize(canvases.network, () => mark("network"));
  watchSize(canvases.curve, () => mark("curve"));
  watchSize(canvases.surface, () => mark("surface"));

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
    const phases = phasesToPlay(previousTrace, frame.trace);
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
    view.layout = null;
    scheduler.markAll();
  }

  return Object.assign(view, { frameArrived, setTheme, mark, picture });
}
