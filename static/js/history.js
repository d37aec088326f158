// The error curve's data: points [epoch, loss_min, loss_max, loss_last] kept from frames.
// The server bounds the series; each frame says where its points start (docs/protocol.md). Pure.

/**
 * Points merged into buckets of `width` epochs, as the server merges its own: consecutive
 * points whose epoch // width agree become one [last epoch, min, max, last].
 */
export function rebucket(points, width) {
  const merged = [];
  for (const p of points) {
    const last = merged[merged.length - 1];
    if (last && Math.floor(last[0] / width) === Math.floor(p[0] / width)) {
      merged[merged.length - 1] = [p[0], Math.min(last[1], p[1]), Math.max(last[2], p[2]), p[3]];
    } else {
      merged.push(p);
    }
  }
  return merged;
}

/**
 * Apply a frame's `history` to the points kept so far: `reset` replaces them; otherwise, if
 * the server's buckets got wider (`width` above `keptWidth`), the kept points are merged the
 * same way first; then the series is cut to `start` and the new points appended (the last
 * point may be resent while it grows). Returns the new array; `points` is not modified.
 */
export function mergeHistory(points, history, keptWidth = 1) {
  if (!history) return points;
  if (history.reset) return (history.points || []).slice();
  const kept = history.width > keptWidth ? rebucket(points, history.width) : points;
  const start = Number.isInteger(history.start) ? Math.min(history.start, kept.length) : kept.length;
  return kept.slice(0, start).concat(history.points || []);
}

/** The marks to draw: a frame's list replaces the kept one; null means unchanged. */
export function mergeMarks(marks, incoming) {
  return Array.isArray(incoming) ? incoming : marks;
}
