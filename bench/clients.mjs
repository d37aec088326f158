// Load clients for the benchmarks: real Socket.IO clients (the browser's own
// library, socket.io-client from npm) over WebSocket, many in one Node process so
// that the load generator costs little CPU next to the server it measures.
//
//   node bench/clients.mjs run      URL N SECONDS       N sessions running at full speed
//   node bench/clients.mjs latency  URL COUNT           one session: step -> frame times
//   node bench/clients.mjs room     URL N SECONDS STEPS a presenter and N students
//   (room: STALLED=k adds k students whose devices stop reading after their first frame)
//   node bench/clients.mjs sweep    URL N SECONDS       N running sessions, then the same
//                                                       with a long sweep in another session
//   node bench/clients.mjs sweeptime URL JSON           time each sweep of JSON (a list of
//                                                       `sweep` payloads) on its own
//
//   run and room take NET, a JSON `configure` payload for every running session (default
//   {"hidden": [1]}: a 2-1-1 net never learns XOR, so its run goes on), and LEVEL, the speed.
//   Frames are MessagePack blobs, decoded as the page does; each client counts the bytes
//   its TCP socket read (everything the server sent it, WebSocket framing and pings included).
//
// Prints one JSON object on stdout.
import { decode } from "@msgpack/msgpack";
import { io } from "socket.io-client";

const [mode, url, a, b, c] = process.argv.slice(2);
const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// `setup(socket)` registers the handlers before the connection opens: the first frame
// can arrive in the same read as the connect packet, and a frame nobody acknowledges
// stops that client's frames for good (one frame in flight).
function connect(auth, setup = () => {}) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ["websocket"], auth, reconnection: false,
                             forceNew: true, timeout: 20000 });
    setup(socket);
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

const call = (socket, event, data = {}) =>
  socket.timeout(20000).emitWithAck(event, data);

const NET = JSON.parse(process.env.NET ?? '{"hidden": [1]}');

/** Bytes the client's TCP socket has read so far (the WebSocket under socket.io-client). */
function bytesRead(socket) {
  const ws = socket.io.engine?.transport?.ws;
  return (ws?._socket ?? ws?.socket)?.bytesRead ?? 0;
}

/** A frame handler's state: frames, their blob sizes, and a mark of the socket's bytes. */
function counter() {
  return { frames: 0, sizes: [], mark: 0 };
}

function count(state, blob) {
  state.frames += 1;
  if (state.sizes.length < 20000) state.sizes.push(blob.byteLength);
  return decode(blob);
}

function percentile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

async function runMode(n, seconds) {
  const clients = [];
  for (let i = 0; i < n; i++) {
    const state = counter();
    state.socket = await connect({ session: null }, (socket) => {
      socket.on("frame", (blob, ack) => { state.last = count(state, blob); if (ack) ack(); });
    });
    clients.push(state);
  }
  for (const { socket } of clients) {
    const answer = await call(socket, "configure", NET);
    if (!answer.ok) throw new Error(`configure refused: ${answer.error}`);
    await call(socket, "speed", { level: Number(process.env.LEVEL ?? 8) });
  }
  await Promise.all(clients.map(({ socket }) => call(socket, "run")));
  await sleep(1000);
  const before = clients.map((s) => s.frames);
  clients.forEach((s) => { s.mark = bytesRead(s.socket); s.sizes = []; });
  const t0 = now();
  await sleep(seconds * 1000);
  const elapsed = (now() - t0) / 1000;
  const rates = clients.map((s, i) => (s.frames - before[i]) / elapsed);
  const kbps = clients.map((s) => (bytesRead(s.socket) - s.mark) / 1000 / elapsed);
  const running = clients.filter((s) => s.last?.running).length;
  await Promise.all(clients.map(({ socket }) => call(socket, "pause")));
  clients.forEach(({ socket }) => socket.close());
  return { rates, kbps, sizes: clients.flatMap((s) => s.sizes), running };
}

