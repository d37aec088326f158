// The truth table: the 4 patterns with desired d, response r, error e and a mark when |e| < 0.1.
// Rows are built once and updated in place frame after frame.
import { numberSpan, setNumber } from "./derivation.js";

function buildRow() {
  const tr = document.createElement("tr");
  for (const name of ["s1", "s2", "d", "r", "e", "mark"]) {
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
  while (tbody.rows.length > rows.length) tbody.lastElementChild.remove();
  while (tbody.rows.length < rows.length) tbody.append(buildRow());
  rows.forEach((row, k) => {
    const tr = tbody.rows[k];
    tr.className = k === current ? "current" : "";
    const [s1, s2, d, r, e, mark] = tr.cells;
    setText(s1, String(row.s[0]));
    setText(s2, String(row.s[1]));
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
