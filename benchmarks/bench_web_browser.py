"""Web pages in a real browser (Debian's chromium driven by Playwright; prints, never gates):
each page's first load with a 20-year training log (8,000 activities), the formation editor's
drag round trip, and the live page's update after a read.

Targets (issue 18): each page's first load ≤ 1 s; formation drag round trip ≤ 200 ms; live page
update ≤ 1 s after the read.

* first load: navigation start → the page's content drawn, read from the page's own
  ``performance.mark("paceline:ready")`` (the log: table and PMC chart; the plan: chart and
  map; the editor: the first drag ratios; an activity: its charts; the live page: the race's
  first state; the home page: its load event), each in a fresh browser context (nothing
  cached: a first visit). The server is ``paceline web`` in its own process (the plan built
  and the log's fitness computed at start, as a user runs it). "/log right after an import":
  a new GPX activity uploaded through the app, then the page loaded at once — the app
  recomputes the charts in the background, and the page's request computes them if that has
  not finished (the PMC, bests and critical speed of 20 years).
* drag round trip: a pacer dragged by the mouse in 12 steps; the browser's resource timing of
  every /api/formation/evaluate request it sent (request start → response end).
* live update: the race-day service mounted in the same app; a mat passing POSTed to
  /api/v1/passings (the read) → the splits table shows its row (a MutationObserver's
  timestamp in the page; one clock, one machine).

The log is bench_web.py's (real files imported, then 8,000 rows over 20 years).

    python benchmarks/bench_web_browser.py            # 8,000 activities, 5 runs
    python benchmarks/bench_web_browser.py --quick    # CI: 400 activities, 2 runs
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_web import ROOT, build_log  # noqa: E402

CHROMIUM = os.environ.get("PACELINE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
READY = "performance.getEntriesByName('paceline:ready').length > 0"


def fmt(xs: list[float], unit: str = "ms") -> str:
    if not xs:
        return "no samples"
    return (f"median {statistics.median(xs):.0f} {unit} (range {min(xs):.0f}–{max(xs):.0f}, "
            f"{len(xs)} samples)")


def first_load(browser, url: str, *, init: str | None = None) -> tuple[float, float]:
    """(ready ms, time to first byte ms) of one page in a fresh context."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    if init:
        ctx.add_init_script(init)
    pg = ctx.new_page()
    pg.goto(url, wait_until="commit")
    try:
        if url.rstrip("/").count("/") == 2:  # the home page: no script, its load event
            pg.wait_for_load_state("load")
            ready = pg.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        else:
            pg.wait_for_function(READY, timeout=60000)
            ready = pg.evaluate("performance.getEntriesByName('paceline:ready')[0].startTime")
        ttfb = pg.evaluate("performance.getEntriesByType('navigation')[0].responseStart")
    finally:
        ctx.close()
    return float(ready), float(ttfb)


def drag_round_trips(browser, base: str) -> list[float]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.goto(base + "/formation")
    pg.wait_for_function(READY, timeout=60000)
    box = pg.locator('#field g.runner[data-index="1"] ellipse').bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    pg.mouse.move(x, y)
    pg.mouse.down()
    for k in range(1, 13):
        pg.mouse.move(x + 9 * k, y, steps=2)
        pg.wait_for_timeout(60)  # a hand's pace
    pg.mouse.up()
    pg.wait_for_timeout(800)
    out = pg.evaluate("performance.getEntriesByType('resource')"
                      ".filter(e => e.name.endsWith('/api/formation/evaluate'))"
                      ".map(e => e.responseEnd - e.startTime)")
    ctx.close()
    return [float(v) for v in out[1:]]  # the first one is the page's initial evaluation


