"""Shared fixtures: the app, a Socket.IO test client, a live server on a loopback port;
and the quick loop's selection.

The numba kernels compile once per install and network shape (about a second each;
after that they load from the on-disk cache, `app.engine.kernel_cache`):
`warm_kernels` loads them up front so no test's timing depends on it.

`pytest --quick` (`./dev test --quick`) is the edit-test loop: it leaves out what
takes seconds per test, marked `slow` (by the test, or here, by rule: Hypothesis
property searches and tests on a live server, fixtures `live` and `make_live`) and
`browser` (Chromium). The full `./dev test` runs everything, on every core
(pytest-xdist, `-n`): each worker has its own app, live servers, Chromium, temporary
folders and block of ports (`live_support.free_port`); the page's bundle is built
once, before any worker starts (`pytest_sessionstart` below).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from live_support import LiveServer
from process_support import ROOT, build_bundle

from app.engine import Trainer, TrainingConfig
from app.web import create_app
from app.web import socketio as flask_socketio

#: Hidden layouts the server tests use; their kernels are compiled before any test.
WARM_LAYOUTS = ((2,), (1,), (3, 2))

#: Fixtures that start a live server (a thread serving real WebSocket clients): slow.
LIVE_FIXTURES = frozenset({"live", "make_live"})


def pytest_addoption(parser: Any) -> None:
    """`--quick`: run only the tests that are neither `slow` nor `browser`."""
    parser.addoption("--quick", action="store_true",
                     help="the edit-test loop: leave out tests marked slow or browser "
                     "(Hypothesis searches and live servers count as slow)")


def pytest_sessionstart(session: Any) -> None:
    """Rebuild the page's bundle (static/dist) from the current sources when browser tests
    may run, once, in the process that starts the run: the build replaces static/dist/
    whole, so no test may be reading it meanwhile (under pytest-xdist the workers start
    after this). `./dev test` has just built it (BACKPROP_XOR_BUNDLE_BUILT=1)."""
    config = session.config
    if hasattr(config, "workerinput") or config.getoption("--quick") \
            or os.environ.get("BACKPROP_XOR_BUNDLE_BUILT") == "1":
        return
    browser = ROOT / "tests" / "browser"
    here = Path(config.invocation_params.dir)
    targets = [(here / arg.split("::")[0]).resolve() for arg in config.args]
    if any(t == browser or t in browser.parents or browser in t.parents for t in targets):
        build_bundle()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Mark property searches and live-server tests `slow`, and run the slow and browser
    tests first; with --quick, deselect them (the browser folder's conftest marks its tests
    first)."""
    from hypothesis import is_hypothesis_test

    for item in items:
        function = getattr(item, "function", None)
        if (function is not None and is_hypothesis_test(function)) \
                or LIVE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    if not config.getoption("--quick"):
        # the tests that take seconds first, the quick ones last: the workers end together
        # (xdist's worksteal hands out the tail), not one still in a long test at the end
        items.sort(key=lambda item: not item.get_closest_marker("slow")
                   and not item.get_closest_marker("browser"))
        return
    keep, left_out = [], []
    for item in items:
        marks = {mark.name for mark in item.iter_markers()}
        (left_out if marks & {"slow", "browser"} else keep).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = keep


@pytest.fixture(scope="session")
def warm_kernels() -> None:
    """Compile the kernels of the layouts the tests use, once."""
    for hidden in WARM_LAYOUTS:
        trainer = Trainer(TrainingConfig(hidden=hidden))
        trainer.run(2, loss_every=1)
        trainer.truth_table()


@pytest.fixture
def make_app(warm_kernels: None, tmp_path: Any) -> Iterator[Callable[..., Any]]:
    """Build apps with extra config; their sessions are shut down after the test."""
    apps = []

    def build(**config: Any) -> Any:
        settings = {"TESTING": True, "WARM_UP": False, "SECRET_KEY": "test-secret"}
        settings.update(config)
        app = create_app(settings)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["backprop_sessions"].shutdown()


@pytest.fixture
def app(make_app: Callable[..., Any]) -> Any:
    """A test app with default settings."""
    return make_app()


@pytest.fixture
def client(app: Any) -> Any:
    """Flask's HTTP test client."""
    return app.test_client()


@pytest.fixture
def sock(app: Any) -> Iterator[Any]:
    """A Socket.IO test client (no transport: events and acks straight through the server)."""
    test_client = flask_socketio.test_client(app)
    yield test_client
    if test_client.is_connected():
        test_client.disconnect()


@pytest.fixture
def live(app: Any) -> Iterator[LiveServer]:
    """A live server for `app`; its clients are disconnected afterwards."""
    server = LiveServer(app)
    yield server
    server.close()


@pytest.fixture
def make_live(make_app: Callable[..., Any]) -> Iterator[Callable[..., LiveServer]]:
    """Live servers for apps with extra config."""
    servers: list[LiveServer] = []

    def build(**config: Any) -> LiveServer:
        server = LiveServer(make_app(**config))
        servers.append(server)
        return server

    yield build
    for server in servers:
        server.close()
