// The bar that says when this tab no longer drives its session, and offers the way back: the
// session moved to another tab (taken_over), or the server closed the connection (it does not
// reconnect by itself then). The page's commands stop meanwhile instead of timing out.
import { scoped } from "./dom.js";

/**
 * The bar in `root` (#session-bar). `reconnect()` opens a new connection with this tab's
 * session id (which takes the session back from another tab). Returns {movedAway(), closed(
 * reason), connected(), get detached}.
 */
export function createSessionBar(root, { reconnect }) {
  const $ = scoped(root);
  const [text, button] = [$("session-text"), $("session-reconnect")];
  let detached = false;
  const show = (words, action) => {
    detached = true;
    text.textContent = words;
    button.textContent = action;
    root.hidden = false;
  };
  button.addEventListener("click", () => {
    button.disabled = true;
    reconnect();
  });
  return {
    /** Another tab presented this session's id: it drives the session now. */
    movedAway: () => show("This session moved to another tab: that tab drives the network now, this one is stopped.", "Take it back here"),
    /** The server closed the connection and said why (or not). */
    closed: (reason) => show(`The server closed the connection${reason ? `: ${reason}` : ""}.`, "Reconnect"),
    /** A new connection is up: the bar goes. */
    connected() {
      detached = false;
      root.hidden = true;
      button.disabled = false;
    },
    get detached() { return detached; },
  };
}