async function latencyMode(count) {
  let waiting = null;
  const socket = await connect({ session: null }, (s) => s.on("frame", (blob, ack) => {
    if (ack) ack();
    const frame = decode(blob);
    if (waiting && frame.step === waiting.step) { waiting.resolve(); waiting = null; }
  }));
  await call(socket, "speed", { level: 0 });
  const times = [];
  for (let i = 0; i < count; i++) {
    const start = now();
    const seen = new Promise((resolve) => { waiting = { step: i + 1, resolve }; });
    socket.emit("step", { unit: i % 3 ? "phase" : "pattern" }, (answer) => {
      if (!answer.ok) throw new Error(`step refused: ${answer.error}`);
    });
    await seen;
    times.push(now() - start);
    await sleep(40); // a person clicking fast; the server allows 30 commands a second
  }
  socket.close();
  return { times };
}

// Stop reading a client's socket (its device stalls): the server's sends back up.
function stall(socket) {
  const ws = socket.io.engine.transport.ws;
  (ws._socket ?? ws.socket)?.pause();
}

async function roomMode(n, seconds, steps, stalled = 0) {
  const presenter = await connect({ session: null },
    (s) => s.on("frame", (blob, ack) => { if (ack) ack(); }));
  await call(presenter, "configure", NET);
  const room = await call(presenter, "room_open");
  const students = [];
  for (let i = 0; i < n; i++) {
    const state = { ...counter(), step: -1, waiters: [] };
    state.socket = await connect({ room: room.code }, (socket) => socket.on("room_frame", (blob) => {
      const frame = count(state, blob);
      state.step = frame.step;
      state.waiters = state.waiters.filter((w) => (frame.step >= w.step ? (w.resolve(), false) : true));
    }));
    students.push(state);
  }
  const stalledSockets = [];
  for (let i = 0; i < stalled; i++) {
    let first;
    const arrived = new Promise((resolve) => { first = resolve; });
    const socket = await connect({ room: room.code }, (s) => s.once("room_frame", first));
    await arrived;
    stall(socket);
    stalledSockets.push(socket);
  }
  const reached = (state, step) => new Promise((resolve) => {
    if (state.step >= step) resolve(); else state.waiters.push({ step, resolve });
  });
  await Promise.all(students.map((s) => reached(s, 0)));
  const latencies = [];
  await call(presenter, "speed", { level: 0 });
  for (let i = 1; i <= steps; i++) {
    const start = now();
    const answer = await call(presenter, "step", { unit: "pattern" });
    if (!answer.ok) throw new Error(`step refused: ${answer.error}`);
    await Promise.all(students.map((s) => reached(s, answer.step).then(() => {
      latencies.push(now() - start);
    })));
    await sleep(40);
  }
  await call(presenter, "speed", { level: Number(process.env.LEVEL ?? 8) });
  await call(presenter, "run");
  await sleep(1000);
  const before = students.map((s) => s.frames);
  students.forEach((s) => { s.mark = bytesRead(s.socket); s.sizes = []; });
  const t0 = now();
  await sleep(seconds * 1000);
  const elapsed = (now() - t0) / 1000;
  const rates = students.map((s, i) => (s.frames - before[i]) / elapsed);
  const kbps = students.map((s) => (bytesRead(s.socket) - s.mark) / 1000 / elapsed);
  await call(presenter, "pause");
  students.forEach(({ socket }) => socket.close());
  stalledSockets.forEach((socket) => socket.close());
  presenter.close();
  return { code: room.code, latencies, rates, kbps, sizes: students.flatMap((s) => s.sizes) };
}

// A session that runs sweeps: resolves `until(state)` when a frame shows the sweep in it.
async function sweeper() {
  const me = { view: null, waiters: [], bytes: 0 };
  me.socket = await connect({ session: null }, (socket) => socket.on("frame", (blob, ack) => {
    if (ack) ack();
    const frame = decode(blob);
    if (!frame.sweep) return;
    me.view = frame.sweep;
    me.bytes = Math.max(me.bytes, JSON.stringify(frame.sweep).length);
    me.waiters = me.waiters.filter((w) => (w.test(frame.sweep) ? (w.resolve(frame.sweep), false) : true));
  }));
  me.until = (test) => new Promise((resolve) => {
    if (me.view && test(me.view)) resolve(me.view); else me.waiters.push({ test, resolve });
  });
  return me;
}

