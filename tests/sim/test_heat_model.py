"""The scenario's [models] heat: the named heat model reaches the race model and the CLI."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from paceline.cli import app
from paceline.errors import ScenarioError
from paceline.scenario import scenario_from_dict
from paceline.sim import RaceModel
from tests.sim.test_race import scenario

runner = CliRunner()


def three_hour(temperature_c: float, model: str):
    """Issue 15's runner: a 10 km reference of 40:00 at 10 °C, RH 60 % (a ≈ 3-h marathoner)."""
    ref_cond = {"temperature_c": 10, "relative_humidity": 0.6}
    return scenario_from_dict({
        "athlete": {"name": "3-h", "mass_kg": 70, "height_m": 1.78,
                    "reference": {"distance": "10km", "time": "40:00", "course": "straight",
                                  "conditions": ref_cond}},
        "race": {"distance": "marathon"}, "course": {"preset": "straight"},
        "conditions": {"temperature_c": temperature_c, "relative_humidity": 0.6},
        "models": {"heat": model}})


def test_issue_example_ely2007_keeps_todays_slowdown_and_none_switches_heat_off():
    # the issue's figure for today's model: 10 → 25 °C at RH 60 % slows him by 2.7 %
    # (±0.05 %: printed to 0.1 %); with heat off only the thinner warm air is left (faster)
    t = {(temp, m): RaceModel(three_hour(temp, m)).solve().finish_time_s
         for temp in (10, 25) for m in ("ely2007", "none")}
    assert t[(25, "ely2007")] / t[(10, "ely2007")] - 1 == pytest.approx(0.027, abs=0.0005)
    assert t[(10, "none")] == pytest.approx(t[(10, "ely2007")], abs=0.01)  # same WBGT both ends
    assert -0.005 < t[(25, "none")] / t[(10, "none")] - 1 < 0.0
    assert RaceModel(three_hour(25, "none")).heat_factor == 1.0


def test_unknown_heat_model_is_refused_naming_the_key_and_the_valid_ones():
    with pytest.raises(ScenarioError) as exc:
        scenario(models__heat="elhelou2012")
    msg = str(exc.value)
    assert "models.heat" in msg and "ely2007, none" in msg


def test_predict_json_and_validate_say_which_heat_model(scenarios_dir):
    res = runner.invoke(app, ["predict", str(scenarios_dir / "vienna-2019.toml"), "--json",
                              "--set", "models.heat=none"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["heat_model"] == "none" and data["heat_factor"] == 1.0
    res = runner.invoke(app, ["whatif", str(scenarios_dir / "vienna-2019.toml"), "--json",
                              "--set", "models.heat=none"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["heat_model"] == "none"
    # +1 °C with heat off is air density only: faster, under a second (+10 s with ely2007)
    temp = next(f for f in data["factors"] if f["name"] == "temperature")
    assert -2.0 < temp["delta_s"] < 0.0
    # the real entry point: exit 2, one line naming the option and the valid names
    res = subprocess.run([sys.executable, "-m", "paceline", "validate", "--heat", "elhelou2012"],
                         capture_output=True, text=True)
    assert res.returncode == 2, res.stderr
    assert "--heat" in res.stderr and "ely2007, none" in res.stderr
    assert "Traceback" not in res.stderr
