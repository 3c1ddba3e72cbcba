"""The web app in a real browser: Debian's chromium driven by Playwright (never
`playwright install`). Clicks and drags as a person would; checks phone widths and axe-core's
accessibility rules; saves a screenshot of every page to tests/web/screenshots/ (look at them).

Skipped when /usr/bin/chromium is missing (`.ci/run` installs it with apt-get)."""

import os
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PACELINE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
SHOTS = Path(__file__).resolve().parent / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
PAGES = ("/plan", "/formation", "/log")


def axe_serious(pg) -> list:
    pg.add_script_tag(path=str(AXE))
    res = pg.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], len(v["nodes"])) for v in res["violations"]
            if v["impact"] in ("serious", "critical")]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                                reason=f"no chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="module")
def server(app):
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    app.state.get_plan()  # build the plan before the first page load
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    th.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.errors = errors
    yield pg
    ctx.close()


def shot(pg, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_plan_page_links_splits_to_map_and_chart(page, server):
    page.goto(server + "/plan")
    page.wait_for_selector("#pace-chart .u-over")
    page.wait_for_selector("#course-map path.leaflet-interactive")
    row = page.locator("table.splits tbody tr").nth(3)  # 20 km
    row.hover()
    # the split's place: a red marker on the map, the chart's cursor at 20 km
    page.wait_for_selector("#course-map path[fill='#d62728']")
    legend = page.locator("#pace-chart .u-legend .u-series").first.inner_text()
    assert "20.0" in legend or "19.9" in legend or "20.1" in legend, legend
    assert "hl" in row.get_attribute("class")
    # the Gantt names pacers and gives capacity on hover (SVG <title>)
    stint = page.locator(".gantt rect.stint").first
    stint.hover()
    assert "lowest remaining capacity" in stint.locator("title").text_content()
    assert page.locator(".gantt rect.hl").count() >= 1
    shot(page, "plan-desktop")
    assert not page.errors, page.errors


def test_dragging_a_pacer_updates_drags_and_worth(page, server):
    page.goto(server + "/formation")
    page.wait_for_function("document.body.dataset.updates >= '1'")
    before = page.locator("#athlete-drag").inner_text()
    worth_before = page.locator("#worth").inner_text()
    pacer = page.locator('#field g.runner[data-index="1"] ellipse')  # the one in front
    box = pacer.bounding_box()
    n0 = int(page.evaluate("document.body.dataset.updates"))
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    for k in range(1, 9):  # drag it 2–3 m to the side, as a hand would, in steps
        page.mouse.move(box["x"] + box["width"] / 2 + 14 * k, box["y"] + box["height"] / 2,
                        steps=2)
    page.mouse.up()
    page.wait_for_function(f"parseInt(document.body.dataset.updates) > {n0}")
    page.wait_for_timeout(400)  # the last position's answer
    after = page.locator("#athlete-drag").inner_text()
    assert after != before and float(after) > float(before)
    assert page.locator("#worth").inner_text() != worth_before
    ms = float(page.locator("#latency").inner_text().split()[2])
    print(f"formation update round trip in the browser: {ms:.0f} ms")
    # wind control: the crosswind changes the drags
    page.locator("#wind").fill("4")
    page.wait_for_timeout(500)
    assert page.locator("#athlete-drag").inner_text() != after
    shot(page, "formation-desktop")
    assert not page.errors, page.errors


def test_keyboard_moves_a_pacer(page, server):
    page.goto(server + "/formation")
    page.wait_for_function("document.body.dataset.updates >= '1'")
    before = page.locator("#runners tbody tr").nth(1).inner_text()
    page.locator('#field g.runner[data-index="1"]').focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(300)
    assert page.locator("#runners tbody tr").nth(1).inner_text() != before


def test_training_log_sorts_filters_and_opens_an_activity(page, server):
    page.goto(server + "/log")
    page.wait_for_selector("#pmc-chart .u-over")
    first = page.locator("table.activities tbody tr td").first.inner_text()
    page.locator("table.activities th a", has_text="date").click()  # flip the order
    page.wait_for_function(f"document.querySelector('table.activities tbody td').innerText "
                           f"!== {first!r}")
    page.select_option("select[name=sport]", "running")
    page.wait_for_timeout(500)
    sports = page.locator("table.activities tbody tr td:nth-child(2)").all_inner_texts()
    assert sports and set(sports) == {"running"}
    # the flipped sort survives the filter (hidden fields once kept the page-load sort)
    assert page.locator("table.activities th[aria-sort]").get_attribute(
        "aria-sort") == "ascending"
    shot(page, "log-desktop")
    page.locator("table.activities tbody tr a").first.click()
    page.wait_for_selector("#act-pace .u-over, #act-pace:has-text('No')")
    shot(page, "activity-desktop")
    assert not page.errors, page.errors


@pytest.mark.parametrize("path", PAGES + ("/", "/log/1"))
def test_phone_width_nothing_overflows(browser, server, path):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                              has_touch=True, device_scale_factor=1)
    pg = ctx.new_page()
    pg.goto(server + path)
    pg.wait_for_load_state("networkidle")
    overflow = pg.evaluate("document.documentElement.scrollWidth - "
                           "document.documentElement.clientWidth")
    assert overflow <= 1, f"{path} is {overflow}px wider than the phone"
    shot(pg, "phone" + (path.replace("/", "-") if path != "/" else "-home"))
    ctx.close()


