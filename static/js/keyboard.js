// Keyboard shortcuts: space run/pause, → step phase (Shift: pattern), E epoch, ← back, R reset,
// N numbers, P projector, ? help. Ignored while typing in a field.

const TYPING = new Set(["INPUT", "SELECT", "TEXTAREA"]);

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

/** Call actions[name]() for shortcut keys pressed on `target` outside text fields. */
export function bindKeys(target, actions) {
  target.addEventListener("keydown", (event) => {
    const el = event.target;
    const typing = el && (TYPING.has(el.tagName) && el.type !== "checkbox" && el.type !== "range" || el.isContentEditable);
    if (typing || event.defaultPrevented) return;
    // space on a focused button presses it; let the button do that
    if (event.key === " " && el && el.tagName === "BUTTON") return;
    const name = actionFor(event);
    if (!name || !actions[name]) return;
    event.preventDefault();
    actions[name]();
  });
}
