"""Fixtures for the page in real Chromium (Debian's package) driven by Playwright for Python.

The browser is Chromium's headless build, `chromium-headless-shell` (Debian's package of it;
Playwright's own default for headless runs): the same Blink and V8 as the browser, without the
desktop shell, so a page costs about a third of the CPU (docs/performance.md, "The suite's
time"). $CHROMIUM picks another executable (`CHROMIUM=/usr/bin/chromium ./dev test` for the
full browser); else the first of `chromium-headless-shell` and `chromium` on PATH. When none
is installed the browser tests skip with the reason, except under CI=true, where they fail:
CI must run them.
Screenshots go to test-artifacts/ (gitignored) when BACKPROP_TEST_SCREENSHOTS=1
(`browser_helpers.SCREENSHOTS`): look at them after a change to the page.

The page is tested as it ships: the esbuild bundle (static/dist), rebuilt once per test run
(a second; by tests/conftest.py's `pytest_sessionstart`, before any xdist worker starts) so
that a module edited since `./dev setup` is what the tests see.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: How long expect() and page actions wait for the page to show something (ms); the first
#: frame can wait for numba to compile a new layout, and the machine may be busy.
TIMEOUT_MS = 20_000

from playwright.sync_api import expect  # noqa: E402

expect.set_options(timeout=TIMEOUT_MS)  # its own default is 5 s, short on a loaded machine


#: The executables tried when $CHROMIUM is not set, best first.
CHROMIUMS = ("chromium-headless-shell", "chromium")


def chromium_path() -> str | None:
    """The Chromium executable ($CHROMIUM, else the first of CHROMIUMS on PATH), or None."""
    wanted = os.environ.get("CHROMIUM")
    if wanted:
        return wanted if Path(wanted).is_file() else None
    return next((found for name in CHROMIUMS if (found := shutil.which(name))), None)


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Mark every test in this folder `browser`."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session", autouse=True)
def bundle() -> None:
    """CI must test the bundle: fail there when npm or esbuild is missing (elsewhere the
    server falls back to the modules, or an older bundle, with a warning)."""
    if os.environ.get("CI") == "true" and (
            shutil.which("npm") is None or not (ROOT / "node_modules" / "esbuild").is_dir()):
        pytest.fail("CI=true and npm or node_modules/esbuild is missing: run ./dev setup")


@pytest.fixture(scope="session")
def chromium(bundle: None) -> Iterator[Any]:
    """A headless Chromium; skips (fails under CI=true) when it is not installed."""
    path = chromium_path()
    if path is None:
        reason = ("Chromium not found at $CHROMIUM or as chromium-headless-shell or chromium on "
                  "PATH (apt-get install chromium-headless-shell)")
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True)
        yield browser
        browser.close()


class PageProblems:
    """Console errors, page errors and CSP violations seen by a page."""

    def __init__(self, page: Any) -> None:
        self.messages: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning") or "Content Security Policy" in message.text:
            self.messages.append(f"{message.type}: {message.text}")


def _pages(chromium: Any, live: Any, drawn: bool, defaults: dict[str, Any]) -> Iterator[Any]:
    """The opener behind `open_page` and `bare_page`: pages on the live server, each in its
    own context; the page's console errors and CSP violations fail the test at teardown.
    `drawn`: wait for the first frame, drawn with its truth table."""
    contexts = []
    problems: list[PageProblems] = []

    def open_(query: str = "", **options: Any) -> Any:
        context = chromium.new_context(**{**defaults, **options})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        problems.append(PageProblems(page))
        page.goto(f"{live.url}/{query}")
        if drawn:
            from playwright.sync_api import expect

            # the first frame is drawn with its truth table: 4 rows for XOR, 1 for `simplest`
            expect(page.locator("#truth-table tbody tr").first).to_be_attached(timeout=TIMEOUT_MS)
            page.live = live
        return page

    yield open_
    for context in contexts:
        context.close()
    seen = [m for p in problems for m in p.messages]
    assert not seen, f"the page logged problems: {seen}"


#: Pages open with prefers-reduced-motion: a step is drawn at once in its final state, not
#: animated for two seconds at 60 frames a second (test_render_loop tests both ways).
MOTION = {"reduced_motion": "reduce"}


@pytest.fixture
def open_page(chromium: Any, live: Any) -> Iterator[Any]:
    """open_page(query="", **context options) -> a page on the live server, showing its frame."""
    yield from _pages(chromium, live, True,
                      {"viewport": {"width": 1600, "height": 1000}, "accept_downloads": True,
                       **MOTION})


@pytest.fixture
def bare_page(chromium: Any, live: Any) -> Iterator[Any]:
    """bare_page(query, **context options): a page that is not expected to draw a frame."""
    yield from _pages(chromium, live, False, MOTION)
