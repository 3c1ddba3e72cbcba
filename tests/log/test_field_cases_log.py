"""Field cases through the command line: import, show, list, edit, bests, profile, fitness.

Files: tests/data/field-cases (CASES.md gives each right result) and tests/data/fit.
"""

import json
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
