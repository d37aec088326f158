"""Helpers for the browser tests: screenshots, the page's server session, reading numbers."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SESSION_KEY = "backprop-xor-session"


#: Whether the tests save their screenshots (a tenth of a second each, about 70 a run):
#: `BACKPROP_TEST_SCREENSHOTS=1 ./dev test tests/browser` to look at the pages they saw.
SCREENSHOTS = os.environ.get("BACKPROP_TEST_SCREENSHOTS", "") not in ("", "0")


def screenshot(page: Any, name: str, full_page: bool = False) -> Path | None:
    """Save a screenshot to test-artifacts/<name>.png when SCREENSHOTS asks for them."""
    if not SCREENSHOTS:
        return None
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def page_session(page: Any) -> Any:
    """The server-side session the page drives (through the live server's registry)."""
    session_id = page.evaluate(f"() => sessionStorage.getItem('{SESSION_KEY}')")
    session, resumed = page.live.registry.open(session_id)
    assert resumed, "the page's session is not on the server"
    return session


def page_fmt(x: float) -> str:
    """The page's number format (static/js/format.js `fmt`, 3 significant digits)."""
    if x == 0:
        return "0"
    a = abs(x)
    if a < 1e-4 or a >= 1e5:
        mantissa, exponent = f"{a:.2e}".split("e")
        text = f"{mantissa}e{int(exponent)}"
    elif a >= 1000:
        text = f"{a:.0f}"
    else:
        text = f"{a:.{max(0, 2 - math.floor(math.log10(a)))}f}"
    return ("\u2212" if x < 0 else "") + text


#: In the page: (data-value, shown text) of every number span under an element.
_NUMBERS_IN = """(el) => [...el.querySelectorAll('.num')].map(
    (span) => [span.getAttribute('data-value'), span.innerText])"""


def numbers(locator: Any) -> list[tuple[float, str]]:
    """(exact value, shown text) of every number span under `locator` (read in one call)."""
    found = locator.evaluate_all(f"(els) => els.flatMap({_NUMBERS_IN})")
    return [(float(value), text) for value, text in found]


def lines(locator: Any) -> list[tuple[str | None, str, list[tuple[float, str]]]]:
    """(data-id, class, numbers as `numbers` gives them) of each element `locator` matches,
    read in one call (a derivation panel's lines: dozens of round trips otherwise)."""
    found = locator.evaluate_all(f"""(els) => els.map((el) =>
        [el.getAttribute('data-id'), el.className, ({_NUMBERS_IN})(el)])""")
    return [(ident, classes, [(float(v), t) for v, t in nums]) for ident, classes, nums in found]
