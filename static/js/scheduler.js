// The render loop: named jobs (one per canvas, one per group of DOM panels) that run on the
// next animation frame only when marked dirty. Nothing marked, nothing scheduled: an idle page
// costs nothing, and a hover that marks the network does not redraw the curve.

/** Performance measures are cleared after this many (a long class must not fill the timeline). */
const KEEP_MEASURES = 600;

/**
 * A scheduler over `requestFrame` (requestAnimationFrame). add(name, paint) registers a job;
 * jobs run in the order they were added; paint(now) returns true to run again next frame (an
 * animation in progress). mark(...names) makes jobs dirty. `counts[name]`: runs so far (for
 * the tests and the benchmark); `idle`: no frame requested, no mark put off (markLater).
 * Every frame that ran a job is a
 * performance measure named "draw" (bench/frontend.py observes them).
 */
export function createScheduler(requestFrame = (cb) => globalThis.requestAnimationFrame(cb), onError = (name, error) => console.error(`render ${name}:`, error)) {
  const jobs = new Map();
  const dirty = new Set();
  const counts = {};
  let requested = false;
  const measured = {};
  const later = new Map(); // name -> timer of a mark put off (markLater)

  function tick(now) {
    requested = false;
    const start = performance.now();
    const due = [...jobs.keys()].filter((name) => dirty.has(name));
    for (const name of due) dirty.delete(name);
    for (const name of due) {
      counts[name] += 1;
      let again = false;
      try {
        again = jobs.get(name)(now);
      } catch (error) {
        onError(name, error); // one broken job must not stop the others drawing
      }
      if (again) dirty.add(name);
    }
    if (due.length) measure("draw", start);
    if (dirty.size) request();
  }
  function measure(name, start) {
    performance.measure(name, { start, end: performance.now() });
    measured[name] = (measured[name] ?? 0) + 1;
    if (measured[name] % KEEP_MEASURES === 0) performance.clearMeasures(name);
  }
  function request() {
    if (requested) return;
    requested = true;
    requestFrame(tick);
  }
  return {
    add(name, paint) {
      if (jobs.has(name)) throw new Error(`render: job ${name} exists`);
      jobs.set(name, paint);
      counts[name] = 0;
      dirty.add(name);
      request();
    },
    mark(...names) {
      for (const name of names) {
        if (!jobs.has(name)) throw new Error(`render: no job ${name}`);
        dirty.add(name);
      }
      if (names.length) request();
    },
    /** Mark `name` dirty in `ms` (once: a mark already put off stands). */
    markLater(name, ms) {
      if (later.has(name)) return;
      later.set(name, setTimeout(() => {
        later.delete(name);
        this.mark(name);
      }, ms));
    },
    /** Every job dirty (a new theme, a new connection). */
    markAll() {
      for (const name of jobs.keys()) dirty.add(name);
      request();
    },
    counts,
    measure,
    get idle() { return !requested && dirty.size === 0 && later.size === 0; },
  };
}
