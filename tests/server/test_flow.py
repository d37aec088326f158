"""Flow control under load: a stalled client costs nothing, many running sessions all get frames
(the figures under load, 50 running sessions and more: bench/stream.py)."""

from __future__ import annotations

import json
import resource
import socket

import pytest
import websocket
from live_support import eventually

from app.engine import Trainer, TrainingConfig
from app.sessions import CAPACITY, EXPORT_FORMAT
from app.web import socketio


def rss_mb() -> float:
    """This process's resident memory in MB (Linux: /proc)."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def connection_of(live, session_id: str):
    """(sid, session, stream) of the connection driving `session_id`."""
    return next(c for c in live.registry.connections() if c[1].id == session_id)


def queued_packets(sid: str) -> int:
    """Packets waiting in engine.io's (unbounded) queue for connection `sid`."""
    server = socketio.server
    eio_sid = server.manager.eio_sid_from_sid(sid, "/")
    return server.eio.sockets[eio_sid].queue.qsize()


@pytest.mark.slow
def test_a_client_that_never_acks_keeps_memory_flat(live) -> None:
    stalled = live.client(ack=False)
    stalled.frame()
    healthy = live.client()
    healthy.frame()
    for client in (stalled, healthy):
        assert client.call("configure", {"hidden": [1]})["ok"]
        assert client.call("speed", {"level": 8})["ok"]
    sid, session, stream = connection_of(live, stalled.hello["session"])
    before = rss_mb()
    assert stalled.call("run")["ok"] and healthy.call("run")["ok"]
    epoch = session.trainer.epoch
    peak_queue = 0
    # a few seconds of running, measured by the healthy client's frames (about 30/s)
    for count in range(10, 90, 10):
        healthy.wait(lambda count=count: len(healthy.frames) >= count)
        peak_queue = max(peak_queue, queued_packets(sid))
    assert session.running and session.trainer.epoch > epoch + 100_000
    assert stream.in_flight and stream.frames_sent == 1  # the first frame, never acknowledged
    assert len(stalled.frames) == 1
    assert peak_queue <= 2
    assert rss_mb() - before < 20
    assert stalled.call("pause")["ok"]  # still responsive to commands


#: Running sessions at once here: enough that they share the kernel pool's turns; the load
#: figure (50 running, >= 20 frames/s each, issue 3) is bench/stream.py's (docs/performance.md).
RUNNING = 8


@pytest.mark.slow
def test_many_running_sessions_all_receive_frames(live) -> None:
    clients = [live.client() for _ in range(RUNNING)]
    for client in clients:
        client.frame()
        assert client.call("configure", {"hidden": [1]})["ok"]
        assert client.call("speed", {"level": 8})["ok"]
    marks = [client.last_seq for client in clients]
    for client in clients:
        assert client.call("run")["ok"]
    for client, seq in zip(clients, marks, strict=True):
        client.frame(lambda f: f["running"] and f["epoch"] > 10_000, after=seq, timeout=30)
    counts = [len(c.frames) for c in clients]
    for client, count in zip(clients, counts, strict=True):
        client.wait(lambda client=client, count=count: len(client.frames) >= count + 10,
                    timeout=30)
    assert len(live.registry) == RUNNING
    for client in clients:
        assert client.call("pause")["ok"]


def big_state() -> dict:
    """An export of a long run (about 300 KB of JSON): what the issue's client re-exported."""
    trainer = Trainer(TrainingConfig(hidden=(8, 8, 8)))
    state = {**trainer.state(), "format": EXPORT_FORMAT, "speed": 0}
    state["history"] = {"width": 2**20, "points": [
        [i * 2**20 + 5, 0.123456789012345, 0.223456789012345, 0.173456789012345]
        for i in range(CAPACITY)]}
    return state


def raw_client(url: str, session: str | None = None) -> tuple[websocket.WebSocket, str]:
    """A WebSocket that reads its hello and then can stop reading (a tiny receive buffer)."""
    ws = websocket.create_connection(
        url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket", timeout=10,
        sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
    assert ws.recv().startswith("0")
    ws.send("40" + json.dumps({"session": session}))
    while True:
        message = ws.recv()
        if message.startswith('42["hello"'):
            return ws, json.loads(message[2:])[1]["session"]


def test_a_client_that_stops_reading_is_closed_past_the_byte_cap(make_live) -> None:
    cap = 1024 * 1024  # above a reconnect's first frame (~370 KB here) plus one export
    live = make_live(MAX_QUEUED_BYTES=cap, COMMAND_RATE=0)
    ws, session_id = raw_client(live.url)
    ws.send("420" + json.dumps(["import", {"state": big_state()}]))
    bystander = live.client()
    bystander.frame()
    flow = live.app.extensions["backprop_flow"]
    sent = 0
    try:  # export after export, reading nothing: each answer is ~300 KB
        while flow.closed == 0 and sent < 400:
            sent += 1
            ws.send(f"42{sent}" + json.dumps(["export", {}]))
    except (websocket.WebSocketException, OSError):
        pass  # the server closed the connection under us
    eventually(lambda: flow.closed == 1)
    ws.close(timeout=0.05)
    session = live.registry.get(session_id)
    eventually(lambda: session.sid is None)  # detached, kept for its grace period
    queues = [s.queue for s in socketio.server.eio.sockets.values()]
    assert all(q.bytes <= cap for q in queues)
    assert bystander.call("step", {"unit": "epoch"})["ok"]  # nobody else noticed
    back = live.client(session=session_id)
    assert back.hello["resumed"] and "more than 1 MB waited" in back.hello["notice"]
    assert back.call("export")["state"]["history"]["width"] == 2**20  # the import is kept
    again = live.client(session=session_id)
    assert "notice" not in again.hello  # said once


def test_a_binary_event_goes_into_the_queue_whole_whatever_other_threads_send() -> None:
    """A frame is a text header then its attachment: a packet another thread queued between
    them would reach the client as the attachment (the nginx test caught it in a room)."""
    import threading

    from engineio import packet as eio

    from app.web.flow import MeteredQueue, binary_attachments
    from app.web.transport import TextPacket

    frame = TextPacket(2, data=["room_frame", b"\x81\xa1a\x01"]).encode()
    header, blob = (eio.Packet(eio.MESSAGE, part) for part in frame)
    assert binary_attachments(header) == 1 and binary_attachments(blob) == 0
    other = eio.Packet(eio.MESSAGE, '2["room_status",{}]')
    assert binary_attachments(other) == 0
    q = MeteredQueue(cap=1 << 20, on_overflow=lambda q: None)
    header_in, other_in = threading.Event(), threading.Event()

    def sender() -> None:
        q.put(header)
        header_in.set()
        other_in.wait(10)
        q.put(blob)

    thread = threading.Thread(target=sender)
    thread.start()
    assert header_in.wait(10)
    q.put(other)  # another thread, between the header and its attachment
    other_in.set()
    thread.join(10)
    order = [q.get_nowait() for _ in range(3)]
    assert order == [other, header, blob]  # the frame whole, after what came in between
    assert q.bytes == 0 and q.empty()
