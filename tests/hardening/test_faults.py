"""Faults: a client leaving mid-run, a Wi-Fi blip, a reconnect that beats the server's
notice of the drop. (A stalled client that never acknowledges frames keeps memory flat:
tests/server/test_flow.py::test_a_client_that_never_acks_keeps_memory_flat.)"""

from __future__ import annotations

import socket
import threading

from hardening_support import close_client, eventually
from live_support import LiveClient


def start_running(client: LiveClient) -> dict:
    client.frame()
    assert client.call("configure", {"hidden": [1]})["ok"]  # XOR never converges: runs on
    assert client.call("speed", {"level": 8})["ok"]
    assert client.call("run")["ok"]
    return client.frame(lambda f: f["running"] and f["epoch"] > 20_000)




def test_a_client_leaving_mid_run_pauses_its_session_and_others_run_on(live) -> None:
    leaving, staying = live.client(), live.client()
    start_running(leaving)
    start_running(staying)
    session = live.registry.get(leaving.hello["session"])
    threads = threading.active_count()
    leaving.close()
    eventually(lambda: not session.running and session.sid is None)
    assert session._resume and session.detached_at is not None
    epoch = session.trainer.epoch
    seq = staying.last_seq
    staying.frame(lambda f: f["epoch"] > 0, after=seq + 15)  # the other session runs on
    assert session.trainer.epoch == epoch  # paused while nobody watches
    eventually(lambda: threading.active_count() < threads)  # its runner and stream ended
    back = live.client(session=leaving.hello["session"])
    assert back.hello["resumed"] and back.hello["running"]
    assert back.frame(lambda f: f["running"] and f["epoch"] > epoch + 1000)["running"]


def test_a_wifi_blip_resumes_the_run(live) -> None:
    client = live.client()
    before = start_running(client)
    session_id = client.hello["session"]
    # the link dies: no close frame, no FIN the server could act on at once
    client.sio.eio.ws.sock.shutdown(socket.SHUT_RDWR)
    close_client(client.sio)
    again = LiveClient(live.url, session=session_id)
    live.clients.append(again)
    assert again.hello["resumed"] and again.hello["session"] == session_id
    again.frame(lambda f: f["running"] and f["epoch"] > before["epoch"])
    # the whole curve came back, from the run's start
    assert again.series[0][0] < before["epoch"] / 100 <= again.series[-1][0]
    eventually(lambda: len(live.registry.connections()) == 1)
    assert len(live.registry) == 1


def test_a_reconnect_that_beats_the_drop_takes_the_session_over(live) -> None:
    old = live.client()
    start_running(old)
    new = live.client(session=old.hello["session"])  # the old link is still "up"
    assert new.hello["resumed"]
    old.wait(lambda: any(name == "taken_over" for name, _ in old.events))
    assert new.frame(lambda f: f["running"])["running"]
    eventually(lambda: len(live.registry.connections()) == 1)
    assert new.call("pause")["ok"]
