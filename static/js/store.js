// The page's state: the newest frame and what is accumulated across frames (error history,
// marks, decoded surfaces and sweep), plus the viewer's choices. applyFrame is pure over data.
import { mergeHistory, mergeMarks } from "./history.js";
import { decodeSurface } from "./binary.js";
import { decodeSweep } from "./sweep-view.js";

/** A fresh state. */
export function createState() {
  return {
    table: null, // GET /api/settings
    frame: null, // newest frame
    frameVersion: 0, // bumps with every frame
    history: [],
    historyWidth: 1, // epochs per point of the kept curve
    marks: [],
    surface: null,
    sweep: null, // the seed sweep's view (sweep-view.js decodeSweep) or null
    sweepVersion: 0,
    selection: null, // clicked neuron or weight
    hover: null, // neuron or weight under the pointer
    drag: null, // {layer, neuron, input, value} while dragging a weight
    numbers: false,
    log: false,
    projector: false,
  };
}

/**
 * Fold a frame into the state (keeps history, marks, the surface and the settings when the
 * frame omits them: null means unchanged). The frame gets the settings it was sent without,
 * so everything that reads `frame.settings` sees them.
 */
export function applyFrame(state, frame) {
  if (frame.settings == null) frame.settings = state.frame?.settings ?? null;
  state.frame = frame;
  state.frameVersion += 1;
  state.history = mergeHistory(state.history, frame.history, state.historyWidth);
  if (frame.history?.width) state.historyWidth = frame.history.width;
  state.marks = mergeMarks(state.marks, frame.marks);
  if (frame.surface) state.surface = decodeSurface(frame.surface);
  if (frame.sweep) setSweep(state, frame.sweep); // null: unchanged
  return state;
}

/** Keep a frame's sweep view decoded; none (null) on a new connection until its frames say. */
export function setSweep(state, sweep = null) {
  state.sweep = decodeSweep(sweep);
  state.sweepVersion += 1;
  return state;
}

/** The weights to draw: the frame's, with a weight being dragged replaced by its preview value. */
export function displayedWeights(state) {
  const weights = state.frame?.weights;
  const drag = state.drag;
  if (!weights || !drag) return weights;
  return weights.map((layer, l) => (l !== drag.layer ? layer : layer.map((row, j) => (j !== drag.neuron ? row : row.map((w, i) => (i === drag.input ? drag.value : w))))));
}
