// The lesson card: where the session is in its lesson, what to notice, previous / next by
// button and keys (PageUp / PageDown, [ / ]). It follows the frame's `lesson` (so a student sees
// the presenter's step) and asks the server to move (`lesson` command); the lesson's words come
// from GET /api/lessons/<name>, fetched once per lesson.
import { stepView, moveTo, lessonKey, pollLine } from "./lesson-view.js";

const TYPING = new Set(["INPUT", "SELECT", "TEXTAREA"]);

/** GET a lesson (JSON), or throw with the HTTP status. */
async function fetchLesson(name) {
  const response = await fetch(`api/lessons/${encodeURIComponent(name)}`, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

/**
 * The card under `root` (#lesson-card). `hooks`: {command(name, payload) → reply (refusals shown
 * by the caller), readOnly() (a student following a room), inRoom() (the class is answering
 * polls), stepChanged(view|null) (a new step is on screen: select and highlight), fetch (tests)}.
 * Returns {frame(frame), start(name, index), view}.
 */
export function createLessonPanel(root, hooks) {
  const $ = (id) => root.querySelector(`#${id}`);
  const get = hooks.fetch ?? fetchLesson;
  const lessons = new Map(); // name -> lesson, or a promise while it loads
  let place = null; // frame.lesson
  let view = null;
  let shownKey = "";

  function render() {
    const next = stepView(lessons.get(place?.name) ?? null, place);
    const key = next ? `${next.key}:${next.text ? "loaded" : "loading"}` : "";
    view = next;
    root.hidden = !next;
    root.ownerDocument.documentElement.classList.toggle("in-lesson", Boolean(next));
    if (key !== shownKey) {
      shownKey = key;
      hooks.stepChanged?.(next);
    }
    if (!next) return;
    $("lesson-name").textContent = next.lessonTitle || place.name;
    $("lesson-counter").textContent = next.counter;
    $("lesson-section").textContent = next.section ? `§ ${next.section}` : "";
    $("lesson-title").textContent = next.title;
    $("lesson-text").textContent = next.text;
    $("lesson-poll").textContent = pollLine(next.poll, hooks.inRoom?.() ?? false);
    const following = hooks.readOnly?.() ?? false;
    root.classList.toggle("following", following);
    $("lesson-prev").disabled = following || next.first;
    $("lesson-next").disabled = following || next.last;
    for (const id of ["lesson-again", "lesson-leave"]) $(id).disabled = following;
    $("lesson-lead").hidden = !following;
  }

  function load(name) {
    if (lessons.has(name)) return;
    lessons.set(name, null);
    get(name).then((lesson) => {
      lessons.set(name, lesson);
      render();
    }, (error) => {
      lessons.delete(name);
      $("lesson-text").textContent = `Cannot load the lesson ${name} (${error.message}).`;
    });
  }

  /** A frame came: follow its lesson place. */
  function frame(f) {
    place = f?.lesson ?? null;
    if (place) load(place.name);
    render();
  }

  /** Ask the server for step `index` of lesson `name` (or leave with name null). */
  function start(name, index = 0) {
    return hooks.command("lesson", name === null ? { lesson: null } : { lesson: name, step: index });
  }

  function move(direction) {
    if (!view || hooks.readOnly?.()) return null;
    const to = moveTo(view.index, view.count, direction);
    return to === null ? null : start(view.name, to);
  }

  $("lesson-prev").addEventListener("click", () => move("prev"));
  $("lesson-next").addEventListener("click", () => move("next"));
  $("lesson-again").addEventListener("click", () => view && start(view.name, view.index));
  $("lesson-leave").addEventListener("click", () => start(null));
  root.ownerDocument.addEventListener("keydown", (event) => {
    const target = event.target;
    if (!view || event.defaultPrevented || (target && (TYPING.has(target.tagName) || target.isContentEditable))) return;
    const direction = lessonKey(event);
    if (!direction) return;
    event.preventDefault(); // PageDown would scroll the page away from the lesson
    move(direction);
  });
  return { frame, start, get view() { return view; } };
}
