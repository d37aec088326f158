// Poll rendering: bars of the answers (presenter's panel, and students after the reveal) and a
// student's answer buttons. Data shaping lives in classroom.js; this only builds DOM.
import { pollBars } from "./classroom.js";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** One row per choice: label, a bar as wide as its share of the answers, the count. */
export function renderBars(container, poll, chosen = null) {
  const rows = pollBars(poll, chosen).map((bar) => {
    const row = el("li", `poll-bar${bar.correct ? " correct" : ""}${bar.chosen ? " chosen" : ""}`);
    row.dataset.choice = bar.id;
    const fill = el("span", "fill");
    fill.style.width = `${(bar.share * 100).toFixed(1)}%`;
    const label = el("span", "label", `${bar.correct ? "✓ " : ""}${bar.label}`);
    const count = el("span", "count", String(bar.count));
    row.setAttribute("aria-label", `${bar.label}: ${bar.count}${bar.correct ? ", the right answer" : ""}`);
    row.append(el("span", "track"), label, count);
    row.firstChild.append(fill);
    return row;
  });
  const list = el("ul", "poll-bars");
  list.append(...rows);
  container.replaceChildren(list);
}

/**
 * A student's answer buttons: `onAnswer(choice)` on a press; the chosen one pressed; after the
 * reveal they are disabled and the right (and a wrong chosen) one marked.
 */
export function renderChoices(container, poll, chosen, onAnswer) {
  const done = poll.revealed || poll.closed || Boolean(poll.cancelled);
  container.replaceChildren(...(poll.choices ?? []).map((choice) => {
    const button = el("button", "poll-choice", choice.label);
    button.type = "button";
    button.dataset.choice = choice.id;
    button.setAttribute("aria-pressed", chosen === choice.id ? "true" : "false");
    if (poll.revealed && choice.id === poll.correct) button.classList.add("correct");
    else if (poll.revealed && choice.id === chosen) button.classList.add("wrong");
    button.disabled = done;
    button.addEventListener("click", () => onAnswer(choice.id));
    return button;
  }));
}
