// The derivation panel: renders the model from derive.js as HTML math (sub/sup, numbers in
// spans that keep the exact value in data-value). DOM only, no innerHTML.
import { derivation, mathRuns } from "./derive.js";
import { fmt } from "./format.js";

/** Append math text (with _{sub} and ^{sup}) to `parent`. */
export function appendMath(parent, text) {
  for (const run of mathRuns(text)) {
    if (run.kind === "base") parent.append(run.text);
    else {
      const el = document.createElement(run.kind);
      el.textContent = run.text;
      parent.append(el);
    }
  }
}

/** A number span: formatted text, the exact value in data-value and the title. */
export function numberSpan(value, wrap = false) {
  const span = document.createElement("span");
  span.className = "num";
  const text = fmt(value);
  span.textContent = wrap && value < 0 ? `(${text})` : text;
  span.dataset.value = String(value);
  span.title = String(value);
  return span;
}

/**
 * Render the derivation for `selection` in `frame` into `container`; the lines whose id is in
 * `lit` (a lesson step's highlight) are marked.
 */
export function renderDerivation(container, selection, frame, lit = null) {
  const model = derivation(selection, frame);
  const parts = [];
  if (model.title) {
    const h = document.createElement("h3");
    appendMath(h, model.title);
    parts.push(h);
  }
  const note = document.createElement("p");
  note.className = "note";
  note.textContent = model.note;
  parts.push(note);
  for (const section of model.sections) {
    const div = document.createElement("div");
    // without a trace the equations are shown symbolically, not as "later phase"
    div.className = !frame?.trace ? "eq symbolic" : section.pending ? "eq pending" : "eq";
    if (lit?.has(section.id)) div.classList.add("lit");
    div.dataset.heading = section.heading;
    if (section.id) div.dataset.id = section.id;
    if (section.phase) div.dataset.phase = section.phase;
    const heading = document.createElement("span");
    heading.className = "heading";
    heading.textContent = section.heading;
    const math = document.createElement("span");
    math.className = "math";
    const lastNumber = section.eq.reduce((k, p, i) => (typeof p === "object" ? i : k), -1);
    section.eq.forEach((part, i) => {
      if (typeof part === "string") appendMath(math, part);
      else {
        const span = numberSpan(part.n, part.wrap);
        if (i === lastNumber && section.eq[i - 1] === " = ") span.classList.add("result");
        math.append(span);
      }
    });
    div.append(heading, math);
    if (section.note) {
      const n = document.createElement("span");
      n.className = "eq-note";
      appendMath(n, section.note);
      div.append(n);
    }
    parts.push(div);
  }
  container.replaceChildren(...parts);
  showLit(container, lit);
}

/**
 * When the lines a lesson step points at change, scroll the panel (only the panel: it scrolls
 * on its own in a lesson, lessons.css) to the first of them, so the page shows what to look at.
 */
function showLit(container, lit) {
  const key = lit ? [...lit].join() : "";
  if (container.dataset.litKey === key) return;
  container.dataset.litKey = key;
  const first = container.querySelector(".eq.lit");
  if (first) container.scrollTop += first.getBoundingClientRect().top - container.getBoundingClientRect().top - 8;
}
