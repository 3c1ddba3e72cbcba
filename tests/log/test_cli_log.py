"""`paceline log ...`: JSON contracts, tables, PNG, profile → predict, errors → exit 2."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paceline.cli import app
from paceline.errors import InputFileError

DATA = Path(__file__).resolve().parents[1] / "data"
runner = CliRunner()


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'log.sqlite'}"


@pytest.fixture
def folder(tmp_path):
    f = tmp_path / "in"
    f.mkdir()
    for rel in ["fit/run/activity-small-fenix2-run.fit", "fit/run/2013-02-06-12-11-14.fit",
                "fit/run/developer-types-sample.fit", "fit/odd/activity-filecrc.fit",
                "fit/non_activity/Settings.fit", "tcx/test.tcx"]:
        shutil.copy(DATA / rel, f / Path(rel).name)
    return f


def _ok(args):
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    return r.output


def _import_folder(db) -> str:
    """Import the folder fixture: its CRC-broken file fails, the other new files are imported,
    and the command exits 2 (a PacelineError) so that a script can tell (review of issue 14)."""
    r = runner.invoke(app, ["log", "import", str(db[1]), "--db", db[0], "--workers", "1"])
    assert isinstance(r.exception, InputFileError), r.output
    assert "1 file(s) failed and were not imported: activity-filecrc.fit" in str(r.exception)
    assert "other new file(s) were imported" in str(r.exception)
    return r.output


def test_import_and_list_json_contract(db, folder):
    r = runner.invoke(app, ["log", "import", str(folder), "--db", db, "--json", "--workers", "1"])
    assert isinstance(r.exception, InputFileError)  # one file failed: exit 2 after the JSON
    s = json.loads(r.output)
    assert set(s) == {"imported", "duplicate", "skipped", "failed"}
    assert len(s["imported"]) == 4 and len(s["failed"]) == 1 and len(s["skipped"]) == 1
    assert "CRC" in s["failed"][0]["reason"] and s["skipped"][0]["reason"]
    # nothing new imported and a file failed: the JSON summary, then exit code 2
    r = runner.invoke(app, ["log", "import", str(folder), "--db", db, "--json",
                            "--workers", "1"])
    assert isinstance(r.exception, InputFileError) and "no file imported" in str(r.exception)
    again = json.loads(r.output)
    assert len(again["duplicate"]) == 4 and not again["imported"]
    rows = json.loads(_ok(["log", "list", "--db", db, "--json"]))
    assert len(rows) == 4
    assert set(rows[0]) == {"id", "start_utc", "sport", "distance_m", "moving_time_s",
                            "elapsed_time_s", "load", "load_kind"}
    assert rows[0]["start_utc"].endswith("+00:00")


def test_tables_show_stats_bests_export_delete(db, folder, tmp_path):
    _import_folder((db, folder))
    assert "activities" in _ok(["log", "list", "--db", db])
    assert "Laps" in _ok(["log", "show", "1", "--db", db])
    assert "Volume per month" in _ok(["log", "stats", "--monthly", "--db", db])
    assert "Volume per week" in _ok(["log", "stats", "--db", db])
    out = _ok(["log", "bests", "--db", db])
    assert "Best efforts" in out and "reference" in out
    b = json.loads(_ok(["log", "bests", "--db", db, "--json"]))
    assert b["bests"] and b["predictions"]
    csv_out = tmp_path / "a.csv"
    _ok(["log", "export", "--db", db, "--out", str(csv_out)])
    assert len(csv_out.read_text().splitlines()) == 5
    _ok(["log", "note", "2024-03-01", "long run felt easy", "--db", db])
    _ok(["log", "delete", "1", "--db", db])
    assert len(json.loads(_ok(["log", "list", "--db", db, "--json"]))) == 3


def test_fitness_writes_png(db, folder, tmp_path):
    _import_folder((db, folder))
    png = tmp_path / "pmc.png"
    res = json.loads(_ok(["log", "fitness", "--db", db, "--out", str(png), "--json"]))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert res["load_kinds"]["speed"] >= 1


def test_fitness_without_out_prints_and_draws_nothing(db, folder, tmp_path, monkeypatch):
    _import_folder((db, folder))
    monkeypatch.chdir(tmp_path)
    res = json.loads(_ok(["log", "fitness", "--db", db, "--json"]))
    assert res["png"] is None and res["load_kinds"]["speed"] >= 1
    text = _ok(["log", "fitness", "--db", db])
    assert "fitness" in text and "--out" in text
    assert not list(tmp_path.glob("*.png"))  # it wrote fitness.png into the folder before


def test_profile_feeds_predict(db, folder, tmp_path):
    _import_folder((db, folder))
    prof = tmp_path / "athlete.toml"
    _ok(["log", "profile", "--out", str(prof), "--db", db, "--mass-kg", "60",
         "--height-m", "1.75", "--temperature-c", "15", "--relative-humidity", "0.6"])
    sc = tmp_path / "scenario.toml"
    sc.write_text(prof.read_text() + '\n[race]\ndistance = "marathon"\n\n[conditions]\n'
                  "temperature_c = 12\nrelative_humidity = 0.6\n")
    r = json.loads(_ok(["predict", str(sc), "--json"]))
    assert 2 * 3600 < r["finish_time_s"] < 6 * 3600


def test_errors_exit_2_without_traceback(tmp_path):
    db = f"sqlite:///{tmp_path / 'e.sqlite'}"
    for args in (["log", "show", "42", "--db", db],
                 ["log", "import", str(tmp_path / "nope.fit"), "--db", db],
                 ["log", "note", "01/03/2024", "x", "--db", db],
                 ["log", "export", "--out", str(tmp_path / "a.parquet"), "--db", db]):
        p = subprocess.run([sys.executable, "-m", "paceline", *args], capture_output=True,
                           text=True)
        assert p.returncode == 2, (args, p.stderr)
        assert "Traceback" not in p.stderr and "error:" in p.stderr


# -- a mistyped --db (issue 13 review, item 2) ----------------------------------------------

def _err(args):
    """The one-line message of a refused command (main() prints it and exits 2)."""
    r = runner.invoke(app, args)
    assert isinstance(r.exception, InputFileError), (args, r.output, r.exception)
    return " ".join(str(r.exception).split())


@pytest.mark.parametrize("cmd", [["list"], ["show", "1"], ["bests"], ["fitness"], ["profile"],
                                 ["stats"], ["export"], ["note", "2024-01-01", "x"],
                                 ["delete", "1"]])
def test_commands_other_than_import_never_create_a_database(tmp_path, monkeypatch, cmd):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "nonexistent" / "dir" / "x.sqlite"
    msg = _err(["log", *cmd, "--db", f"sqlite:///{target}"])
    assert "no such database" in msg and str(target) in msg and "log import" in msg
    assert not (tmp_path / "nonexistent").exists()
    assert "not a database URL" in _err(["log", *cmd, "--db", "notaurl::"])
    assert list(tmp_path.iterdir()) == []  # no file named "notaurl::" either


@pytest.mark.parametrize(("url", "says"), [
    ("", "empty database URL"),
    ("mysql://x@y/z", "no driver"),
    ("foo://x", "bad database URL"),
])
def test_bad_db_urls_are_refused_with_one_line(url, says):
    assert says in _err(["log", "list", "--db", url])


def test_bad_db_exits_2_without_traceback(tmp_path):
    for url in ("", "mysql://x@y/z", f"sqlite:///{tmp_path / 'no' / 'x.sqlite'}"):
        p = subprocess.run([sys.executable, "-m", "paceline", "log", "list", "--db", url],
                           capture_output=True, text=True)
        assert p.returncode == 2, (url, p.stderr)
        assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) <= 3


def test_an_activity_file_given_as_db_is_refused_and_untouched(tmp_path):
    fit = tmp_path / "run.fit"
    shutil.copy(DATA / "fit/run/activity-small-fenix2-run.fit", fit)
    before = fit.read_bytes()
    for cmd in (["list"], ["import", str(DATA / "tcx/test.tcx")]):
        assert "not a database" in _err(["log", *cmd, "--db", str(fit)])
    assert fit.read_bytes() == before


def test_import_creates_the_log_then_list_reads_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'log.sqlite'}"
    # a folder that does not exist is named, not made (a typo must not become folders);
    # only the default ~/.local/share/paceline is created (tests/cli/test_output_paths.py)
    r = runner.invoke(app, ["log", "import", str(DATA / "tcx/test.tcx"), "--db", url])
    assert isinstance(r.exception, InputFileError) and "mkdir -p" in str(r.exception)
    assert not (tmp_path / "new").exists()
    (tmp_path / "new").mkdir()
    _ok(["log", "import", str(DATA / "tcx/test.tcx"), "--db", url])
    assert len(json.loads(_ok(["log", "list", "--db", url, "--json"]))) == 1


# -- a folder with nothing to import; all failures named (issue 13 review, item 3) -----------

def test_import_of_a_folder_without_activity_files_is_refused(tmp_path):
    db = tmp_path / "log.sqlite"
    empty = tmp_path / "empty"
    empty.mkdir()
    readme = tmp_path / "readme-only"
    readme.mkdir()
    (readme / "readme.txt").write_text("exported by …")
    for folder in (empty, readme):
        msg = _err(["log", "import", str(folder), "--db", f"sqlite:///{db}"])
        assert "no .fit/.gpx/.tcx/.csv files found in" in msg and str(folder) in msg
    assert not db.exists()  # refused before a log was created
    p = subprocess.run([sys.executable, "-m", "paceline", "log", "import", str(empty), "--db",
                        f"sqlite:///{db}"], capture_output=True, text=True)
    assert p.returncode == 2 and "Traceback" not in p.stderr, p.stderr


def test_no_file_imported_names_every_failed_file(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    names = [f"broken{i}.gpx" for i in range(7)]
    for n in names:
        (bad / n).write_text("<gpx><trk>not closed")
    msg = _err(["log", "import", str(bad), "--db", f"sqlite:///{tmp_path / 'l.sqlite'}",
                "--workers", "1"])
    assert "no file imported; 7 failed: " in msg and "and 2 more" in msg
    assert all(n in msg for n in sorted(names)[:5])
    two = tmp_path / "two"
    two.mkdir()
    for n in names[:2]:
        (two / n).write_text("<gpx><trk>not closed")
    msg = _err(["log", "import", str(two), "--db", f"sqlite:///{tmp_path / 'l.sqlite'}",
                "--workers", "1"])
    assert "2 failed: broken0.gpx, broken1.gpx" in msg and "more" not in msg


# -- no HR stored as 0; moving never above elapsed (issue 13 review, item 4) -----------------

def test_a_fit_without_heart_rate_stores_none_and_show_prints_a_dash(db):
    _ok(["log", "import", str(DATA / "fit/odd/null_compressed_speed_dist.fit"), "--db", db])
    d = json.loads(_ok(["log", "show", "1", "--db", db, "--json"]))
    assert d["avg_heart_rate_bpm"] is None and d["max_heart_rate_bpm"] is None
    text = " ".join(runner.invoke(app, ["log", "show", "1", "--db", db]).output.split())
    assert "HR —" in text and "0/0" not in text
    assert d["moving_time_s"] <= d["elapsed_time_s"]  # timer 1808 s, elapsed 1807 s in the file


@pytest.mark.parametrize("rel", ["tcx/test.tcx", "fit/odd/null_compressed_speed_dist.fit"])
def test_moving_time_never_exceeds_elapsed(rel):
    from paceline.io.activities import read_activities

    m = read_activities(DATA / rel)[0].meta
    assert m.moving_time_s <= m.elapsed_time_s
    if rel.endswith("tcx"):  # laps' timer 1992.78 s, whole-second stamps 1992 s: rounding
        assert m.elapsed_time_s == pytest.approx(1992.78) == m.moving_time_s


def test_moving_far_above_elapsed_is_cut_with_a_warning():
    from datetime import UTC, datetime

    from paceline.io.activities._base import ActivityMeta
    from paceline.io.activities.clean import _summary_rules

    meta = ActivityMeta(sport="running", start_utc=datetime(2024, 1, 1, tzinfo=UTC),
                        distance_m=1000.0, moving_time_s=400.0, elapsed_time_s=300.0,
                        source_format="fit", avg_heart_rate_bpm=0.0, max_heart_rate_bpm=0.0)
    notes: list[str] = []
    m, _ = _summary_rules(meta, (), notes)
    assert m.moving_time_s == m.elapsed_time_s == 300.0 and "exceeded elapsed" in notes[0]
    assert m.avg_heart_rate_bpm is None and m.max_heart_rate_bpm is None


# -- no best effort faster than the world record; a sport edit recomputes bests (item 5) ------

def test_bests_faster_than_the_world_record_are_dropped_and_said(db):
    from paceline.store.logbook import TrainingLog
    from paceline.units import fastest_time_s

    gpx = DATA / "field-cases" / "02-strava-leading-ws.gpx"  # unknown sport, 400 m in 26.1 s
    _ok(["log", "import", str(gpx), "--db", db])
    d = json.loads(_ok(["log", "show", "1", "--db", db, "--json"]))
    assert d["sport"] == "unknown"
    assert all(b["time_s"] >= fastest_time_s(b["distance_m"]) for b in d["best_efforts"])
    warnings = d["warnings"] if isinstance(d["warnings"], list) else d["warnings"].splitlines()
    assert any("400 m in 26.1 s dropped: faster than the world record" in w for w in warnings)
    _ok(["log", "edit", "1", "--sport", "running", "--db", db])
    d = json.loads(_ok(["log", "show", "1", "--db", db, "--json"]))
    assert d["sport"] == "running" and d["best_efforts"]
    assert all(b["time_s"] >= fastest_time_s(b["distance_m"]) for b in d["best_efforts"])
    warnings = d["warnings"] if isinstance(d["warnings"], list) else d["warnings"].splitlines()
    assert any(w.startswith("after the sport was set to running: best effort 400 m")
               for w in warnings)
    assert all(b["time_s"] >= fastest_time_s(b["distance_m"])
               for b in json.loads(_ok(["log", "bests", "--db", db, "--json"]))["bests"])
    # the bests are recomputed from the stored streams: as a ride, the 400 m comes back
    with TrainingLog(db) as lg:
        lg.edit(1, sport="cycling")
        got = {b["distance_m"]: b["time_s"] for b in lg.get(1)["best_efforts"]}
    assert got[400.0] == pytest.approx(26.1, abs=0.05)
