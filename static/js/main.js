// Wires the page together: fetch the settings table, build the panels, connect, fold frames
// into the state and mark what they changed for the render loop. Every concern lives in its
// own module; this file only connects them.
import { io } from "../vendor/socket.io.esm.min.js";
import { connect, SESSION_KEY } from "./socket.js";
import { createState, applyFrame, setSweep } from "./store.js";
import { scoped, setMode } from "./dom.js";
import { createMessages, createBusy } from "./messages.js";
import { createSessionBar } from "./session-bar.js";
import { loadPrefs, savePref } from "./prefs.js";
import { createScheduler } from "./scheduler.js";
import { createCanvases } from "./render.js";
import { createPanels } from "./panels.js";
import { wirePointer } from "./pointer.js";
import { wireNetworkKeys } from "./network-keys.js";
import { defaultSelection } from "./panels.js";
import { createWeightEditor } from "./weight-editor.js";
import { wireActions } from "./actions.js";
import { buildSettings } from "./controls.js";
import { queryToSettings, settingsToQuery } from "./urlparams.js";
import { withLabel } from "./format.js";
import { roomFromSearch } from "./classroom.js";
import { createPresenter } from "./room.js";
import { createViewer, wireClassroomDialog, savedName } from "./viewer.js";
import { createSweepPanel } from "./sweep-panel.js";
import { createLessonPanel } from "./lesson-panel.js";
import { createLessonMenu } from "./lesson-menu.js";
import { tailorFromSearch } from "./tailor.js";

// the settings table first of all: it loads while the page sets itself up and connects
let tableReady = fetchTable();

const $ = scoped(document);
const state = Object.assign(createState(), { cursor: null }); // cursor: the keyboard's item on the network
const scheduler = createScheduler();
const say = createMessages($("message"));
const busy = createBusy($("network-busy"));
const sessionBar = createSessionBar($("session-bar"), { reconnect: () => connectAs(mode) });
let lastError = ""; // the server's last word before it closes a connection
const canvases = { network: $("network-canvas"), curve: $("curve-canvas"), surface: $("surface-canvas"), caption: $("surface-caption"), hidden: $("hidden-surfaces") };
const view = createCanvases(scheduler, state, canvases);
let client = null;
let mode = { room: null, forked: false }; // following a room (read-only) unless forked
let settingsUi = null;
let presenter = null;
let viewer = null;
let sweep = null;
let lessons = null; // the lesson card (lesson-panel.js) and the Lessons dialog (lesson-menu.js)
let lessonMenu = null;
const tailored = tailorFromSearch(location.search); // a link's ?lesson=&step=&hide=
let linkedLesson = tailored.lesson && !roomFromSearch(location.search) ? tailored : null;

const editor = createWeightEditor($("weight-editor"), { state, send, say });
const controls = wireActions({ stepper: $("stepper"), controls: $("controls"), bar: $("bar"), dialog: $("help-dialog"), editor: $("weight-editor") }, {
  state, send, say, logToggle: $("log-toggle"), toggle, picture: (kind) => view.picture(kind), theme: () => view.theme,
});
const panels = createPanels(scheduler, state, document, {
  settings: () => settingsUi, speedShown: controls.showSpeed, afterFrame: () => editor.update(),
});
wirePointer({ canvas: canvases.network, tip: $("tooltip"), state, layout: () => view.layout }, {
  hover: () => scheduler.mark("network", "derivation"),
  select: () => { scheduler.mark("network", "derivation"); editor.update(); },
  drag: () => scheduler.mark("network"),
  drop: (drag) => send("set_weight", { layer: drag.layer, neuron: drag.neuron, input: drag.input, value: drag.value }),
});
wireNetworkKeys(canvases.network, {
  state, sizes: () => view.layout, start: () => state.selection ?? (state.frame && defaultSelection(state.frame)),
}, {
  move: () => scheduler.mark("network", "derivation"),
  select: () => { scheduler.mark("network", "derivation"); editor.update(); },
  edit: () => { editor.update(); editor.focus(); },
});

/** A viewer preference changed: numbers, log scale or projector mode. */
function toggle(name, on) {
  state[name] = on;
  savePref(globalThis.localStorage, name, on);
  if (name === "projector") {
    setMode("projector", on);
    view.setTheme();
  } else {
    scheduler.mark(name === "log" ? "curve" : "network");
  }
}

