// The presenter's side of a room: open it, show the join code, link and QR code large enough
// for the back of a room (with a warning when the link is this computer's own address), count
// the students and show how each one's link is, hide their controls, ask polls and watch the
// answers come in (the tally hidden until the reveal unless asked), say when the room's
// broadcast is degraded, download the answers, close the room after a confirmation. The token
// stays in this tab.
import { spacedCode, studentsText, pollContext, answeredText, revealText, linksText, studentName, isLoopback, turnedAwayText } from "./classroom.js";
import { renderBars } from "./polls.js";
import { downloadBlob } from "./downloads.js";
import { scoped, el } from "./dom.js";

export const TOKEN_KEY = "backprop-xor-room";

/** What to tell a presenter whose join link only reaches this computer (null when it is fine). */
export function loopbackAdvice(joinUrl, networkUrls = []) {
  if (!isLoopback(joinUrl)) return null;
  const host = new URL(joinUrl).hostname;
  const where = networkUrls.length
    ? `This server listens on the network: open this page at ${networkUrls.join(" or ")}, then open the room again.`
    : "Serve on the network: ./dev serve --host 0.0.0.0, then open this page at this computer's network address (e.g. http://192.168.1.20:5000) and open the room again.";
  return `Phones cannot open ${host}: it is each device's own address. ${where}`;
}

/**
 * The presenter's `panel`, shown once a room is open; `openButton` opens one; `confirm` is the
 * Close room dialog. `command(name, payload)` sends over the tab's connection;
 * `selectedWeight()` is the weight selected in the network view ({layer, neuron, input}) or
 * null; `presenting(on)` when a room opens or closes. Returns {open(), restore(),
 * status(roomStatus), link({up, message}) -> true if a room shows it}.
 */
