"""Past one process: a room followed from a second server process through a real Redis.

Starts `redis-server` on a loopback port and two `backprop-xor serve` processes
joined by `--message-queue`; the presenter talks to one, the students to the
other. Skipped (failing under CI=true) when redis-server is not installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import socketio
from live_support import WAIT, LiveClient, _in_order, close_client, eventually, free_port

from app.web.wire import read_frame

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow  # a redis-server and two server processes






@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed (CI installs it: .ci/run)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def ping() -> bool:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")

    try:
        eventually(ping, timeout=60)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


def serve(redis_url: str, tmp_path: Path, name: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port), "--message-queue", redis_url,
         "--database", str(tmp_path / f"{name}.sqlite3")],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    eventually(lambda: urllib.request.urlopen(url + "/healthz", timeout=1).status == 200,
               timeout=60)
    return proc, url


def test_students_on_another_process_follow_the_room(redis_url: str, tmp_path: Path) -> None:
    procs = []
    presenter = student = None
    try:
        a, url_a = serve(redis_url, tmp_path, "a")
        procs.append(a)
        b, url_b = serve(redis_url, tmp_path, "b")
        procs.append(b)
        presenter = LiveClient(url_a)
        presenter.sio.on("room_status", lambda data: presenter._on_event("room_status", data))
        presenter.frame()
        opened = presenter.call("room_open")
        assert opened["ok"], opened
        frames: list[dict] = []
        student = _in_order(socketio.Client(reconnection=False))
        seen = presenter.cond  # any condition will do to wait on the student's frames
        hello: list[dict] = []

        def on_frame(blob: bytes) -> None:
            with seen:
                frames.append(read_frame(blob))
                seen.notify_all()

        student.on("room_frame", on_frame)
        student.on("room_hello", lambda data: on_hello(data))

        def on_hello(data: dict) -> None:
            with seen:
                hello.append(data)
                seen.notify_all()

        student.connect(url_b, transports=["websocket"], auth={"room": opened["code"]},
                        wait_timeout=WAIT)
        with seen:
            assert seen.wait_for(lambda: bool(frames) and bool(hello), WAIT)
        assert hello[0]["code"] == opened["code"]
        for unit in ("phase", "pattern", "epoch"):
            step = presenter.call("step", {"unit": unit})["step"]
            mine = presenter.frame(lambda f, step=step: f["step"] == step)
            with seen:
                assert seen.wait_for(lambda step=step: frames[-1]["step"] == step, WAIT)
                theirs = frames[-1]
            for key in ("epoch", "pattern", "phase", "weights", "trace", "truth", "loss"):
                assert theirs[key] == mine[key], key
        # the presenter's seed sweep crosses Redis too: the same view, results and all
        assert presenter.call("sweep", {"nets": 30, "epochs": 3000, "compare": {"eta": 2.0}})["ok"]
        done = presenter.frame(lambda f: (f["sweep"] or {}).get("state") == "done")["sweep"]
        with seen:
            assert seen.wait_for(lambda: any((f["sweep"] or {}).get("state") == "done"
                                             for f in frames), WAIT)
            theirs = next(f["sweep"] for f in frames if (f["sweep"] or {}).get("state") == "done")
        assert theirs == done
        # the presenter's process counts the student connected to the other one
        presenter.wait(lambda: _viewers(presenter) == 1)
        # a student on the other process may not drive the room either
        refused = student.call("step", {"unit": "epoch"}, timeout=WAIT)
        assert refused["ok"] is False and refused["field"] == "viewer"
        answer = student.call("room_fork", {}, timeout=WAIT)
        assert answer["ok"] is True  # the fork is made from the snapshot that crossed Redis
    finally:
        if student is not None:
            close_client(student)
        if presenter is not None:
            presenter.close()
        for proc in procs:
            proc.terminate()
            proc.wait(15)


def _viewers(client: LiveClient) -> int:
    statuses = [data for name, data in client.events if name == "room_status"]
    return statuses[-1]["viewers"] if statuses else -1
