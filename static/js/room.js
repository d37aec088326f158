// The presenter's side of a room: open it, show the join code, link and QR code large enough
// for the back of a room, count the students, hide their controls, ask polls and watch the
// answers come in, download the answers, close the room. The token stays in this tab.
import { spacedCode, studentsText, pollContext } from "./classroom.js";
import { renderBars } from "./polls.js";
import { downloadBlob } from "./downloads.js";
import { scoped } from "./dom.js";

export const TOKEN_KEY = "backprop-xor-room";

/**
 * The presenter's `panel`, shown once a room is open; `openButton` opens one. `command(name,
 * payload)` sends over the tab's connection; `selectedWeight()` is the weight selected in the
 * network view ({layer, neuron, input}) or null; `presenting(on)` when a room opens or closes.
 * Returns {open(), restore(), status(roomStatus)}.
 */
export function createPresenter({ panel, openButton }, { command, selectedWeight, presenting, storage = globalThis.sessionStorage }) {
  const $ = scoped(panel);
  let room = null; // {code, token, join_url, qr_url}
  let pollKey = "";

  const note = (text, ok = false) => {
    $("room-message").textContent = text;
    $("room-message").classList.toggle("ok", ok);
  };
  async function send(name, payload = {}) {
    if (!room) return { ok: false };
    const reply = await command(name, { token: room.token, ...payload });
    note(reply.ok ? "" : reply.error ?? `${name} failed`);
    return reply;
  }

  async function open() {
    const reply = await command("room_open", {});
    if (!reply.ok) {
      note(reply.error ?? "room_open failed");
      return reply;
    }
    room = reply;
    storage?.setItem(TOKEN_KEY, reply.token);
    $("room-code").textContent = spacedCode(reply.code);
    $("room-code").setAttribute("aria-label", [...reply.code].join(" "));
    const url = new URL(reply.join_url, location.href).href;
    $("room-url").textContent = url.replace(/^https?:\/\//, "");
    $("room-url").href = url;
    $("room-qr").src = reply.qr_url;
    panel.hidden = false;
    presenting?.(true);
    if (reply.room) status(reply.room);
    return reply;
  }

  function shut() {
    room = null;
    storage?.removeItem(TOKEN_KEY);
    panel.hidden = true;
    presenting?.(false);
  }

  /** After a reload or reconnect: the session's room is still open, so show it again. */
  function restore() {
    if (storage?.getItem(TOKEN_KEY) && !room) open();
  }

  /** The server's room_status: students, controls, the poll with its live tally. */
  function status(s) {
    if (!room || s.code !== room.code) return;
    if (s.closed) return shut();
    $("room-viewers").textContent = studentsText(s.viewers);
    const hide = $("room-hide");
    if (document.activeElement !== hide) hide.checked = Boolean(s.hide_controls);
    const poll = s.poll;
    const view = $("room-poll-view");
    view.hidden = !poll;
    $("poll-reveal").disabled = !poll || poll.revealed;
    $("poll-close").disabled = !poll;
    if (!poll) return;
    const key = JSON.stringify([poll.id, poll.revealed, poll.tally]);
    if (key === pollKey) return;
    pollKey = key;
    $("room-poll-question").textContent = poll.question;
    $("room-poll-context").textContent = pollContext(poll);
    $("room-poll-answered").textContent = `${poll.answered} answered${poll.revealed ? " · answer shown" : ""}`;
    renderBars($("room-poll-bars"), poll);
  }

  function syncUnit() {
    $("poll-unit-field").hidden = $("poll-kind").value !== "weight_direction";
  }

  openButton.addEventListener("click", async () => {
    const reply = await open();
    if (reply.ok) openButton.closest("dialog")?.close();
  });
  $("room-hide").addEventListener("change", (e) => send("room_controls", { hide: e.target.checked }));
  $("room-close").addEventListener("click", async () => {
    if ((await send("room_close")).ok) shut();
  });
  $("room-compact").addEventListener("click", (e) => {
    const compact = panel.classList.toggle("compact");
    e.currentTarget.setAttribute("aria-pressed", String(compact));
  });
  $("poll-kind").addEventListener("change", syncUnit);
  syncUnit();
  $("poll-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const kind = $("poll-kind").value;
    const payload = { kind };
    if (kind === "weight_direction") {
      const target = selectedWeight();
      if (!target) return note("Click a weight in the network first, then ask about it.");
      payload.target = target;
      payload.unit = $("poll-unit").value;
    }
    await send("poll_open", payload);
  });
  $("poll-reveal").addEventListener("click", () => send("poll_reveal"));
  $("poll-close").addEventListener("click", () => send("poll_close"));
  $("room-csv").addEventListener("click", async () => {
    if (!room) return;
    try {
      const response = await fetch(`room/${room.code}/polls.csv`, { headers: { "X-Room-Token": room.token } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      downloadBlob(await response.blob(), `room-${room.code}-answers.csv`);
      note("Downloaded the answers.", true);
    } catch (error) {
      note(`Answers CSV: ${error.message}`);
    }
  });
  return { open, restore, status, get room() { return room; } };
}
