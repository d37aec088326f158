"""Flow control under load: a stalled client costs nothing, many running sessions all get frames."""

from __future__ import annotations

import resource

import pytest

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


@pytest.mark.slow
def test_fifty_running_sessions_all_receive_frames(live) -> None:
    clients = [live.client() for _ in range(50)]
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
    assert len(live.registry) == 50
    for client in clients:
        assert client.call("pause")["ok"]
