// A student's side of a room: follow the presenter read-only, answer polls, fork a private
// copy to experiment, go back to live. The page's own controls stay where they are, disabled
// (or hidden when the presenter says so: `hideControls`); selecting a neuron or weight still
// works locally. The bar and the poll card are passed in; nothing else is touched.
import { spacedCode, pollContext, pollVerdict, normalizeCode } from "./classroom.js";
import { renderBars, renderChoices } from "./polls.js";
import { scoped } from "./dom.js";

/** Where the student's name waits for the connection (sessionStorage). */
export const NAME_KEY = "backprop-xor-name";

/**
 * The student's `bar` and poll `card`. `command(name, payload)` sends over the current
 * connection; `fork(session)` and `live()` switch the connection; `ended()` when the room
 * closed; `hideControls(on)` when the presenter hides the students' controls. Returns
 * {enter(code, forked), update(room), note(text), connection(what, detail)}.
 */
export function createViewer({ bar, card }, { command, fork, live, ended, hideControls }) {
  const inBar = scoped(bar);
  const inCard = scoped(card);
  const $ = (id) => (id.startsWith("poll-") ? inCard(id) : inBar(id));
  let code = null;
  let forked = false;
  let closed = false;
  let poll = null;
  let pollKey = "";
  const chosen = new Map(); // poll id -> choice

  const note = (text) => { $("viewer-note").textContent = text; };

  function banner() {
    bar.hidden = !code;
    if (!code) return;
    $("viewer-text").textContent = closed ? `Room ${spacedCode(code)} has closed.`
      : forked ? `Your own copy of room ${spacedCode(code)}: change anything.`
        : `Following room ${spacedCode(code)} (live)`;
    bar.classList.toggle("forked", forked);
    $("viewer-fork").hidden = forked || closed;
    $("viewer-live").hidden = !forked || closed;
  }

  function enter(roomCode, isForked) {
    code = roomCode;
    forked = isForked;
    if (forked) showPoll(null);
    note("");
    banner();
  }

  function showPoll(next) {
    poll = next;
    card.hidden = !poll;
    if (!poll) return;
    const mine = chosen.get(poll.id) ?? null;
    const key = JSON.stringify([poll.id, poll.revealed, poll.closed, mine, poll.revealed && poll.tally]);
    if (key === pollKey) return;
    pollKey = key;
    $("poll-question").textContent = poll.question;
    $("poll-context").textContent = pollContext(poll);
    renderChoices($("poll-choices"), poll, mine, answer);
    const verdict = pollVerdict(poll, mine);
    $("poll-verdict").textContent = verdict.text;
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
    if (room.closed && !closed) {
      closed = true;
      banner();
      ended?.();
    }
    showPoll(room.poll && !room.poll.closed ? room.poll : null);
  }

  function connection(what, detail) {
    if (what === "error") note(`Cannot follow the room: ${detail}`);
    else if (what === "disconnected" && !closed) note("Connection lost; reconnecting…");
    else if (what === "connected") note("");
  }

  $("viewer-fork").addEventListener("click", async () => {
    const reply = await command("room_fork", {});
    if (!reply.ok) return note(reply.error ?? "room_fork failed");
    fork(reply.session);
  });
  $("viewer-live").addEventListener("click", () => live());
  $("viewer-leave").addEventListener("click", () => location.assign(location.pathname));
  return { enter, update, note, connection, get closed() { return closed; } };
}

/**
 * The Classroom `dialog`, opened by `button`: open a room (not while `following` one), or join
 * one by its code (the name is kept in `storage` for the connection).
 */
export function wireClassroomDialog(dialog, button, { following, storage = globalThis.sessionStorage }) {
  const $ = scoped(dialog);
  $("present-box").hidden = following;
  button.addEventListener("click", () => dialog.showModal());
  $("join-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const code = normalizeCode($("join-code").value);
    if (!code) {
      $("join-code").setAttribute("aria-invalid", "true");
      $("join-error").textContent = "A join code has 6 letters or digits, e.g. HJK MNP.";
      return;
    }
    const name = $("join-name").value.trim();
    if (name) storage?.setItem(NAME_KEY, name);
    location.assign(`${location.pathname}?room=${code}`);
  });
}
