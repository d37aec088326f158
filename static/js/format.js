// Number and text formatting for the page: one place decides how a value looks.
// Pure: no DOM, tested with node --test.

const MINUS = "\u2212";

/**
 * A number as the page shows it: 3 significant digits, plain notation for
 * 0.0001 <= |x| < 100000, exponent otherwise; a true minus sign.
 * @param {number} x
 * @param {number} [digits=3] significant digits
 */
export function fmt(x, digits = 3) {
  if (x === null || x === undefined) return "–";
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : `${MINUS}∞`;
  if (x === 0) return "0";
  const a = Math.abs(x);
  let text;
  if (a < 1e-4 || a >= 1e5) {
    text = a.toExponential(digits - 1).replace("e+", "e");
  } else if (a >= 10 ** digits - 0.5) {
    text = a.toFixed(0);
  } else {
    text = a.toPrecision(digits);
  }
  return (x < 0 ? MINUS : "") + text;
}

/** A number with a sign always shown (for changes such as Δw). */
export function fmtSigned(x, digits = 3) {
  const text = fmt(x, digits);
  return x > 0 ? `+${text}` : text;
}

/** Parse what a person typed: accepts the true minus sign, a comma decimal, spaces. */
export function parseNumber(text) {
  const clean = String(text).trim().replace(/\u2212/g, "-").replace(/,/g, ".").replace(/\s+/g, "");
  if (clean === "" || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(clean)) return NaN;
  return Number(clean);
}

/** An integer with thin thousands separators: 12 345. */
export function fmtCount(n) {
  if (!Number.isFinite(n)) return String(n);
  const s = Math.round(Math.abs(n)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, "\u2009");
  return (n < 0 ? MINUS : "") + s;
}

const SUB = { 0: "₀", 1: "₁", 2: "₂", 3: "₃", 4: "₄", 5: "₅", 6: "₆", 7: "₇", 8: "₈", 9: "₉", ",": "," };
const SUP = { 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

/** Unicode subscript digits: sub(12) -> "₁₂" (for canvas labels, where HTML sub is unavailable). */
export function sub(text) {
  return [...String(text)].map((c) => SUB[c] ?? c).join("");
}

/** Unicode superscript digits. */
export function sup(text) {
  return [...String(text)].map((c) => SUP[c] ?? c).join("");
}

/**
 * An error message that names a setting as the page labels it: "eta: need a number ..." for
 * field "eta" becomes "Learning rate η: need a number ...". `table`: the settings table
 * (GET /api/settings). Other messages (and nested paths such as state.marks[0].epoch) stay.
 */
export function withLabel(message, field, table) {
  const text = String(message ?? "");
  const label = field && Object.hasOwn(table ?? {}, field) ? table[field].label : null;
  if (!label) return text;
  return text.startsWith(`${field}:`) ? `${label}:${text.slice(field.length + 1)}` : `${label}: ${text}`;
}

/** Phase names of the engine, as the page says them. */
export const PHASE_LABELS = {
  forward: "forward pass",
  error: "error e = d − r",
  delta_output: "local gradient δ of the output",
  delta_hidden: "local gradients δ of the hidden layer",
  update: "weight update Δw",
};

// ----- one numbering (docs/protocol.md): epoch n is the n-th pass over the patterns ------------
// The wire counts epochs completed (`epoch`) and patterns from 0; the page says "pattern 2 of
// epoch 1" for the pass under way, counts "epochs done", and names the epoch after which a net
// was judged converged (converged_epoch, 1-based, equal to the counter at that moment).

/** "pattern 2 of epoch 1": the pattern the next step works on, `done` epochs completed. */
export function positionText(done, pattern) {
  return `pattern ${(pattern ?? 0) + 1} of epoch ${fmtCount((done ?? 0) + 1)}`;
}

/** The counter: "0 epochs done", "1 epoch done", "1 265 epochs done". */
export function epochsDone(done) {
  return `${fmtCount(done ?? 0)} epoch${done === 1 ? "" : "s"} done`;
}

/** The status line for a frame: what is happening, in words. */
export function statusText(frame) {
  if (!frame) return "Connecting…";
  switch (frame.status) {
    case "running": {
      const rate = frame.epochs_per_second;
      const speed = Number.isFinite(rate) && rate > 0 ? ` at ${fmtCount(rate)} epochs/s` : "";
      return `Running${speed}: ${epochsDone(frame.epoch)}`;
    }
    case "converged": {
      const at = frame.converged_epoch ?? frame.epoch;
      const since = frame.epoch > at ? `; ${epochsDone(frame.epoch)}` : "";
      return `Converged after epoch ${fmtCount(at)}: every |e| < 0.1${since}`;
    }
    case "diverged":
      return "Diverged: the weights overflowed. Lower η and reset.";
    default: {
      const phase = frame.trace && frame.trace.phase !== "update" ? `, after the ${PHASE_LABELS[frame.trace.phase] ?? frame.trace.phase}` : "";
      return `Paused at ${positionText(frame.epoch, frame.pattern)}${phase} · ${epochsDone(frame.epoch)}`;
    }
  }
}
