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
