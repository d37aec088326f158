// The connection to the server (docs/protocol.md): one Socket.IO client per tab, the session
// id kept in sessionStorage, frames acknowledged at once (the server sends the next only
// after the ack), commands as promises of their acknowledgement.

const SESSION_KEY = "backprop-xor-session";
const COMMAND_TIMEOUT_MS = 10000;

/**
 * Connect with `io` (the socket.io-client function). Handlers: hello(h), frame(f),
 * takenOver(), connection(state, detail) with state "connected" | "disconnected" | "error".
 * Returns {command(name, payload) -> Promise<reply>, socket}.
 */
export function connect(io, handlers, storage = globalThis.sessionStorage) {
  const socket = io({
    transports: ["websocket"],
    // a function, so every reconnect presents the newest session id
    auth: (cb) => cb({ session: storage?.getItem(SESSION_KEY) ?? null }),
  });
  socket.on("hello", (hello) => {
    storage?.setItem(SESSION_KEY, hello.session);
    handlers.hello?.(hello);
  });
  socket.on("frame", (frame, ack) => {
    handlers.frame?.(frame);
    if (typeof ack === "function") ack();
  });
  socket.on("taken_over", () => handlers.takenOver?.());
  socket.on("error", (error) => handlers.error?.(error));
  socket.on("connect", () => handlers.connection?.("connected"));
  socket.on("disconnect", (reason) => handlers.connection?.("disconnected", reason));
  socket.on("connect_error", (error) => handlers.connection?.("error", error?.message ?? String(error)));

  /** Send a command; resolves with the server's reply ({ok: false, error} on timeout). */
  function command(name, payload = {}) {
    return new Promise((resolve) => {
      socket.timeout(COMMAND_TIMEOUT_MS).emit(name, payload, (err, reply) => {
        if (err) resolve({ ok: false, error: `${name}: no answer from the server` });
        else resolve(reply ?? { ok: false, error: `${name}: empty answer` });
      });
    });
  }
  return { socket, command };
}
