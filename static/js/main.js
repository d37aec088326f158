// Wires the page together: fetch the settings table, build the controls, connect, fold frames
// into the state, draw on requestAnimationFrame. Every concern lives in its own module.
import { io } from "../vendor/socket.io.esm.min.js";
import { connect, SESSION_KEY } from "./socket.js";
import { createState, applyFrame, displayedWeights, setSweep } from "./store.js";
import { fitCanvas, readTheme } from "./canvas.js";
import { networkLayout, sizesFromWeights, hitTest, sameSelection, weightLabel, neuronLabel } from "./layout.js";
import { drawNetwork } from "./network.js";
import { saturation, saturationNote } from "./saturation.js";
import { drawCurve } from "./curve.js";
import { drawSurface } from "./surface.js";
import { renderDerivation, numberSpan } from "./derivation.js";
import { renderTruth } from "./truth.js";
import { buildSettings } from "./controls.js";
import { bindKeys } from "./keyboard.js";
import { phasesToPlay, startAnimation, animationAt } from "./animate.js";
import { downloadCanvas, downloadText, readJSONFile, fileStem } from "./downloads.js";
import { historyCSV, traceCSV } from "./csv.js";
import { settingsToQuery, queryToSettings } from "./urlparams.js";
import { statusText, fmt, parseNumber, PHASE_LABELS } from "./format.js";
import { roomFromSearch } from "./classroom.js";
import { createPresenter } from "./room.js";
import { createViewer, setReadOnly, wireClassroomDialog } from "./viewer.js";
import { createSweepPanel } from "./sweep-panel.js";
import { createLessonPanel } from "./lesson-panel.js";
import { createLessonMenu } from "./lesson-menu.js";
import { tailorFromSearch } from "./tailor.js";

const $ = (id) => document.getElementById(id);
const state = createState();
const prefs = globalThis.localStorage;
const view = { theme: null, layout: null, anim: null, lastTraceAt: 0, drawnVersion: -1, panelKey: "", surfaceKey: "", dirty: true };
let client = null;
let mode = { room: null, forked: false }; // following a room (read-only) unless forked
let presenter = null;
let viewer = null;
let sweep = null;
let lessons = null; // the lesson card
let lessonMenu = null;
const tailored = tailorFromSearch(location.search); // ?lesson=...&step=...&hide=...

// ----- viewer preferences -------------------------------------------------------------------
function setPref(name, value) {
  state[name] = value;
  try { prefs?.setItem(`backprop-xor-${name}`, value ? "1" : "0"); } catch { /* private mode */ }
}
function loadPrefs() {
  for (const name of ["numbers", "log", "projector"]) {
    try { state[name] = prefs?.getItem(`backprop-xor-${name}`) === "1"; } catch { state[name] = false; }
  }
  if (new URLSearchParams(location.search).get("projector") === "1") state.projector = true;
  $("numbers-toggle").checked = state.numbers;
  $("log-toggle").checked = state.log;
  $("projector-toggle").checked = state.projector;
  applyProjector();
}
function applyProjector() {
  document.documentElement.classList.toggle("projector", state.projector);
  view.theme = readTheme();
  view.layout = null;
  view.surfaceKey = "";
  view.dirty = true;
}

// ----- messages -------------------------------------------------------------------------------
function say(text, ok = false) {
  const el = $("message");
  el.textContent = text;
  el.classList.toggle("ok", ok);
}
async function send(name, payload) {
  if (!client) return { ok: false, error: "not connected" };
  if (state.readOnly) {
    viewer.note("You are following the room: the presenter drives it. Press “Try it yourself” to experiment.");
    return { ok: false, error: "viewer" };
  }
  const reply = await client.command(name, payload);
  if (!reply.ok) {
    if (reply.field && settingsUi?.inputs.has(reply.field)) settingsUi.showError(reply.field, reply.error);
    say(reply.error ?? `${name} failed`);
  } else if (name !== "export") {
    say("");
  }
  return reply;
}