async function startRunning(n) {
  const clients = [];
  for (let i = 0; i < n; i++) {
    const state = { frames: 0 };
    state.socket = await connect({ session: null }, (socket) => {
      socket.on("frame", (blob, ack) => { state.frames += 1; if (ack) ack(); });
    });
    await call(state.socket, "configure", NET);
    await call(state.socket, "speed", { level: Number(process.env.LEVEL ?? 8) });
    clients.push(state);
  }
  await Promise.all(clients.map(({ socket }) => call(socket, "run")));
  await sleep(1000);
  return clients;
}

async function measureRates(clients, seconds) {
  const before = clients.map((s) => s.frames);
  const t0 = now();
  await sleep(seconds * 1000);
  const elapsed = (now() - t0) / 1000;
  return clients.map((s, i) => (s.frames - before[i]) / elapsed);
}

async function sweepMode(n, seconds) {
  const clients = await startRunning(n);
  const alone = await measureRates(clients, seconds);
  const me = await sweeper();
  const request = { nets: 5000, epochs: 20000, compare: { eta: 2.0 } };
  const answer = await call(me.socket, "sweep", request);
  if (!answer.ok) throw new Error(`sweep refused: ${answer.error}`);
  await me.until((v) => v.state === "running" && v.arms[0].finished > 0);
  const finished0 = me.view.arms.reduce((t, a) => t + a.finished, 0);
  const t0 = now();
  const during = await measureRates(clients, seconds);
  const nets = me.view.arms.reduce((t, a) => t + a.finished, 0) - finished0;
  const netsPerSecond = nets / ((now() - t0) / 1000);
  const stillRunning = me.view.state === "running";
  const c0 = now();
  await call(me.socket, "sweep_cancel");
  await me.until((v) => v.state !== "running");
  const cancelMs = now() - c0;
  // a teacher's comparison beside the running sessions: how long it takes
  const w0 = now();
  const classic = await call(me.socket, "sweep", { nets: 500, compare: { eta: 2.0 } });
  if (!classic.ok) throw new Error(`sweep refused: ${classic.error}`);
  await me.until((v) => v.id === classic.sweep && v.state === "done");
  const classicMs = now() - w0;
  // a sweep whose arm B has a shape nobody compiled yet (numba compiles it in the command's
  // thread): the running sessions' frames over a window that holds the whole compile
  const layout = (process.env.NEW_LAYOUT ?? "7,5").split(",").map(Number);
  const window = measureRates(clients, seconds);
  await sleep(1000);
  const c1 = now();
  const compiled = await call(me.socket, "sweep", { nets: 10, compare: { hidden: layout } });
  if (!compiled.ok) throw new Error(`sweep refused: ${compiled.error}`);
  const compileMs = now() - c1;
  const compiling = await window;
  await Promise.all(clients.map(({ socket }) => call(socket, "pause")));
  clients.forEach(({ socket }) => socket.close());
  me.socket.close();
  return { alone, during, netsPerSecond, stillRunning, cancelMs, classicMs, compileMs, compiling };
}

async function sweepTimeMode(requests) {
  const me = await sweeper();
  const results = [];
  for (const request of requests) {
    me.bytes = 0;
    const t0 = now();
    const answer = await call(me.socket, "sweep", request);
    if (!answer.ok) throw new Error(`sweep refused: ${answer.error}`);
    const done = await me.until((v) => v.id === answer.sweep && v.state === "done");
    results.push({ request, ms: now() - t0, bytes: me.bytes,
                   arms: done.arms.map((a) => ({ label: a.label, changes: a.changes, converged: a.converged,
                                                 stuck: a.stuck, median: a.median, net_epochs: a.net_epochs })) });
  }
  me.socket.close();
  return { results };
}

const modes = {
  run: () => runMode(Number(a), Number(b)),
  latency: () => latencyMode(Number(a)),
  room: () => roomMode(Number(a), Number(b), Number(c), Number(process.env.STALLED ?? 0)),
  sweep: () => sweepMode(Number(a), Number(b)),
  sweeptime: () => sweepTimeMode(JSON.parse(a)),
};
modes[mode]().then((result) => {
  // exit only once the (possibly long) output has been flushed to the pipe
  process.stdout.write(JSON.stringify(result) + "\n", () => process.exit(0));
}).catch((error) => {
  process.stderr.write(`clients: ${error?.message ?? error}\n`);
  process.exit(1);
});
