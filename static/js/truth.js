// The truth table: the 4 patterns with desired d, response r, error e and a mark when |e| < 0.1.
import { numberSpan } from "./derivation.js";

/** Fill `tbody` from the frame's truth rows; `current` is the pattern the next step works on. */
export function renderTruth(tbody, truth, current) {
  const rows = (truth || []).map((row, k) => {
    const tr = document.createElement("tr");
    if (k === current) tr.className = "current";
    const cells = [row.s[0], row.s[1], row.d].map((v) => {
      const td = document.createElement("td");
      td.textContent = String(v);
      return td;
    });
    for (const [name, value] of [["r", row.r], ["e", row.e]]) {
      const td = document.createElement("td");
      td.dataset.name = name;
      td.append(value === null ? "–" : numberSpan(value));
      cells.push(td);
    }
    const mark = document.createElement("td");
    mark.className = row.close ? "close" : "far";
    mark.textContent = row.close ? "✓" : "·";
    mark.setAttribute("aria-label", row.close ? "|e| below 0.1" : "|e| not below 0.1");
    cells.push(mark);
    tr.append(...cells);
    return tr;
  });
  tbody.replaceChildren(...rows);
}
