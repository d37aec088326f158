// The seed-sweep panel: the form (nets, epoch budget, first seed, a setting B changes), start,
// cancel, clear, progress, summary, canvases, hover and click to load a net, and a keyboard
// list of the stuck nets. A student following a room sees it without the controls.
import { fitCanvas, watchSize } from "./canvas.js";
import { scoped, el } from "./dom.js";
import { parseSetting } from "./urlparams.js";
import { armName, armSummary, progressText, stateText, stuckSeeds, tipText, loadPayload, loadedText, scatterGeometry, hitPoint } from "./sweep-view.js";
import { drawHistogram, drawScatter } from "./sweep-draw.js";

const COMPARE = ["eta", "alpha", "hidden", "activation", "mode", "init_range"];
const SUGGEST = { eta: 2, alpha: 0.9, hidden: 3, init_range: 3 }; // the classic comparisons

/**
 * The panel in `root` (#sweep) for `table` (GET /api/settings); `command(name, payload)` sends,
 * `frame()` is the newest frame, `readOnly()` true while following a room, `loaded(text)` when
 * a net was loaded into the main view, `invalidate()` asks the render loop for a render(state,
 * theme) (it redraws only what changed). `points`: the scatter's, for the tests.
 */
export function createSweepPanel(root, { table, command, frame, readOnly, loaded, invalidate }) {
  const $ = scoped(root);
  const settings = table.settings;
  const limits = { ...table.sweep, seed: { ...settings.seed, default: 1 } };
  const [hist, scatter, tip, compare, message] = ["sweep-hist", "sweep-scatter", "sweep-tip", "sweep-compare", "sweep-message"].map($);
  const say = (text, ok = false) => {
    message.textContent = text ?? "";
    message.classList.toggle("ok", ok);
  };
  let view = null;
  let version = -1;
  let geometry = null;
  let hover = null;
  let keys = [];
  for (const name of ["nets", "epochs", "seed"]) $(`sweep-${name}`).value = limits[name].default;
  for (const name of COMPARE) if (settings[name]) compare.append(new Option(settings[name].label, name));

  compare.addEventListener("change", () => { // B's value: a select for a choice, else a text field
    const spec = settings[compare.value];
    $("sweep-to").hidden = !spec;
    if (!spec) return;
    const input = el(spec.choices ? "select" : "input");
    input.append(...(spec.choices ?? []).map((c) => new Option(c.replace(/_/g, " "), c)));
    input.id = "sweep-value";
    const now = frame()?.settings?.[compare.value];
    input.value = SUGGEST[compare.value] ?? spec.choices?.find((c) => c !== now) ?? now;
    $("sweep-value").replaceWith(input);
  });

  $("sweep-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const payload = {};
    const fields = [["nets", limits.nets], ["epochs", limits.epochs], ["seed", limits.seed]];
    if (settings[compare.value]) fields.push([compare.value, settings[compare.value], "value"]);
    for (const [name, spec, id = name] of fields) {
      const input = $(`sweep-${id}`);
      const parsed = parseSetting(name, input.value.trim(), { kind: "integer", ...spec });
      input.setAttribute("aria-invalid", String(Boolean(parsed.error))); // named by its label
      if (parsed.error) return say(parsed.error.replace(/^[\w.]+/, input.labels[0].textContent), input.focus());
      if (id === "value") payload.compare = { [name]: parsed.value };
      else payload[name] = parsed.value;
    }
    say((await command("sweep", payload)).error);
  });
  $("sweep-cancel").addEventListener("click", () => command("sweep_cancel", {}));
  $("sweep-clear").addEventListener("click", () => command("sweep_clear", {}));

  /** Load net k of arm i into the main view: paused, at epoch 0. */
  async function load(i, k) {
    const shown = view;
    if (readOnly() || !shown) return;
    if (frame()?.running) await command("pause", {});
    let reply = await command("configure", loadPayload(shown, i, k));
    if (reply.ok && !reply.restarted) reply = await command("reset", {}); // only η or α changed
    say(reply.ok ? loadedText(shown, i, k, settings) : reply.error, reply.ok);
    if (reply.ok) loaded(message.textContent);
  }
  $("sweep-load-button").addEventListener("click", () => {
    const [i, k] = $("sweep-stuck").value.split(":").map(Number);
    if (k >= 0) load(i, k);
  });

  const hit = (event) => {
    const rect = scatter.getBoundingClientRect();
    return hitPoint(geometry?.points ?? [], event.clientX - rect.left, event.clientY - rect.top, 8);
  };
  const point = (p) => {
    if (`${hover?.i}:${hover?.k}` !== `${p?.i}:${p?.k}`) invalidate(); // the hovered net is drawn larger
    hover = p;
    tip.hidden = !p;
    scatter.classList.toggle("over-net", Boolean(p) && !readOnly());
    if (!p) return;
    tip.textContent = tipText(view, p.i, p.k);
    const half = tip.offsetWidth / 2; // kept inside the canvas (a phone's edge cut it)
    Object.assign(tip.style, { left: `${Math.max(half, Math.min(scatter.clientWidth - half, p.x))}px`, top: `${p.y}px` });
  };
  scatter.addEventListener("pointermove", (event) => point(hit(event)));
  scatter.addEventListener("pointerleave", () => point(null));
  scatter.addEventListener("click", (event) => {
    const p = hit(event);
    if (p) load(p.i, p.k);
  });

  /** The words of a new sweep view: state, progress, the summary per arm, the stuck nets. */
  function show() {
    point(null);
    $("sweep-results").hidden = !view;
    $("sweep-state").textContent = stateText(view);
    $("sweep-cancel").disabled = view?.state !== "running";
    $("sweep-clear").disabled = !view;
    for (const i of [0, 1]) {
      const arm = view?.arms[i];
      $(`sweep-row-${i}`).hidden = !arm;
      if (!arm) continue;
      $(`sweep-row-${i}`).firstChild.textContent = armName(view, i, settings);
      Object.assign($(`sweep-bar-${i}`), { max: view.nets, value: arm.finished });
      $(`sweep-count-${i}`).textContent = progressText(view, i);
    }
    if (!view) return;
    $("sweep-summary").replaceChildren(...view.arms.map((_, i) => {
      const { share, text } = armSummary(view, i, settings);
      const p = el("p", `sweep-arm arm-${i}`);
      p.append(el("strong", "sweep-share", share), el("span", "sweep-stuck", " stuck "), text);
      return p;
    }));
    const groups = view.arms.map((_, i) => {
      const group = Object.assign(el("optgroup"), { label: armName(view, i, settings) });
      group.append(...stuckSeeds(view, i).map((seed) => new Option(`seed ${seed}`, `${i}:${seed - view.seed}`)));
      return group;
    }).filter((g) => g.childElementCount);
    $("sweep-stuck").replaceChildren(...groups);
    $("sweep-load").hidden = !groups.length;
  }

  function render(state, theme) {
    if (state.sweepVersion !== version) {
      [version, view, keys] = [state.sweepVersion, state.sweep, []];
      show();
    }
    root.classList.toggle("read-only", readOnly());
    root.hidden = readOnly() && !view;
    if (!view || !theme) return;
    const s = theme.scale || 1;
    const [h, c] = [fitCanvas(hist), fitCanvas(scatter)];
    const look = `${version}|${theme.bg}|${s}|${h.width}x${h.height}|${c.width}x${c.height}`;
    if (h.resized || keys[0] !== look) drawHistogram(h.ctx, { view, theme }, h);
    if (keys[0] !== look) {
      geometry = view.arms[0].finalLoss && scatterGeometry(view, c, s);
      point(null);
    }
    const drawn = `${look}|${hover?.i}:${hover?.k}`;
    if (c.resized || keys[1] !== drawn) drawScatter(c.ctx, { view, theme, geometry, hover }, c);
    keys = [look, drawn];
  }

  watchSize(hist, invalidate);
  watchSize(scatter, invalidate);
  return { render, get points() { return geometry?.points ?? []; } };
}