/** Send a command; a refusal is shown (on its field when it names a setting) and returned. */
async function send(name, payload) {
  if (!client) return { ok: false, error: "not connected" };
  if (state.readOnly) {
    viewer.note("You are following the room: the presenter drives it. Press “Try it yourself” to experiment.");
    return { ok: false, error: "viewer" };
  }
  if (sessionBar.detached) {
    say("This tab is stopped: take the session back first (the button at the top).");
    return { ok: false, error: "detached" };
  }
  // a new shape's kernels compile before the answer (a second or two): say so over the network
  const slow = name === "configure" || name === "import";
  const asked = client.command(name, payload);
  const reply = await (slow ? busy("Preparing this network… (a new shape compiles the first time it is used)", asked) : asked);
  if (!reply.ok) {
    const setting = reply.field?.split(/[.[]/)[0]; // "hidden[0]": the layout's control
    if (setting && settingsUi?.inputs.has(setting)) settingsUi.showError(setting, reply.error);
    say(withLabel(reply.error ?? `${name} failed`, reply.field, state.table?.settings));
  } else if (name !== "export") {
    say("");
    if (name === "import") settingsUi?.refresh(); // a refused value typed before is gone
  }
  return reply;
}

/** Settings from the URL that differ from the session's: applied once after hello. */
function applyUrlSettings(current) {
  const { settings, errors } = queryToSettings(location.search, state.table.settings);
  if (errors.length) say(`Link: ${errors.map((e) => withLabel(e, e.split(":")[0], state.table.settings)).join("; ")}`);
  const changed = {};
  for (const [name, value] of Object.entries(settings)) {
    if (JSON.stringify(current?.[name]) !== JSON.stringify(value)) changed[name] = value;
  }
  if (Object.keys(changed).length) send("configure", changed);
}

function onFrame(frame) {
  const start = performance.now();
  const previous = state.frame?.trace;
  const place = JSON.stringify(state.frame?.lesson ?? null);
  applyFrame(state, frame);
  lessons?.frame(frame);
  if (JSON.stringify(frame.lesson ?? null) !== place) lessonMenu?.sync();
  openLinkedLesson(frame);
  if (frame.room && state.readOnly) viewer.update(frame.room);
  panels.status(null);
  view.frameArrived(previous, frame);
  scheduler.mark("panels", "derivation");
  if (frame.sweep) scheduler.mark("sweep");
  if (!ready) scheduler.mark("ready");
  scheduler.measure("frame", start); // decoding and folding in: bench/frontend.py
}

// ----- lessons ----------------------------------------------------------------------------------
/** A new lesson step is on screen: select what it is about, light up what it points at. */
function lessonStepChanged(step) {
  state.lit = step ? { network: step.network, panel: step.panel } : null;
  if (step?.select) state.selection = step.select;
  scheduler.mark("network", "derivation");
  editor.update();
}

/** A link's lesson is opened once, with the first frame, unless the session is there already. */
function openLinkedLesson(frame) {
  if (!linkedLesson || state.readOnly) return;
  const wanted = linkedLesson;
  linkedLesson = null;
  if (frame.lesson?.name === wanted.lesson && frame.lesson.step === wanted.step) return;
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
  setMode("viewer", state.readOnly);
  if (!state.readOnly) setMode("hide-controls", false);
  controls.setReadOnly(state.readOnly);
  if (mode.room) viewer.enter(mode.room, mode.forked);
  setSweep(state); // until the new connection's frames say
  scheduler.markAll();
  const following = state.readOnly ? { room: mode.room, name: savedName() } : {};
  client = connect(io, {
    hello: (hello) => {
      setSweep(state);
      if (hello.notice) say(hello.notice); // why the server closed the last connection
      // a link's lesson step sets its own settings
      if (!applied && !mode.room && !tailored.lesson) tableReady.then(() => applyUrlSettings(hello.settings), () => {});
      applied = true;
      if (!mode.room) presenter.restore();
    },
    frame: onFrame,
    roomHello: (hello) => viewer.joined(hello),
    roomStatus: (s) => presenter.status(s),
    roomLink: (link) => (state.readOnly ? viewer.note(link.message) : presenter.link(link) || say(link.message)),
    takenOver: () => {
      sessionBar.movedAway();
      controls.setReadOnly(true);
      panels.status("This session is open in another tab.");
    },
    error: (e) => {
      lastError = e?.message ?? "error";
      if (state.readOnly) viewer.error(e);
      else say(lastError);
    },
    connection: (what, detail) => {
      if (mode.room) viewer.connection(what, detail);
      if (what === "connected") {
        lastError = "";
        if (sessionBar.detached) {
          sessionBar.connected();
          controls.setReadOnly(state.readOnly);
        }
        panels.status(null);
      } else if (what === "disconnected" && detail === "io server disconnect") {
        // Socket.IO does not reconnect after the server's own disconnect: say so, offer it
        if (mode.room) {
          panels.status(viewer.gone ? "Not following a room." : "Disconnected by the server.");
        } else if (!sessionBar.detached) { // (a move to another tab said so already)
          sessionBar.closed(lastError);
          controls.setReadOnly(true);
          panels.status("Disconnected by the server.");
        }
      } else if (what === "disconnected" && detail !== "io client disconnect") {
        panels.status(`Disconnected (${detail}); reconnecting…`);
      } else if (what === "error") {
        panels.status(`Cannot connect: ${detail}`);
      }
    },
  }, sessionStorage, following);
}

function selectedWeight() {
  const sel = state.selection;
  return sel?.kind === "weight" ? { layer: sel.layer, neuron: sel.neuron, input: sel.input } : null;
}

// ----- start ----------------------------------------------------------------------------------
async function fetchTable() {
  const response = await fetch("api/settings", { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

/** The first frame drawn with its truth table: the page is ready (bench/frontend.py reads it). */
function markReady() {
  if (ready || !state.frame || !state.table || !$("truth-table").querySelector("tbody tr")) return;
  ready = true;
  performance.mark("app-ready");
}
let ready = false;

async function start() {
  mode = { room: roomFromSearch(location.search), forked: false };
  Object.assign(state, loadPrefs(globalThis.localStorage, location.search));
  for (const name of ["numbers", "log", "projector"]) $(`${name}-toggle`).checked = state[name];
  setMode("projector", state.projector);
  const command = (name, payload) => client.command(name, payload);
  presenter = createPresenter({ panel: $("room-panel"), openButton: $("room-open"), confirm: $("room-close-dialog") }, {
    command, selectedWeight, presenting: (on) => setMode("presenting", on),
  });
  viewer = createViewer({ bar: $("viewer-bar"), card: $("poll-card"), gone: $("room-gone"), nameDialog: $("name-dialog") }, {
    command,
    fork: (session) => { sessionStorage.setItem(SESSION_KEY, session); connectAs({ ...mode, forked: true }); },
    live: () => connectAs({ ...mode, forked: false }),
    follow: (handlers) => connect(io, handlers, sessionStorage, { room: mode.room, watch: true, name: savedName() }),
    hideControls: (on) => setMode("hide-controls", on),
    highlight: (key) => { if (state.pollTarget !== key) { state.pollTarget = key; scheduler.mark("network"); } },
  });
  wireClassroomDialog($("classroom-dialog"), $("classroom-button"), { following: Boolean(mode.room) });
  lessons = createLessonPanel($("lesson-card"), {
    command: send, readOnly: () => state.readOnly, inRoom: () => Boolean(presenter.room || state.readOnly),
    stepChanged: lessonStepChanged,
  });
  lessonMenu = createLessonMenu($("lessons-dialog"), $("lessons-button"), {
    start: (name) => lessons.start(name, 0), place: () => state.frame?.lesson ?? null,
    settingsQuery: () => (state.frame && state.table ? settingsToQuery(state.frame.settings, state.table.settings) : ""), say,
  }, tailored.hide);
  if (tailored.errors.length) say(`Link: ${tailored.errors.join("; ")}`);
  connectAs(mode); // while the table loads: neither waits for the other
  view.setTheme();
  scheduler.add("sweep", () => sweep?.render(state, view.theme));
  scheduler.add("ready", markReady);
  try {
    state.table = await tableReady;
  } catch (error) {
    client?.close();
    panels.status(`Cannot reach the server (${error.message}).`);
    return;
  }
  const table = state.table;
  $("speed").max = String(Math.max(0, (table.speeds?.length ?? 1) - 1));
  settingsUi = buildSettings($("settings"), table.settings, (name, value) => send("configure", { [name]: value }));
  controls.setReadOnly(state.readOnly); // the new fields too
  sweep = createSweepPanel($("sweep"), {
    table, command, frame: () => state.frame, readOnly: () => state.readOnly,
    invalidate: () => scheduler.mark("sweep"),
    loaded: (text) => { // in the controls, with Run focused: Enter or space runs the net
      say(text, true);
      $("stepper-title").scrollIntoView(); // the controls from their top: Run, then the message
      $("run").focus({ preventScroll: true });
    },
  });
  scheduler.markAll();
  // for debugging from the console, and for the tests
  globalThis.backpropXor = { state, view, scheduler, get client() { return client; }, get sweep() { return sweep; }, get lessons() { return lessons; } };
}

start();
