"""lights, splits and plan commands: outputs, JSON contracts and bad input (exit 2)."""

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paceline.cli import app
from tests.cli.test_cli import GOOD, run_main

runner = CliRunner()


def test_lights_json_contract_sub4_mile():
    res = runner.invoke(app, ["lights", "--track", "400", "--distance", "mile", "--target",
                              "3:59.0", "--laps", "60,60,60,59", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert [lap["elapsed_s"] for lap in data["laps"]] == [60.0, 120.0, 180.0, 239.0]
    assert [lap["lap"] for lap in data["laps"]] == [1, 2, 3, 4]
    assert len(data["lights"]) == 400
    finish_line = data["lights"][0]
    assert finish_line["position_m"] == 0.0
    assert finish_line["on_s"][1:] == [60.0, 120.0, 180.0, 239.0]


def test_lights_csv(tmp_path):
    f = tmp_path / "l.csv"
    res = runner.invoke(app, ["lights", "--track", "200", "--distance", "1500m", "--target",
                              "3:30", "--csv", str(f)])
    assert res.exit_code == 0, res.output
    lines = f.read_text().splitlines()
    assert lines[0] == "position_m,pass,on_s"
    assert len(lines) > 200


@pytest.mark.parametrize("args,text", [
    (["--laps", "60,60,60"], "4 lap"),
    (["--laps", "60,60,60,59", "--target", "3:58"], "add up"),
    (["--track", "300", "--target", "3:59"], "track"),
    (["--laps", "60,x,60,59"], "lap list"),
    ([], "target"),
])
def test_lights_bad_input(args, text):
    res = run_main("lights", *args)
    assert res.returncode == 2 and text in res.stderr and "Traceback" not in res.stderr


def test_splits_every_mile_json(scenarios_dir):
    res = runner.invoke(app, ["splits", str(scenarios_dir / "vienna-2019.toml"), "--every",
                              "mile", "--json"])
    rows = json.loads(res.output)
    assert len(rows) == 27 and rows[-1]["label"] == "finish"


def test_plan_writes_report_and_files(scenarios_dir, tmp_path, monkeypatch):
    out = tmp_path / "plan"
    monkeypatch.chdir(scenarios_dir.parent)  # the scenario given relative, as a user types it
    res = runner.invoke(app, ["plan", "scenarios/vienna-2019.toml", "-o", str(out),
                              "--draws", "500"])
    assert res.exit_code == 0, res.output
    names = {p.name for p in out.iterdir()}
    assert {"report.html", "plan.json", "splits_km.csv", "splits_5km.csv", "car_program.csv",
            "drinks.csv", "schedule.gpx"} <= names
    html = (out / "report.html").read_text()
    # self-contained: no external scripts, styles or images
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "Drinks by bike" in html and "Pace car" in html and "Wristband card" in html
    # [plan] of the scenario: the Vienna formation's laser lines and the crew rotation
    assert 'alt="Laser lines' in html and 'class="gantt"' in html
    crew = json.loads((out / "crew_plan.json").read_text())
    slots = {s["slot"] for s in crew["stints"]}
    assert len(slots) == 7  # 5 ahead + 2 behind, every slot filled
    assert all(0.0 <= p["min_margin"] <= 1.0 for p in crew["pacers"])
    # the live service reads these from wherever it is started: not relative to this folder
    for key in ("scenario", "roster"):
        assert Path(crew[key]).is_absolute() and Path(crew[key]).is_file(), crew[key]
    plan = json.loads((out / "plan.json").read_text())
    assert plan["uncertainty"]["p10_s"] < plan["uncertainty"]["p90_s"]
    # the real event's structure: an even 2:50/km, 5 km splits 14:10–14:14
    fives = [r for r in plan["splits"]["5km"] if r["label"] != "finish"]
    seg = [b["elapsed_s"] - a["elapsed_s"]
           for a, b in zip([{"elapsed_s": 0}] + fives[:-1], fives, strict=True)]
    assert all(850 <= x <= 854 for x in seg)
    assert plan["finish_time_s"] == pytest.approx(7180.0)
    assert plan["prediction_s"] < plan["finish_time_s"]
    gpx = (out / "schedule.gpx").read_text()
    assert "2019-10-12T06:15:00Z" in gpx  # 08:15 Vienna time


def test_plan_refuses_existing_directory(scenarios_dir, tmp_path):
    (tmp_path / "x.txt").write_text("keep me")
    res = run_main("plan", str(scenarios_dir / "vienna-2019.toml"), "-o", str(tmp_path))
    assert res.returncode == 2 and "--overwrite" in res.stderr
    assert (tmp_path / "x.txt").read_text() == "keep me"


def test_plan_target_out_of_reach_needs_force(tmp_path):
    s = tmp_path / "s.toml"
    s.write_text(GOOD.replace('distance = "marathon"\n[course]',
                              'distance = "marathon"\ntarget_time = "1:55:00"\n[course]'))
    res = run_main("plan", str(s), "-o", str(tmp_path / "p"), "--draws", "200")
    assert res.returncode == 2 and "--force" in res.stderr
    assert not (tmp_path / "p").exists()
    res = run_main("plan", str(s), "-o", str(tmp_path / "p"), "--draws", "200", "--force")
    assert res.returncode == 0, res.stderr
    assert "out of reach" in res.stdout
    plan = json.loads((tmp_path / "p" / "plan.json").read_text())
    assert plan["finish_time_s"] == pytest.approx(6900.0, abs=0.01)
    assert plan["target_shortfall_frac"] > 0


def test_plan_with_formation_has_laser_and_drawing(scenarios_dir, tmp_path):
    out = tmp_path / "plan"
    res = runner.invoke(app, ["plan", str(scenarios_dir / "vienna-2019-formation.toml"), "-o",
                              str(out), "--draws", "300"])
    assert res.exit_code == 0, res.output
    laser = (out / "laser.csv").read_text().splitlines()
    assert sum(1 for line in laser if line.startswith("track")) == 5  # one per front pacer
    assert sum(1 for line in laser if line.startswith("cross")) == 2
    html = (out / "report.html").read_text()
    assert 'alt="The formation from above' in html and 'alt="Laser lines' in html
    assert not (out / ".formation.png").exists()
