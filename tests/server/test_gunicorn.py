"""The production recipe from the README: gunicorn, one worker, many threads."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from live_support import LiveClient, eventually

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow  # a gunicorn process

#: The README's recipe, with the port and the database left to the test.
RECIPE = ["-w", "1", "--threads", "64", "--no-control-socket", "app.web:create_app()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_the_page_and_streams_frames(tmp_path: Path) -> None:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    assert gunicorn is not None, "gunicorn is a test dependency (pyproject.toml)"
    port = free_port()
    proc = subprocess.Popen([gunicorn, "-b", f"127.0.0.1:{port}", *RECIPE], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path),
                                 "PYTHONPATH": str(ROOT)})
    url = f"http://127.0.0.1:{port}"
    client = None
    try:
        answers: list = []

        def serving() -> bool:  # a process we started: no event to await, so poll
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
            with urllib.request.urlopen(url + "/", timeout=2) as page:
                answers.append((page.status, page.headers))
            return True

        eventually(serving, timeout=60, every=0.1)
        status, headers = answers[-1]
        assert status == 200 and "Content-Security-Policy" in headers
        client = LiveClient(url)
        first = client.frame()
        step = client.call("step", {"unit": "epoch"})
        assert step["ok"]
        after = client.frame(lambda f: f["step"] == step["step"], after=first["seq"])
        assert after["epoch"] == 1
    finally:
        if client is not None:
            client.close()
        proc.terminate()
        proc.wait(20)
        proc.stderr.close()
