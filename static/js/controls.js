// The settings form, built from the settings table of GET /api/settings, and the state of the
// buttons. Each control has a label; changes are handed to onChange(name, value).
import { parseSetting } from "./urlparams.js";
import { withLabel } from "./format.js";

const ORDER = ["problem", "s", "d", "hidden", "bias", "activation", "mode", "eta", "alpha", "init_range", "seed", "sampling"];
/** Settings that only the problem `simplest` uses (docs/protocol.md): shown with it only. */
const SIMPLEST_ONLY = new Set(["s", "d"]);

function controlFor(name, spec) {
  let input;
  if (spec.kind === "switch") {
    input = document.createElement("input");
    input.type = "checkbox";
  } else if (spec.kind === "choice") {
    input = document.createElement("select");
    for (const choice of spec.choices) {
      const option = document.createElement("option");
      option.value = choice;
      option.textContent = choice.replace(/_/g, " ");
      input.append(option);
    }
  } else {
    input = document.createElement("input");
    input.type = "text";
    input.inputMode = spec.kind === "layout" ? "numeric" : "decimal";
    input.autocomplete = "off";
    input.spellcheck = false;
  }
  input.id = `setting-${name}`;
  input.name = name;
  return input;
}

/**
 * Build one labelled control per setting into `form`; returns {update(settings), showError(name,
 * message), clearError(name), refresh(), inputs}. `onChange(name, value)` gets parsed, range-checked values.
 * Errors name the field by its label; they last until the field is changed again or the
 * session's settings change (an import, a link, another tab of the room's presenter...).
 */
export function buildSettings(form, table, onChange) {
  const names = [...ORDER.filter((n) => n in table), ...Object.keys(table).filter((n) => !ORDER.includes(n))];
  const inputs = new Map();
  const errors = new Map();
  for (const name of names) {
    const spec = table[name];
    const field = document.createElement("div");
    field.className = name === "problem" || name === "hidden" || name === "sampling" ? "field wide" : spec.kind === "switch" ? "field switch-field" : "field";
    field.dataset.setting = name;
    const label = document.createElement("label");
    label.htmlFor = `setting-${name}`;
    label.textContent = spec.label ?? name;
    const input = controlFor(name, spec);
    input.title = spec.help ?? "";
    const help = document.createElement("p");
    help.className = "help sr-only";
    help.id = `setting-${name}-help`;
    help.textContent = spec.help ?? "";
    const error = document.createElement("p");
    error.className = "error";
    error.id = `setting-${name}-error`;
    error.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", `${help.id} ${error.id}`);
    field.append(label, input, help, error);
    form.append(field);
    inputs.set(name, input);
    errors.set(name, error);
    const commit = () => {
      const text = input.type === "checkbox" ? String(input.checked) : input.value.trim();
      const parsed = parseSetting(name, text, spec);
      if ("error" in parsed) return showError(name, parsed.error);
      clearError(name);
      onChange(name, parsed.value);
    };
    input.addEventListener("change", commit);
  }
  form.addEventListener("submit", (event) => event.preventDefault());

  function showError(name, message) {
    const input = inputs.get(name);
    if (!input) return;
    input.setAttribute("aria-invalid", "true");
    errors.get(name).textContent = withLabel(message, name, table);
  }
  function clearError(name) {
    inputs.get(name)?.removeAttribute("aria-invalid");
    if (errors.has(name)) errors.get(name).textContent = "";
  }
  let shown = "";
  /**
   * Show the session's settings, leaving alone a control the person is editing. New settings
   * from the session clear every field's error and bad text: what was refused is gone.
   */
  function update(settings) {
    const now = JSON.stringify(settings);
    const changed = now !== shown;
    shown = now;
    for (const [name, input] of inputs) {
      if (changed && document.activeElement !== input) clearError(name);
      if (SIMPLEST_ONLY.has(name)) input.closest(".field").hidden = settings.problem !== "simplest";
      if (!(name in settings) || document.activeElement === input || input.getAttribute("aria-invalid")) continue;
      const value = settings[name];
      if (input.type === "checkbox") {
        input.checked = Boolean(value);
        continue;
      }
      const text = Array.isArray(value) ? value.join(",") : String(value);
      if (input.value !== text) input.value = text;
    }
  }
  /** Forget what was typed and refused: the next update() shows the session's settings again. */
  function refresh() {
    shown = "";
    for (const name of inputs.keys()) clearError(name);
  }
  return { update, showError, clearError, refresh, inputs };
}
