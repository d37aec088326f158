"""The seed-sweep panel in Chromium: a compared sweep started from the form shows the engine's
counts, a stuck net opens from the scatter and from the keyboard list (and stays stuck when
run), a long sweep cancels, and students following a room see the presenter's sweep.

The expected numbers come from `app.engine.ensemble.sweep` in this process (the same nets as
the server's sliced sweep); points are clicked where the page's scatter geometry puts them.
Screenshots go to test-artifacts/sweep-*.png.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
from browser_helpers import ARTIFACTS, SCREENSHOTS, page_fmt, page_session
from playwright.sync_api import expect
from test_classroom import PROJECTOR, join, open_room

from app.engine import Trainer, TrainingConfig
from app.engine.ensemble import sweep

STATUS = "#status"
NETS, EPOCHS = 200, 20_000
THIN = "\u2009"


def shot(target: Any, name: str) -> None:
    """A screenshot of a page or an element to test-artifacts/sweep-<name>.png (when the
    run saves screenshots: browser_helpers.SCREENSHOTS)."""
    if not SCREENSHOTS:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    target.screenshot(path=str(ARTIFACTS / f"sweep-{name}.png"))


def count(n: float) -> str:
    """The page's fmtCount: rounded, thin spaces between thousands."""
    return f"{math.floor(n + 0.5):,}".replace(",", THIN)


def expected_arm(config: TrainingConfig, name: str, nets: int, epochs: int,
                 seed: int) -> tuple[str, str, Any]:
    """(stuck share, summary line, engine result) of one arm, computed by the engine."""
    result = sweep(config, nets, epochs, seed)
    s = result.summary()
    share = f"{100 * s['stuck'] / nets:.1f} %"
    diverged = f", {count(s['diverged'])} diverged" if s["diverged"] else ""
    median = s["epochs_to_converge"]["p50"]
    line = (f"{name} — {count(s['converged'])} converged, {count(s['stuck'])} stuck "
            f"({share}{diverged}), median {count(median)} epochs")
    return share, line, result


def start_sweep(page: Any, nets: int, epochs: int, seed: int = 1,
                compare: tuple[str, str] | None = None) -> None:
    """Fill the sweep form and press Start sweep."""
    page.locator("#sweep").scroll_into_view_if_needed()
    page.get_by_label("Nets", exact=True).fill(str(nets))
    page.get_by_label("Epoch budget").fill(str(epochs))
    page.get_by_label("First seed").fill(str(seed))
    if compare:
        page.get_by_label("Compare with").select_option(compare[0])
        page.get_by_label("B changes it to").fill(compare[1])
    page.get_by_role("button", name="Start sweep").click()


def until_frame(page: Any, condition: str, ms: int = 60_000) -> dict:
    """The first of the page's frames where `condition` (JavaScript over `f`) holds, awaited in
    the page frame by frame (the strict CSP forbids wait_for_function's eval)."""
    return page.evaluate(
        "(ms) => new Promise((resolve, reject) => {"
        " const stop = setTimeout(() => reject(new Error('no such frame')), ms);"
        " const check = () => { const f = window.backpropXor.state.frame;"
        f" if (f && ({condition})) {{ clearTimeout(stop); resolve(f); }}"
        " else requestAnimationFrame(check); };"
        " check(); })", ms)


def scatter_point(page: Any, arm: int, k: int) -> tuple[float, float]:
    """Where net k of an arm is drawn, in page coordinates (the page's own geometry)."""
    canvas = page.locator("#sweep-scatter")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    p = page.evaluate("([i, k]) => window.backpropXor.sweep.points.find("
                      "(p) => p.i === i && p.k === k)", [arm, k])
    return box["x"] + p["x"], box["y"] + p["y"]


def clear_of_others(page: Any, arm: int, k: int) -> bool:
    """No other point of the scatter lies within 1.5 px of this one (so a click is unambiguous)."""
    return page.evaluate("([i, k]) => { const ps = window.backpropXor.sweep.points;"
                         " const p = ps.find((q) => q.i === i && q.k === k);"
                         " return ps.every((q) => q === p"
                         " || Math.hypot(q.x - p.x, q.y - p.y) > 1.5); }",
                         [arm, k])


def shows_net(page: Any, config: TrainingConfig) -> None:
    """The main view holds this net at epoch 0, paused, with the engine's initial weights."""
    expect(page.locator("#setting-seed")).to_have_value(str(config.seed))
    expect(page.locator(STATUS)).to_have_text("Paused at pattern 1 of epoch 1 · 0 epochs done")
    frame = until_frame(page, f"f.settings.seed === {config.seed} && f.settings.eta === "
                              f"{config.eta} && f.epoch === 0")
    assert frame["settings"] == config.to_dict()
    assert frame["weights"] == Trainer(config).weights()


