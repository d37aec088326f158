"""Several processes for real: rooms across a Redis outage, and nginx in front of two processes.

- A real redis-server is SIGKILLed under a live room and restarted: the room never
  dies, the students of the presenter's own process keep following, everyone is
  told the link is lost and then restored, and every student is back on the
  presenter's exact weights within seconds of Redis returning.
- A real nginx (the recipe of docs/deployment.md) in front of two `serve`
  processes joined by Redis: a presenter and students through nginx work as on one
  process, wherever nginx sends them.
"""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import socketio
from live_support import WAIT, LiveClient, Student, _in_order, close_client, deadline, eventually
from process_support import Nginx, RedisServer, ServerProcess

from app.web.wire import read_frame

pytestmark = pytest.mark.slow  # nginx, Redis and server processes

#: How long Redis stays dead (the issue's replay: 5 s; REDIS_OUTAGE=60 replays the longest
#: outage promised), and the promised resync after it returns.
OUTAGE = float(os.environ.get("REDIS_OUTAGE", "3"))
RESYNC = 20.0


def healthz(url: str) -> dict[str, Any]:
    """GET /healthz."""
    with urllib.request.urlopen(url + "/healthz", timeout=5) as answer:
        return json.load(answer)


@pytest.fixture
def redis(tmp_path: Path) -> Any:
    """A real redis-server on loopback."""
    server = RedisServer(tmp_path)
    yield server
    server.stop()


def serve(redis: RedisServer, tmp_path: Path, name: str, *options: str) -> ServerProcess:
    """`backprop-xor serve` joined to `redis`, with its own database."""
    return ServerProcess("--message-queue", redis.url, "--database",
                         str(tmp_path / f"{name}.sqlite3"), *options)


def link_events(client: Any) -> list[dict[str, Any]]:
    with client.cond:
        return [data for name, data in client.events if name == "room_link"]


def test_rooms_survive_a_redis_outage(redis: RedisServer, tmp_path: Path) -> None:
    a, b = serve(redis, tmp_path, "a"), serve(redis, tmp_path, "b")
    clients: list[Any] = []
    try:
        presenter = LiveClient(a.url)
        clients.append(presenter)
        for event in ("room_link", "room_status"):
            presenter.sio.on(event, lambda d, e=event: presenter._on_event(e, d))
        presenter.frame()
        opened = presenter.call("room_open")
        far, near = Student(b.url, opened["code"]), Student(a.url, opened["code"])
        clients += [far, near]
        step = presenter.call("step", {"unit": "epoch"})["step"]
        for student in (far, near):
            student.frame(lambda f, step=step: f["step"] == step)

        redis.kill()
        killed = time.monotonic()
        for client in (presenter, far, near):  # everyone is told
            client.wait(lambda c=client: any(not e["up"] for e in link_events(c)))
        assert "lost: reconnecting" in link_events(far)[0]["message"]
        eventually(lambda: "redis link" in [d["part"] for d in healthz(a.url)["degraded"]])
        # the room goes on inside each process: the presenter's own students follow
        step = presenter.call("step", {"unit": "epoch"})["step"]
        near.frame(lambda f: f["step"] == step)
        assert presenter.call("step", {"unit": "pattern"})["ok"]
        time.sleep(max(0.0, OUTAGE - (time.monotonic() - killed)))  # the outage itself

        redis.start()
        back = time.monotonic()
        target = presenter.call("step", {"unit": "phase"})["step"]
        mine = presenter.frame(lambda f: f["step"] == target)
        for student in (far, near):  # back on the presenter's exact weights
            theirs = student.frame(lambda f: f["step"] == target)
            assert theirs["weights"] == mine["weights"] and theirs["epoch"] == mine["epoch"]
        resynced = time.monotonic() - back
        assert resynced < deadline(RESYNC), resynced
        for client in (presenter, far):
            client.wait(lambda c=client: any(e["up"] for e in link_events(c)))
        assert "restored" in next(e for e in link_events(far) if e["up"])["message"]
        eventually(lambda: healthz(a.url)["ok"] and healthz(b.url)["ok"])
        # counts cross again, and a new student can join on the other process
        late = Student(b.url, opened["code"])
        clients.append(late)
        late.frame(lambda f: f["step"] == target)
        presenter.wait(lambda: any(d["viewers"] == 3 for n, d in presenter.events
                                   if n == "room_status"), timeout=RESYNC)
        print(f"\nRedis SIGKILLed for {OUTAGE:.0f} s: students back in sync "
              f"{resynced:.2f} s after it returned")
    finally:
        for client in clients:
            client.close()
        a.stop()
        b.stop()


def student_from(address: str, url: str, code: str) -> tuple[socketio.Client, list[dict]]:
    """A student connecting from loopback address `address` (nginx hashes on it)."""
    sock = socket.create_connection((url.split("//")[1].split(":")[0],
                                     int(url.rsplit(":", 1)[1])), timeout=10,
                                    source_address=(address, 0))
    frames: list[dict] = []
    sio = _in_order(socketio.Client(reconnection=False,
                                    websocket_extra_options={"socket": sock}))
    sio.on("room_frame", lambda blob: frames.append(read_frame(blob)))
    sio.connect(url, transports=["websocket"], auth={"room": code}, wait_timeout=WAIT)
    return sio, frames


def test_nginx_in_front_of_two_processes_works_as_one(redis: RedisServer,
                                                      tmp_path: Path) -> None:
    a = serve(redis, tmp_path, "a", "--proxy", "1")
    b = serve(redis, tmp_path, "b", "--proxy", "1")
    nginx = Nginx(tmp_path / "nginx", [a.port, b.port])
    students: list[socketio.Client] = []
    presenter = None
    try:
        presenter = LiveClient(nginx.url)
        presenter.sio.on("room_status", lambda s: presenter._on_event("room_status", s))
        presenter.frame()
        opened = presenter.call("room_open")
        assert opened["join_url"] == f"{nginx.url}/join/{opened['code']}"  # nginx's address
        feeds = []
        for n in range(2, 14):  # students from 12 addresses: nginx spreads them
            sio, frames = student_from(f"127.0.0.{n}", nginx.url, opened["code"])
            students.append(sio)
            feeds.append(frames)
        def counts() -> list[int]:
            return [healthz(a.url)["students"], healthz(b.url)["students"]]

        eventually(lambda: sum(counts()) == 12)  # each process counts its students as they join
        assert min(counts()) > 0, counts()  # both processes have students
        for unit in ("phase", "pattern", "epoch"):
            step = presenter.call("step", {"unit": unit})["step"]
            mine = presenter.frame(lambda f, step=step: f["step"] == step)
            eventually(lambda step=step: all(f and f[-1]["step"] == step for f in feeds))
            for frames in feeds:
                assert frames[-1]["weights"] == mine["weights"]
        presenter.wait(lambda: any(d["viewers"] == 12 for n, d in presenter.events
                                   if n == "room_status"))
        assert healthz(nginx.url)["ok"]
    finally:
        for sio in students:
            close_client(sio)
        if presenter is not None:
            presenter.close()
        nginx.stop()
        a.stop()
        b.stop()