// ----- controls -------------------------------------------------------------------------------
let settingsUi = null;

function wireButtons() {
  const actions = {
    "step-phase": () => send("step", { unit: "phase" }),
    "step-pattern": () => send("step", { unit: "pattern" }),
    "step-epoch": () => send("step", { unit: "epoch" }),
    back: () => send("back", {}),
    run: () => send(state.frame?.running ? "pause" : "run", {}),
    reset: () => send("reset", {}),
    randomize: () => send("randomize", {}),
    numbers: () => { $("numbers-toggle").checked = !state.numbers; setPref("numbers", !state.numbers); view.dirty = true; },
    projector: () => { $("projector-toggle").checked = !state.projector; setPref("projector", !state.projector); applyProjector(); },
    help: () => toggleHelp(),
  };
  for (const id of ["step-phase", "step-pattern", "step-epoch", "back", "run", "reset", "randomize"]) {
    $(id).addEventListener("click", actions[id]);
  }
  bindKeys(document, actions);
  $("numbers-toggle").addEventListener("change", (e) => { setPref("numbers", e.target.checked); view.dirty = true; });
  $("log-toggle").addEventListener("change", (e) => { setPref("log", e.target.checked); view.dirty = true; });
  $("projector-toggle").addEventListener("change", (e) => { setPref("projector", e.target.checked); applyProjector(); });
  $("help-button").addEventListener("click", toggleHelp);
  $("speed").addEventListener("input", (e) => {
    showSpeed(Number(e.target.value));
    send("speed", { level: Number(e.target.value) });
  });
  $("export").addEventListener("click", async () => {
    const reply = await send("export", {});
    if (reply.ok) {
      downloadText(JSON.stringify(reply.state, null, 1), `${fileStem(state.frame)}.json`, "application/json");
      say("Exported the run as JSON.", true);
    }
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
  $("png-network").addEventListener("click", () => downloadCanvas($("network-canvas"), `${fileStem(state.frame)}-network.png`));
  $("png-curve").addEventListener("click", () => downloadCanvas($("curve-canvas"), `${fileStem(state.frame)}-error.png`));
  $("csv-history").addEventListener("click", () => downloadText(historyCSV(state.history), `${fileStem(state.frame)}-error.csv`, "text/csv"));
  $("csv-trace").addEventListener("click", () => downloadText(traceCSV(state.frame?.trace), `${fileStem(state.frame)}-trace.csv`, "text/csv"));
  $("link").addEventListener("click", shareLink);
  $("weight-editor").addEventListener("submit", (e) => {
    e.preventDefault();
    const sel = state.selection;
    const value = parseNumber($("weight-value").value);
    if (sel?.kind !== "weight") return;
    if (!Number.isFinite(value)) return say("Weight: type a number, e.g. −0.5");
    send("set_weight", { layer: sel.layer, neuron: sel.neuron, input: sel.input, value });
  });
}

function toggleHelp() {
  const dialog = $("help-dialog");
  if (dialog.open) dialog.close();
  else dialog.showModal();
}

function showSpeed(level) {
  const speed = state.table?.speeds?.[level];
  $("speed-label").textContent = speed ? speed.label : "";
  $("speed").setAttribute("aria-valuetext", speed ? speed.label : String(level));
}

function shareLink() {
  if (!state.frame || !state.table) return;
  const query = settingsToQuery(state.frame.settings, state.table.settings);
  const url = `${location.origin}${location.pathname}?${query}`;
  history.replaceState(null, "", `?${query}`);
  const out = $("link-output");
  out.hidden = false;
  out.value = url;
  out.select();
  navigator.clipboard?.writeText(url).then(() => say("Link copied: it reproduces these settings and seed.", true), () => say("Link below: it reproduces these settings and seed.", true));
}

/** Settings from the URL that differ from the session's: applied once after hello. */
function applyUrlSettings(current) {
  const { settings, errors } = queryToSettings(location.search, state.table.settings);
  if (errors.length) say(`Link: ${errors.join("; ")}`);
  const changed = {};
  for (const [name, value] of Object.entries(settings)) {
    if (JSON.stringify(current?.[name]) !== JSON.stringify(value)) changed[name] = value;
  }
  if (Object.keys(changed).length) send("configure", changed);
}

// ----- network pointer interaction ----------------------------------------------------------
function pointerPosition(canvas, event) {
  const rect = canvas.getBoundingClientRect();
  return { x: event.clientX - rect.left, y: event.clientY - rect.top };
}

function weightAt(sel) {
  return state.frame?.weights?.[sel.layer]?.[sel.neuron]?.[sel.input];
}

function wireNetworkPointer() {
  const canvas = $("network-canvas");
  const tip = $("tooltip");
  canvas.addEventListener("pointermove", (event) => {
    const p = pointerPosition(canvas, event);
    if (state.drag) {
      const dy = state.drag.startY - p.y;
      state.drag.value = state.drag.start + dy * state.drag.perPixel;
      state.drag.moved = state.drag.moved || Math.abs(dy) > 2;
      showTip(tip, p, `${weightLabel(view.layout.sizes, state.drag.layer, state.drag.neuron, state.drag.input)} = ${fmt(state.drag.value)}`);
      view.dirty = true;
      return;
    }
    if (!view.layout) return;
    const hit = hitTest(view.layout, p.x, p.y);
    canvas.classList.toggle("over-weight", hit?.kind === "weight");
    canvas.classList.toggle("over-neuron", hit?.kind === "neuron");
    if (!sameSelection(hit, state.hover)) {
      state.hover = hit;
      view.dirty = true;
    }
    if (hit?.kind === "weight") showTip(tip, p, `${weightLabel(view.layout.sizes, hit.layer, hit.neuron, hit.input)} = ${fmt(weightAt(hit))}`);
    else if (hit?.kind === "neuron") showTip(tip, p, neuronLabel(view.layout.sizes, hit.layer, hit.index));
    else tip.hidden = true;
  });
  canvas.addEventListener("pointerleave", () => {
    if (state.drag) return;
    state.hover = null;
    tip.hidden = true;
    view.dirty = true;
  });
  canvas.addEventListener("pointerdown", (event) => {
    if (!view.layout) return;
    const p = pointerPosition(canvas, event);
    const hit = hitTest(view.layout, p.x, p.y);
    state.selection = hit ?? state.selection;
    view.dirty = true;
    if (hit?.kind === "weight" && Number.isFinite(weightAt(hit)) && !state.readOnly) {
      let scale = 1;
      for (const layer of state.frame.weights) for (const row of layer) for (const w of row) scale = Math.max(scale, Math.abs(w ?? 0));
      state.drag = { ...hit, start: weightAt(hit), value: weightAt(hit), startY: p.y, perPixel: scale / 100, moved: false };
      canvas.setPointerCapture(event.pointerId);
    }
    updateWeightEditor();
  });
  const finish = (commit) => {
    const drag = state.drag;
    state.drag = null;
    view.dirty = true;
    if (commit && drag?.moved) {
      send("set_weight", { layer: drag.layer, neuron: drag.neuron, input: drag.input, value: drag.value });
    }
  };
  canvas.addEventListener("pointerup", () => finish(true));
  canvas.addEventListener("pointercancel", () => finish(false));
}

function showTip(tip, p, text) {
  tip.textContent = text;
  tip.style.left = `${p.x}px`;
  tip.style.top = `${p.y}px`;
  tip.hidden = false;
}

function updateWeightEditor() {
  const sel = state.selection;
  const input = $("weight-value");
  const isWeight = sel?.kind === "weight" && state.frame?.weights;
  input.disabled = !isWeight || state.readOnly;
  $("weight-set").disabled = !isWeight || state.readOnly;
  if (!isWeight) {
    $("weight-name").textContent = "(click one)";
    return;
  }
  const name = weightLabel(sizesFromWeights(state.frame.weights), sel.layer, sel.neuron, sel.input);
  $("weight-name").textContent = name;
  input.setAttribute("aria-label", `Value of weight ${name}`);
  if (document.activeElement !== input) {
    const w = weightAt(sel);
    input.value = Number.isFinite(w) ? String(Number(w.toPrecision(6))) : "";
  }
}

// ----- frames ---------------------------------------------------------------------------------
function onFrame(frame) {
  const previous = state.frame?.trace;
  const place = JSON.stringify(state.frame?.lesson ?? null);
  applyFrame(state, frame);
  lessons?.frame(frame);
  if (JSON.stringify(frame.lesson ?? null) !== place) lessonMenu?.sync();
  openLinkedLesson(frame);
  if (frame.room && state.readOnly) viewer.update(frame.room);
  const now = performance.now();
  const phases = phasesToPlay(previous, frame.trace);
  if (phases.length) {
    const interval = now - view.lastTraceAt;
    const per = frame.running ? Math.max(60, Math.min(420, (interval * 0.9) / phases.length)) : 420;
    view.anim = startAnimation(phases, now, per);
    view.lastTraceAt = now;
  }
  view.dirty = true;
}

function defaultSelection(frame) {
  const sizes = sizesFromWeights(frame.weights);
  return { kind: "neuron", layer: sizes.length - 1, index: 0 };
}

/** DOM panels: only when the frame or the focused item changed. */
function updatePanels() {
  const frame = state.frame;
  if (!frame) return;
  const focus = state.hover ?? state.selection ?? defaultSelection(frame);
  const key = `${state.frameVersion}|${JSON.stringify(focus)}`;
  if (key === view.panelKey) return;
  const frameChanged = !view.panelKey.startsWith(`${state.frameVersion}|`);
  view.panelKey = key;
  renderDerivation($("derivation"), focus, frame, state.lit?.panel);
  if (!frameChanged) return;
  const status = $("status");
  status.textContent = statusText(frame);
  status.className = `status ${frame.status}`;
  renderTruth(document.querySelector("#truth-table tbody"), frame.truth, frame.pattern);
  $("loss").replaceChildren(...(Number.isFinite(frame.loss) ? ["L = ", numberSpan(frame.loss)] : []));
  const trace = frame.trace;
  $("phase").textContent = trace ? `pattern ${trace.pattern + 1} (s = ${trace.s.join(", ")}): ${PHASE_LABELS[trace.phase] ?? trace.phase}` : "";
  const run = $("run");
  run.textContent = frame.running ? "Pause" : "Run";
  run.setAttribute("aria-pressed", frame.running ? "true" : "false");
  $("back").disabled = state.readOnly || !frame.can_back;
  if (document.activeElement !== $("speed")) {
    $("speed").value = String(frame.speed);
    showSpeed(frame.speed);
  }
  settingsUi?.update(frame.settings);
  updateWeightEditor();
  updateSaturation(frame);
}

// ----- saturated neurons: marked on the network, explained in one line under it ---------------
function updateSaturation(frame) {
  const activation = frame.settings?.activation ?? "sigmoid";
  const below = state.table?.saturated_below?.[activation];
  const neurons = saturation(frame.truth, below);
  view.saturated = new Set(neurons.filter((n) => n.marked).map((n) => `${n.layer}:${n.index}`));
  const names = (frame.truth ?? []).map((row) => `(${row.s.join(",")})`);
  $("saturation-note").textContent = saturationNote(neurons, sizesFromWeights(frame.weights), activation, below, names);
}

// ----- drawing --------------------------------------------------------------------------------
function drawSurfaces() {
  const surface = state.surface;
  const frame = state.frame;
  if (!surface || !frame) return;
  const main = fitCanvas($("surface-canvas"));
  const key = `${state.frameVersion}|${view.theme.bg}|${main.width}`;
  if (key === view.surfaceKey && !view.resized && !main.resized) return;
  view.surfaceKey = key;
  const [lo, hi] = frame.settings?.activation === "tanh" ? [-1, 1] : [0, 1];
  drawSurface(main.ctx, { grid: surface.output, resolution: surface.resolution, lo, hi, patterns: frame.truth, theme: view.theme }, main);
  const box = $("hidden-surfaces");
  if (box.childElementCount !== surface.hidden.length) {
    const sizes = sizesFromWeights(frame.weights);
    const labels = [];
    for (let L = 1; L < sizes.length - 1; L++) for (let j = 0; j < sizes[L]; j++) labels.push(neuronLabel(sizes, L, j));
    box.replaceChildren(...surface.hidden.map((_, k) => {
      const figure = document.createElement("figure");
      const canvas = document.createElement("canvas");
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", `Output of hidden neuron ${labels[k]} over the input square`);
      const caption = document.createElement("figcaption");
      caption.textContent = labels[k] ?? `h${k + 1}`;
      figure.append(canvas, caption);
      return figure;
    }));
  }
  surface.hidden.forEach((grid, k) => {
    const small = fitCanvas(box.children[k].firstChild);
    drawSurface(small.ctx, { grid, resolution: surface.resolution, lo, hi, patterns: null, theme: view.theme }, small);
  });
}

let measured = 0;
function draw(now) {
  requestAnimationFrame(draw);
  updatePanels();
  sweep?.render(state, view.theme);
  const anim = animationAt(view.anim, now);
  if (!anim) view.anim = null;
  if (!view.dirty && !anim) return;
  view.dirty = false;
  const frame = state.frame;
  if (!frame || !view.theme) return;
  performance.mark("draw-start");
  const net = fitCanvas($("network-canvas"));
  const sizes = sizesFromWeights(frame.weights);
  const layout = view.layout;
  if (!layout || net.resized || layout.width !== net.width || layout.height !== net.height || layout.sizes.join() !== sizes.join()) {
    view.layout = networkLayout(sizes, net.width, net.height, 24 + 14 * (view.theme.scale || 1));
  }
  drawNetwork(net.ctx, {
    weights: displayedWeights(state), trace: frame.trace, selection: state.selection, hover: state.hover,
    numbers: state.numbers, anim, theme: view.theme, activation: frame.settings?.activation, dragging: state.drag,
    saturated: view.saturated, lit: state.lit?.network,
  }, view.layout);
  const curve = fitCanvas($("curve-canvas"));
  drawCurve(curve.ctx, { points: state.history, marks: state.marks, log: state.log, theme: view.theme, epoch: frame.epoch }, curve);
  view.resized = net.resized || curve.resized;
  drawSurfaces();
  performance.measure("draw", "draw-start");
  performance.clearMarks("draw-start");
  if (++measured % 600 === 0) performance.clearMeasures("draw");
}

// ----- lessons ----------------------------------------------------------------------------------
/** A new lesson step is on screen: select what it is about, light up what it points at. */
function lessonStepChanged(step) {
  state.lit = step ? { network: step.network, panel: step.panel } : null;
  if (step?.select) state.selection = step.select;
  view.panelKey = "";
  view.dirty = true;
  updateWeightEditor();
}

/** A link's lesson (?lesson=&step=) is opened once, with the first frame, unless already there. */
let linkedLesson = tailored.lesson && !roomFromSearch(location.search) ? tailored : null;
function openLinkedLesson(frame) {
  if (!linkedLesson || state.readOnly) return;
  const wanted = linkedLesson;
  linkedLesson = null;
  const place = frame.lesson;
  if (place?.name === wanted.lesson && place.step === wanted.step) return;
  send("lesson", { lesson: wanted.lesson, step: wanted.step }).then((reply) => {
    if (!reply.ok) say(`Link: ${[reply.error, ...tailored.errors].join("; ")}`);
  });
}

// ----- connection: the tab's own session, or a room it follows ---------------------------------
let applied = false;
function connectAs(next) {
  client?.close();
  mode = next;
  state.readOnly = Boolean(mode.room && !mode.forked);
  setReadOnly(state.readOnly);
  if (mode.room) viewer.enter(mode.room, mode.forked);
  view.panelKey = "";
  setSweep(state); // until the new connection's frames say
  const following = state.readOnly ? { room: mode.room, name: sessionStorage.getItem("backprop-xor-name") } : {};
  client = connect(io, {
    hello: (hello) => {
      setSweep(state);
      if (!applied && !mode.room && !tailored.lesson) applyUrlSettings(hello.settings); // a lesson's step sets its own
      applied = true;
      if (!mode.room) presenter.restore();
    },
    frame: onFrame,
    roomStatus: (s) => presenter.status(s),
    takenOver: () => { $("status").textContent = "This session moved to another tab. Reload to take it back."; },
    error: (e) => (state.readOnly ? viewer.note(e?.message ?? "error") : say(e?.message ?? "error")),
    connection: (what, detail) => {
      if (mode.room) viewer.connection(what, detail);
      if (what === "disconnected" && detail !== "io client disconnect") $("status").textContent = `Disconnected (${detail}); reconnecting…`;
      if (what === "error") $("status").textContent = `Cannot connect: ${detail}`;
    },
  }, sessionStorage, following);
}

function selectedWeight() {
  const sel = state.selection;
  return sel?.kind === "weight" ? { layer: sel.layer, neuron: sel.neuron, input: sel.input } : null;
}

// ----- start ----------------------------------------------------------------------------------
async function start() {
  mode = { room: roomFromSearch(location.search), forked: false };
  loadPrefs();
  wireButtons();
  wireNetworkPointer();
  new ResizeObserver(() => { view.dirty = true; }).observe(document.querySelector(".layout"));
  requestAnimationFrame(draw);
  let table;
  try {
    const response = await fetch("api/settings", { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    table = await response.json();
  } catch (error) {
    $("status").textContent = `Cannot reach the server (${error.message}).`;
    return;
  }
  state.table = table;
  $("speed").max = String(Math.max(0, (table.speeds?.length ?? 1) - 1));
  settingsUi = buildSettings($("settings"), table.settings, (name, value) => send("configure", { [name]: value }));
  sweep = createSweepPanel({ table, command: (name, payload) => client.command(name, payload), frame: () => state.frame, readOnly: () => state.readOnly });
  presenter = createPresenter({ command: (name, payload) => client.command(name, payload), selectedWeight });
  viewer = createViewer({
    command: (name, payload) => client.command(name, payload),
    fork: (session) => { sessionStorage.setItem(SESSION_KEY, session); connectAs({ ...mode, forked: true }); },
    live: () => connectAs({ ...mode, forked: false }),
    ended: () => client?.close(),
  });
  wireClassroomDialog(Boolean(mode.room));
  lessons = createLessonPanel($("lesson-card"), {
    command: send, readOnly: () => state.readOnly, inRoom: () => Boolean(presenter?.room || state.readOnly),
    stepChanged: lessonStepChanged,
  });
  lessonMenu = createLessonMenu($("lessons-dialog"), $("lessons-button"), {
    start: (name) => lessons.start(name, 0), place: () => state.frame?.lesson ?? null,
    settingsQuery: () => (state.frame ? settingsToQuery(state.frame.settings, state.table.settings) : ""), say,
  }, tailored.hide);
  if (tailored.errors.length) say(`Link: ${tailored.errors.join("; ")}`);
  connectAs(mode);
  globalThis.backpropXor = { state, view, get client() { return client; }, get sweep() { return sweep; }, get lessons() { return lessons; } }; // for debugging from the console and the tests
}

start();
