// CSV text for downloads: the error history and the step trace. Pure.
import { weightLabel, sizesFromWeights } from "./layout.js";

/** One CSV field: quoted when it holds a comma, quote or newline; numbers in full precision. */
export function field(value) {
  if (value === null || value === undefined) return "";
  const text = typeof value === "number" ? String(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV text from a header and rows of values, CRLF line ends (RFC 4180). */
export function toCSV(header, rows) {
  return [header, ...rows].map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";
}

/**
 * The error curve: the loss after epoch n (n = 0: the initial weights), as the curve's x axis
 * counts, with the min, max and last loss of each recorded interval.
 */
export function historyCSV(points) {
  return toCSV(["after_epoch", "loss_min", "loss_max", "loss_last"], points);
}

/**
 * The step trace: one row per weight with its input x, the local gradient δ of the neuron it
 * feeds, ∂l/∂w, η·δ·x, α·Δw(n−1), Δw, and the weight before and after; then the pattern's
 * s, d, r, e and l as comment-like rows. Epochs and patterns are counted from 1, as the page
 * says them: "pattern 2 of epoch 1" is epoch 1, pattern 2. `bias`: the weights end with a
 * bias column (settings.bias; the simplest case has none).
 */
export function traceCSV(trace, bias = true) {
  if (!trace) return toCSV(["note"], [["no trace: step a phase, pattern or epoch first"]]);
  const sizes = sizesFromWeights(trace.weights_before, bias);
  const rows = [];
  trace.weights_before.forEach((layer, l) => {
    const x = l === 0 ? trace.s : trace.outputs[l - 1];
    layer.forEach((row, j) => {
      row.forEach((before, i) => {
        const input = bias && i === row.length - 1 ? 1 : x[i];
        rows.push([
          trace.epoch + 1, trace.pattern + 1, trace.phase, weightLabel(sizes, l, j, i, bias).normalize("NFKC"), l, j, i,
          input, trace.delta[l]?.[j], trace.gradient[l]?.[j]?.[i], trace.learning[l]?.[j]?.[i],
          trace.momentum[l]?.[j]?.[i], trace.change[l]?.[j]?.[i], before, trace.weights_after[l][j][i],
        ]);
      });
    });
  });
  const header = ["epoch", "pattern", "phase", "weight", "layer", "neuron", "input", "x", "delta",
    "dl_dw", "eta_delta_x", "alpha_dw_prev", "dw", "w_before", "w_after"];
  const signals = trace.s.length === 1 ? ["s"] : trace.s.map((_, k) => `s${k + 1}`);
  const summary = toCSV([...signals, "d", "r", "e", "l"], [[...trace.s, trace.d, trace.r, trace.e, trace.l]]);
  return toCSV(header, rows) + "\r\n" + summary;
}
