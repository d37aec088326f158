"""Front-end benchmark in Chromium: first load beside TF Playground, and drawing while training.

    .venv/bin/python bench/frontend.py [--playground DIR] [--repeats 5] [--seconds 3]

Starts the app on a loopback port in this process (the production bundle, as `serve` gives
it) and, with --playground, serves TF Playground's built `dist/` from another port (build it
outside this repository: `npm ci && npm run build` in a clone of tensorflow/playground;
without it that row is skipped). Requests to anything but loopback are aborted in both pages
(no internet here: TF Playground's web fonts and analytics fail at once instead of hanging).

1. First load, cold cache, each page `--repeats` times, alternating (medians):
   - requests (HTTP and WebSocket; goal <= 6) and bytes transferred (encoded bodies and
     headers, as the network sees them; goal <= 120 KB) until the page is ready;
   - ready: our first frame drawn with its truth table (the page's `app-ready` mark) against
     TF Playground's network drawn (its first `#svg g.node`, seen by a MutationObserver),
     both from navigation start; goal: ours no slower (ratio TF / ours >= 1);
   - the same once more on a throttled link (`--throttle`, default a shared classroom Wi-Fi:
     4 Mbit/s down, 2 up, 40 ms round trip), for information.
2. Drawing while training at 1366x768 with every number shown: 2-8-1, 2-8-8-1 and 2-8-8-8-1
   nets (initial range 0: identical hidden neurons never learn XOR, so a run never stops by
   itself) at every speed, from the press of Run (a run's first seconds included), each for
   `--seconds`: p99 of the time to draw one animation frame (the render loop's `draw`
   measure; goal <= 16 ms), p99 of the time to decode and fold in one server frame (`frame`),
   long tasks > 50 ms from a PerformanceObserver (goal: none), and the render job with the
   largest p99 of its own (`draw <job>` measures: where the time goes). `--layouts` picks the
   nets, `--repeats 0 --throttle ''` skips part 1.
3. The page's own code in the bundle (minified, vendor excluded; budget in docs/performance.md).

Prints tables with each figure's ratio to its goal (>= 1 meets it).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import logging
import statistics
import sys
import threading
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.web import create_app  # noqa: E402

GOAL_REQUESTS = 6
GOAL_BYTES = 120 * 1024
GOAL_DRAW_P99_MS = 16.0
GOAL_LONG_TASK_MS = 50.0
#: Budget for the page's own code in the bundle, minified (docs/performance.md).
GOAL_OWN_BYTES = 150 * 1024
LAYOUTS = ("8", "8,8", "8,8,8")

OBSERVE = """
window.__bench = { longTasks: [], draw: [], frame: [], jobs: {}, drawnAt: null };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__bench.longTasks.push(e.duration);
}).observe({ type: "longtask", buffered: true });
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.name.startsWith("draw ")) (window.__bench.jobs[e.name.slice(5)] ??= []).push(e.duration);
    else window.__bench[e.name]?.push(e.duration);
  }
}).observe({ type: "measure", buffered: true });
// TF Playground: the moment its network is in the DOM
new MutationObserver((_, observer) => {
  if (!document.querySelector("#svg g.node")) return;
  window.__bench.drawnAt = performance.now();
  observer.disconnect();
}).observe(document, { childList: true, subtree: true });
"""

READY = {
    "ours": "() => performance.getEntriesByName('app-ready')[0]?.startTime ?? null",
    "playground": "() => window.__bench.drawnAt",
}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files without a log line per request."""

    def log_message(self, *args: Any) -> None:
        pass


