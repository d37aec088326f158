// A student's side of a room: follow the presenter read-only, answer polls (the weight a poll
// asks about highlighted on the network), fork a private copy to experiment (told when a poll
// opens meanwhile, one click back to live), go back to live. The bar says how the room is:
// live, the presenter offline, the link lost; a wrong or closed code is a screen of its own with
// a way to type another code, and a closed room offers to keep a copy. The page's own controls
// stay where they are, disabled (or hidden when the presenter says so: `hideControls`).
import { spacedCode, pollContext, pollVerdict, pollTarget, revealText, normalizeCode } from "./classroom.js";
import { renderBars, renderChoices } from "./polls.js";
import { scoped } from "./dom.js";

/** Where the student's name is remembered (localStorage), and that this tab asked for it. */
export const NAME_KEY = "backprop-xor-name";
export const ASKED_KEY = "backprop-xor-name-asked";

/** The name this device remembers ("" for none). */
export function savedName(storage = globalThis.localStorage) {
  try {
    return storage?.getItem(NAME_KEY) ?? "";
  } catch {
    return "";
  }
}

function keepName(name, storage = globalThis.localStorage) {
  try {
    if (name) storage?.setItem(NAME_KEY, name);
    else storage?.removeItem(NAME_KEY);
  } catch {
    // private mode: the name lasts this connection only
  }
}

/**
 * The student's `bar`, poll `card`, the `gone` screen and the `nameDialog`. `command(name,
 * payload)` sends over the current connection; `fork(session)` and `live()` switch the
 * connection; `follow(handlers)` opens a fork's light connection to the room (returns {close()});
 * `hideControls(on)` when the presenter hides the students' controls; `highlight(key)` the
 * network's poll target ("weight:l:j:i" or null). Returns {enter(code, forked), joined(hello),
 * update(room), note(text), error(e), connection(what, detail), gone, closed}.
 */