def live_updates(browser, base: str, plan, viewer: str, official: str, n: int) -> list[float]:
    """ms from POSTing mat passing k to the page's splits table showing row k."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_init_script(f"sessionStorage.setItem('paceline-live-token', {viewer!r})")
    pg = ctx.new_page()
    pg.goto(base + "/live")
    pg.wait_for_function(READY, timeout=60000)
    pg.evaluate("""() => { window.__rows = []; const tb = document.getElementById('live-mats');
      new MutationObserver(() => window.__rows.push([tb.rows.length, Date.now()]))
        .observe(tb, {childList: true, subtree: true}); }""")
    out = []
    done = pg.evaluate("document.getElementById('live-mats').rows.length")
    with httpx.Client(base_url=base, timeout=30,
                      headers={"Authorization": f"Bearer {official}"}) as c:
        for k in range(done + 1, done + n + 1):
            d = 1000.0 * k
            t = plan.start_s + float(plan.scheduled_elapsed_s(d))
            t0 = time.time() * 1000.0
            r = c.post("/api/v1/passings", json={"passings": [
                {"chip": "athlete", "time": t, "location": f"{k}km", "seq": f"bench-{k}"}]})
            r.raise_for_status()
            pg.wait_for_function(f"document.getElementById('live-mats').rows.length >= {k}",
                                 timeout=30000)
            seen = pg.evaluate(f"window.__rows.find(r => r[0] >= {k})[1]")
            out.append(float(seen) - t0)
            pg.wait_for_timeout(300)  # reads come seconds apart on race day
    ctx.close()
    return out


def wait_up(base: str, proc, timeout_s: float = 300.0) -> None:
    t_end = time.monotonic() + timeout_s
    while time.monotonic() < t_end:
        if proc.poll() is not None:
            raise SystemExit(f"paceline web exited with {proc.returncode}")
        try:
            if httpx.get(base + "/api/log/fitness", timeout=30).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise SystemExit("paceline web did not answer")


def new_gpx(k: int) -> bytes:
    """A real GPX activity moved to another year: a new activity for the log each time."""
    text = (ROOT / "tests" / "data" / "gpx-activities" / "cerknicko-jezero.gpx").read_text(
        encoding="utf-8")
    return re.sub(r"<time>\d{4}-", f"<time>{1990 + k}-", text).encode()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--n", type=int, default=None, help="activities (default 8000)")
    ap.add_argument("--runs", type=int, default=None)
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"no chromium at {CHROMIUM} (apt-get install chromium): skipped")
        return
    n = args.n or (400 if args.quick else 8000)
    runs = args.runs or (2 if args.quick else 5)
    from playwright.sync_api import sync_playwright

    from paceline.live.plan import read_live_plan
    from paceline.live.service import LiveService
    from paceline.report.plan import write_plan

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/log.sqlite"
        live_url = f"sqlite:///{tmp}/live.sqlite"
        plan_dir = Path(tmp) / "plan"
        build_log(url, n)
        write_plan(ROOT / "scenarios" / "vienna-2019.toml", plan_dir,
                   draws=500 if args.quick else 2000, crew_time_limit_s=8.0)
        svc = LiveService(str(plan_dir), live_url)
        viewer = svc.store.create_token("viewer", "bench")
        official = svc.store.create_token("official", "bench")
        svc.close()
        with socket.socket() as sk:
            sk.bind(("127.0.0.1", 0))
            port = sk.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen(
            [sys.executable, "-m", "paceline", "web", "--db", url, "--plan", str(plan_dir),
             "--live-db", live_url, "--port", str(port), "--formations-dir", f"{tmp}/f"],
            env={**os.environ, "PACELINE_WEB_TOKEN": "bench"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_up(base, proc)
            time.sleep(2.0)  # the start-up's background fitness for each sport
            plan = read_live_plan(plan_dir)
            aid = httpx.get(base + "/api/log/activities").json()["rows"][0]["id"]
            live_init = f"sessionStorage.setItem('paceline-live-token', {viewer!r})"
            pages = {"/": None, "/plan": None, "/formation": None, "/log": None,
                     "/log?sort=pace&order=asc&page=40": None, f"/log/{aid}": None,
                     "/live": live_init}
            ready: dict[str, list[float]] = {p: [] for p in pages}
            ttfb: dict[str, list[float]] = {p: [] for p in pages}
            cold: list[float] = []
            rt: list[float] = []
            live: list[float] = []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                first_load(browser, base + "/log")  # the browser's own start-up
                for k in range(runs):
                    for path, init in pages.items():
                        r, t = first_load(browser, base + path, init=init)
                        ready[path].append(r)
                        ttfb[path].append(t)
                    up = httpx.post(base + "/api/log/import", timeout=60,
                                    headers={"Authorization": "Bearer bench"},
                                    files=[("files", (f"run-{k}.gpx", new_gpx(k),
                                                      "application/gpx+xml"))])
                    assert up.json()["files"][0]["status"] == "imported", up.text
                    cold.append(first_load(browser, base + "/log")[0])
                    rt += drag_round_trips(browser, base)
                    live += live_updates(browser, base, plan, viewer, official, 3)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        load = os.getloadavg()
        print(f"log of {n} activities over 20 years; machine load average {load[0]:.1f} "
              f"(1 min), {os.cpu_count()} cores; `paceline web` in its own process")
        for path in pages:
            print(f"{path:<34} first load {fmt(ready[path])}  [target ≤ 1000 ms]; "
                  f"first byte {fmt(ttfb[path])}")
        print(f"{'/log right after an import':<34} first load {fmt(cold)}  [target ≤ 1000 ms]")
        print(f"formation drag round trip in the browser {fmt(rt)}  [target ≤ 200 ms]")
        print(f"live page shows a mat passing after its POST {fmt(live)}  [target ≤ 1000 ms]")
        print("Shared machine: figures are noisy; quote the median and the range.",
              file=sys.stderr)


if __name__ == "__main__":
    main()