@pytest.mark.parametrize("path", PAGES + ("/", "/live"))
def test_no_serious_accessibility_violations(page, server, path):
    page.goto(server + path)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    res = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [(v["id"], v["impact"], len(v["nodes"])) for v in res["violations"]
           if v["impact"] in ("serious", "critical")]
    assert not bad, bad


@pytest.fixture(scope="module")
def live_server(plan_dir, tmp_path_factory):
    """The web app with the race-day service mounted (one app, one process)."""
    import uvicorn

    from paceline.web import WebConfig, create_app

    tmp = tmp_path_factory.mktemp("live")
    app = create_app(WebConfig(plan=str(plan_dir), live_db=f"sqlite:///{tmp}/live.sqlite",
                               db_url=f"sqlite:///{tmp}/log.sqlite", token="t",
                               formations_dir=tmp / "f"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    while not srv.started:
        time.sleep(0.05)
    yield app, f"http://127.0.0.1:{port}"
    srv.should_exit = True
    th.join(timeout=10)


def test_live_page_advances_while_a_replay_runs(page, live_server):
    import httpx

    from paceline.live.replay import replay, simulate_race

    app, base = live_server
    official = app.state.live.store.create_token("official", "timing")
    viewer = app.state.live.store.create_token("viewer", "screen")
    page.goto(base + "/live")
    page.fill("#live-token", viewer)
    page.click("#live-connect")
    page.wait_for_selector("#live-status:has-text('connected')")
    assert page.locator("#live-athlete").inner_text() == "no reads yet"
    msgs = simulate_race(app.state.live.plan, distance_m=3000.0, seed=3)
    with httpx.Client(base_url=base, timeout=30) as client:
        th = threading.Thread(target=replay, args=(msgs, client, official),
                              kwargs={"speed": 200.0}, daemon=True)
        th.start()
        page.wait_for_function("document.getElementById('live-athlete').innerText"
                               ".includes('km at')", timeout=30000)
        first = page.locator("#live-athlete").inner_text()
        page.wait_for_function(f"document.getElementById('live-athlete').innerText !== "
                               f"{first!r}", timeout=30000)  # it advances as reads arrive
        th.join(timeout=60)
    page.wait_for_timeout(1500)
    assert page.locator("#live-map path.leaflet-interactive").count() >= 2  # course + athlete
    # the pace car is drawn (a square marker) and told against the athlete: the replay's car
    # drives 8 m ahead of him
    assert page.locator("#live-map .car-icon").count() == 1
    car = page.locator("#live-car").inner_text()
    assert "ahead of the athlete" in car and "km" in car, car
    lead_m = float(car.split(",")[1].split()[0])
    assert 0 <= lead_m <= 30, car
    shot(page, "live-desktop")
    assert not axe_serious(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth - "
                         "document.documentElement.clientWidth") <= 1
    shot(page, "phone-live")
    assert not page.errors, page.errors


def test_log_view_lives_in_the_url(page, server):
    # sort and filter: the address bar follows; a reload shows the same view; back from an
    # activity shows the page, not the bare table fragment the browser had cached
    page.goto(server + "/log")
    page.wait_for_selector("#pmc-chart .u-over")
    page.locator("table.activities th a", has_text="distance").click()
    page.wait_for_function("location.search.includes('sort=distance_m')")
    page.select_option("select[name=sport]", "running")
    page.wait_for_function("location.search.includes('sport=running')")
    assert "sort=distance_m" in page.url and "since=" not in page.url  # no empty fields
    # the fitness charts follow the sport filter
    page.wait_for_selector("#pmc-note:has-text('running only')")
    rows = page.locator("table.activities tbody tr").all_inner_texts()
    page.reload()
    page.wait_for_selector("#pmc-chart .u-over")
    assert page.locator("select[name=sport]").input_value() == "running"
    assert page.locator("th[aria-sort]").inner_text().startswith("distance")
    assert page.locator("table.activities tbody tr").all_inner_texts() == rows
    page.locator("table.activities tbody tr a").first.click()
    page.wait_for_selector("#act-pace")
    page.go_back()
    page.wait_for_selector("h1:has-text('Training log')")
    assert page.locator("table.activities tbody tr").all_inner_texts() == rows
    assert "sport=running" in page.url
    assert not page.errors, page.errors


def test_formation_name_rules_and_overwrite_are_asked_in_the_page(page, server):
    page.goto(server + "/formation")
    page.wait_for_function("document.body.dataset.updates >= '1'")
    page.fill("#save-token", "test-token-123")
    page.fill("#save-name", "x" * 65)
    page.click("#save")
    msg = page.locator("#save-status").inner_text()
    assert "65 characters" in msg and "64" in msg and "{" not in msg, msg
    assert page.locator("#save-name").get_attribute("aria-invalid") == "true"
    page.fill("#save-name", "My Wide V")
    assert "my-wide-v" in page.locator("#save-status").inner_text()
    assert not axe_serious(page)
    shot(page, "formation-name-error")
    page.fill("#save-name", "browser-v")
    page.click("#save")
    page.wait_for_selector("#save-status:has-text('Saved browser-v.toml')")
    assert page.locator("#preset option[value='browser-v']").count() == 1
    page.click("#save")  # the same name again: asked, nothing overwritten yet
    page.wait_for_selector("#save-confirm:not([hidden])")
    assert "already saved" in page.locator("#save-status").inner_text()
    shot(page, "formation-overwrite-ask")
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#save-confirm").scroll_into_view_if_needed()
    shot(page, "phone-formation-overwrite-ask")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("#save-overwrite")
    page.wait_for_selector("#save-status:has-text('Overwrote browser-v.toml')")
    assert page.locator("#save-confirm").is_hidden()
    # the browser logs the expected 409 answer; nothing else may go wrong
    assert not [e for e in page.errors if "409" not in e], page.errors


def test_activity_page_has_no_serious_accessibility_violations(page, server):
    page.goto(server + "/log/1")
    page.wait_for_load_state("networkidle")
    assert not axe_serious(page)
    shot(page, "activity-desktop")


# Every element that sticks out of a phone's width and is not inside a container that scrolls
# sideways on purpose (overflow-x auto/scroll, and wider than it shows).
_OUTSIDE = """() => {
  const vw = document.documentElement.clientWidth, out = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || (r.right <= vw + 1 && r.left >= -1)) continue;
    let p = e.parentElement, scrolled = false;
    for (; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (['auto', 'scroll'].includes(s.overflowX) && p.scrollWidth > p.clientWidth) {
        scrolled = true; break; }
    }
    const cls = e.className.baseVal ?? e.className;
    if (!scrolled) out.push(`${e.tagName}.${cls} ${Math.round(r.right)}`);
  }
  return out;
}"""


def test_static_report_on_a_phone_fits_with_charts_scaled(browser, plan_dir):
    # issue 14 item 6: at 390 px charts, the crew Gantt and the what-if and drinks tables were
    # clipped (the what-if header read "wort")
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                              device_scale_factor=1)
    pg = ctx.new_page()
    pg.goto((plan_dir / "report.html").as_uri())
    pg.wait_for_load_state("load")
    assert pg.evaluate(_OUTSIDE) == []
    assert pg.evaluate("document.documentElement.scrollWidth - "
                       "document.documentElement.clientWidth") <= 1
    # every chart scales to the width: no image is clipped by a scroll box
    for w in pg.eval_on_selector_all("img", "els => els.map(e => e.getBoundingClientRect().width)"):
        assert 0 < w <= 390
    # the whole race's crew rotation is visible, scaled, with a hint that the detail scrolls
    box = pg.locator("svg.gantt-overview").bounding_box()
    assert box and box["width"] <= 390 and box["height"] > 60
    assert pg.locator(".gantt-hint").is_visible()
    # the what-if and drinks tables stack: each value is read with its label
    assert pg.locator("table.whatif td[data-label=worth]").first.is_visible()
    assert pg.locator("table.whatif td[data-label=worth]").first.evaluate(
        "e => getComputedStyle(e, '::before').content") == '"worth: "'
    shot(pg, "report-phone")
    assert not axe_serious(pg)
    pg.set_viewport_size({"width": 1366, "height": 900})
    assert not pg.locator("svg.gantt-overview").is_visible()
    assert pg.evaluate(_OUTSIDE) == []
    shot(pg, "report-desktop")
    assert not axe_serious(pg)
    ctx.close()


def test_durations_carry_the_minute_when_seconds_round_to_60(page, server):
    # the live page showed 1:13:00.0 for 4439.97 s (1:14:00.0) beside a gap that said +15.7 s:
    # the seconds rounded to 60.0 were reset to 0 without carrying the minute
    page.goto(server + "/")
    got = page.evaluate("""() => [[4439.97, 1], [59.96, 1], [3599.6, 0], [-0.04, 1], [-75, 0]]
        .map(([s, d]) => window.paceline.duration(s, d))""")
    assert got == ["1:14:00.0", "1:00.0", "1:00:00", "0:00.0", "-1:15"]


def test_a_pacer_is_dragged_by_its_label_too(page, server):
    # a press on the label ("1 · 0.94") did nothing: only the small ellipse took a drag
    page.goto(server + "/formation")
    page.wait_for_function("document.body.dataset.updates >= '1'")
    before = page.locator("#athlete-drag").inner_text()
    label = page.locator('#field g.runner[data-index="1"] text').bounding_box()
    x, y = label["x"] + label["width"] / 2, label["y"] + label["height"] / 2
    n0 = int(page.evaluate("document.body.dataset.updates"))
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, 9):
        page.mouse.move(x + 14 * k, y, steps=2)
    page.mouse.up()
    page.wait_for_function(f"parseInt(document.body.dataset.updates) > {n0}")
    page.wait_for_timeout(400)
    assert page.locator("#athlete-drag").inner_text() != before
    hit = page.locator('#field g.runner[data-index="1"] rect.hit').bounding_box()
    assert hit["width"] >= 24 and hit["height"] >= 24  # WCAG 2.2 target size, at desktop scale
