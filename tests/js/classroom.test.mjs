import test from "node:test";
import assert from "node:assert/strict";
import { normalizeCode, roomFromSearch, spacedCode, studentsText, pollBars, pollVerdict, pollContext, CODE_ALPHABET } from "../../static/js/classroom.js";
import { authFor, connect, SESSION_KEY, VIEWER_KEY } from "../../static/js/socket.js";

test("join codes: typed loosely, checked against the server's alphabet", () => {
  assert.equal(normalizeCode("acd-efg"), "ACDEFG");
  assert.equal(normalizeCode(" acd efg "), "ACDEFG");
  for (const bad of ["ACDEF", "ACDEFGH", "ACD0EF", "ACDOEF", "ACD1EF", "ACDLEF", "", null, 7, "x".repeat(40)]) {
    assert.equal(normalizeCode(bad), null, String(bad));
  }
  for (const confusable of "0O1IL2Z5S8B9Q") assert.ok(!CODE_ALPHABET.includes(confusable));
  assert.equal(roomFromSearch("?room=hjk-mnp&seed=3"), "HJKMNP");
  assert.equal(roomFromSearch("?seed=3"), null);
  assert.equal(roomFromSearch("?room=nope"), null);
  assert.equal(spacedCode("HJKMNP"), "HJK MNP");
  assert.equal(studentsText(1), "1 student");
  assert.equal(studentsText(0), "0 students");
  assert.equal(studentsText(undefined), "0 students");
});

const poll = {
  id: "p1", kind: "weight_direction", question: "Up or down?",
  choices: [{ id: "up", label: "up" }, { id: "down", label: "down" }, { id: "same", label: "stays the same" }],
  tally: { up: 3, down: 1, same: 0 }, answered: 4, revealed: false, closed: false,
  detail: { weight: "v[1,2]", unit: "pattern" }, correct: "down",
};

test("poll bars: shares of the answers; the right one marked only once revealed", () => {
  const bars = pollBars(poll, "up");
  assert.deepEqual(bars.map((b) => [b.id, b.count, b.share, b.correct, b.chosen]),
    [["up", 3, 0.75, false, true], ["down", 1, 0.25, false, false], ["same", 0, 0, false, false]]);
  const revealed = pollBars({ ...poll, revealed: true });
  assert.deepEqual(revealed.map((b) => b.correct), [false, true, false]);
  assert.deepEqual(pollBars({ ...poll, tally: {} }).map((b) => b.share), [0, 0, 0]);
  assert.deepEqual(pollBars(null), []);
});

test("poll verdicts and context", () => {
  assert.equal(pollVerdict(poll, null).state, "open");
  assert.equal(pollVerdict(poll, "up").state, "waiting");
  assert.equal(pollVerdict({ ...poll, closed: true }, null).state, "missed");
  const shown = { ...poll, revealed: true };
  assert.deepEqual(pollVerdict(shown, "down"), { state: "right", text: "Right: down." });
  assert.deepEqual(pollVerdict(shown, "up"), { state: "wrong", text: "Not this time: the answer is down." });
  assert.equal(pollVerdict(shown, null).state, "missed");
  assert.equal(pollContext(poll), "Weight v[1,2], over the next pattern");
  assert.equal(pollContext({ kind: "stuck", detail: { horizon: 20000 } }), "Looking 20,000 epochs ahead");
  assert.match(pollContext({ kind: "largest_delta", detail: {} }), /δ/);
});

function memoryStorage(init = {}) {
  const data = new Map(Object.entries(init));
  return { getItem: (k) => (data.has(k) ? data.get(k) : null), setItem: (k, v) => data.set(k, String(v)), data };
}

test("auth: the session of the tab, or the room with this tab's viewer id", () => {
  const storage = memoryStorage({ [SESSION_KEY]: "s1" });
  assert.deepEqual(authFor({}, storage), { session: "s1" });
  assert.deepEqual(authFor({ room: "HJKMNP" }, storage), { room: "HJKMNP", viewer: null, name: null });
  storage.setItem(VIEWER_KEY, "v9");
  assert.deepEqual(authFor({ room: "HJKMNP", name: "Ada" }, storage), { room: "HJKMNP", viewer: "v9", name: "Ada" });
});

test("connect: room frames reach the frame handler without an ack; room_hello keeps the viewer id", () => {
  const on = new Map();
  let options = null;
  const fake = (opts) => { options = opts; return { on: (name, fn) => on.set(name, fn), disconnect() {} }; };
  const storage = memoryStorage();
  const seen = [];
  connect(fake, { frame: (f) => seen.push(f), roomHello: (h) => seen.push(h) }, storage, { room: "HJKMNP" });
  options.auth((auth) => assert.deepEqual(auth, { room: "HJKMNP", viewer: null, name: null }));
  on.get("room_hello")({ code: "HJKMNP", viewer: "v1" });
  assert.equal(storage.getItem(VIEWER_KEY), "v1");
  on.get("room_frame")({ epoch: 3 });
  assert.deepEqual(seen, [{ code: "HJKMNP", viewer: "v1" }, { epoch: 3 }]);
  options.auth((auth) => assert.equal(auth.viewer, "v1"));
});
