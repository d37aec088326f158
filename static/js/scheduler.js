// The render loop: named jobs (one per canvas, one per group of DOM panels) that run on the
// next animation frame only when marked dirty. Nothing marked, nothing scheduled: an idle page
// costs nothing, and a hover that marks the network does not redraw the curve.

/** Performance measures are cleared after this many (a long class must not fill the timeline). */
const KEEP_MEASURES = 600;
/**
 * Past this many ms in one frame, the jobs still due wait for the next frame (and go first
 * then): a frame that would draw the network, the curve and the surfaces at once on a busy
 * machine is spread over two or three, none of them a long task.
 */
export const FRAME_BUDGET_MS = 8;

/**
 * A scheduler over `requestFrame` (requestAnimationFrame). add(name, paint) registers a job;
 * jobs run in the order they were added; paint(now) returns true to run again next frame (an
 * animation in progress). mark(...names) makes jobs dirty. `counts[name]`: runs so far (for
 * the tests and the benchmark); `idle`: no frame requested, no mark put off (markLater).
 * Every frame that ran a job is a
 * performance measure named "draw", and each job run one named "draw <job>" (bench/frontend.py
 * observes them).
 */
export function createScheduler(requestFrame = (cb) => globalThis.requestAnimationFrame(cb), onError = (name, error) => console.error(`render ${name}:`, error), clock = () => performance.now()) {
  const jobs = new Map();
  const dirty = new Set();
  const counts = {};
  let requested = false;
  const measured = {};
  const later = new Map(); // name -> timer of a mark put off (markLater)

  let deferred = new Set(); // put off by the budget last frame: they go first
  function tick(now) {
    requested = false;
    const start = clock();
    const due = [...jobs.keys()].filter((name) => dirty.has(name));
    due.sort((a, b) => Number(deferred.has(b)) - Number(deferred.has(a)));
    for (const name of due) dirty.delete(name);
    const putOff = new Set();
    for (const [k, name] of due.entries()) {
      if (k > 0 && clock() - start > FRAME_BUDGET_MS) { // the rest next frame
        for (const rest of due.slice(k)) {
          dirty.add(rest);
          putOff.add(rest);
        }
        break;
      }
      counts[name] += 1;
      let again = false;
      const jobStart = clock();
      try {
        again = jobs.get(name)(now);
      } catch (error) {
        onError(name, error); // one broken job must not stop the others drawing
      }
      measure(`draw ${name}`, jobStart);
      if (again) dirty.add(name);
    }
    deferred = putOff;
    if (due.length) measure("draw", start);
    if (dirty.size) request();
  }
  function measure(name, start) {
    if (!globalThis.performance?.measure) return;
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
