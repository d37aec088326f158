"""Processes the tests start: `backprop-xor serve`, a real redis-server, a real nginx.

Each is started on loopback ports from a config made here, waited for by polling
(a process we started announces nothing), and stopped by its own pid.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from live_support import BASE_WAIT, deadline, eventually, free_port

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).with_name("backprop-xor")


def build_bundle() -> bool:
    """Build the page's bundle from the current sources (`npm run build`: static/vendor and
    static/dist); False when npm or esbuild is missing (then the server falls back to the
    modules, or an older bundle, with a warning)."""
    npm = shutil.which("npm")
    if npm is None or not (ROOT / "node_modules" / "esbuild").is_dir():
        return False
    subprocess.run([npm, "run", "--silent", "build", "--", "--quiet"], cwd=ROOT, check=True,
                   timeout=120)
    return True


def need(program: str, package: str) -> str:
    """The path of `program`; skip the test without it (fail under CI, which installs it)."""
    path = shutil.which(program) or (f"/usr/sbin/{program}" if Path(f"/usr/sbin/{program}")
                                     .exists() else None)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{program} is not installed (CI installs it: .ci/run)")
        pytest.skip(f"{program} is not installed (apt-get install {package})")
    return path


class ServerProcess:
    """`backprop-xor serve` in a subprocess; its output is collected line by line."""

    def __init__(self, *args: str, port: int | None = None, env: dict[str, str] | None = None):
        self.port = port or free_port()
        # its own database unless the test names one: never the checkout's instance folder,
        # which a developer's own server and the other test workers' servers would share
        self._folder = None if "--database" in args else tempfile.TemporaryDirectory()
        if self._folder is not None:
            args = (*args, "--database", str(Path(self._folder.name) / "sessions.sqlite3"))
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self.proc = subprocess.Popen(
            [str(CLI), "serve", "--port", str(self.port), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.wait_for("serving on", timeout=60)
        self._wait_listening()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()

    @property
    def output(self) -> str:
        """Everything the server printed so far."""
        with self._cond:
            return "\n".join(self.lines)

    def wait_for(self, text: str, timeout: float = BASE_WAIT) -> str:
        """Wait until the server prints a line containing `text`; that line."""
        def found() -> str | None:
            return next((line for line in self.lines if text in line), None)

        with self._cond:
            assert self._cond.wait_for(lambda: found() or self.proc.poll() is not None,
                                       deadline(timeout)), f"no {text!r} in:\n{self.output}"
            line = found()
            assert line is not None, f"server exited ({self.proc.returncode}):\n{self.output}"
            return line

    def _wait_listening(self) -> None:
        try:  # polling a process we started: no event to await
            eventually(lambda: socket.create_connection(("127.0.0.1", self.port),
                                                        timeout=1).close() is None, BASE_WAIT)
        except AssertionError:
            raise AssertionError(f"server not listening:\n{self.output}") from None

    def _reap(self, timeout: float) -> int:
        status = self.proc.wait(timeout)
        self._reader.join(deadline())  # everything printed is in self.lines
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        if self._folder is not None:
            self._folder.cleanup()
        return status

    def kill(self) -> int:
        """SIGKILL: no chance to save anything; the exit status."""
        self.proc.kill()
        return self._reap(deadline())

    def terminate(self) -> int:
        """SIGTERM; the exit status."""
        self.proc.send_signal(signal.SIGTERM)
        return self._reap(30)

    def stop(self) -> None:
        """Make sure it is gone."""
        if self.proc.poll() is None:
            self.proc.kill()
        self._reap(deadline())


class RedisServer:
    """A real redis-server on a loopback port that a test can SIGKILL and restart."""

    def __init__(self, folder: Path) -> None:
        self.program = need("redis-server", "redis-server")
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        """Start (again, on the same port: nothing is kept, as after a crash)."""
        self.proc = subprocess.Popen(
            [self.program, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        eventually(self.ping, timeout=30)

    def ping(self) -> bool:
        """True when it answers PING."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")

    def kill(self) -> None:
        """SIGKILL: the broker is gone, with no goodbye to its clients."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(deadline())

    def stop(self) -> None:
        """Make sure it is gone."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(deadline())


def nginx_config(folder: Path, port: int, backends: list[int]) -> str:
    """The deployment recipe of docs/deployment.md, on loopback ports, with its files in
    `folder` (pid, logs, temporary files: nginx needs no root and no /etc then)."""
    servers = "\n".join(f"        server 127.0.0.1:{b};" for b in backends)
    return f"""daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;

    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}

    upstream backprop {{
        hash $remote_addr consistent;   # a tab and its reconnects reach the same process
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://backprop;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;            # with its port, as the browser sent it
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_read_timeout 1h;      # a WebSocket stays open for the whole lesson
            proxy_buffering off;        # frames go out as they come
        }}
    }}
}}
"""


class Nginx:
    """A real nginx (Debian's) started from `nginx_config` in a temporary folder."""

    def __init__(self, folder: Path, backends: list[int]) -> None:
        program = need("nginx", "nginx")
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = folder / "nginx.conf"
        config.write_text(nginx_config(folder, self.port, backends))
        self.log = folder / "error.log"
        self.proc = subprocess.Popen([program, "-c", str(config), "-p", str(folder)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            eventually(lambda: socket.create_connection(("127.0.0.1", self.port),
                                                        timeout=1).close() is None, timeout=30)
        except AssertionError:
            self.stop()
            raise AssertionError(f"nginx did not start: {self.errors()}") from None

    def errors(self) -> str:
        """nginx's error log so far."""
        return self.log.read_text() if self.log.exists() else ""

    def stop(self) -> None:
        """Stop it (SIGQUIT: graceful), by its pid."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(deadline())
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(deadline())
        if self.proc.stderr is not None:
            self.proc.stderr.close()
