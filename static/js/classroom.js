// Classroom mode, the pure part: join codes, the room in the URL, poll bars and verdicts, what
// a room's state means for the people in it (the presenter's link, students' links, a loopback
// join link). No DOM here, so node --test covers it (tests/js/classroom.test.mjs).
import { fmt, positionText } from "./format.js";

/** The server's join-code alphabet (app/rooms/codes.py): no 0/O/Q, 1/I/L, 2/Z, 5/S, 8/B, 9. */
export const CODE_ALPHABET = "ACDEFGHJKMNPRTUVWXY3467";
export const CODE_LENGTH = 6;

/** A typed code, upper-cased, spaces and dashes dropped; null unless it is a valid code. */
export function normalizeCode(text) {
  if (typeof text !== "string" || text.length > 32) return null;
  const code = text.toUpperCase().replace(/[\s-]/g, "");
  if (code.length !== CODE_LENGTH || [...code].some((c) => !CODE_ALPHABET.includes(c))) return null;
  return code;
}

/** The room a page was opened for (`?room=CODE`), or null. */
export function roomFromSearch(search) {
  return normalizeCode(new URLSearchParams(search).get("room") ?? "");
}

/** A code as shown to a room: two groups of three, easier to read aloud ("ACD EFG"). */
export function spacedCode(code) {
  return code ? `${code.slice(0, 3)} ${code.slice(3)}` : "";
}

/** "1 student", "12 students". */
export function studentsText(n) {
  const count = Number.isFinite(n) ? n : 0;
  return `${count} student${count === 1 ? "" : "s"}`;
}

const UNITS = { phase: "the next phase", pattern: "the next pattern", epoch: "the next epoch" };

/** The line under a poll's question that says what it is about (never the answer). */
export function pollContext(poll) {
  const d = poll?.detail ?? {};
  if (poll?.kind === "weight_direction") return `Weight ${d.weight ?? "?"} (highlighted on the network), over ${UNITS[d.unit] ?? "the next step"}`;
  if (poll?.kind === "largest_delta") {
    const at = Array.isArray(d.pattern) ? `: ${positionText(d.pattern[0], d.pattern[1])}` : "";
    return `Local gradient δ of each neuron, in the next pattern${at}`;
  }
  if (poll?.kind === "stuck") return d.horizon ? `Looking ${d.horizon.toLocaleString("en")} epochs ahead` : "";
  return "";
}

/** "weight:l:j:i" for the weight a poll open now asks about (the network highlights it), or null. */
export function pollTarget(poll) {
  const d = poll?.detail;
  if (poll?.kind !== "weight_direction" || !d || poll.cancelled || poll.closed) return null;
  return Number.isInteger(d.layer) ? `weight:${d.layer}:${d.neuron}:${d.input}` : null;
}

/** What the revealed step did, in words: "w₁,₁ went 0.655 → 0.633 in that step." ("" if unknown). */
export function revealText(poll) {
  if (!poll?.revealed) return "";
  const d = poll.detail ?? {};
  const ahead = poll.predicted ? "Shown before the step: what it will do. " : "";
  if (poll.kind === "weight_direction" && Number.isFinite(d.before) && Number.isFinite(d.after)) {
    const how = poll.predicted ? "will go" : "went";
    return `${ahead}${d.weight} ${how} ${fmt(d.before)} → ${fmt(d.after)}${d.before === d.after ? " (unchanged)" : ""}.`;
  }
  if (poll.kind === "stuck") {
    if (Number.isInteger(d.converged_epoch)) return `${ahead}It converged after epoch ${d.converged_epoch.toLocaleString("en")}.`;
    return `${ahead}No convergence in ${(d.epochs_tried ?? d.horizon ?? 0).toLocaleString("en")} epochs.`;
  }
  return ahead.trim();
}

/** The students' links for the presenter: "3 live · 1 behind · 2 offline" ("" for none). */
const CAPS = {
  ROOM_STUDENTS_PER_ADDRESS: (most) => `the room takes ${most} from one address`,
  ROOM_MAX_STUDENTS: (most) => `the room is full at ${most}`,
};

/**
 * The presenter's line for new students a cap turned away (room_status.turned_away:
 * [{cap, count, most}]), naming the setting that raises it; "" when nobody was.
 */
export function turnedAwayText(list) {
  const parts = (Array.isArray(list) ? list : []).filter((t) => CAPS[t?.cap] && t.count > 0)
    .map((t) => `${studentsText(t.count)} (${CAPS[t.cap](t.most)}: ${t.cap})`);
  if (!parts.length) return "";
  return `Could not join: ${parts.join("; ")}. Raise the setting and restart the server (docs/deployment.md).`;
}

export function linksText(students) {
  const counts = new Map();
  for (const s of students ?? []) counts.set(s.link, (counts.get(s.link) ?? 0) + 1);
  const words = { live: "live", behind: "behind (slow link)", fork: "on their own copy", offline: "offline" };
  return Object.keys(words).filter((k) => counts.get(k)).map((k) => `${counts.get(k)} ${words[k]}`).join(" · ");
}

/** A student as the presenter's list shows them: their name, else "student 3". */
export function studentName(student) {
  return student?.name || `student ${student?.n ?? "?"}`;
}

/** "3 / 5 answered": answers of the students connected now, out of them. */
export function answeredText(poll, viewers) {
  return `${poll?.answered ?? 0} / ${Number.isFinite(viewers) ? viewers : 0} answered`;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[?::1\]?|0\.0\.0\.0)$/i;

/** True when a join link's host only reaches the machine it is typed on (127.0.0.1, localhost). */
export function isLoopback(url) {
  try {
    return LOOPBACK.test(new URL(url).hostname.replace(/\.$/, ""));
  } catch {
    return false;
  }
}

/**
 * One bar per choice: {id, label, count, share (0..1 of the answers), correct, chosen}.
 * `correct` is only set once the poll is revealed, so a projected panel never gives it away.
 */
export function pollBars(poll, chosen = null) {
  if (!poll) return [];
  const tally = poll.tally ?? {};
  const total = Object.values(tally).reduce((a, b) => a + (Number(b) || 0), 0);
  return (poll.choices ?? []).map((c) => {
    const count = Number(tally[c.id]) || 0;
    return {
      id: c.id, label: c.label, count, share: total ? count / total : 0,
      correct: Boolean(poll.revealed) && poll.correct === c.id, chosen: chosen === c.id,
    };
  });
}

/** A student's verdict: {state: "open" | "waiting" | "right" | "wrong" | "missed" | "cancelled", text}. */
export function pollVerdict(poll, chosen) {
  if (!poll) return { state: "open", text: "" };
  if (poll.cancelled) {
    const why = poll.cancelled_because ? ` (${poll.cancelled_because})` : "";
    return { state: "cancelled", text: `${capital(poll.cancelled)}${why}. No answer counts.` };
  }
  if (!poll.revealed) {
    if (poll.closed) return { state: "missed", text: "This poll has closed." };
    return chosen ? { state: "waiting", text: "Answer sent. You can change it until the next step." }
      : { state: "open", text: "Answer before the presenter takes the next step." };
  }
  const right = (poll.choices ?? []).find((c) => c.id === poll.correct);
  const answer = right ? right.label : poll.correct;
  if (!chosen) return { state: "missed", text: `The answer: ${answer}.` };
  return chosen === poll.correct ? { state: "right", text: `Right: ${answer}.` }
    : { state: "wrong", text: `Not this time: the answer is ${answer}.` };
}

function capital(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : "";
}
