// Links that tailor the page: open a lesson at a step and hide parts of the page, kept in the
// URL beside the settings (urlparams.js), like TF Playground's hide toggles. Pure.
//
//   ?lesson=derivation&step=3&hide=controls,sweep
//
// `step` counts from 1, as the page does; the wire counts from 0.

/** The parts of the page a link can hide: name -> what the checkbox says. */
export const HIDEABLE = {
  controls: "Controls (step, run, settings)",
  settings: "Settings and downloads",
  curve: "Error curve",
  derivation: "Derivation panel",
  truth: "Truth table",
  surface: "Decision surface",
  sweep: "Seed sweep",
  classroom: "Classroom button",
};

const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** {lesson, step (from 0), hide: [names], errors: [text]} from a query string. */
export function tailorFromSearch(search) {
  const params = new URLSearchParams(search);
  const out = { lesson: null, step: 0, hide: [], errors: [] };
  const lesson = params.get("lesson");
  if (lesson !== null) {
    if (NAME.test(lesson)) out.lesson = lesson;
    else out.errors.push("lesson: need a lesson's name, e.g. derivation");
  }
  const step = params.get("step");
  if (step !== null) {
    if (/^\d{1,3}$/.test(step) && Number(step) >= 1) out.step = Number(step) - 1;
    else out.errors.push("step: need a step number from 1");
  }
  for (const name of (params.get("hide") ?? "").split(",").map((p) => p.trim()).filter(Boolean)) {
    if (!Object.hasOwn(HIDEABLE, name)) out.errors.push(`hide: ${name} is not one of ${Object.keys(HIDEABLE).join(", ")}`);
    else if (!out.hide.includes(name)) out.hide.push(name);
  }
  return out;
}

/** Query parameters (without "?") for a lesson place and hidden parts; empty parts are left out. */
export function tailorToQuery({ lesson = null, step = 0, hide = [] } = {}) {
  const params = new URLSearchParams();
  if (lesson) {
    params.set("lesson", lesson);
    params.set("step", String(step + 1));
  }
  const names = Object.keys(HIDEABLE).filter((name) => hide.includes(name));
  if (names.length) params.set("hide", names.join(","));
  return params.toString().replaceAll("%2C", ",");
}

/** `search` with the tailoring parameters replaced by `tailor`'s (other parameters kept). */
export function withTailor(search, tailor) {
  const params = new URLSearchParams(search);
  for (const name of ["lesson", "step", "hide"]) params.delete(name);
  const rest = params.toString();
  const own = tailorToQuery(tailor);
  return [rest, own].filter(Boolean).join("&");
}