def test_a_compared_sweep_shows_the_engines_numbers_and_opens_a_stuck_net(open_page: Any) -> None:
    page = open_page()
    expect(page.locator("#sweep-results")).to_be_hidden()
    start_sweep(page, NETS, EPOCHS, 1, ("eta", "2"))
    # 400 nets take well under a second: the page may already say done
    expect(page.locator("#sweep-state")).to_have_text(re.compile(r": (running · |done in )"))
    shot(page.locator("#sweep"), "running")
    expect(page.locator("#sweep-state")).to_have_text(re.compile(r": done in \d+\.\d s$"),
                                                      timeout=90_000)
    arms = [expected_arm(TrainingConfig(eta=eta), name, NETS, EPOCHS, 1)
            for eta, name in ((0.5, "A: η = 0.5"), (2.0, "B: η = 2"))]
    for i, (share, line, result) in enumerate(arms):
        arm = page.locator(".sweep-arm").nth(i)
        expect(arm.locator(".sweep-share")).to_have_text(share)
        expect(arm).to_contain_text(line)
        expect(page.locator(f"#sweep-count-{i}")).to_have_text(f"{NETS} of {NETS} nets")
        stuck = [f"seed {net.seed}" for net in result.nets if net.stuck]
        group = page.locator("#sweep-stuck optgroup").nth(i)
        expect(group).to_have_attribute("label", line.split(" — ")[0])
        expect(group.locator("option")).to_have_text(stuck)
    expect(page.locator("#sweep-cancel")).to_be_disabled()
    page.locator("#sweep").scroll_into_view_if_needed()
    shot(page.locator("#sweep"), "done-light")
    shot(page, "done-page")

    # hover, then click a net stuck in both arms, on arm A's point: it opens at epoch 0
    a_nets, b_nets = arms[0][2].nets, arms[1][2].nets
    net = next(n for n, m in zip(a_nets, b_nets, strict=True)
               if n.stuck and m.stuck and clear_of_others(page, 0, n.seed - 1))
    x, y = scatter_point(page, 0, net.seed - 1)
    page.mouse.move(x, y)
    loss = page_fmt(float(np.float32(net.final_loss)))
    expect(page.locator("#sweep-tip")).to_have_text(f"A · seed {net.seed} · stuck · L = {loss}")
    expect(page.locator("#sweep-scatter")).to_have_class("over-net")
    shot(page.locator("#sweep"), "hover")
    page.mouse.click(x, y)
    expect(page.locator("#sweep-message")).to_have_text(
        f"Loaded seed {net.seed} of A: η = 0.5 (stuck in the sweep): "
        "press Run (Enter) to watch it.")
    shows_net(page, TrainingConfig(seed=net.seed))

    # run it past the epoch budget: it does not converge, as the sweep said
    top = page.evaluate("() => window.backpropXor.state.table.speeds.length - 1")
    page.locator("#speed").fill(str(top))
    page.get_by_role("button", name="Run").click()
    frame = until_frame(page, f"f.epoch >= {EPOCHS} || /converged|diverged/.test(f.status)")
    page.locator("#run").click()
    expect(page.locator("#run")).to_have_text("Run")
    assert frame["status"] == "running" and frame["converged_epoch"] is None, frame["status"]
    assert page_session(page).trainer.converged_epoch is None

    # by keyboard: the same seed in arm B from the list. Only η differs from the run on
    # screen (which configure would continue), so the page resets it to epoch 0
    page.locator("#sweep-stuck").select_option(f"1:{net.seed - 1}")
    page.locator("#sweep-load-button").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#sweep-message")).to_have_text(
        f"Loaded seed {net.seed} of B: η = 2 (stuck in the sweep): press Run (Enter) to watch it.")
    shows_net(page, TrainingConfig(eta=2.0, seed=net.seed))
    other = next(n for n in b_nets if n.stuck and n.seed != net.seed)
    page.locator("#sweep-stuck").select_option(f"1:{other.seed - 1}")
    page.locator("#sweep-load-button").press("Enter")
    expect(page.locator("#sweep-message")).to_contain_text(f"Loaded seed {other.seed} of B")
    shows_net(page, TrainingConfig(eta=2.0, seed=other.seed))
    # the focus moves to Run (the message too): Enter runs the loaded net
    expect(page.locator("#run")).to_be_focused()
    expect(page.locator("#message")).to_contain_text(f"Loaded seed {other.seed} of B")
    page.keyboard.press("Enter")
    expect(page.locator("#run")).to_have_text("Pause")
    page.keyboard.press("Enter")
    expect(page.locator("#run")).to_have_text("Run")


