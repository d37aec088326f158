// The DOM panels that follow the frame: the status line, the phase, the loss, the truth table,
// the run and back buttons, the speed, the settings, the saturation note, and the derivation
// of the focused neuron or weight. Two jobs of the render loop: "panels" when a frame came,
// "derivation" when the frame or the focus (hover, selection) changed.
import { scoped } from "./dom.js";
import { renderDerivation, numberSpan, setNumber } from "./derivation.js";
import { renderTruth } from "./truth.js";
import { statusText, PHASE_LABELS } from "./format.js";
import { shapeOf } from "./layout.js";
import { saturation, saturationNote } from "./saturation.js";
import { derivationSummary } from "./summary.js";

/** Set a node's text only when it changed (an equal text still costs a layout). */
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** The neuron the derivation shows when nothing is hovered or selected: the output. */
export function defaultSelection(frame) {
  const { sizes } = shapeOf(frame);
  return { kind: "neuron", layer: sizes.length - 1, index: 0 };
}

/**
 * Panels under `root` (the page) drawing from `state`. `hooks`: {settings() (the settings form,
 * controls.js), speedShown(level), afterFrame()} called on each new frame. Returns
 * {connection(what, detail), status(text)} for the connection's own words on the status line.
 */
export function createPanels(scheduler, state, root, hooks) {
  const $ = scoped(root);
  const [status, derivation, truth, loss, phase, run, back, speed, note, summary] =
    ["status", "derivation", "truth-table", "loss", "phase", "run", "back", "speed", "saturation-note", "network-summary"].map($);
  const body = truth.querySelector("tbody");
  let shownFocus = "";
  let shownVersion = -1;
  let override = null; // the connection's words, until the next frame

  function paintDerivation() {
    const frame = state.frame;
    if (!frame) return;
    const focus = state.hover ?? state.cursor ?? state.selection ?? defaultSelection(frame);
    const key = JSON.stringify([focus, [...(state.lit?.panel ?? [])]]);
    if (key === shownFocus && shownVersion === state.frameVersion) return;
    const moved = key !== shownFocus;
    [shownFocus, shownVersion] = [key, state.frameVersion];
    renderDerivation(derivation, focus, frame, state.lit?.panel);
    // said to a screen reader when the focus moves, or when a step (not a run) changed it
    if (moved || !frame.running) setText(summary, derivationSummary(focus, frame));
  }

  function paintPanels() {
    const frame = state.frame;
    if (override !== null) {
      setText(status, override);
      status.className = "status";
    }
    if (!frame) return;
    if (override === null) {
      setText(status, statusText(frame));
      status.className = `status ${frame.status}`;
    }
    renderTruth(body, frame.truth, frame.pattern);
    if (!Number.isFinite(frame.loss)) loss.replaceChildren();
    else if (loss.lastChild?.className === "num") setNumber(loss.lastChild, frame.loss);
    else loss.replaceChildren("L = ", numberSpan(frame.loss));
    const trace = frame.trace;
    setText(phase, trace ? `pattern ${trace.pattern + 1} (s = ${trace.s.join(", ")}): ${PHASE_LABELS[trace.phase] ?? trace.phase}` : "");
    setText(run, frame.running ? "Pause" : "Run");
    run.setAttribute("aria-pressed", frame.running ? "true" : "false");
    back.disabled = state.readOnly || !frame.can_back;
    if (root.activeElement !== speed) {
      speed.value = String(frame.speed);
      hooks.speedShown?.(frame.speed);
    }
    hooks.settings?.()?.update(frame.settings);
    const activation = frame.settings?.activation ?? "sigmoid";
    const below = state.table?.saturated_below?.[activation];
    const names = (frame.truth ?? []).map((row) => `(${row.s.join(",")})`);
    setText(note, saturationNote(saturation(frame.truth, below), shapeOf(frame).sizes, activation, below, names));
    hooks.afterFrame?.();
  }

  scheduler.add("panels", paintPanels);
  scheduler.add("derivation", paintDerivation);

  /** Words of the connection on the status line (null: the frame's status again). */
  function say(text) {
    override = text;
    scheduler.mark("panels");
  }
  return { status: say };
}
