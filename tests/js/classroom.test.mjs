import test from "node:test";
import assert from "node:assert/strict";
import { normalizeCode, roomFromSearch, spacedCode, studentsText, pollBars, pollVerdict, pollContext, pollTarget, revealText, linksText, studentName, answeredText, isLoopback, turnedAwayText, CODE_ALPHABET } from "../../static/js/classroom.js";
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
  detail: { weight: "v₁,₂", unit: "pattern", layer: 0, neuron: 0, input: 1 }, correct: "down",
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
  assert.equal(pollContext(poll), "Weight v₁,₂ (highlighted on the network), over the next pattern");
  assert.equal(pollContext({ kind: "largest_delta", detail: { pattern: [0, 1] } }),
    "Local gradient δ of each neuron, in the next pattern: pattern 2 of epoch 1");
  const cancelled = { ...poll, cancelled: "poll cancelled: the network changed", cancelled_because: "a weight was edited" };
  assert.deepEqual(pollVerdict(cancelled, "up"), { state: "cancelled", text: "Poll cancelled: the network changed (a weight was edited). No answer counts." });
  assert.equal(pollContext({ kind: "stuck", detail: { horizon: 20000 } }), "Looking 20,000 epochs ahead");
  assert.match(pollContext({ kind: "largest_delta", detail: {} }), /δ/);
});

function memoryStorage(init = {}) {
  const data = new Map(Object.entries(init));
  return { getItem: (k) => (data.has(k) ? data.get(k) : null), setItem: (k, v) => data.set(k, String(v)), data };
}

test("auth: the session of the tab, or the room with the identity the server issued here", () => {
  const storage = memoryStorage({ [SESSION_KEY]: "s1" });
  assert.deepEqual(authFor({}, storage), { session: "s1" });
  const none = { room: "HJKMNP", viewer: null, secret: null, name: null, watch: false };
  assert.deepEqual(authFor({ room: "HJKMNP" }, storage), none);
  storage.setItem(VIEWER_KEY, "v9"); // an older page's bare id: not presented
  assert.deepEqual(authFor({ room: "HJKMNP" }, storage), none);
  storage.setItem(VIEWER_KEY, JSON.stringify({ room: "HJKMNP", viewer: "v9", secret: "k9" }));
  assert.deepEqual(authFor({ room: "HJKMNP", name: "Ada", watch: true }, storage),
    { room: "HJKMNP", viewer: "v9", secret: "k9", name: "Ada", watch: true });
  assert.deepEqual(authFor({ room: "ACDEFG" }, storage), { ...none, room: "ACDEFG" }); // another room's
});

test("connect: room frames reach the frame handler without an ack; room_hello keeps the viewer id", () => {
  const on = new Map();
  let options = null;
  const fake = (opts) => { options = opts; return { on: (name, fn) => on.set(name, fn), disconnect() {} }; };
  const storage = memoryStorage();
  const seen = [];
  connect(fake, { frame: (f) => seen.push(f), roomHello: (h) => seen.push(h) }, storage, { room: "HJKMNP" });
  options.auth((auth) => assert.deepEqual(auth, { room: "HJKMNP", viewer: null, secret: null, name: null, watch: false }));
  on.get("room_hello")({ code: "HJKMNP", viewer: "v1", secret: "k1" });
  on.get("room_frame")({ epoch: 3 });
  assert.deepEqual(seen, [{ code: "HJKMNP", viewer: "v1", secret: "k1" }, { epoch: 3 }]);
  options.auth((auth) => assert.deepEqual([auth.viewer, auth.secret], ["v1", "k1"]));
  let acked = 0;
  on.get("room_status")({ code: "HJKMNP" }, () => { acked += 1; }); // the presence probe
  assert.equal(acked, 1);
});

test("what a room's state means: the poll's target, the reveal, links, a loopback link", () => {
  assert.equal(pollTarget(poll), "weight:0:0:1");
  assert.equal(pollTarget({ ...poll, cancelled: "x" }), null);
  assert.equal(pollTarget({ kind: "stuck", detail: {} }), null);
  const shown = { ...poll, revealed: true, detail: { ...poll.detail, before: 0.5, after: 0.25 } };
  assert.equal(revealText(shown), "v₁,₂ went 0.500 → 0.250.");
  assert.equal(revealText({ ...shown, predicted: true }), "Shown before the step: what it will do. v₁,₂ will go 0.500 → 0.250.");
  assert.equal(revealText({ kind: "stuck", revealed: true, detail: { converged_epoch: 1234 } }), "It converged after epoch 1,234.");
  assert.equal(revealText(poll), "");
  const students = [{ n: 1, name: "Ada", link: "live" }, { n: 2, name: "", link: "behind" }, { n: 3, name: "", link: "offline" }, { n: 4, link: "live" }];
  assert.equal(linksText(students), "2 live · 1 behind (slow link) · 1 offline");
  assert.equal(linksText([]), "");
  assert.deepEqual(students.map(studentName), ["Ada", "student 2", "student 3", "student 4"]);
  assert.equal(answeredText({ answered: 3 }, 5), "3 / 5 answered");
  for (const url of ["http://127.0.0.1:5000/join/HJKMNP", "http://localhost:5000/join/X", "http://[::1]:5000/", "http://0.0.0.0:5000/"]) assert.ok(isLoopback(url), url);
  for (const url of ["http://192.168.1.20:5000/join/X", "https://class.example.org/join/X", "not a url"]) assert.ok(!isLoopback(url), url);
});

test("the presenter is told who a cap turned away, and which setting raises it", () => {
  assert.equal(turnedAwayText([]), "");
  assert.equal(turnedAwayText(undefined), "");
  assert.equal(turnedAwayText([{ cap: "ROOM_STUDENTS_PER_ADDRESS", count: 3, most: 60 }, { cap: "ROOM_MAX_STUDENTS", count: 1, most: 250 }, { cap: "OTHER", count: 2, most: 1 }]),
    "Could not join: 3 students (the room takes 60 from one address: ROOM_STUDENTS_PER_ADDRESS); 1 student (the room is full at 250: ROOM_MAX_STUDENTS). Raise the setting and restart the server (docs/deployment.md).");
});
