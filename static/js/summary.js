// One sentence for screen readers about the focused neuron or weight: its derivation's title
// and each equation's result, from the same model the panel shows (derive.js). Pure.
import { derivation, mathRuns } from "./derive.js";
import { fmt } from "./format.js";

/** Math text as plain words: subscripts and superscripts inline (w_{1,2} -> w1,2). */
const plain = (text) => mathRuns(text).map((run) => run.text).join("");

/**
 * "Output neuron r. Weighted input from hidden neuron to output neuron: a = 0.231. ..." for
 * `selection` in `frame`; equations of later phases are said to come later.
 */
export function derivationSummary(selection, frame) {
  const model = derivation(selection, frame);
  if (!model.title) return model.note ?? "";
  const parts = [`${plain(model.title)}.`];
  for (const section of model.sections) {
    const numbers = section.eq.filter((p) => typeof p !== "string");
    const symbol = typeof section.eq[0] === "string" ? plain(section.eq[0]).split(" = ")[0].trim() : "";
    if (section.pending || !numbers.length) parts.push(`${section.heading}: later.`);
    else parts.push(`${section.heading}: ${symbol ? `${symbol} = ` : ""}${fmt(numbers.at(-1).n)}.`);
  }
  return parts.join(" ");
}