export function createPresenter({ panel, openButton, confirm }, { command, selectedWeight, presenting, storage = globalThis.sessionStorage }) {
  const $ = scoped(panel);
  const ask = scoped(confirm);
  let room = null; // {code, token, join_url, qr_url}
  let pollKey = "";
  let last = null; // the newest room_status
  let linkDown = null; // the message while the link between servers is down

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
    const advice = loopbackAdvice(url, reply.network_urls ?? []);
    $("room-loopback").textContent = advice ?? "";
    $("room-loopback").hidden = !advice;
    panel.hidden = false;
    presenting?.(true);
    if (reply.room) status(reply.room);
    return reply;
  }

  function shut() {
    room = null;
    last = null;
    storage?.removeItem(TOKEN_KEY);
    panel.hidden = true;
    presenting?.(false);
  }

  /** After a reload or reconnect: the session's room is still open, so show it again. */
  function restore() {
    if (storage?.getItem(TOKEN_KEY) && !room) open();
  }

  function showWarning() {
    const problems = [...(linkDown ? [linkDown] : []), ...(last?.broadcast ?? [])];
    const unique = [...new Set(problems)];
    $("room-warning").textContent = unique.length ? `The room's broadcast is degraded: ${unique.join("; ")}` : "";
    $("room-warning").hidden = !unique.length;
  }

  function showStudents(students) {
    $("room-links").textContent = students.length ? `Students: ${linksText(students)}` : "Students: nobody has joined yet";
    $("room-students").replaceChildren(...students.map((s) => {
      const item = el("li", `student ${s.link}`, studentName(s));
      item.dataset.link = s.link;
      item.append(el("span", "link", s.link === "fork" ? "own copy" : s.link));
      if (s.answered) item.append(el("span", "answered", "✓"));
      item.title = `${studentName(s)}: ${s.link}${s.answered ? ", answered" : ""}`;
      return item;
    }));
  }

  /** The server's room_status: students and their links, controls, the poll with its tally. */
  function status(s) {
    if (!room || s.code !== room.code) return;
    if (s.closed) return shut();
    last = s;
    $("room-viewers").textContent = studentsText(s.viewers);
    showStudents(s.students ?? []);
    const away = turnedAwayText(s.turned_away);
    $("room-turned-away").textContent = away;
    $("room-turned-away").hidden = !away;
    showWarning();
    const hide = $("room-hide");
    if (document.activeElement !== hide) hide.checked = Boolean(s.hide_controls);
    const poll = s.poll;
    $("room-poll-view").hidden = !poll;
    $("poll-reveal").disabled = !poll || poll.revealed || Boolean(poll.cancelled);
    $("poll-close").disabled = !poll;
    if (!poll) return;
    const shown = $("room-poll-show").checked;
    const key = JSON.stringify([poll.id, poll.revealed, poll.cancelled, poll.tally, s.viewers, shown]);
    if (key === pollKey) return;
    pollKey = key;
    const open = !poll.revealed && !poll.cancelled;
    $("room-poll-view").dataset.state = poll.cancelled ? "cancelled" : poll.revealed ? "revealed" : "open";
    $("room-poll-question").textContent = poll.question;
    $("room-poll-context").textContent = pollContext(poll);
    $("room-poll-note").textContent = poll.cancelled
      ? `${poll.cancelled[0].toUpperCase()}${poll.cancelled.slice(1)}${poll.cancelled_because ? ` (${poll.cancelled_because})` : ""}.`
      : revealText(poll);
    $("room-poll-answered").textContent = `${answeredText(poll, s.viewers)}${poll.revealed ? " · answer shown" : ""}`;
    // the projector must not give the answer away: no bars until the reveal unless asked
    const bars = !open || shown;
    $("room-poll-bars").hidden = !bars;
    $("room-poll-hidden").hidden = bars;
    if (bars) renderBars($("room-poll-bars"), poll);
  }

  /** The link between server processes went down or came back (room_link). */
  function link(l) {
    linkDown = l?.up ? null : l?.message ?? "link to other servers lost";
    if (!room) return false;
    showWarning();
    if (l?.up) note(l.message, true);
    return true;
  }

  function syncUnit() {
    $("poll-unit-field").hidden = $("poll-kind").value !== "weight_direction";
  }

  async function downloadCsv() {
    if (!room) return;
    try {
      const response = await fetch(`room/${room.code}/polls.csv`, { headers: { "X-Room-Token": room.token } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      downloadBlob(await response.blob(), `room-${room.code}-answers.csv`);
      note("Downloaded the answers.", true);
    } catch (error) {
      note(`Answers CSV: ${error.message}`);
    }
  }

  openButton.addEventListener("click", async () => {
    const reply = await open();
    if (reply.ok) openButton.closest("dialog")?.close();
  });
  $("room-hide").addEventListener("change", (e) => send("room_controls", { hide: e.target.checked }));
  $("room-close").addEventListener("click", () => {
    if (!room) return;
    const n = last?.viewers ?? 0;
    ask("room-close-title").textContent = `Close room ${spacedCode(room.code)}?`;
    ask("room-close-text").textContent = `${studentsText(n)} following it will see that it has closed (they can keep a copy of the network as it is). Its answers stay downloadable only while it is open.`;
    confirm.returnValue = "";
    confirm.showModal();
  });
  confirm.addEventListener("close", async () => {
    if (confirm.returnValue === "csv") {
      await downloadCsv();
    } else if (confirm.returnValue === "close" && (await send("room_close")).ok) {
      shut();
    }
  });
  $("room-compact").addEventListener("click", (e) => {
    const compact = panel.classList.toggle("compact");
    e.currentTarget.setAttribute("aria-pressed", String(compact));
  });
  $("room-poll-show").addEventListener("change", () => last && status(last));
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
    $("room-poll-show").checked = false; // a new question: its tally starts hidden
    await send("poll_open", payload);
  });
  $("poll-reveal").addEventListener("click", () => send("poll_reveal"));
  $("poll-close").addEventListener("click", () => send("poll_close"));
  $("room-csv").addEventListener("click", downloadCsv);
  return { open, restore, status, link, get room() { return room; } };
}
