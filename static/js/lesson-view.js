// A lesson step as the page shows it: the card's words, what to select and highlight, and the
// keys that move through a lesson. Pure (the DOM side is lesson-panel.js).
//
// The frame says where the session is (`frame.lesson`: {name, step, steps, title}, step from 0
// on the wire); the lesson itself comes from GET /api/lessons/<name>. Steps are counted from 1
// on the page and in links.

/** A stable key for a neuron or weight reference: "neuron:1:0", "weight:0:1:2". */
export function refKey(ref) {
  if (!ref) return "";
  return ref.kind === "weight" ? `weight:${ref.layer}:${ref.neuron}:${ref.input}` : `neuron:${ref.layer}:${ref.index}`;
}

/** A lesson reference as the page's selection ({kind, layer, index} or {kind, layer, neuron, input}). */
export function toSelection(ref) {
  if (!ref) return null;
  return ref.kind === "weight" ? { kind: "weight", layer: ref.layer, neuron: ref.neuron, input: ref.input } : { kind: "neuron", layer: ref.layer, index: ref.index };
}

/**
 * What the card shows for the frame's lesson place, given the lesson (null while it loads):
 * {key, name, lessonTitle, index, count, counter, title, section, text, first, last, select,
 * network: Set of refKey, panel: Set of line ids, poll}. null when the frame is in no lesson.
 */
export function stepView(lesson, place) {
  if (!place) return null;
  const index = place.step;
  const count = place.steps;
  const base = {
    key: `${place.name}:${index}`, name: place.name, index, count,
    counter: `Step ${index + 1} of ${count}`, first: index === 0, last: index === count - 1,
  };
  const step = lesson?.name === place.name ? lesson.steps?.[index] : null;
  if (!step) {
    return { ...base, lessonTitle: "", title: place.title, section: "", text: "", select: null, network: new Set(), panel: new Set(), poll: null };
  }
  return {
    ...base,
    lessonTitle: lesson.title,
    title: step.title,
    section: step.section,
    text: step.text,
    select: toSelection(step.select),
    network: new Set((step.highlight?.network ?? []).map(refKey)),
    panel: new Set(step.highlight?.panel ?? []),
    poll: step.poll ?? null,
  };
}

/** The step a move asks for: "next" / "prev" from `index` within `count`, or null at an end. */
export function moveTo(index, count, move) {
  const to = move === "next" ? index + 1 : move === "prev" ? index - 1 : index;
  return to >= 0 && to < count ? to : null;
}

/**
 * The lesson move for a keydown, or null: PageDown / "]" next, PageUp / "[" previous (a
 * presentation clicker sends PageDown and PageUp). Modifier keys leave the key alone.
 */
export function lessonKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  switch (event.key) {
    case "PageDown": case "]": return "next";
    case "PageUp": case "[": return "prev";
    default: return null;
  }
}

/** What a step's poll asks, in words for the card (without a room it is a question to think about). */
export function pollLine(poll, inRoom) {
  if (!poll) return "";
  const question = poll.question ?? {
    weight_direction: "Will this weight go up or down in the next step?",
    largest_delta: "Which neuron will have the largest |δ| in the next pattern?",
    stuck: "Is this network stuck?",
  }[poll.kind] ?? "";
  return inRoom ? `Poll for the room: ${question}` : `Think first: ${question} Then step to see.`;
}
