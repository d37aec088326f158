// The controls panel's buttons and fields, the toggles in the bar, the downloads and the link:
// each turned into a command (through `send`) or a change of the viewer's own state. Keys
// reach the same actions (keyboard.js). Elements are found inside the roots passed in.
import { scoped } from "./dom.js";
import { bindKeys } from "./keyboard.js";
import { downloadCanvas, downloadText, readJSONFile, fileStem } from "./downloads.js";
import { captioned, captionText } from "./png.js";
import { historyCSV, traceCSV } from "./csv.js";
import { settingsToQuery } from "./urlparams.js";

/** Controls (in the stepper, the settings panel and the weight editor) that send commands. */
const COMMAND_CONTROLS = ".buttons:not(.small) button, #speed, #settings input, #settings select, #export, #import, #weight-value, #weight-set";

/**
 * Wire the buttons in `stepper` and `controls` (the settings panel), the toggles in `bar`, the
 * help `dialog` and the downloads. `page`: {state, send(name, payload), say(text, ok),
 * toggle(name, on) (numbers, log, projector), picture(kind) and theme() for the PNGs, logToggle}.
 * Returns {setReadOnly(on), showSpeed(level), actions} (actions: name -> function, the keys' too).
 */
export function wireActions({ stepper, controls, bar, dialog, editor }, page) {
  const inStepper = scoped(stepper);
  const inControls = scoped(controls);
  const $ = (id) => (stepper.querySelector(`#${id}`) ? inStepper(id) : inControls(id));
  const inBar = scoped(bar);
  const { state, send, say } = page;

  function showSpeed(level) {
    const speed = state.table?.speeds?.[level];
    $("speed-label").textContent = speed ? speed.label : "";
    $("speed").setAttribute("aria-valuetext", speed ? speed.label : String(level));
  }
  const toggleHelp = () => (dialog.open ? dialog.close() : dialog.showModal());
  const flip = (name) => {
    const box = inBar(`${name}-toggle`);
    box.checked = !box.checked;
    page.toggle(name, box.checked);
  };
  const actions = {
    "step-phase": () => send("step", { unit: "phase" }),
    "step-pattern": () => send("step", { unit: "pattern" }),
    "step-epoch": () => send("step", { unit: "epoch" }),
    back: () => send("back", {}),
    run: () => send(state.frame?.running ? "pause" : "run", {}),
    reset: () => send("reset", {}),
    randomize: () => send("randomize", {}),
    numbers: () => flip("numbers"),
    projector: () => flip("projector"),
    help: toggleHelp,
  };
  for (const id of ["step-phase", "step-pattern", "step-epoch", "back", "run", "reset", "randomize"]) {
    $(id).addEventListener("click", actions[id]);
  }
  bindKeys(controls.ownerDocument, actions);
  for (const name of ["numbers", "projector"]) inBar(`${name}-toggle`).addEventListener("change", (e) => page.toggle(name, e.target.checked));
  page.logToggle.addEventListener("change", (e) => page.toggle("log", e.target.checked));
  inBar("help-button").addEventListener("click", toggleHelp);
  $("speed").addEventListener("input", (e) => {
    showSpeed(Number(e.target.value));
    send("speed", { level: Number(e.target.value) });
  });

  $("export").addEventListener("click", async () => {
    const reply = await send("export", {});
    if (!reply.ok) return;
    downloadText(JSON.stringify(reply.state, null, 1), `${fileStem(state.frame)}.json`, "application/json");
    say("Exported the run as JSON.", true);
  });
  $("import").addEventListener("change", async (e) => {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (!file) return;
    try {
      const reply = await send("import", { state: await readJSONFile(file) });
      if (reply.ok) say(`Imported ${file.name}.`, true);
    } catch (error) {
      say(error.message);
    }
  });
  const stem = () => fileStem(state.frame);
  const png = (kind, name) => {
    const picture = page.picture(kind);
    if (!picture) return;
    downloadCanvas(captioned(picture, { caption: captionText(state.frame), theme: page.theme() }), `${stem()}-${name}.png`);
  };
  $("png-network").addEventListener("click", () => png("network", "network"));
  $("png-curve").addEventListener("click", () => png("curve", "error"));
  $("csv-history").addEventListener("click", () => downloadText(historyCSV(state.history), `${stem()}-error.csv`, "text/csv"));
  $("csv-trace").addEventListener("click", () => downloadText(traceCSV(state.frame?.trace, state.frame?.settings?.bias !== false), `${stem()}-trace.csv`, "text/csv"));
  $("link").addEventListener("click", () => {
    if (!state.frame || !state.table) return;
    const query = settingsToQuery(state.frame.settings, state.table.settings);
    const url = `${location.origin}${location.pathname}?${query}`;
    history.replaceState(null, "", `?${query}`);
    const out = $("link-output");
    out.hidden = false;
    out.value = url;
    out.select();
    const done = (how) => () => say(`Link ${how}: it reproduces these settings and seed.`, true);
    navigator.clipboard?.writeText(url).then(done("copied"), done("below"));
  });

  /** Disable (or enable) every control that would send a command (following a room). */
  function setReadOnly(on) {
    for (const root of [stepper, controls, editor]) for (const control of root.querySelectorAll(COMMAND_CONTROLS)) control.disabled = on;
    controls.querySelector('label[for="import"]')?.classList.toggle("disabled", on);
  }
  return { setReadOnly, showSpeed, actions };
}
