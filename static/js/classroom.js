// Classroom mode, the pure part: join codes, the room in the URL, poll bars and verdicts.
// No DOM here, so node --test covers it (tests/js/classroom.test.mjs).

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
  if (poll?.kind === "weight_direction") return `Weight ${d.weight ?? "?"}, over ${UNITS[d.unit] ?? "the next step"}`;
  if (poll?.kind === "largest_delta") return "Local gradient δ of each neuron, in the next pattern";
  if (poll?.kind === "stuck") return d.horizon ? `Looking ${d.horizon.toLocaleString("en")} epochs ahead` : "";
  return "";
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

/** A student's verdict: {state: "open" | "waiting" | "right" | "wrong" | "missed", text}. */
export function pollVerdict(poll, chosen) {
  if (!poll) return { state: "open", text: "" };
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