def test_cancel_and_clear(open_page: Any) -> None:
    page = open_page()
    start_sweep(page, 5_000, 100_000)
    cancel = page.locator("#sweep-cancel")
    expect(cancel).to_be_enabled()
    expect(page.locator("#sweep-count-0")).to_have_text(re.compile(rf"^\d+ of 5{THIN}000 nets$"))
    cancel.click()
    expect(page.locator("#sweep-state")).to_have_text(re.compile(r": cancelled after \d+\.\d s$"))
    expect(cancel).to_be_disabled()
    job = page_session(page).sweep
    assert job.state == "cancelled"
    finished = job.arms[0].run.finished
    assert finished < 5_000
    expect(page.locator("#sweep-count-0")).to_have_text(f"{count(finished)} of 5{THIN}000 nets")
    kept = "() => window.backpropXor.state.sweep.arms[0].finalLoss.length"
    assert page.evaluate(kept) == finished
    shot(page.locator("#sweep"), "cancelled")
    page.get_by_role("button", name="Clear").click()
    expect(page.locator("#sweep-results")).to_be_hidden()
    expect(page.locator("#sweep-state")).to_have_text("")
    assert page_session(page).sweep is None


def test_students_see_the_presenters_sweep_read_only(open_page: Any) -> None:
    presenter, code = open_room(open_page, "?projector=1")
    student = join(open_page, code)
    expect(student.locator("#sweep")).to_be_hidden()  # nothing to show yet
    start_sweep(presenter, 80, 5_000, 7, ("hidden", "3"))
    expect(presenter.locator("#sweep-state")).to_have_text(re.compile(": done in"), timeout=90_000)
    late = join(open_page, code, viewport=PROJECTOR)
    for page in (student, late):
        expect(page.locator("#sweep-state")).to_have_text(re.compile(": done in"))
        for i in range(2):
            text = presenter.locator(".sweep-arm").nth(i).inner_text()
            expect(page.locator(".sweep-arm").nth(i)).to_have_text(text)
        expect(page.locator("#sweep-form")).to_be_hidden()
        expect(page.locator("#sweep-load")).to_be_hidden()
        points = "() => window.backpropXor.sweep.points.map((p) => [p.i, p.k, p.stuck])"
        page.locator("#sweep-scatter").scroll_into_view_if_needed()
        until_frame(page, "window.backpropXor.sweep.points.length === 160")
        assert page.evaluate(points) == presenter.evaluate(points)
    line = expected_arm(TrainingConfig(hidden=(3,)), "B: 2-3-1", 80, 5_000, 7)[1]
    expect(student.locator(".sweep-arm").nth(1)).to_contain_text(line)
    # a student's pointer shows a net but loading one sends nothing
    student.evaluate("() => { const socket = window.backpropXor.client.socket; window.sent = [];"
                     " const emit = socket.emit.bind(socket);"
                     " socket.emit = (...args) => { window.sent.push(args[0]);"
                     " return emit(...args); }; }")
    x, y = scatter_point(student, 0, 0)
    student.mouse.move(x, y)
    expect(student.locator("#sweep-tip")).to_contain_text("A · seed 7 · ")
    expect(student.locator("#sweep-scatter")).not_to_have_class("over-net")
    student.mouse.click(x, y)
    assert student.evaluate("() => window.sent") == []
    expect(student.locator("#sweep-message")).to_have_text("")
    presenter.locator("#sweep").scroll_into_view_if_needed()
    shot(presenter.locator("#sweep"), "projector")
    shot(presenter, "presenter-projector")
    shot(late.locator("#sweep"), "student")


def test_the_tooltip_stays_inside_the_scatter_on_a_phone(open_page: Any) -> None:
    page = open_page(viewport={"width": 390, "height": 844})
    start_sweep(page, 60, 5_000)
    expect(page.locator("#sweep-state")).to_have_text(re.compile(r": done in "), timeout=60_000)
    canvas = page.locator("#sweep-scatter").bounding_box()
    for k in (0, 59):  # the first and the last net: at the left and right edges
        x, y = scatter_point(page, 0, k)
        page.mouse.move(x, y)
        tip = page.locator("#sweep-tip")
        expect(tip).to_contain_text(f"seed {1 + k} ·")
        box = tip.bounding_box()
        assert canvas["x"] - 0.5 <= box["x"], (box, canvas)
        assert box["x"] + box["width"] <= canvas["x"] + canvas["width"] + 0.5, (box, canvas)
    shot(page.locator("#sweep"), "phone")


def test_a_bad_field_is_named_by_its_label_marked_and_focused(open_page: Any) -> None:
    page = open_page()
    page.locator("#sweep").scroll_into_view_if_needed()
    budget = page.get_by_label("Epoch budget")
    budget.fill("abc")
    page.get_by_role("button", name="Start sweep").click()
    expect(page.locator("#sweep-message")).to_have_text(re.compile(r"^Epoch budget: "))
    expect(budget).to_have_attribute("aria-invalid", "true")
    expect(budget).to_be_focused()
    budget.fill("2000")
    page.get_by_label("Nets", exact=True).fill("20")
    page.get_by_role("button", name="Start sweep").click()
    expect(budget).to_have_attribute("aria-invalid", "false")
    expect(page.locator("#sweep-state")).to_have_text(re.compile("^20 nets × 2\u2009000 epochs: "))
