// Pointer handling on the network canvas: hover shows a neuron's or weight's name and value in
// a tooltip (and its derivation), a click selects it, dragging a weight up or down previews a
// new value and sets it on release. The canvas and the tooltip are passed in.
import { hitTest, sameSelection, weightLabel, neuronLabel } from "./layout.js";
import { fmt } from "./format.js";

function pointerPosition(canvas, event) {
  const rect = canvas.getBoundingClientRect();
  return { x: event.clientX - rect.left, y: event.clientY - rect.top };
}

/** The value of weight `sel` ({layer, neuron, input}) in `frame`. */
export function weightAt(frame, sel) {
  return frame?.weights?.[sel.layer]?.[sel.neuron]?.[sel.input];
}

/** The largest |w| (at least 1): how far a drag of 100 px moves a weight. */
function dragScale(weights) {
  let scale = 1;
  for (const layer of weights) for (const row of layer) for (const w of row) scale = Math.max(scale, Math.abs(w ?? 0));
  return scale;
}

/**
 * Wire `canvas` and its `tip`. `state` (store.js) holds hover, selection and drag; `layout()` is
 * the drawn layout. `on`: {hover() after state.hover changed, select() after state.selection
 * changed, drag() while a drag moves, drop(drag) when a moved drag ends}.
 */
export function wirePointer({ canvas, tip, state, layout }, on) {
  const showTip = (p, text) => {
    tip.textContent = text;
    tip.style.left = `${p.x}px`;
    tip.style.top = `${p.y}px`;
    tip.hidden = false;
  };
  canvas.addEventListener("pointermove", (event) => {
    const p = pointerPosition(canvas, event);
    const shape = layout();
    if (state.drag) {
      const dy = state.drag.startY - p.y;
      state.drag.value = state.drag.start + dy * state.drag.perPixel;
      state.drag.moved = state.drag.moved || Math.abs(dy) > 2;
      showTip(p, `${weightLabel(shape.sizes, state.drag.layer, state.drag.neuron, state.drag.input, shape.bias)} = ${fmt(state.drag.value)}`);
      on.drag();
      return;
    }
    if (!shape) return;
    const hit = hitTest(shape, p.x, p.y);
    canvas.classList.toggle("over-weight", hit?.kind === "weight");
    canvas.classList.toggle("over-neuron", hit?.kind === "neuron");
    if (!sameSelection(hit, state.hover)) {
      state.hover = hit;
      on.hover();
    }
    if (hit?.kind === "weight") showTip(p, `${weightLabel(shape.sizes, hit.layer, hit.neuron, hit.input, shape.bias)} = ${fmt(weightAt(state.frame, hit))}`);
    else if (hit?.kind === "neuron") showTip(p, neuronLabel(shape.sizes, hit.layer, hit.index));
    else tip.hidden = true;
  });
  // a click selects but does not focus the canvas: the arrow keys go on stepping the network
  // for a mouse user; the keyboard reaches the canvas with Tab (network-keys.js)
  canvas.addEventListener("mousedown", (event) => event.preventDefault());
  canvas.addEventListener("pointerleave", () => {
    if (state.drag) return;
    tip.hidden = true;
    if (state.hover === null) return;
    state.hover = null;
    on.hover();
  });
  canvas.addEventListener("pointerdown", (event) => {
    const shape = layout();
    if (!shape) return;
    const p = pointerPosition(canvas, event);
    const hit = hitTest(shape, p.x, p.y);
    if (hit) state.selection = hit;
    const w = hit?.kind === "weight" ? weightAt(state.frame, hit) : undefined;
    if (Number.isFinite(w) && !state.readOnly) {
      state.drag = { ...hit, start: w, value: w, startY: p.y, perPixel: dragScale(state.frame.weights) / 100, moved: false };
      canvas.setPointerCapture(event.pointerId);
    }
    on.select();
  });
  const finish = (commit) => {
    const drag = state.drag;
    if (!drag) return;
    state.drag = null;
    on.drag();
    if (commit && drag.moved) on.drop(drag);
  };
  canvas.addEventListener("pointerup", () => finish(true));
  canvas.addEventListener("pointercancel", () => finish(false));
}
