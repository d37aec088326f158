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
  return setNumber(span, value, wrap);
}

/** Show `value` in an existing number span (touching the DOM only where it changed). */
export function setNumber(span, value, wrap = false) {
  const exact = String(value);
  if (span.dataset.value === exact && span.dataset.wrap === String(wrap)) return span;
  const text = fmt(value);
  const shown = wrap && value < 0 ? `(${text})` : text;
  if (span.textContent !== shown) span.textContent = shown;
  span.dataset.value = exact;
  span.dataset.wrap = String(wrap);
  span.title = exact;
  return span;
}

/** The model's shape: everything but its numbers and note (same shape: update in place). */
function shapeOf(model, frame, lit) {
  return JSON.stringify([Boolean(frame?.trace), model.title, [...(lit ?? [])], model.sections.map((s) => [s.heading, s.pending, s.note, s.eq.map((p) => (typeof p === "string" ? p : p.wrap))])]);
}

/**
 * Render the derivation for `selection` in `frame` into `container`; the lines whose id is in
 * `lit` (a lesson step's highlight) are marked. When only the numbers changed (a run going on,
 * the same neuron selected), the spans are updated in place: no new elements, no layout beyond
 * the changed text.
 */
export function renderDerivation(container, selection, frame, lit = null) {
  const model = derivation(selection, frame);
  const shape = shapeOf(model, frame, lit);
  if (container.dataset.shape === shape) {
    const spans = container.querySelectorAll(".num");
    const numbers = model.sections.flatMap((section) => section.eq.filter((p) => typeof p !== "string"));
    numbers.forEach((part, k) => setNumber(spans[k], part.n, part.wrap));
    const note = container.querySelector(".note");
    if (note.textContent !== model.note) note.textContent = model.note;
    return;
  }
  container.dataset.shape = shape;
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
