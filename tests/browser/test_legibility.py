"""The page as a teacher projects it and a student reads it, in Chromium: projector mode draws
every canvas's text larger (font sizes read by hooking the canvases' text calls), labels never
overprint, nothing on the page collides at 1280x800, and a phone's first screen holds the
network, the step buttons and the derivation. Screenshots in test-artifacts/."""

from __future__ import annotations

import re
from typing import Any

from browser_helpers import screenshot
from playwright.sync_api import expect

IDLE = "() => globalThis.backpropXor.scheduler.idle"

#: Records every fillText on a canvas: (canvas id, font size in px, text).
HOOK_TEXT = """
window.__texts = [];
const fill = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
  const size = parseFloat(/(\\d+(?:\\.\\d+)?)px/.exec(this.font)?.[1] ?? "NaN");
  window.__texts.push([this.canvas.id || this.canvas.parentElement?.id || "", size, String(text)]);
  return fill.call(this, text, ...rest);
};
"""


def texts_by_canvas(page: Any) -> dict[str, dict[str, float]]:
    """canvas id -> {text: font px} of what the canvases drew since the last clear."""
    found: dict[str, dict[str, float]] = {}
    for canvas, size, text in page.evaluate("() => window.__texts"):
        found.setdefault(canvas, {})[text] = size
    return found


def redraw_all(page: Any) -> dict[str, dict[str, float]]:
    """Every canvas drawn again from scratch; the texts it drew."""
    page.evaluate("() => { window.__texts = []; globalThis.backpropXor.scheduler.markAll(); }")
    page.wait_for_function(IDLE)
    return texts_by_canvas(page)


def test_projector_mode_draws_every_canvas_larger(open_page: Any) -> None:
    page = open_page(viewport={"width": 1920, "height": 1080})
    page.add_init_script(HOOK_TEXT)
    page.reload()
    expect(page.locator("#truth-table tbody tr")).to_have_count(4)
    for _ in range(3):  # to δ of the output: weights, outputs and a δ label drawn
        page.keyboard.press("ArrowRight")
    expect(page.locator("#status")).to_contain_text("after the local gradient δ of the output")
    page.get_by_label("Numbers").check()
    page.wait_for_function(IDLE)
    normal = redraw_all(page)
    page.keyboard.press("p")
    expect(page.locator("html")).to_have_class(re.compile("projector"))
    page.wait_for_function(IDLE)
    big = redraw_all(page)
    for canvas in ("network-canvas", "curve-canvas"):
        common = set(normal[canvas]) & set(big[canvas])
        assert len(common) >= 5, (canvas, normal[canvas], big[canvas])
        ratios = {text: big[canvas][text] / normal[canvas][text] for text in common}
        assert min(ratios.values()) >= 1.6, (canvas, ratios)
    # the axis labels were about 11 px: now at least 17.6
    assert min(big["curve-canvas"].values()) >= 17.6
    screenshot(page, "projector-1920x1080")


def leaves_overlapping(page: Any) -> list[tuple[str, str]]:
    """Pairs of visible text-bearing or interactive elements whose boxes overlap (neither
    holding the other)."""
    return page.evaluate("""() => {
        const pick = "button, input, select, label, h1, h2, h3, .status, canvas, output, "
          + ".room-code, .room-url, .room-viewers, .legend, .message:not(:empty), th, td, "
          + ".eq, .note, .poll-form select";
        const shown = (el) => {
            const r = el.getBoundingClientRect();
            return r.width > 1 && r.height > 1 && getComputedStyle(el).visibility !== "hidden"
                && !el.closest("[hidden], dialog:not([open]), .sr-only");
        };
        const els = [...document.querySelectorAll(pick)].filter(shown);
        const name = (el) => el.id ? `#${el.id}`
            : `${el.tagName.toLowerCase()}.${el.className}:${el.textContent.slice(0, 20)}`;
        const labels = (x, y) => x.tagName === "LABEL" && x.control === y;
        const out = [];
        for (let a = 0; a < els.length; a++) for (let b = a + 1; b < els.length; b++) {
            const [x, y] = [els[a], els[b]];
            if (x.contains(y) || y.contains(x) || labels(x, y) || labels(y, x)) continue;
            const [p, q] = [x.getBoundingClientRect(), y.getBoundingClientRect()];
            const overlap = Math.min(p.right, q.right) - Math.max(p.left, q.left) > 1
                && Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 1;
            if (overlap) out.push([name(x), name(y)]);
        }
        return out;
    }""")


