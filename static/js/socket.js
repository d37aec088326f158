// The connection to the server (docs/protocol.md): one Socket.IO client per tab. As a tab of
// its own, the session id is kept in sessionStorage and frames are acknowledged at once (the
// server sends the next only after the ack); commands are promises of their acknowledgement.
// As a student following a room, the tab presents the room's code and its viewer id instead,
// and receives `room_frame`s (no ack: the server skips a student whose connection is behind).

import { decodeFrame } from "./binary.js";

export const SESSION_KEY = "backprop-xor-session";
export const VIEWER_KEY = "backprop-xor-viewer";
const COMMAND_TIMEOUT_MS = 10000;

/** The identity the server issued this tab in `room` ({viewer, secret}), or null. Pure. */
export function keptIdentity(storage, room) {
  try {
    const kept = JSON.parse(storage?.getItem(VIEWER_KEY) ?? "null");
    return kept?.room === room && kept.viewer && kept.secret ? kept : null;
  } catch {
    return null; // an older page kept a bare id: the server issues a new identity
  }
}

/**
 * The `auth` a connection presents: {room, viewer, secret, name, watch} for a room (the identity
 * the server issued, kept like the session id; `watch` for a fork's light connection), else
 * {session}. Pure.
 */
export function authFor(mode, storage) {
  if (mode?.room) {
    const kept = keptIdentity(storage, mode.room);
    return { room: mode.room, viewer: kept?.viewer ?? null, secret: kept?.secret ?? null, name: mode.name || null, watch: Boolean(mode.watch) };
  }
  return { session: storage?.getItem(SESSION_KEY) ?? null };
}

/**
 * Connect with `io` (the socket.io-client function), as `mode` ({} for the tab's own session,
 * {room: CODE, name} to follow a room). Handlers: hello(h), frame(f), roomHello(h),
 * roomStatus(s) (acknowledged), roomMeta(m), roomLink({up, message}), takenOver(), error(e), connection(state, detail) with state "connected" |
 * "disconnected" | "error". Returns {command(name, payload) -> Promise<reply>, close(), socket}.
 */
export function connect(io, handlers, storage = globalThis.sessionStorage, mode = {}) {
  const socket = io({
    transports: ["websocket"],
    forceNew: true, // a fork or "back to live" opens a fresh connection with new auth
    // a function, so every reconnect presents the newest session or viewer id
    auth: (cb) => cb(authFor(mode, storage)),
  });
  socket.on("hello", (hello) => {
    storage?.setItem(SESSION_KEY, hello.session);
    handlers.hello?.(hello);
  });
  socket.on("frame", (blob, ack) => {
    handlers.frame?.(decodeFrame(blob)); // a MessagePack blob (binary.js)
    if (typeof ack === "function") ack();
  });
  socket.on("room_hello", (hello) => {
    if (hello?.viewer) storage?.setItem(VIEWER_KEY, JSON.stringify({ room: hello.code, viewer: hello.viewer, secret: hello.secret }));
    handlers.roomHello?.(hello);
    if (hello?.link) handlers.roomLink?.(hello.link);
  });
  // {up, message}: the link between server processes was lost (the room goes on here) or is back
  socket.on("room_link", (link) => handlers.roomLink?.(link));
  socket.on("room_frame", (blob) => handlers.frame?.(decodeFrame(blob)));
  socket.on("room_status", (status, ack) => {
    handlers.roomStatus?.(status);
    if (typeof ack === "function") ack(); // the room shows the presenter online while we answer
  });
  socket.on("room_meta", (meta) => handlers.roomMeta?.(meta)); // a fork's light connection
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
  return { socket, command, close: () => socket.disconnect() };
}
