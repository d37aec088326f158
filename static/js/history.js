// The error curve's data: points [epoch, min, max, last] accumulated from frames, bounded. Pure.

export const MAX_POINTS = 4000;

/**
 * Merge a frame's history into the points kept so far: `reset` replaces them, otherwise new
 * points (epoch beyond the last kept) are appended. When more than `max` points are kept,
 * neighbours are merged pairwise (min of mins, max of maxes, the later last), so the whole
 * run stays on the curve with bounded memory.
 */
export function mergeHistory(points, history, max = MAX_POINTS) {
  if (!history) return points;
  let kept = history.reset ? [] : points;
  const lastEpoch = kept.length ? kept[kept.length - 1][0] : -Infinity;
  const fresh = (history.points || []).filter((p) => history.reset || p[0] > lastEpoch);
  kept = fresh.length || history.reset ? kept.concat(fresh) : kept;
  while (kept.length > max) kept = halve(kept);
  return kept;
}

/** Merge neighbouring points pairwise. */
export function halve(points) {
  const out = [];
  for (let i = 0; i < points.length; i += 2) {
    const a = points[i];
    const b = points[i + 1];
    out.push(b ? [b[0], Math.min(a[1], b[1]), Math.max(a[2], b[2]), b[3]] : a);
  }
  return out;
}

/** Merge marks [{epoch, kind}] (reset replaces). */
export function mergeMarks(marks, incoming, reset) {
  const base = reset ? [] : marks;
  if (!incoming || !incoming.length) return base;
  const seen = new Set(base.map((m) => `${m.epoch}:${m.kind}`));
  return base.concat(incoming.filter((m) => !seen.has(`${m.epoch}:${m.kind}`)));
}
