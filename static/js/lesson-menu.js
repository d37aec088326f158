// The Lessons dialog: pick a lesson to start, hide parts of the page, and copy a link that opens
// the page just so (a lesson at its step, the parts hidden) for a focused exercise. The hidden
// parts and the lesson step are kept in the address bar (tailor.js) as they change.
import { HIDEABLE, withTailor } from "./tailor.js";

/** Hide (or show) the tailorable parts: a class per part on <html> that lessons.css reads. */
export function applyHidden(hide) {
  for (const name of Object.keys(HIDEABLE)) document.documentElement.classList.toggle(`tailor-hide-${name}`, hide.includes(name));
}

/**
 * The dialog `dialog` opened by `button`. `hooks`: {start(name) (begin a lesson), place() → the
 * frame's lesson {name, step} or null, settingsQuery() → the settings as a query (a link without
 * a lesson reproduces the setup), say(text, ok)}. `hide`: the parts hidden from the start.
 * Returns {hidden(), sync()} — sync puts the current lesson step and hidden parts in the URL.
 */
export function createLessonMenu(dialog, button, hooks, hide = []) {
  const $ = (id) => dialog.querySelector(`#${id}`);
  const hidden = new Set(hide);
  let listed = false;

  function tailor() {
    const place = hooks.place();
    return { lesson: place?.name ?? null, step: place?.step ?? 0, hide: [...hidden] };
  }

  /** The address bar follows the lesson step and the hidden parts (settings stay as they were). */
  function sync() {
    const search = withTailor(location.search, tailor());
    if (search !== location.search.replace(/^\?/, "")) history.replaceState(null, "", `${location.pathname}${search ? `?${search}` : ""}`);
  }

  function link() {
    const own = tailor();
    const base = own.lesson ? "" : hooks.settingsQuery();
    const search = withTailor(base, own);
    return `${location.origin}${location.pathname}${search ? `?${search}` : ""}`;
  }

  async function list() {
    if (listed) return;
    const box = $("lessons-list");
    try {
      const response = await fetch("api/lessons", { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const items = (await response.json()).map((lesson) => {
        const li = document.createElement("li");
        const start = document.createElement("button");
        start.type = "button";
        start.className = "primary";
        start.textContent = `Start: ${lesson.title}`;
        start.dataset.lesson = lesson.name;
        start.addEventListener("click", () => {
          hooks.start(lesson.name);
          dialog.close();
        });
        const about = document.createElement("p");
        about.textContent = `${lesson.summary} (${lesson.steps} steps)`;
        li.append(start, about);
        return li;
      });
      box.replaceChildren(...items);
      listed = true;
    } catch (error) {
      box.textContent = `Cannot list the lessons (${error.message}).`;
    }
  }

  const options = Object.entries(HIDEABLE).map(([name, label]) => {
    const wrap = document.createElement("label");
    wrap.className = "switch";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = `tailor-${name}`;
    box.checked = hidden.has(name);
    box.addEventListener("change", () => {
      if (box.checked) hidden.add(name);
      else hidden.delete(name);
      applyHidden([...hidden]);
      sync();
    });
    wrap.append(box, ` ${label}`);
    return wrap;
  });
  $("tailor-options").replaceChildren(...options);
  $("tailor-link").addEventListener("click", () => {
    const url = link();
    const out = $("tailor-output");
    out.hidden = false;
    out.value = url;
    out.select();
    navigator.clipboard?.writeText(url).then(() => hooks.say?.("Link copied.", true), () => hooks.say?.("The link is below.", true));
  });
  button.addEventListener("click", () => {
    list();
    dialog.showModal();
  });
  applyHidden([...hidden]);
  return { hidden: () => [...hidden], sync, link };
}
