// The network by keyboard: Tab reaches the canvas; the arrow keys move a cursor over its
// neurons and weights in columns (inputs, the weights into the first hidden layer, the hidden
// neurons, ... the output), Home/End jump within a column, Enter selects the item under the
// cursor (Enter again on a selected weight edits its value), Escape puts the cursor away.
// moveCursor is pure; wireNetworkKeys binds it to the canvas.

/** The items of column c: neurons of layer c/2 (even c), weights of layer (c-1)/2 (odd c);
 *  `bias`: each neuron has a bias weight (the last input column). */
export function columnItems(sizes, c, bias = true) {
  if (c % 2 === 0) {
    const L = c / 2;
    return Array.from({ length: sizes[L] }, (_, index) => ({ kind: "neuron", layer: L, index }));
  }
  const l = (c - 1) / 2;
  const items = [];
  for (let neuron = 0; neuron < sizes[l + 1]; neuron++) for (let input = 0; input < sizes[l] + (bias ? 1 : 0); input++) items.push({ kind: "weight", layer: l, neuron, input });
  return items;
}

const columnOf = (item) => (item.kind === "neuron" ? 2 * item.layer : 2 * item.layer + 1);
const same = (a, b) => a.kind === b.kind && a.layer === b.layer && a.index === b.index && a.neuron === b.neuron && a.input === b.input;

/**
 * The cursor after `key` on a network of `sizes` ([2, 2, 1]...). From a neuron, → goes to its
 * first outgoing weight and ← to its first incoming one; from a weight, → goes to the neuron
 * it feeds and ← to the one it comes from (the bias's: the layer's last neuron). Returns the
 * same cursor for keys that do not move it (and at the edges).
 */
export function moveCursor(sizes, cursor, key, bias = true) {
  const last = 2 * (sizes.length - 1);
  const c = columnOf(cursor);
  const items = columnItems(sizes, c, bias);
  const k = Math.max(0, items.findIndex((item) => same(item, cursor)));
  switch (key) {
    case "ArrowUp": return items[Math.max(0, k - 1)];
    case "ArrowDown": return items[Math.min(items.length - 1, k + 1)];
    case "Home": return items[0];
    case "End": return items.at(-1);
    case "ArrowRight":
      if (c === last) return cursor;
      if (cursor.kind === "neuron") return { kind: "weight", layer: cursor.layer, neuron: 0, input: cursor.index };
      return { kind: "neuron", layer: cursor.layer + 1, index: cursor.neuron };
    case "ArrowLeft":
      if (c === 0) return cursor;
      if (cursor.kind === "neuron") return { kind: "weight", layer: cursor.layer - 1, neuron: cursor.index, input: 0 };
      return { kind: "neuron", layer: cursor.layer, index: Math.min(cursor.input, sizes[cursor.layer] - 1) };
    default: return cursor;
  }
}

/** Keys the focused network canvas owns (the page's shortcuts get the others). */
export const NETWORK_KEYS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "Enter", "Escape"]);

/**
 * Bind the keys to `canvas`. `state` holds the cursor and selection; `sizes()` the drawn
 * layout ({sizes, bias}); `start()` the item the cursor starts on; `on`: {move() after the cursor moved,
 * select() after Enter selected it, edit() on Enter over the already selected weight}.
 */
export function wireNetworkKeys(canvas, { state, sizes, start }, on) {
  canvas.addEventListener("keydown", (event) => {
    if (!NETWORK_KEYS.has(event.key) || event.altKey || event.ctrlKey || event.metaKey) return;
    const shape = sizes();
    if (!shape?.sizes) return;
    event.preventDefault();
    if (event.key === "Escape") {
      if (state.cursor) {
        state.cursor = null;
        on.move();
      }
      return;
    }
    if (!state.cursor) { // after Escape: the next key brings the cursor back where it starts
      state.cursor = start();
      if (event.key !== "Enter") return on.move();
    }
    if (event.key === "Enter") {
      const already = state.selection && same(state.selection, state.cursor);
      state.selection = { ...state.cursor };
      if (already && state.cursor.kind === "weight") on.edit();
      else on.select();
      return;
    }
    const next = moveCursor(shape.sizes, state.cursor, event.key, shape.bias !== false);
    if (!same(next, state.cursor)) {
      state.cursor = next;
      on.move();
    }
  });
  canvas.addEventListener("focus", () => { // by Tab (a click does not focus it): show where the cursor is
    if (state.cursor || !sizes()?.sizes) return;
    state.cursor = start();
    if (state.cursor) on.move();
  });
  canvas.addEventListener("blur", () => {
    if (!state.cursor) return;
    state.cursor = null;
    on.move();
  });
}
