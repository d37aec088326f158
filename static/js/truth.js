// The truth table: the patterns (4, or the simplest case's one) with their signals, desired d,
// response r, error e and a mark when |e| < 0.1.
// Rows are built once and updated in place frame after frame.
import { numberSpan, setNumber } from "./derivation.js";

const signalNames = (n) => (n === 1 ? ["s"] : Array.from({ length: n }, (_, k) => `s${"₁₂₃₄"[k] ?? k + 1}`));

/** The header's signal columns: s₁ s₂ for two inputs, s for one (the simplest case). */
function signalHeaders(table, n) {
  const row = table?.tHead?.rows[0];
  if (!row) return;
  const have = row.querySelectorAll("th.signal");
  if (have.length === n) return;
  for (const th of have) th.remove();
  const cells = signalNames(n).map((name) => Object.assign(document.createElement("th"), { scope: "col", className: "signal", textContent: name }));
  row.prepend(...cells);
}

function buildRow(n) {
  const tr = document.createElement("tr");
  for (const name of [...signalNames(n), "d", "r", "e", "mark"]) {
    const td = document.createElement("td");
    td.dataset.name = name;
    tr.append(td);
  }
  return tr;
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** Fill `tbody` from the frame's truth rows; `current` is the pattern the next step works on. */
export function renderTruth(tbody, truth, current) {
  const rows = truth || [];
  const n = rows[0]?.s.length ?? 2;
  if (tbody.rows[0] && tbody.rows[0].cells.length !== n + 4) tbody.replaceChildren(); // a new problem's inputs
  signalHeaders(tbody.closest("table"), n);
  while (tbody.rows.length > rows.length) tbody.lastElementChild.remove();
  while (tbody.rows.length < rows.length) tbody.append(buildRow(n));
  rows.forEach((row, k) => {
    const tr = tbody.rows[k];
    tr.className = k === current ? "current" : "";
    const cells = [...tr.cells];
    row.s.forEach((v, i) => setText(cells[i], String(v)));
    const [d, r, e, mark] = cells.slice(n);
    setText(d, String(row.d));
    for (const [cell, value] of [[r, row.r], [e, row.e]]) {
      if (value === null) setText(cell, "–");
      else if (cell.firstChild?.className === "num") setNumber(cell.firstChild, value);
      else cell.replaceChildren(numberSpan(value));
    }
    mark.className = row.close ? "close" : "far";
    setText(mark, row.close ? "✓" : "·");
    mark.setAttribute("aria-label", row.close ? "|e| below 0.1" : "|e| not below 0.1");
  });
}
