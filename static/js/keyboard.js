// Keyboard shortcuts: space run/pause, → step phase (Shift: pattern), E epoch, ← back, R reset,
// N numbers, P projector, ? help. A focused control owns its keys: nothing while typing in a
// field or choosing in a list, the arrows (and Home, End, Page keys) on a slider, space on a
// button or checkbox, the arrows, Home, End, Enter and Escape on the network canvas.

const TYPING = new Set(["INPUT", "SELECT", "TEXTAREA"]);
const SLIDER_KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"]);
const NETWORK_KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "Enter", "Escape"]);

/** The action name for a keydown event, or null. Pure. */
export function actionFor(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  switch (event.key) {
    case " ": return "run";
    case "ArrowRight": return event.shiftKey ? "step-pattern" : "step-phase";
    case "ArrowLeft": return "back";
    case "r": case "R": return "reset";
    case "e": case "E": return "step-epoch";
    case "n": case "N": return "numbers";
    case "p": case "P": return "projector";
    case "?": return "help";
    default: return null;
  }
}

/**
 * Does the focused element `el` keep `key` for itself? (Pure over the element's tagName,
 * type, isContentEditable and dataset.keys: "network" for the network canvas.)
 */
export function ownsKey(el, key) {
  if (!el) return false;
  if (el.isContentEditable) return true;
  if (el.dataset?.keys === "network") return NETWORK_KEYS.has(key);
  const type = el.type;
  if (el.tagName === "INPUT" && type === "range") return SLIDER_KEYS.has(key);
  if (el.tagName === "INPUT" && (type === "checkbox" || type === "radio")) return key === " " || key === "Enter";
  if (TYPING.has(el.tagName)) return el.tagName !== "INPUT" || type !== "file" || key === " " || key === "Enter";
  if (el.tagName === "BUTTON" || el.tagName === "SUMMARY" || el.tagName === "A") return key === " " || key === "Enter";
  return false;
}

/** Call actions[name]() for shortcut keys the focused element does not own. */
export function bindKeys(target, actions) {
  target.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || ownsKey(event.target, event.key)) return;
    const name = actionFor(event);
    if (!name || !actions[name]) return;
    event.preventDefault();
    actions[name]();
  });
}
