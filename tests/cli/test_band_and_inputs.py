"""Issues 14/15 review: an uncertainty band is never empty or NaN, hot races are refused naming
the heat model's range, the point vs P50 is explained, distances need units, times may be
paces, --draws is checked, and validate says whether coverage meets its goal."""

import json
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from paceline.cli import app
from paceline.errors import ImpossibleScenarioError
from paceline.io.scenario_file import read_scenario, scenario_to_toml
from paceline.models.heat import ELY2007_MAX_WBGT_C, wbgt_from_temperature_humidity_c
from paceline.sim import MonteCarlo, RaceModel

runner = CliRunner()

RUNNER_70KG = """
[athlete]
mass_kg = 70
height_m = 1.78
[athlete.reference]
distance = "10k"
time = "40:00"
conditions = { temperature_c = 10, relative_humidity = 0.6 }
[race]
distance = "marathon"
[course]
preset = "straight"
[conditions]
temperature_c = 10
relative_humidity = 0.6
"""


def run_main(*args):
    return subprocess.run([sys.executable, "-m", "paceline", *args], capture_output=True,
                          text=True)


@pytest.fixture
def runner70(tmp_path):
    p = tmp_path / "runner70.toml"
    p.write_text(RUNNER_70KG)
    return p


# --- 1. a band is never computed from NaN ---------------------------------------------------

def test_hot_draws_are_left_out_counted_and_the_band_stays_finite(scenarios_dir):
    sc = read_scenario(scenarios_dir / "vienna-2019.toml", ["conditions.temperature_c=25"])
    mc = MonteCarlo(RaceModel(sc)).run(4000, np.random.default_rng(2019))
    race_wbgt, _ = MonteCarlo(RaceModel(sc)).draw_wbgt_c(mc.draws)
    hot = int(np.sum(race_wbgt > ELY2007_MAX_WBGT_C))
    assert hot > 0  # the case of the report: part of the draws pass the curve's edge
    assert not np.isfinite(mc.finish_time_s).all()
    assert sum(mc.excluded.values()) == 4000 - mc.used == hot
    pct = mc.percentiles()
    assert all(np.isfinite(v) for v in pct.values()) and pct[10] < pct[50] < pct[90]
    assert 0 <= mc.percentile_of(sc.race.actual_time_s) <= 100
    assert mc.variance_breakdown()  # not empty


def test_cli_band_reports_the_draws_left_out(scenarios_dir):
    f = str(scenarios_dir / "vienna-2019.toml")
    args = ["predict", f, "--set", "conditions.temperature_c=25", "--uncertainty",
            "--draws", "2000"]
    text = runner.invoke(app, args)
    assert text.exit_code == 0, text.output
    assert "—" not in text.output.split("Uncertainty", 1)[1].split("\n")[0]
    assert "conditional" in text.output and "left out" in text.output
    assert "WBGT above 30" in text.output
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    u = json.loads(res.output)["uncertainty"]
    assert u["conditional"] is True and u["draws_used"] < 2000
    assert u["excluded"]["count"] == 2000 - u["draws_used"] == sum(
        u["excluded"]["reasons"].values())
    assert u["p10_s"] < u["p50_s"] < u["p90_s"]


def test_cli_band_without_exclusions_says_nothing_of_them(scenarios_dir):
    res = runner.invoke(app, ["predict", str(scenarios_dir / "vienna-2019.toml"), "--json",
                              "--uncertainty", "--draws", "500"])
    u = json.loads(res.output)["uncertainty"]
    assert u["conditional"] is False and u["excluded"]["count"] == 0 and u["note"] is None


# --- 2. a hot race is refused naming the heat model's range ---------------------------------

def test_hot_race_refused_before_solving_naming_temperature_wbgt_and_range(runner70):
    res = run_main("predict", str(runner70), "--set", "conditions.temperature_c=30")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    err = " ".join(res.stderr.split())
    wbgt = float(wbgt_from_temperature_humidity_c(30.0, 0.6))
    assert "conditions.temperature_c" in err and "relative_humidity" in err
    assert f"WBGT of {wbgt:.1f} °C" in err
    assert "5.1–25 °C" in err and "up to 30 °C" in err
    assert 'heat = "none"' in err
    assert "pacers" not in err  # the old message blamed drafting


