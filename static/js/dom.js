// Small DOM helpers shared by the page's panels. Every panel gets its root element and finds
// its parts inside it (never elsewhere in the document), so no module writes into another's DOM.

/**
 * `$` for the elements with an id inside `root`: `$("run")` is `root`'s #run. A missing
 * element throws at once, naming it, instead of failing later as `null.textContent`.
 */
export function scoped(root) {
  return (id) => {
    const el = root.querySelector(`#${id}`);
    if (!el) throw new Error(`page: #${id} is missing inside ${root.id ? `#${root.id}` : root.nodeName}`);
    return el;
  };
}

/** An element with a class and text. */
export function el(tag, className = "", text = "") {
  return Object.assign(document.createElement(tag), { className, textContent: text });
}

/** Turn a page-wide mode on or off: a class on <html> the style sheet reads (projector, viewer...). */
export function setMode(name, on) {
  document.documentElement.classList.toggle(name, Boolean(on));
}