export function createViewer({ bar, card, gone, nameDialog }, { command, fork, live, follow, hideControls, highlight }) {
  const inBar = scoped(bar);
  const inCard = scoped(card);
  const inGone = scoped(gone);
  const inName = scoped(nameDialog);
  const $ = (id) => (id.startsWith("poll-") ? inCard(id) : inBar(id));
  let code = null;
  let forked = false;
  let closed = false;
  let refused = null; // the server's refusal at connect (a wrong or closed code)
  let connected = false;
  let presenter = "online";
  let poll = null;
  let pollKey = "";
  let watcher = null; // a fork's light connection
  let heard = null; // the newest poll the fork's connection told of
  const chosen = new Map(); // poll id -> choice

  const note = (text) => { $("viewer-note").textContent = text; };

  function banner() {
    bar.hidden = !code;
    if (!code) return;
    const spaced = spacedCode(code);
    const where = refused ? `Not following room ${spaced}.`
      : forked ? `Your own copy of room ${spaced}${closed ? " (the room has closed)" : ""}: change anything.`
        : closed ? `Room ${spaced} has closed.`
          : presenter === "offline" ? `Following room ${spaced}: the presenter is offline; the room waits for them.`
            : `Following room ${spaced} (live)`;
    $("viewer-text").textContent = where;
    bar.classList.toggle("forked", forked);
    bar.classList.toggle("offline", !forked && !closed && presenter === "offline");
    $("viewer-fork").hidden = forked || closed || Boolean(refused);
    $("viewer-live").hidden = !forked || closed;
    const name = savedName();
    $("viewer-rename").textContent = name ? `as ${name}` : "Your name";
    $("viewer-rename").hidden = forked || closed || Boolean(refused);
    const news = forked && !closed && heard && heard.id !== poll?.id;
    $("viewer-news").hidden = !news;
    if (news) $("viewer-news-text").textContent = `A poll opened in the room: “${heard.question}”`;
  }

  function showGone(title, text, canCopy) {
    gone.hidden = false;
    inGone("room-gone-title").textContent = title;
    inGone("room-gone-text").textContent = text;
    inGone("room-gone-copy").hidden = !canCopy;
    card.hidden = true;
    highlight?.(null);
  }

  function enter(roomCode, isForked) {
    code = roomCode;
    forked = isForked;
    refused = null;
    gone.hidden = !closed || forked;
    if (forked) showPoll(null);
    watcher?.close();
    watcher = null;
    if (forked && !closed && follow) {
      watcher = follow({ roomMeta: (m) => watch(m?.room), error: () => {}, connection: () => {} });
    }
    heard = null;
    note("");
    banner();
  }

  /** The server let this connection into the room (room_hello): now ask for a name. */
  function joined() {
    refused = null;
    askName();
  }

  /** The fork's light connection: the room's own state (a poll opened, the room closed). */
  function watch(room) {
    if (!room || !forked) return;
    const open = room.poll && !room.poll.closed && !room.poll.cancelled && !room.poll.revealed;
    heard = open ? room.poll : null;
    if (room.closed && !closed) {
      closed = true;
      watcher?.close();
    }
    banner();
  }

  function showPoll(next) {
    poll = next;
    card.hidden = !poll || Boolean(refused);
    highlight?.(forked ? null : pollTarget(poll));
    if (!poll) return;
    const mine = chosen.get(poll.id) ?? null;
    const key = JSON.stringify([poll.id, poll.revealed, poll.closed, poll.cancelled, mine, poll.revealed && poll.tally]);
    if (key === pollKey) return;
    pollKey = key;
    $("poll-question").textContent = poll.question;
    $("poll-context").textContent = pollContext(poll);
    renderChoices($("poll-choices"), poll, mine, answer);
    const verdict = pollVerdict(poll, mine);
    $("poll-verdict").textContent = verdict.text;
    $("poll-step").textContent = revealText(poll);
    card.dataset.state = verdict.state;
    const tally = $("poll-tally");
    tally.hidden = !poll.revealed;
    if (poll.revealed) renderBars(tally, poll, mine);
  }

  async function answer(choice) {
    const id = poll?.id;
    if (!id) return;
    const reply = await command("poll_answer", { poll: id, choice });
    if (!reply.ok) return note(reply.error ?? "poll_answer failed");
    chosen.set(id, choice);
    note("");
    if (poll?.id === id) showPoll(poll);
  }

  /** The room part of a frame. */
  function update(room) {
    if (!room || forked) return;
    hideControls?.(Boolean(room.hide_controls));
    presenter = room.presenter ?? "online";
    if (room.closed && !closed) {
      closed = true;
      showGone(`Room ${spacedCode(code)} has closed`, "The presenter closed the room. Keep a copy of the network as it ended to go on exploring it on your own, or join another room.", true);
    }
    showPoll(room.poll && !room.poll.closed && !closed ? room.poll : null);
    banner();
  }

  /** The server's `error` event: a refusal at connect is a screen, anything else a note. */
  function error(e) {
    if (e?.event !== "connect" || forked) return note(e?.message ?? "error");
    refused = e.message ?? "refused";
    if (nameDialog.open) nameDialog.close();
    const reason = refused.replace(/^room: /, "");
    const closedRoom = /has closed/.test(reason);
    const unknown = /no open room/.test(reason);
    const title = closedRoom ? `Room ${spacedCode(code)} has closed`
      : unknown ? `No open room has the code ${spacedCode(code)}` : `Cannot join room ${spacedCode(code)}`;
    const text = closedRoom ? "The presenter closed it. Ask for the new code, or use the page on your own."
      : unknown ? "It may have closed, or the code may be mistyped: check the code on the projector and type it again."
        : `${reason[0].toUpperCase()}${reason.slice(1)}.`;
    showGone(title, text, false);
    note("");
    banner();
  }

  function connection(what, detail) {
    connected = what === "connected";
    if (what === "error") note(`Cannot follow the room: ${detail}`);
    else if (what === "disconnected" && !closed && !refused && detail !== "io client disconnect") note("Connection lost; reconnecting…");
    else if (connected) note("");
  }

  /** On joining: ask for a name once per tab (optional; remembered on this device). */
  function askName() {
    if (forked || closed || refused || savedName() || sessionStorage.getItem(ASKED_KEY)) return;
    sessionStorage.setItem(ASKED_KEY, "1");
    openNameDialog();
  }

  function openNameDialog() {
    inName("name-room").textContent = spacedCode(code);
    inName("name-input").value = savedName();
    nameDialog.returnValue = "";
    nameDialog.showModal();
  }

  nameDialog.addEventListener("close", async () => {
    if (nameDialog.returnValue !== "ok") return;
    const name = inName("name-input").value.trim().slice(0, 40);
    keepName(name);
    banner();
    if (!forked && !refused) {
      const reply = await command("room_name", { name });
      if (!reply.ok) note(reply.error ?? "room_name failed");
    }
  });
  $("viewer-rename").addEventListener("click", openNameDialog);
  $("viewer-fork").addEventListener("click", async () => {
    const reply = await command("room_fork", {});
    if (!reply.ok) return note(reply.error ?? "room_fork failed");
    fork(reply.session);
  });
  $("viewer-live").addEventListener("click", () => live());
  $("viewer-answer").addEventListener("click", () => live());
  $("viewer-leave").addEventListener("click", () => location.assign(location.pathname));
  inGone("room-gone-copy").addEventListener("click", async () => {
    const reply = await command("room_fork", {});
    if (!reply.ok) return (inGone("room-gone-error").textContent = reply.error ?? "room_fork failed");
    gone.hidden = true;
    fork(reply.session);
  });
  inGone("room-gone-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const typed = normalizeCode(inGone("room-gone-code").value);
    if (!typed) {
      inGone("room-gone-code").setAttribute("aria-invalid", "true");
      inGone("room-gone-error").textContent = "A join code has 6 letters or digits, e.g. HJK MNP.";
      return;
    }
    location.assign(`${location.pathname}?room=${typed}`);
  });
  return {
    enter, joined, update, note, error, connection,
    get closed() { return closed; },
    get gone() { return Boolean(refused); },
    get connected() { return connected; },
  };
}

/**
 * The Classroom `dialog`, opened by `button`: open a room (not while `following` one), or join
 * one by its code (the name is remembered on this device for the connection).
 */
export function wireClassroomDialog(dialog, button, { following }) {
  const $ = scoped(dialog);
  $("present-box").hidden = following;
  $("join-name").value = savedName();
  button.addEventListener("click", () => dialog.showModal());
  $("join-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const code = normalizeCode($("join-code").value);
    if (!code) {
      $("join-code").setAttribute("aria-invalid", "true");
      $("join-error").textContent = "A join code has 6 letters or digits, e.g. HJK MNP.";
      return;
    }
    keepName($("join-name").value.trim());
    sessionStorage.setItem(ASKED_KEY, "1"); // asked here already
    location.assign(`${location.pathname}?room=${code}`);
  });
}