def test_nothing_collides_in_projector_mode_down_to_1280x800(open_page: Any) -> None:
    for width, height in ((1920, 1080), (1366, 768), (1280, 800)):
        page = open_page("?projector=1", viewport={"width": width, "height": height})
        expect(page.locator("html")).to_have_class(re.compile("projector"))
        page.get_by_role("button", name="Classroom").click()
        page.get_by_role("button", name="Open a room").click()
        expect(page.locator("#room-code")).to_have_text(re.compile(r"\w{3} \w{3}"))
        page.get_by_role("button", name="▸▸ Pattern").click()
        page.get_by_label("Numbers").check()
        page.wait_for_function(IDLE)
        assert leaves_overlapping(page) == [], (width, height)
        labels = page.evaluate("() => globalThis.backpropXor.view.labels")
        assert labels["dropped"] == [], (width, height, labels["dropped"])
        assert_apart(labels["placed"])
        screenshot(page, f"projector-room-{width}x{height}")


def assert_apart(boxes: list[dict]) -> None:
    """No two of the placed label boxes overlap."""
    for k, a in enumerate(boxes):
        for b in boxes[k + 1:]:
            apart = (a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"]
                     or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"])
            assert apart, (a, b)


def test_labels_never_overprint_on_desktop_or_phone(open_page: Any) -> None:
    for name, options in (("desktop", {"viewport": {"width": 1600, "height": 1000}}),
                          ("phone", {"viewport": {"width": 390, "height": 844},
                                     "device_scale_factor": 2, "is_mobile": True,
                                     "has_touch": True})):
        page = open_page("?seed=3", **options)
        page.get_by_role("button", name="▸▸ Pattern").click()
        for _ in range(3):
            page.get_by_role("button", name="▸ Phase").click()
        expect(page.locator("#status")).to_contain_text("after the local gradient δ of the output")
        page.get_by_label("Numbers").check()
        page.wait_for_function(IDLE)
        labels = page.evaluate("() => globalThis.backpropXor.view.labels")
        assert_apart(labels["placed"])
        nodes = page.evaluate("() => globalThis.backpropXor.view.layout")
        for box in labels["placed"]:  # never over a neuron
            for n in nodes["nodes"]:
                r = nodes["radius"] * (0.62 if n["bias"] else 1)
                clear = (box["x"] + box["w"] <= n["x"] - r or n["x"] + r <= box["x"]
                         or box["y"] + box["h"] <= n["y"] - r or n["y"] + r <= box["y"])
                assert clear, (name, box, n)
        deltas = [b for b in labels["placed"] if b["kind"] == "delta"]
        assert len(deltas) == 1, "the output's δ is shown and labelled"
        if name == "desktop":
            assert labels["dropped"] == [], labels["dropped"]
            assert len(labels["placed"]) == 9 + 1
        screenshot(page, f"labels-{name}")


def test_a_phones_first_screen_holds_network_steps_and_derivation(open_page: Any) -> None:
    page = open_page(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                     is_mobile=True, has_touch=True)
    page.keyboard.press("ArrowRight")
    expect(page.locator("#status")).to_contain_text("after the forward pass")
    page.wait_for_function(IDLE)
    first_screen = 844
    for selector in ("#network-canvas", "#step-phase", "#step-pattern", "#step-epoch", "#back",
                     "#run", "#reset", "#derivation-title", "#derivation h3",
                     "#derivation .eq >> nth=0"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["y"] >= 0, selector
        assert box["y"] + box["height"] <= first_screen, (selector, box)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "phone-first-screen")