def serve_directory(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve `directory` on a loopback port in a thread; (server, url)."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def first_load(browser: Any, url: str, which: str, throttle: dict | None) -> dict[str, float]:
    """Open `url` in a fresh context (cold cache); requests, bytes and ms until ready."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        context.route(lambda u: not u.startswith(("http://127.0.0.1", "ws://127.0.0.1")),
                      lambda route: route.abort())
        page = context.new_page()
        page.add_init_script(OBSERVE)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        if throttle:
            cdp.send("Network.emulateNetworkConditions", {"offline": False, **throttle})
        counted: dict[str, Any] = {"requests": 0, "bytes": 0, "sockets": 0}
        local: set[str] = set()

        def sent(event: dict) -> None:
            if event["request"]["url"].startswith("http://127.0.0.1"):
                counted["requests"] += 1
                local.add(event["requestId"])

        def finished(event: dict) -> None:
            if event["requestId"] in local:
                counted["bytes"] += event["encodedDataLength"]

        def socket_frame(event: dict) -> None:
            counted["bytes"] += len(event["response"]["payloadData"])

        cdp.on("Network.requestWillBeSent", sent)
        cdp.on("Network.loadingFinished", finished)
        cdp.on("Network.webSocketCreated", lambda _: counted.__setitem__(
            "sockets", counted["sockets"] + 1))
        cdp.on("Network.webSocketFrameReceived", socket_frame)
        page.goto(url)
        page.wait_for_function(READY[which], timeout=60_000, polling=50)
        ready = page.evaluate(READY[which])
        return {"requests": counted["requests"] + counted["sockets"], "bytes": counted["bytes"],
                "ready_ms": ready}
    finally:
        context.close()


def training(page: Any, speed: int, seconds: float) -> dict[str, float]:
    """Press Run at speed level `speed`; measure `seconds` from the press, then pause."""
    from playwright.sync_api import expect

    page.locator("#speed").fill(str(speed))
    page.evaluate("() => { for (const k of ['longTasks', 'draw', 'frame']) "
                  "window.__bench[k] = []; window.__bench.jobs = {}; }")
    page.locator("#run").click()
    expect(page.locator("#run")).to_have_text("Pause", timeout=60_000)
    fps = page.evaluate("""(ms) => new Promise((resolve) => {
        let frames = 0;
        const start = performance.now();
        function tick(now) {
            frames += 1;
            if (now - start < ms) requestAnimationFrame(tick);
            else resolve(frames * 1000 / (now - start));
        }
        requestAnimationFrame(tick);
    })""", seconds * 1000)
    seen = page.evaluate("() => window.__bench")
    page.locator("#run").click()
    expect(page.locator("#run")).to_have_text("Run", timeout=60_000)
    draws, frames = sorted(seen["draw"]), sorted(seen["frame"])
    jobs = {name: percentile(sorted(times), 0.99) for name, times in seen["jobs"].items()}
    slowest = max(jobs, key=jobs.get, default="")
    return {
        "slowest_job": f"{slowest} {jobs[slowest]:.1f} ms" if slowest else "",
        "draw_p99": percentile(draws, 0.99), "draws": len(draws),
        "frame_p99": percentile(frames, 0.99), "frames": len(frames),
        "long_tasks": len(seen["longTasks"]), "longest": max(seen["longTasks"], default=0.0),
        "fps": fps,
    }


def percentile(values: list[float], q: float) -> float:
    """The q-quantile of sorted `values`, nearest rank; NaN for none."""
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def set_layout(page: Any, hidden: str) -> None:
    """Configure the hidden layers (initial range 0 first) and wait for the new shape's frame."""
    from playwright.sync_api import expect

    for name, value in (("init_range", "0"), ("hidden", hidden)):
        field = page.locator(f"#setting-{name}")
        field.fill(value)
        field.press("Tab")
    neurons = sum(int(n) for n in hidden.split(","))
    expect(page.locator("#hidden-surfaces canvas")).to_have_count(neurons, timeout=60_000)


def table(title: str, rows: list[tuple[str, str, str, float | None]]) -> str:
    """A Markdown table of (measure, value, goal, ratio)."""
    lines = [f"\n{title}\n", "| measure | value | goal | ratio |", "| --- | ---: | ---: | ---: |"]
    for name, value, goal, ratio in rows:
        lines.append(f"| {name} | {value} | {goal} | {'' if ratio is None else f'{ratio:.2f}'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the tables; exit status 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--playground", type=Path, help="TF Playground's built dist/ folder")
    parser.add_argument("--repeats", type=int, default=5, help="first loads per page")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per speed and net")
    parser.add_argument("--speeds", default="all", help="speed levels to run, e.g. 0,4,8")
    parser.add_argument("--layouts", default=";".join(LAYOUTS),
                        help="hidden layouts to train, ';' between them, e.g. '8;8,8,8'")
    parser.add_argument("--throttle", default="4000,2000,40",
                        help="down kbit/s, up kbit/s, round trip ms ('' for none)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    from playwright.sync_api import expect, sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = create_app({"SECRET_KEY": "bench", "WARM_UP": True, "DATABASE": None,
                      "MAX_SESSIONS_PER_ADDRESS": 0})
    chosen = app.extensions["backprop_assets"]
    if chosen.dev:
        print("warning: no bundle built (npm run build): measuring the unbundled modules")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ours = f"http://127.0.0.1:{server.server_port}/"
    pages = {"ours": ours}
    playground = None
    if args.playground:
        if not (args.playground / "index.html").is_file():
            parser.error(f"--playground: no index.html in {args.playground}")
        playground, pages["playground"] = serve_directory(args.playground)
    throttle = None
    if args.throttle:
        down, up, rtt = (float(x) for x in args.throttle.split(","))
        throttle = {"downloadThroughput": down * 1000 / 8, "uploadThroughput": up * 1000 / 8,
                    "latency": rtt}
    loads: dict[tuple[str, str], list[dict]] = {}
    runs: dict[tuple[str, int], dict] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium)
            first_load(browser, ours, "ours", None)  # the server's first page render and compile
            for link, conditions in (("loopback", None), ("throttled", throttle)):
                if link == "throttled" and not conditions:
                    continue
                for _ in range(args.repeats):
                    for which, url in pages.items():
                        loads.setdefault((which, link), []).append(
                            first_load(browser, url, which, conditions))
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.add_init_script(OBSERVE)
            page.goto(ours)
            expect(page.locator("#truth-table tbody tr")).to_have_count(4, timeout=60_000)
            page.get_by_label("Numbers").check()
            speeds = page.evaluate("() => window.backpropXor.state.table.speeds")
            levels = (list(range(len(speeds))) if args.speeds == "all"
                      else [int(x) for x in args.speeds.split(",")])
            for hidden in args.layouts.split(";"):
                set_layout(page, hidden)
                for level in levels:
                    runs[(hidden, level)] = training(page, level, args.seconds)
                    print(f"2-{hidden.replace(',', '-')}-1 at level {level}: "
                          f"draw p99 {runs[(hidden, level)]['draw_p99']:.1f} ms, longest task "
                          f"{runs[(hidden, level)]['longest']:.0f} ms; slowest job "
                          f"{runs[(hidden, level)]['slowest_job']}", file=sys.stderr, flush=True)
                    runs[(hidden, level)]["label"] = speeds[level]["label"]
            browser.close()
    finally:
        server.shutdown()
        if playground:
            playground.shutdown()
        app.extensions["backprop_sessions"].shutdown()

    med = {key: {m: statistics.median(r[m] for r in rs) for m in rs[0]}
           for key, rs in loads.items()}
    rows = []
    for link in ("loopback", "throttled"):
        if ("ours", link) not in med:
            continue
        o = med[("ours", link)]
        p = med.get(("playground", link))
        if link == "loopback":
            rows.append(("requests, first load (ours)", f"{o['requests']:.0f}",
                         f"<= {GOAL_REQUESTS}", GOAL_REQUESTS / o["requests"]))
            rows.append(("transferred, first load (ours)", f"{o['bytes'] / 1024:.1f} KB",
                         f"<= {GOAL_BYTES // 1024} KB", GOAL_BYTES / o["bytes"]))
            if p:
                rows.append(("requests / transferred (TF Playground)",
                             f"{p['requests']:.0f} / {p['bytes'] / 1024:.1f} KB", "(info)", None))
        goal = "<= TF Playground" if link == "loopback" else "(info)"
        rows.append((f"ready, {link}: ours (first frame drawn with the truth table)",
                     f"{o['ready_ms']:.0f} ms", goal,
                     p["ready_ms"] / o["ready_ms"] if p else None))
        if p:
            rows.append((f"ready, {link}: TF Playground (network drawn)",
                         f"{p['ready_ms']:.0f} ms", "", None))
        elif link == "loopback":
            rows.append(("ready: TF Playground", "skipped (no --playground)", "", None))
    print(table(f"First load, cold cache, median of {args.repeats} (1366x768)", rows))

    rows = []
    worst_draw = worst_task = 0.0
    for (hidden, _level), r in runs.items():
        net = f"2-{hidden.replace(',', '-')}-1"
        worst_draw = max(worst_draw, r["draw_p99"])
        worst_task = max(worst_task, r["longest"])
        rows.append((f"{net}, {r['label']}: draw p99 ({r['draws']} draws, {r['fps']:.0f} fps)",
                     f"{r['draw_p99']:.1f} ms", f"<= {GOAL_DRAW_P99_MS:.0f} ms",
                     GOAL_DRAW_P99_MS / r["draw_p99"] if r["draw_p99"] else None))
        rows.append((f"{net}, {r['label']}: frame p99 ({r['frames']} frames); long tasks; "
                     "the job with the largest p99",
                     f"{r['frame_p99']:.1f} ms; {r['long_tasks']} (longest {r['longest']:.0f} ms);"
                     f" {r['slowest_job']}",
                     "0 > 50 ms", None))
    rows.append(("worst draw p99 over every net and speed", f"{worst_draw:.1f} ms",
                 f"<= {GOAL_DRAW_P99_MS:.0f} ms",
                 GOAL_DRAW_P99_MS / worst_draw if worst_draw else None))
    rows.append(("longest task over every net and speed", f"{worst_task:.0f} ms",
                 f"<= {GOAL_LONG_TASK_MS:.0f} ms",
                 GOAL_LONG_TASK_MS / worst_task if worst_task else float("inf")))
    print(table(f"Training at 1366x768, numbers on, {args.seconds:g} s from Run", rows))

    manifest = json.loads((ROOT / "static" / "dist" / "manifest.json").read_text())
    rows = []
    for name, size in manifest["sizes"].items():
        rows.append((f"{name}: minified / brotli", f"{size['bytes'] / 1024:.1f} / "
                     f"{size['br'] / 1024:.1f} KB", "", None))
    own = sum(size["own"] for size in manifest["sizes"].values())
    rows.append(("the page's own code in the bundle (minified, vendor excluded)",
                 f"{own / 1024:.1f} KB", f"<= {GOAL_OWN_BYTES // 1024} KB", GOAL_OWN_BYTES / own))
    print(table("The bundle", rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
