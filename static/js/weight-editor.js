// The weight editor under the network: the selected weight's name and value, typed and set
// exactly. It follows the selection and the frame: another weight selected shows that weight's
// value at once (a half-typed value for the old one is dropped); a neuron selected empties it.
import { scoped } from "./dom.js";
import { shapeOf, weightLabel } from "./layout.js";
import { parseNumber } from "./format.js";
import { weightAt } from "./pointer.js";

/**
 * The editor in `form`. `state` (store.js); `send(name, payload)` sends a command; `say(text)`
 * reports a typing mistake. Returns {update(), focus()}: update when the selection or the frame
 * changed.
 */
export function createWeightEditor(form, { state, send, say }) {
  const $ = scoped(form);
  const [input, button, name] = ["weight-value", "weight-set", "weight-name"].map($);
  let shownFor = null; // the selection whose value the input holds

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const sel = state.selection;
    if (sel?.kind !== "weight" || state.readOnly) return;
    const value = parseNumber(input.value);
    if (!Number.isFinite(value)) {
      input.setAttribute("aria-invalid", "true");
      return say(`Weight ${name.textContent}: type a number, e.g. −0.5`);
    }
    input.removeAttribute("aria-invalid");
    send("set_weight", { layer: sel.layer, neuron: sel.neuron, input: sel.input, value });
  });

  function update() {
    const sel = state.selection;
    const weights = state.frame?.weights;
    const isWeight = sel?.kind === "weight" && Boolean(weights);
    input.disabled = !isWeight || state.readOnly;
    button.disabled = !isWeight || state.readOnly;
    const key = isWeight ? `${sel.layer}:${sel.neuron}:${sel.input}` : null;
    const moved = key !== shownFor;
    shownFor = key;
    if (moved) input.removeAttribute("aria-invalid");
    if (!isWeight) {
      name.textContent = "(click one)";
      input.value = "";
      input.removeAttribute("aria-label");
      return;
    }
    const { sizes, bias } = shapeOf(state.frame);
    const label = weightLabel(sizes, sel.layer, sel.neuron, sel.input, bias);
    name.textContent = label;
    input.setAttribute("aria-label", `Value of weight ${label}`);
    if (moved || form.ownerDocument.activeElement !== input) {
      const w = weightAt(state.frame, sel);
      input.value = Number.isFinite(w) ? String(Number(w.toPrecision(6))) : "";
    }
  }
  /** Put the caret in the value (Enter on a selected weight, from the network's keys). */
  function focus() {
    if (input.disabled) return;
    input.focus();
    input.select();
  }
  return { update, focus };
}