def test_heat_none_predicts_the_hot_race(runner70):
    res = run_main("predict", str(runner70), "--json", "--set", "conditions.temperature_c=30",
                   "--set", 'models.heat="none"')
    assert res.returncode == 0, res.stderr
    assert np.isfinite(json.loads(res.stdout)["finish_time_s"])


def test_race_model_check_heat_range(runner70):
    sc = read_scenario(runner70, ["conditions.temperature_c=30"])
    with pytest.raises(ImpossibleScenarioError, match="conditions.temperature_c"):
        RaceModel(sc).solve()


# --- 3. point vs P50 --------------------------------------------------------------------------

def test_point_vs_band_line(scenarios_dir):
    f = str(scenarios_dir / "vienna-2019.toml")
    res = runner.invoke(app, ["predict", f, "--uncertainty", "--draws", "2000"])
    text = " ".join(res.output.split())
    assert "air cost dasilva2022" in text and "7 published conversions" in text
    u = json.loads(runner.invoke(app, ["predict", f, "--uncertainty", "--draws", "2000",
                                       "--json"]).output)["uncertainty"]
    assert f"point sits at P{u['point_percentile']:.0f} of the band" in text
    assert u["point_air_cost"] == "dasilva2022" and u["band_air_cost"] == "published"


# --- 4. a distance needs a unit ---------------------------------------------------------------

@pytest.mark.parametrize("scenario", ["vienna-2019.toml", None])
def test_bare_number_distance_refused(scenarios_dir, runner70, scenario):
    f = scenarios_dir / scenario if scenario else runner70
    res = run_main("predict", str(f), "--set", "race.distance=42.195")
    assert res.returncode == 2, res.stdout
    err = " ".join(res.stderr.split())
    assert "race.distance 42.195 — a distance needs a unit: did you mean 42.195 km?" in err
    assert "actual_time" not in err


def test_distance_with_unit_and_toml_round_trip(scenarios_dir, tmp_path):
    sc = read_scenario(scenarios_dir / "vienna-2019.toml", ['race.distance="42.195km"'])
    assert sc.race.distance_m == pytest.approx(42195.0)
    p = tmp_path / "back.toml"
    p.write_text(scenario_to_toml(sc))
    assert read_scenario(p) == sc


# --- 5. a pace for a time ---------------------------------------------------------------------

def test_pace_accepted_for_target_and_actual_time(scenarios_dir):
    f = scenarios_dir / "vienna-2019.toml"
    sc = read_scenario(f, ['race.target_time="2:55/km"', 'race.actual_time="2:50/km"'])
    assert sc.race.target_time_s == pytest.approx(175 * 42.195)
    assert sc.race.actual_time_s == pytest.approx(170 * 42.195)
    res = run_main("predict", str(f), "--set", 'race.target_time="2:55/km"', "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["finish_time_s"] == pytest.approx(175 * 42.195, abs=0.5)


# --- 6. --draws ---------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["validate", "--draws", "-1"],
                                  ["predict", "scenarios/vienna-2019.toml", "--uncertainty",
                                   "--draws", "10"],
                                  ["predict", "scenarios/vienna-2019.toml", "--uncertainty",
                                   "--draws", "10000000"]])
def test_draws_out_of_range_named(args):
    res = run_main(*args)
    assert res.returncode == 2
    err = " ".join(res.stderr.split())
    assert "--draws" in err and "Input should be" not in err
    assert f"(got {args[-1]})" in err and "Valid:" in err


# --- 7. validate's coverage goal ------------------------------------------------------------------

def test_coverage_goal_met_or_not():
    from paceline.cli.validate import coverage_met

    assert coverage_met(0.8) and coverage_met(0.7) and coverage_met(0.9)
    assert not coverage_met(12 / 13) and not coverage_met(0.6)
