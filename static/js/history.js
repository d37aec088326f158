// The error curve's data: points [epoch, loss_min, loss_max, loss_last] kept from frames.
// The server bounds the series; each frame says where its points start (docs/protocol.md). Pure.

/**
 * Apply a frame's `history` to the points kept so far: `reset` replaces them; otherwise the
 * kept series is cut to `start` and the new points appended (the last point may be resent
 * while it grows). Returns the new array; `points` is not modified.
 */
export function mergeHistory(points, history) {
  if (!history) return points;
  if (history.reset) return (history.points || []).slice();
  const start = Number.isInteger(history.start) ? Math.min(history.start, points.length) : points.length;
  return points.slice(0, start).concat(history.points || []);
}

/** The marks to draw: a frame's list replaces the kept one; null means unchanged. */
export function mergeMarks(marks, incoming) {
  return Array.isArray(incoming) ? incoming : marks;
}
