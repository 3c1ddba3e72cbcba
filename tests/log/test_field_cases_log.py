"""Field cases through the command line: import, show, list, edit, bests, profile, fitness.

Files: tests/data/field-cases (CASES.md gives each right result) and tests/data/fit.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paceline.cli import app

DATA = Path(__file__).resolve().parents[1] / "data"
FC = DATA / "field-cases"
runner = CliRunner()


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'log.sqlite'}"


def run(args, code=0):
    """Run a command; ``code`` 2 means a PacelineError, which ``paceline`` (cli.app.main)
    prints as one line and turns into exit code 2."""
    r = runner.invoke(app, args)
    if code == 2:
        from paceline.errors import PacelineError

        assert isinstance(r.exception, PacelineError), r.output
        return str(r.exception)
    assert r.exit_code == code, r.output
    return r.output


def jrun(args):
    return json.loads(run(args + ["--json"]))


def imported_ids(db, *paths):
    js = jrun(["log", "import", *map(str, paths), "--db", db, "--workers", "1"])
    return [i for o in js["imported"] for i in o["ids"]]


def profile(db, tmp_path, code=0):
    return run(["log", "profile", "--out", str(tmp_path / "a.toml"), "--db", db,
                "--mass-kg", "60", "--height-m", "1.7", "--temperature-c", "12",
                "--relative-humidity", "0.6"], code)


# -- kind 3: sport names and codes -----------------------------------------------------------

@pytest.mark.parametrize("name", ["04-strava-type9.gpx", "04b-type-Run.gpx",
                                  "04b-type-running.gpx"])
def test_04_strava_codes_and_names_are_running(db, tmp_path, name):
    (aid,) = imported_ids(db, FC / name)
    d = jrun(["log", "show", str(aid), "--db", db])
    assert d["sport"] == "running"
    bests = jrun(["log", "bests", "--db", db])["bests"]
    assert {b["distance_m"] for b in bests} >= {400.0, 5000.0}
    assert "reference 5 km" in profile(db, tmp_path)


def test_04b_missing_type_is_unknown_until_the_user_says(db, tmp_path):
    (aid,) = imported_ids(db, FC / "04b-type-None.gpx")
    d = jrun(["log", "show", str(aid), "--db", db])
    assert d["sport"] == "unknown" and d["sport_raw"] is None
    assert "log edit ID --sport" in d["warnings"]
    assert jrun(["log", "bests", "--db", db])["bests"] == []  # unknown is not running
    profile(db, tmp_path, code=2)
    assert "sport running" in run(["log", "edit", str(aid), "--sport", "Run", "--db", db])
    assert jrun(["log", "show", str(aid), "--db", db])["sport"] == "running"
    assert "reference 5 km" in profile(db, tmp_path)


def test_sport_table_of_our_own(db, tmp_path):
    text = (FC / "04b-type-running.gpx").read_text()
    for typ, want in [("Laufen", "running"), ("course à pied", "running"), ("1", "cycling"),
                      ("TrailRun", "running"), ("13", "unknown"), ("Quidditch", "unknown")]:
        p = tmp_path / f"x-{len(typ)}-{want}.gpx"
        p.write_text(text.replace("<type>running</type>", f"<type>{typ}</type>")
                     .replace("2021-05-05", f"2021-06-{len(typ):02d}"))
        (aid,) = imported_ids(db, p)
        d = jrun(["log", "show", str(aid), "--db", db])
        assert (d["sport"], d["sport_raw"]) == (want, typ)
        if want == "unknown":
            assert "not in the sport table" in d["warnings"]
    msg = run(["log", "edit", str(aid), "--sport", "quidditch", "--db", db], 2)
    assert "running" in msg and "Valid" in msg and "quidditch" in msg
    assert "no such activity" in run(["log", "edit", "999", "--sport", "running", "--db", db],
                                     2)


def gpx_of_run(path, start, n=1500, *, shift_s=0.0, sport="running"):
    """A GPX a website might make of the control run (1 Hz, 3.5 m/s north of 48.21 N)."""
    from datetime import timedelta

    rows = []
    for i in range(n):
        t = (start + timedelta(seconds=i + shift_s)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append(f'<trkpt lat="{48.21 + 3.5 * i / 111_226.0:.7f}" lon="16.4"><time>{t}'
                    "</time></trkpt>")
    path.write_text('<?xml version="1.0"?><gpx version="1.1" creator="web" '
                    'xmlns="http://www.topografix.com/GPX/1/1"><trk>'
                    f"<type>{sport}</type><trkseg>{''.join(rows)}</trkseg></trk></gpx>")
    return path


# -- kind 8: other sports in the same log; multisport FIT ------------------------------------

def test_17_ride_and_swim_not_scored_against_a_running_threshold(db, tmp_path):
    ids = imported_ids(db, FC / "17-run-control.fit",
                       DATA / "fit/bike/Edge810-Vector-2013-08-16-15-35-10.fit",
                       DATA / "fit/odd/event_timestamp.fit")
    assert len(ids) == 3
    run(["log", "profile", "--threshold-pace", "4:45/km", "--db", db])  # 3.51 m/s
    rows = {r["sport"]: r for r in jrun(["log", "list", "--db", db])}
    assert rows["running"]["load_kind"] == "speed"
    assert rows["running"]["load"] == pytest.approx(100 * 18362.75 / (1000 / 285) ** 2 / 3600,
                                                    rel=1e-6)
    assert rows["cycling"]["load_kind"] == "none" and rows["cycling"]["load"] == 0  # not 911
    assert rows["swimming"]["load_kind"] == "none"
    f = jrun(["log", "fitness", "--out", str(tmp_path / "p.png"), "--db", db])
    assert f["load_by_sport"]["cycling"] == {"trimp": 0, "speed": 0, "none": 1}
    assert "cycling 1" in f["unscored"] and "swimming 1" in f["unscored"]
    # heart rate settings: the ride (it has HR) is scored by TRIMP, as the run is
    run(["log", "profile", "--hr-rest", "50", "--hr-max", "190", "--db", db])
    rows = {r["sport"]: r for r in jrun(["log", "list", "--db", db])}
    assert rows["cycling"]["load_kind"] == "trimp" and rows["cycling"]["load"] > 0
    d = jrun(["log", "show", str(rows["cycling"]["id"]), "--db", db])
    assert d["load_kind"] == "trimp" and d["load"] == rows["cycling"]["load"]


def test_22_triathlon_fit_run_leg_counts_as_running(db):
    ids = imported_ids(db, DATA / "fit/odd/sample_mulitple_header.fit")
    legs = [jrun(["log", "show", str(i), "--db", db]) for i in ids]
    assert [x["sport"] for x in legs] == ["swimming", "transition", "cycling", "transition",
                                          "running"]
    runleg = legs[-1]
    assert runleg["distance_m"] == pytest.approx(9805.92, abs=0.01)
    assert runleg["elapsed_time_s"] == pytest.approx(2850.694, abs=0.001)
    bests = jrun(["log", "bests", "--db", db])["bests"]
    assert bests and all(b["activity_id"] == runleg["id"] for b in bests)
    assert max(b["distance_m"] for b in bests) <= 9805.92  # no "marathon" from the bike leg
    imported_ids(db, FC / "17-run-control.fit")
    assert len(jrun(["log", "bests", "--db", db])["bests"]) >= 7


def test_multisport_of_our_own_is_split_into_its_sessions():
    from paceline.io.activities.fit import _split_sessions

    msgs = {"file_id": [{"type": "activity"}],
            "session": [{"start_time": 100, "sport": "cycling"},
                        {"start_time": 200, "sport": "running"}],
            "lap": [{"start_time": 100}, {"start_time": 150}, {"start_time": 200}],
            "record": [{"timestamp": t} for t in range(100, 300)]}
    a, b = _split_sessions(msgs)
    assert len(a["record"]) == 100 and len(b["record"]) == 100
    assert len(a["lap"]) == 2 and len(b["lap"]) == 1
    assert a["session"][0]["sport"] == "cycling"


# -- kind 9: the same activity twice from two sources -----------------------------------------

def test_fit_and_the_gpx_made_from_it_are_one_activity(db, tmp_path):
    from datetime import UTC, datetime

    start = datetime(2022, 5, 10, 5, 5, 5, tzinfo=UTC)  # 17-run-control.fit's start
    gpx = gpx_of_run(tmp_path / "web.gpx", start, shift_s=1.0)
    (gid,) = imported_ids(db, gpx)
    js = jrun(["log", "import", str(FC / "17-run-control.fit"), "--db", db])
    (fid,) = js["imported"][0]["ids"]  # the FIT is richer: it becomes the primary
    assert "kept once" in js["imported"][0]["reason"]
    listed = jrun(["log", "list", "--db", db])
    assert [r["id"] for r in listed] == [fid]
    assert jrun(["log", "show", str(gid), "--db", db])["duplicate_of"] == fid
    assert "second recording" in run(["log", "show", str(gid), "--db", db])
    # a second device worn at once (another GPX, 20 s later): linked to the FIT, said so
    js = jrun(["log", "import", str(gpx_of_run(tmp_path / "w2.gpx", start, shift_s=20)),
               "--db", db])
    assert js["duplicate"] and "linked to #" in js["duplicate"][0]["reason"]
    assert len(jrun(["log", "list", "--db", db])) == 1
    assert all(b["activity_id"] == fid for b in jrun(["log", "bests", "--db", db])["bests"])


def test_not_duplicates_when_start_or_distance_differ(db, tmp_path):
    from datetime import UTC, datetime

    start = datetime(2022, 5, 10, 5, 5, 5, tzinfo=UTC)
    imported_ids(db, FC / "17-run-control.fit")
    imported_ids(db, gpx_of_run(tmp_path / "later.gpx", start, shift_s=600))  # 10 min later
    imported_ids(db, gpx_of_run(tmp_path / "short.gpx", start, n=1000))  # 1/3 shorter
    assert len(jrun(["log", "list", "--db", db])) == 3


# -- kind 11: the command line tells the truth -------------------------------------------------

def test_import_exits_2_when_nothing_imported_and_some_failed(db, tmp_path):
    bad = tmp_path / "bad.fit"
    bad.write_bytes((DATA / "fit/odd/activity-filecrc.fit").read_bytes())
    msg = run(["log", "import", str(bad), "--db", db], 2)
    assert "no file imported" in msg
    r = runner.invoke(app, ["log", "import", str(bad), "--db", db, "--json"])
    assert json.loads(r.output.split("\n}\n")[0] + "\n}")["failed"]  # JSON printed, then exit 2
    # one good file with the bad one: the good one imported, the failure named, and exit
    # code 2 all the same — a script must be able to tell (it exited 0: review of issue 14)
    r = runner.invoke(app, ["log", "import", str(bad), str(FC / "00-control.fit"), "--db", db])
    assert "imported 1" in r.output and "failed 1" in r.output and "bad.fit" in r.output
    from paceline.errors import InputFileError

    assert isinstance(r.exception, InputFileError), r.output
    assert "1 file(s) failed and were not imported: bad.fit; the 1 other new file(s) were " \
        "imported" in str(r.exception)
    assert len(jrun(["log", "list", "--db", db])) == 1
    p = subprocess.run([sys.executable, "-m", "paceline", "log", "import", str(bad),
                        str(FC / "00-control.fit"), "--db", db], capture_output=True, text=True)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "bad.fit" in p.stderr and "duplicate 1" in p.stdout


def test_warnings_shown_by_show_and_summed_by_import(db):
    out = run(["log", "import", str(FC / "09-record-ts-backwards-1s.fit"),
               str(FC / "12-null-island-point.gpx"), "--db", db, "--workers", "1"])
    assert "2 warning(s) on 2 file(s)" in out
    js = jrun(["log", "list", "--db", db])
    shown = [run(["log", "show", str(r["id"]), "--db", db]) for r in js]
    assert any("15 sample(s) stamped" in s for s in shown)
    assert any("0°, 0°" in s for s in shown)


def test_profile_takes_the_settings_fitness_asks_for(db, tmp_path):
    imported_ids(db, FC / "00-control.fit")
    f = jrun(["log", "fitness", "--out", str(tmp_path / "p.png"), "--db", db])
    assert f["load_kinds"]["speed"] == 1  # threshold = the log's critical speed
    out = run(["log", "profile", "--hr-rest", "48", "--hr-max", "188",
               "--threshold-pace", "4:00/km", "--db", db])
    assert "HR rest 48" in out and "4:00/km" in out
    f = jrun(["log", "fitness", "--out", str(tmp_path / "p.png"), "--db", db])
    assert f["load_kinds"]["trimp"] == 1 and f["load_kinds"]["none"] == 0
    for bad in (["--hr-rest", "300"], ["--hr-rest", "190", "--hr-max", "180"],
                ["--threshold-pace", "fast"], ["--out", str(tmp_path / "a.toml")]):
        run(["log", "profile", *bad, "--db", db], 2)


def test_deleting_the_primary_promotes_the_linked_recording(db, tmp_path):
    from datetime import UTC, datetime

    start = datetime(2022, 5, 10, 5, 5, 5, tzinfo=UTC)
    (fid,) = imported_ids(db, FC / "17-run-control.fit")
    js = jrun(["log", "import", str(gpx_of_run(tmp_path / "w.gpx", start)), "--db", db])
    (gid,) = js["duplicate"][0]["ids"]
    run(["log", "delete", str(fid), "--db", db])
    assert [r["id"] for r in jrun(["log", "list", "--db", db])] == [gid]
