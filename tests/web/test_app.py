"""The web app in-process (ASGI client): pages render, APIs answer, writes are guarded."""

import tomllib

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app)


@pytest.fixture(scope="module")
def vienna(client):
    return client.get("/api/formation/preset/ineos-vienna-2019").json()


def test_pages_render_with_vendored_scripts_only(client):
    for url in ("/", "/plan", "/formation", "/log"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert "https://" not in r.text.split("</head>")[0], url  # nothing from a CDN
        assert '<meta name="viewport"' in r.text
    for asset in ("/static/vendor/htmx/htmx.min.js", "/static/vendor/uplot/uPlot.iife.min.js",
                  "/static/vendor/leaflet/leaflet.js", "/static/plan.js"):
        assert client.get(asset).status_code == 200, asset


def test_plan_page_shares_the_report_templates(client):
    html = client.get("/plan").text
    # the same sections as report.html, with the interactive chart and map in place of the PNG
    for text in ("Wristband card", "Pace car", "Crew rotation", "Drinks by bike",
                 'id="pace-chart"', 'id="course-map"', 'class="gantt"', "Illustrative roster"):
        assert text in html, text
    assert '<a href="/plan/files/plan.json">plan.json</a>' in html
    chart = client.get("/api/plan").json()
    assert chart["geo"] and len(chart["lat"]) == len(chart["track_km"]) > 100
    assert chart["finish_s"] == pytest.approx(7180.0)


def test_plan_files_served_by_name_only(client):
    assert client.get("/plan/files/plan.json").json()["finish_time_s"] == pytest.approx(7180.0)
    for bad in ("/plan/files/..%2F..%2Fetc%2Fpasswd", "/plan/files/other.txt"):
        assert client.get(bad).status_code == 404


def test_formation_evaluate_moves_with_the_runners(client, vienna):
    body = {"runners": vienna["runners"], "speed_m_s": 5.88}
    base = client.post("/api/formation/evaluate", json=body).json()
    assert base["athlete_drag_reduction"] > 0.3 and base["worth_s"] > 60
    # move the pacer straight ahead of the athlete 3 m to the side: the athlete loses shelter
    runners = [dict(r) for r in vienna["runners"]]
    front = next(r for r in runners if r["name"] == "front centre")
    front["y_m"] = 3.0
    moved = client.post("/api/formation/evaluate", json={**body, "runners": runners}).json()
    assert moved["drag_ratio"][0] > base["drag_ratio"][0]
    assert moved["worth_s"] < base["worth_s"]


def test_formation_evaluate_refuses_nonsense(client, vienna):
    r = client.post("/api/formation/evaluate", json={"runners": vienna["runners"],
                                                     "speed_m_s": 50})
    assert r.status_code == 422 and "speed_m_s" in r.text


def test_formation_save_needs_token_and_a_safe_name(client, vienna, web_config):
    body = {"runners": vienna["runners"], "name": "wide-v", "title": "wide V"}
    assert client.post("/api/formation/save", json=body).status_code == 401
    bad = client.post("/api/formation/save", json={**body, "name": "../../etc/x"},
                      headers=AUTH)
    assert bad.status_code == 422 and "lower-case" in bad.json()["detail"]
    assert not list(web_config.formations_dir.parent.glob("etc*"))
    ok = client.post("/api/formation/save", json=body, headers=AUTH)
    assert ok.status_code == 200
    saved = web_config.formations_dir / "wide-v.toml"
    data = tomllib.loads(saved.read_text())
    assert data["name"] == "wide-v" and data["runner"][0] == {"name": "athlete", "x_m": 0.0,
                                                              "y_m": 0.0}
    assert len(data["runner"]) == len(vienna["runners"])


def test_saved_formation_is_usable_by_predict(client, vienna, web_config, monkeypatch):
    # the file the editor saves loads as a preset by name from PACELINE_FORMATIONS
    client.post("/api/formation/save", json={"runners": vienna["runners"], "name": "copy-v"},
                headers=AUTH)
    monkeypatch.setenv("PACELINE_FORMATIONS", str(web_config.formations_dir))
    from paceline.formation import load_preset

    f = load_preset("copy-v")
    assert f.n_pacers == len(vienna["runners"]) - 1


def test_log_pages_and_apis(client):
    table = client.get("/api/log/activities").json()
    assert table["count"] >= 3
    first = table["rows"][0]
    r = client.get(f"/log/{first['id']}")
    assert r.status_code == 200 and "Laps" in r.text
    runs = client.get("/api/log/activities", params={"sport": "running", "sort": "distance_m",
                                                     "order": "asc"}).json()
    assert all(x["sport"] == "running" for x in runs["rows"])
    fit = client.get("/api/log/fitness").json()
    assert len(fit["day_s"]) == len(fit["ctl"]) > 0
    assert client.get("/api/log/activities", params={"since": "2020-13-01"}).status_code == 422
    assert client.get("/api/log/activities", params={"sort": "drop table"}).status_code == 422
    assert client.get("/log/999999").status_code == 404
    # a sport typo answered 200 with "0 activities" beside "No activities yet"
    bogus = client.get("/api/log/activities", params={"sport": "bogus"})
    assert bogus.status_code == 422 and "running" in bogus.json()["detail"]
    assert client.get("/api/log/activities", params={"sport": "swimming"}).status_code == 200


@pytest.mark.parametrize("path,status,says", [
    ("/nope", 404, "no page at /nope"), ("/log/999999", 404, "999999"),
    ("/log/abc", 422, "abc"), ("/log?since=2021-13-45", 422, "2021-13-45")])
def test_errors_are_pages_in_a_browser_and_json_for_the_api(client, path, status, says):
    # a browser once got raw JSON ({"detail": ...}) with no layout or way back
    r = client.get(path, headers={"Accept": "text/html,application/xhtml+xml"})
    assert r.status_code == status and r.headers["content-type"].startswith("text/html")
    assert says in r.text and 'href="/"' in r.text
    api = client.get(path)  # no Accept: text/html (scripts, the API) keeps JSON
    assert api.status_code == status and "detail" in api.json()


def test_htmx_filter_returns_the_table_fragment(client):
    r = client.get("/log", params={"sport": "running"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "<html" not in r.text and "activities" in r.text


def test_import_needs_token_and_respects_the_size_limit(client):
    files = [("files", ("x.fit", b"\0" * 10, "application/octet-stream"))]
    assert client.post("/api/log/import", files=files).status_code == 401
    big = [("files", ("big.fit", b"\0" * 300_000, "application/octet-stream"))]
    assert client.post("/api/log/import", files=big, headers=AUTH).status_code == 413
    bad = [("files", ("notes.exe", b"MZ", "application/octet-stream"))]
    assert client.post("/api/log/import", files=bad, headers=AUTH).status_code == 422
    junk = client.post("/api/log/import", files=files, headers=AUTH)
    assert junk.status_code == 200 and junk.json()["files"][0]["status"] == "failed"


def test_cli_refuses_a_bad_plan_or_tile_url(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "x.toml"
    bad.write_text("not = [valid")
    for args in (["--plan", str(tmp_path / "missing")], ["--plan", str(bad)],
                 ["--tile-url", "https://tiles.example.org/a.png"]):
        r = subprocess.run([sys.executable, "-m", "paceline", "web", *args],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 2, (args, r.stderr)
        assert "error:" in r.stderr and "Fix:" in r.stderr


def test_live_page_without_the_service_says_how_to_start_it(client):
    r = client.get("/live")
    assert r.status_code == 200 and "--live-db" in r.text


def test_live_service_mounted_beside_the_pages(plan_dir, tmp_path):
    # one app, one process: the race-day service's router under /api/v1 beside the pages
    from paceline.web import WebConfig, create_app

    app = create_app(WebConfig(plan=str(plan_dir), live_db=f"sqlite:///{tmp_path}/live.sqlite",
                               db_url=f"sqlite:///{tmp_path}/log.sqlite", token=TOKEN,
                               formations_dir=tmp_path / "f"))
    with TestClient(app) as c:
        viewer = app.state.live.store.create_token("viewer", "screen")
        page = c.get("/live")
        assert page.status_code == 200 and 'id="live-map"' in page.text
        assert c.get("/api/v1/health").json()["ok"] is True
        assert c.get("/api/v1/plan").status_code == 401
        plan = c.get("/api/v1/plan", params={"token": viewer}).json()
        assert plan["distance_m"] == pytest.approx(42195.0, abs=1.0) and len(plan["course"]) > 10
        state = c.get("/api/v1/state", params={"token": viewer}).json()
        assert state["athlete"] is None  # no reads yet
        assert c.get("/plan").status_code == 200


def test_log_table_pages_sorts_and_counts_in_sql(log_url):
    from paceline.web import views

    everything = views.activity_table(log_url, sort="distance_m", order="desc", per_page=1000)
    assert everything["pages"] == 1 and everything["count"] == len(everything["rows"]) >= 3
    page2 = views.activity_table(log_url, sort="distance_m", order="desc", page=2, per_page=2)
    assert page2["rows"] == everything["rows"][2:4] and page2["page"] == 2
    assert page2["first"] == 3 and page2["prev_url"] == "/log?sort=distance_m"
    assert page2["next_url"] in (None, "/log?sort=distance_m&page=3")
    # past the end (a link from before the log shrank): the last page, not an empty table
    last = views.activity_table(log_url, page=999, per_page=2)
    assert last["page"] == last["pages"] and last["rows"]
    dist = [float(r["distance"].split()[0]) for r in everything["rows"] if r["distance"] != "—"]
    assert dist == sorted(dist, reverse=True)


def test_log_fragment_pushes_its_url_and_is_never_cached(client):
    # the address bar follows the table (a reload or a shared link shows the same view), and
    # a browser never shows the bare fragment for the page's URL (back from an activity did)
    hx = {"HX-Request": "true"}
    r = client.get("/log", params={"sport": "running", "sort": "distance_m", "order": "asc",
                                   "since": "", "until": ""}, headers=hx)
    assert r.headers["HX-Push-Url"] == "/log?sport=running&sort=distance_m&order=asc"
    assert r.headers["Cache-Control"] == "no-store" and "HX-Request" in r.headers["Vary"]
    assert "<html" not in r.text
    restore = client.get("/log?sort=pace", headers={**hx, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text and 'aria-sort="descending"' in restore.text
    assert "HX-Push-Url" not in restore.headers
    assert client.get("/log", params={"page": 0}).status_code == 422


def test_fitness_api_serves_the_computed_numbers(client, log_url):
    from paceline.web import views

    api = client.get("/api/log/fitness")
    assert api.headers["content-type"] == "application/json"
    fresh = views.compute_fitness(log_url)
    got = api.json()
    assert got["ctl"] == fresh["ctl"] and got["bests"] == fresh["bests"]


def test_import_errors_name_the_users_file_not_server_paths(client):
    import tempfile

    files = [("files", ("My Run.fit", b"\0" * 10, "application/octet-stream")),
             ("files", ("evening.gpx", b"<gpx>oops", "application/gpx+xml")),
             ("files", (r"C:\Users\eliud\laps.csv", b"a,b\n1,2\n", "text/csv")),
             ("files", ("empty.tcx", b"", "application/octet-stream"))]
    r = client.post("/api/log/import", files=files, headers=AUTH)
    assert r.status_code == 200
    out = r.json()["files"]
    assert [f["file"] for f in out] == ["My Run.fit", "evening.gpx", "laps.csv", "empty.tcx"]
    for f in out:
        assert f["status"] in ("failed", "skipped") and f["reason"]
        for leak in (tempfile.gettempdir(), "upload-", "tmp", "C:\\"):
            assert leak not in f["reason"], f
    assert "not a valid FIT file" in out[0]["reason"]
    assert "(0 bytes)" in out[3]["reason"]


@pytest.mark.parametrize("name,says", [
    ("a" * 65, "has 65 characters (at most 64)"),
    ("My Wide V", "e.g. 'my-wide-v'"),
    ("../x", "'.', '/'"),
    ("", "is empty"),
    ("ineos-vienna-2019", "bundled preset"),
])
def test_formation_names_refused_with_a_sentence(client, vienna, name, says, web_config):
    # a 65-character name once answered with pydantic's JSON error list
    before = sorted(web_config.formations_dir.iterdir())
    r = client.post("/api/formation/save", json={"runners": vienna["runners"], "name": name},
                    headers=AUTH)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert isinstance(detail, str) and says in detail, detail
    if "bundled" not in says:
        assert "64" in detail and "lower-case" in detail
    assert sorted(web_config.formations_dir.iterdir()) == before


def test_saving_over_a_name_asks_first_and_loses_nothing(client, vienna, web_config):
    body = {"runners": vienna["runners"], "name": "keep-me"}
    assert client.post("/api/formation/save", json=body, headers=AUTH).status_code == 200
    path = web_config.formations_dir / "keep-me.toml"
    first = path.read_text()
    moved = [dict(r) for r in vienna["runners"]]
    moved[1]["y_m"] += 1.0
    again = client.post("/api/formation/save", json={**body, "runners": moved}, headers=AUTH)
    assert again.status_code == 409 and again.json()["exists"] == "keep-me"
    assert "nothing was written" in again.json()["detail"]
    assert path.read_text() == first  # untouched
    assert not [p for p in web_config.formations_dir.iterdir() if p.suffix == ".tmp"]
    ok = client.post("/api/formation/save", json={**body, "runners": moved, "overwrite": True},
                     headers=AUTH)
    assert ok.status_code == 200 and ok.json()["overwritten"] is True
    assert path.read_text() != first


def test_an_import_recomputes_the_fitness_charts_in_the_background(tmp_path):
    # the page after an import finds its charts computed (a 20-year log: ~0.5 s on the
    # request otherwise), for the whole log and for each sport
    import time

    from paceline.web import WebConfig, create_app, views
    from tests.web.conftest import DATA

    url = f"sqlite:///{tmp_path / 'log.sqlite'}"
    app = create_app(WebConfig(db_url=url, token=TOKEN, formations_dir=tmp_path / "f"))
    fit = sorted((DATA / "fit" / "run").glob("*.fit"))[0]
    with TestClient(app) as c:
        r = c.post("/api/log/import", headers=AUTH,
                   files=[("files", (fit.name, fit.read_bytes(), "application/octet-stream"))])
        assert r.json()["files"][0]["status"] == "imported"
        for _ in range(200):
            if (url, None) in views._FITNESS and (url, "running") in views._FITNESS:
                break
            time.sleep(0.05)
        assert (url, None) in views._FITNESS and (url, "running") in views._FITNESS
        assert c.get("/api/log/fitness").json()["ctl"]
        # an upload that adds nothing (the same file again, a broken one) keeps the charts
        cached = views._FITNESS[(url, None)]
        again = c.post("/api/log/import", headers=AUTH, files=[
            ("files", (fit.name, fit.read_bytes(), "application/octet-stream")),
            ("files", ("broken.fit", b"\0" * 10, "application/octet-stream"))])
        assert [f["status"] for f in again.json()["files"]] == ["duplicate", "failed"]
        assert views._FITNESS[(url, None)] is cached
