// Scales and axis ticks for the canvases. Pure.

/** A linear map from [d0, d1] to [r0, r1], with .invert and .domain/.range. */
export function linearScale([d0, d1], [r0, r1]) {
  const span = d1 - d0 || 1;
  const f = (x) => r0 + ((x - d0) / span) * (r1 - r0);
  f.invert = (y) => d0 + ((y - r0) / (r1 - r0 || 1)) * span;
  f.domain = [d0, d1];
  f.range = [r0, r1];
  f.log = false;
  return f;
}

/** A base-10 log map from [d0, d1] (both > 0) to [r0, r1]; values <= 0 clamp to d0. */
export function logScale([d0, d1], [r0, r1]) {
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const span = l1 - l0 || 1;
  const f = (x) => r0 + ((Math.log10(x > 0 ? x : d0) - l0) / span) * (r1 - r0);
  f.invert = (y) => 10 ** (l0 + ((y - r0) / (r1 - r0 || 1)) * span);
  f.domain = [d0, d1];
  f.range = [r0, r1];
  f.log = true;
  return f;
}

/** About `count` round tick values covering [lo, hi] (steps of 1, 2 or 5 times a power of 10). */
export function niceTicks(lo, hi, count = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks = [];
  const first = Math.ceil(lo / step - 1e-9) * step;
  for (let t = first; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Powers of ten within [lo, hi] (lo > 0), thinned to at most `count` + 1. */
export function logTicks(lo, hi, count = 6) {
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const every = Math.max(1, Math.ceil((b - a) / count));
  const ticks = [];
  for (let p = a; p <= b; p += every) {
    const t = Number(`1e${p}`);
    if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) ticks.push(t);
  }
  return ticks;
}

/** The y-range of loss values for the curve: [0, max] linear, decades around the data for log. */
export function lossDomain(values, log) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (log && v <= 0) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return log ? [1e-4, 1] : [0, 0.5];
  if (log) return [Number(`1e${Math.floor(Math.log10(lo))}`), Number(`1e${Math.ceil(Math.log10(hi) - 1e-12)}`)];
  return [0, hi > 0 ? hi * 1.05 : 0.5];
}
