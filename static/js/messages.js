// The page's one place for messages to the person at the keyboard: what a command did or why
// it was refused. Every panel reports through a `say` it is given; none writes the element.

/**
 * Messages into `element` (an ARIA alert). Returns say(text, ok = false): ok styles it as a
 * success; an empty text clears it.
 */
export function createMessages(element) {
  return function say(text, ok = false) {
    element.textContent = text ?? "";
    element.classList.toggle("ok", Boolean(ok && text));
  };
}

/**
 * A "working on it" note over `element`'s box (the network while a new shape compiles): shown
 * only when the work takes longer than `after` ms, so quick commands do not flicker. Returns
 * run(text, promise) -> the promise.
 */
export function createBusy(element, after = 150) {
  let pending = 0;
  return async function run(text, promise) {
    pending += 1;
    const timer = setTimeout(() => {
      element.textContent = text;
      element.hidden = false;
    }, after);
    try {
      return await promise;
    } finally {
      clearTimeout(timer);
      pending -= 1;
      if (!pending) element.hidden = true;
    }
  };
}
