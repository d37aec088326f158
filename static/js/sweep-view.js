// The seed sweep as the page shows it (protocol: `sweep`): decoding, words, stuck seeds, and
// the geometry that drawing and pointer share. Pure.
import { base64ToFloat32 } from "./binary.js";
import { linearScale, logScale, lossDomain } from "./scale.js";
import { fmt, fmtCount } from "./format.js";

const read = (x) => (x === null || x === undefined ? null : base64ToFloat32(x));

/** A frame's sweep, each arm's results as Float32Arrays (null while running); null for none. */
export function decodeSweep(raw) {
  if (!raw || raw.state === "none") return null;
  return { ...raw, arms: raw.arms.map((a) => ({ ...a, convergedAt: read(a.results?.converged_at), finalLoss: read(a.results?.final_loss) })) };
}

/** "B: η = 2": an arm by the settings B changes (η when alone), named as in the settings table. */
export function armName(view, i, table) {
  const { label, settings } = view.arms[i];
  const names = Object.keys(view.arms[1]?.changes ?? { eta: 0 });
  const word = (n) => (n === "init_range" ? "initial range" : table?.[n]?.symbol ?? table?.[n]?.label ?? n);
  return `${label}: ${names.map((n) => (n === "hidden" ? `2-${settings.hidden.join("-")}-1` : `${word(n)} = ${settings[n]}`)).join(", ")}`;
}

/** "22.0 %". */
export const percent = (part, whole) => (whole ? `${((100 * part) / whole).toFixed(1)} %` : "–");

/** {share, text}: "22.0 %", "A: η = 0.5 — 390 converged, 110 stuck (22.0 %), median 1 614 epochs". */
export function armSummary(view, i, table) {
  const a = view.arms[i];
  const share = percent(a.stuck, a.finished);
  const diverged = a.diverged ? `, ${fmtCount(a.diverged)} diverged` : "";
  const median = a.median == null ? "" : `, median ${fmtCount(a.median)} epochs`;
  return { share, text: `${armName(view, i, table)} — ${fmtCount(a.converged)} converged, ${fmtCount(a.stuck)} stuck (${share}${diverged})${median}` };
}

/** "390 of 500 nets". */
export const progressText = (view, i) => `${fmtCount(view.arms[i].finished)} of ${fmtCount(view.nets)} nets`;

/** "500 nets × 20 000 epochs: running · 3.2 s" (done in 4.0 s, cancelled after 1.5 s, failed). */
export function stateText(view) {
  if (!view) return "";
  const t = `${view.elapsed_s?.toFixed(1)} s`;
  const what = { running: `running · ${t}`, done: `done in ${t}`, cancelled: `cancelled after ${t}` }[view.state] ?? view.state;
  return `${fmtCount(view.nets)} nets × ${fmtCount(view.epochs)} epochs: ${what}`;
}

/** Seeds of arm i's stuck nets ([] while running). */
export function stuckSeeds(view, i) {
  const seeds = [];
  view.arms[i].convergedAt?.forEach((at, k) => Number.isNaN(at) && seeds.push(view.seed + k));
  return seeds;
}

function net(view, i, k) {
  const at = view.arms[i].convergedAt[k];
  const loss = view.arms[i].finalLoss[k];
  return { seed: view.seed + k, loss, fate: !Number.isNaN(at) ? `converged in ${fmtCount(at)} epochs` : Number.isNaN(loss) ? "diverged" : "stuck" };
}

/** The tooltip of net k of arm i: "seed 27 · stuck · L = 0.0627" ("B · " first with two arms). */
export function tipText(view, i, k) {
  const { seed, fate, loss } = net(view, i, k);
  return `${view.arms[1] ? `${view.arms[i].label} · ` : ""}seed ${seed} · ${fate} · L = ${fmt(loss)}`;
}

/** The `configure` that loads net k of arm i: the arm's settings and the net's seed. */
export const loadPayload = (view, i, k) => ({ ...view.arms[i].settings, seed: view.seed + k });

/** What the page says once net k of arm i is loaded. */
export function loadedText(view, i, k, table) {
  const { seed, fate } = net(view, i, k);
  return `Loaded seed ${seed}${view.arms[1] ? ` of ${armName(view, i, table)}` : ""} (${fate} in the sweep): press Run (Enter) to watch it.`;
}

/** The histogram's epoch axis: log from the first edge to the last (linear if the first is 0). */
export const epochScale = (edges, range) => (edges[0] > 0 ? logScale : linearScale)([edges[0], edges.at(-1)], range);

/** {x, w}: the pixels of arm i of n in bin k, arms side by side, `gap` between bins. */
export function barSpan(scale, edges, k, i, n, gap = 1) {
  const a = scale(edges[k]);
  const w = (scale(edges[k + 1]) - a - gap) / n;
  return { x: a + gap / 2 + i * w, w };
}

/**
 * The scatter of the finished nets in box {width, height} (theme scale s): x seed, y final loss
 * (log; diverged at the top). {x, y, points: [{i, k, x, y, stuck}]}.
 */
export function scatterGeometry(view, box, s = 1) {
  const last = view.seed + Math.max(1, ...view.arms.map((a) => a.finalLoss.length - 1));
  const x = linearScale([view.seed, last], [54 * s, box.width - 12]);
  const y = logScale(lossDomain(view.arms.flatMap((a) => [...a.finalLoss]), true), [box.height - 34 * s, 10 * s]);
  const points = [];
  view.arms.forEach((a, i) => a.finalLoss.forEach((loss, k) => {
    points.push({ i, k, x: x(view.seed + k), y: Number.isFinite(loss) ? y(loss) : y.range[1], stuck: Number.isNaN(a.convergedAt[k]) });
  }));
  return { x, y, points };
}

/** The point nearest (px, py) within `radius` pixels (the first of equals), or null. */
export function hitPoint(points, px, py, radius = 6) {
  let best = null;
  let least = radius * radius + 1e-9;
  for (const p of points) {
    const d = (p.x - px) ** 2 + (p.y - py) ** 2;
    if (d < least) [best, least] = [p, d];
  }
  return best;
}
