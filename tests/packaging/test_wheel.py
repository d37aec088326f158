"""The built wheel carries the page: templates, static, the npm-vendored Socket.IO client and
the page's esbuild bundle (static/dist), which it serves.

Builds the wheel with `python -m build`, installs it (without dependencies) into a fresh
virtual environment that borrows this environment's third-party packages through a .pth
line, starts `backprop-xor serve` from a directory outside the checkout and fetches the
page and its files over HTTP. Slow (a build and a venv): marked `slow`.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from app.engine import kernel_cache

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, bytes]:
    """Status and body of a GET."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def test_installed_wheel_serves_the_page_with_its_vendor_files(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    wheel = next(dist.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("app/templates/index.html", "app/static/js/main.js", "app/static/css/app.css",
                   "app/static/vendor/socket.io.esm.min.js", "app/static/dist/manifest.json",
                   "app/lessons/momentum.json", "app/lessons/derivation.json"):
        assert needed in names, f"{needed} is not in {wheel.name}"
    manifest = json.loads(zipfile.ZipFile(wheel).read("app/static/dist/manifest.json"))
    for name in manifest["files"].values():
        for suffix in ("", ".br", ".gz", ".map"):
            assert f"app/static/dist/{name}{suffix}" in names, f"{name}{suffix} is not in the wheel"
    assert not any(n.startswith(("node_modules/", "static/", "templates/")) for n in names)

    venv = tmp_path / "venv"
    # no pip of its own (seconds to install): this environment's pip installs into it
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=300)
    python = venv / "bin" / "python"
    # dependencies come from this environment; a .pth in a site dir adds its path but does
    # not run that dir's own .pth files, so the editable checkout stays invisible
    purelib = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    (purelib / "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", str(wheel)], check=True, timeout=300)
    where = subprocess.run([str(python), "-c", "import app; print(app.__file__)"], cwd=tmp_path,
                           check=True, capture_output=True, text=True).stdout
    assert str(venv) in where, f"app imported from {where}, not the installed wheel"

    port = free_port()
    # the kernels its warm-up compiles: from this install's disk cache (the page is what is
    # tested here; compiling them afresh would only take seconds of CPU from the other tests)
    cache = kernel_cache.cache_root()
    env = {**os.environ, "BACKPROP_XOR_KERNEL_CACHE": str(cache) if cache else ""}
    server = subprocess.Popen([str(venv / "bin" / "backprop-xor"), "serve", "--port", str(port)],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, page = fetch(f"{base}/")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert status == 200
        html = page.decode()
        assets = re.findall(r'(?:src|href)="((?:static|assets)/[^"]+)"', html)
        assert assets == [f"assets/{manifest['files']['app.css']}",
                          f"assets/{manifest['files']['app.js']}"], "the page links the bundle"
        for asset in [*assets, "static/js/main.js", "static/vendor/socket.io.esm.min.js"]:
            status, body = fetch(f"{base}/{asset}")
            assert status == 200 and body, asset
        bundle = fetch(f"{base}/{assets[1]}")[1].decode()
        assert "socket.io" in bundle.lower(), "the Socket.IO client is bundled in"
        main = fetch(f"{base}/static/js/main.js")[1].decode()
        assert '"../vendor/socket.io.esm.min.js"' in main
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()
