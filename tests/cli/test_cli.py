"""The command line: output, JSON contract, overrides, and bad input → exit 2, no traceback."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from paceline.cli import app

runner = CliRunner()


def run_main(*args, cwd=None):
    """Run the real entry point in a subprocess (exit codes and stderr as a user sees them)."""
    return subprocess.run([sys.executable, "-m", "paceline", *args], capture_output=True,
                          text=True, cwd=cwd)


def test_predict_vienna_prints_prediction_splits_breakdown(scenarios_dir):
    res = runner.invoke(app, ["predict", str(scenarios_dir / "vienna-2019.toml")])
    assert res.exit_code == 0, res.output
    for text in ("Predicted finish", "Splits per 5 km", "half way", "breakdown", "air",
                 "Mean drag force"):
        assert text in res.output


def test_predict_json_contract(scenarios_dir):
    res = runner.invoke(app, ["predict", str(scenarios_dir / "vienna-2019.toml"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert 6900 < data["finish_time_s"] < 7500
    assert data["splits"][0]["distance_m"] == 1000.0
    assert data["splits"][-1]["distance_m"] == pytest.approx(42195.0)
    assert data["splits"][-1]["elapsed_s"] == pytest.approx(data["finish_time_s"])
    assert all({"distance_m", "elapsed_s"} <= set(s) for s in data["splits"])
    assert 0 < data["drag_force_n"] < 8
    assert 0 < data["air_share"] < 0.09


def test_set_override_changes_result(scenarios_dir):
    f = str(scenarios_dir / "vienna-2019.toml")
    cool = json.loads(runner.invoke(app, ["predict", f, "--json"]).output)
    hot = json.loads(runner.invoke(app, ["predict", f, "--json", "--set",
                                         "conditions.temperature_c=24"]).output)
    assert hot["finish_time_s"] > cool["finish_time_s"] + 30


def test_uncertainty_percentiles_ordered(scenarios_dir):
    res = runner.invoke(app, ["predict", str(scenarios_dir / "vienna-2019.toml"), "--json",
                              "--uncertainty", "--draws", "2000", "--seed", "7"])
    assert res.exit_code == 0, res.output
    u = json.loads(res.output)["uncertainty"]
    assert u["p10_s"] < u["p50_s"] < u["p90_s"]


def test_whatif_json(scenarios_dir):
    res = runner.invoke(app, ["whatif", str(scenarios_dir / "vienna-2019.toml"), "--json"])
    assert res.exit_code == 0, res.output
    f = {x["name"]: x["delta_s"] for x in json.loads(res.output)["factors"]}
    assert f["temperature"] > 0  # hotter is slower at 9 °C? (WBGT band edge: ≥ 0)
    assert f["headwind"] > 0
    assert f["economy"] < 0
    assert f["drafting"] > 0  # removing the formation's drafting is slower
    assert f["shoes"] > 0


def test_equivalent_side_by_side():
    res = runner.invoke(app, ["equivalent", "10k=27:00", "--to", "marathon", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    eq = data["equivalents"][0]
    assert eq["distance_m"] == 42195.0
    assert eq["riegel_time_s"] == pytest.approx(1620 * (4.2195) ** 1.06)
    assert 2 * 3600 < eq["vdot_time_s"] < 2 * 3600 + 15 * 60


def test_courses_lists_presets():
    res = runner.invoke(app, ["courses", "--json"])
    names = {c["name"] for c in json.loads(res.output)}
    assert {"straight", "track-400", "track-200", "vienna-2019", "monza-2017"} <= names


# --- bad input: clear message, exit 2, no traceback ------------------------------------------

def _bad(tmp_path, text, *args):
    p = tmp_path / "s.toml"
    p.write_text(text)
    res = run_main("predict", str(p), *args)
    assert res.returncode == 2, res.stdout + res.stderr
    assert "Traceback" not in res.stderr
    return res.stderr


GOOD = """
[athlete]
mass_kg = 52
height_m = 1.67
[athlete.reference]
distance = "marathon"
time = "2:01:39"
conditions = { temperature_c = 16, relative_humidity = 0.6 }
[race]
distance = "marathon"
[course]
preset = "straight"
[conditions]
temperature_c = 9
relative_humidity = 0.9
"""


def test_bad_humidity_percent(tmp_path):
    err = _bad(tmp_path, GOOD.replace("relative_humidity = 0.9", "relative_humidity = 90"))
    assert "conditions.relative_humidity" in err and "0.9" in err


def test_bad_negative_mass(tmp_path):
    err = _bad(tmp_path, GOOD.replace("mass_kg = 52", "mass_kg = -52"))
    assert "athlete.mass_kg" in err


def test_bad_missing_key(tmp_path):
    err = _bad(tmp_path, GOOD.replace("height_m = 1.67", ""))
    assert "athlete.height_m" in err and "missing" in err


def test_bad_unknown_key(tmp_path):
    err = _bad(tmp_path, GOOD + "\n[shoes]\nweight_g = 200\n")
    assert "shoes.weight_g" in err and "unknown key" in err


def test_bad_unknown_preset_lists_valid(tmp_path):
    err = _bad(tmp_path, GOOD.replace('preset = "straight"', 'preset = "nowhere"'))
    assert "nowhere" in err and "vienna-2019" in err


def test_bad_impossible_target(tmp_path):
    err = _bad(tmp_path, GOOD.replace('distance = "marathon"\n[course]',
                                      'distance = "marathon"\ntarget_time = "1:45:00"\n[course]'))
    assert "race.target_time" in err and "slower than" in err


def test_feasible_target_runs_even_pace(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(GOOD.replace('distance = "marathon"\n[course]',
                              'distance = "marathon"\ntarget_time = "2:05:00"\n[course]'))
    res = runner.invoke(app, ["predict", str(p), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["finish_time_s"] == pytest.approx(7500.0, abs=0.01)


def test_bad_gpx_no_points(tmp_path, data_dir):
    gpx = tmp_path / "empty.gpx"
    gpx.write_text('<?xml version="1.0"?><gpx version="1.1" creator="t" '
                   'xmlns="http://www.topografix.com/GPX/1/1"></gpx>')
    err = _bad(tmp_path, GOOD.replace('preset = "straight"', f'gpx = "{gpx}"'))
    assert "empty.gpx" in err


def test_bad_gpx_one_point(tmp_path):
    gpx = tmp_path / "one.gpx"
    gpx.write_text('<?xml version="1.0"?><gpx version="1.1" creator="t" '
                   'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
                   '<trkpt lat="48.2" lon="16.4"><ele>160</ele></trkpt>'
                   '</trkseg></trk></gpx>')
    err = _bad(tmp_path, GOOD.replace('preset = "straight"', f'gpx = "{gpx}"'))
    assert "one.gpx" in err


def test_bad_scenario_file_missing(tmp_path):
    res = run_main("predict", str(tmp_path / "nope.toml"))
    assert res.returncode == 2 and "not found" in res.stderr


def test_bad_toml_syntax(tmp_path):
    err = _bad(tmp_path, "[athlete\nmass_kg = 52")
    assert "TOML" in err


def test_bad_set_override(scenarios_dir):
    res = run_main("predict", str(scenarios_dir / "vienna-2019.toml"), "--set", "nonsense")
    assert res.returncode == 2 and "--set" in res.stderr


def test_bad_equivalent_input():
    res = run_main("equivalent", "10k", "--to", "marathon")
    assert res.returncode == 2 and "DISTANCE=TIME" in res.stderr


def test_usage_error_exit_2_no_traceback():
    res = run_main("predict", "--bogus", "x")
    assert res.returncode == 2 and "Traceback" not in res.stderr and "--bogus" in res.stderr


def test_predict_png_figure(scenarios_dir, tmp_path):
    png = tmp_path / "v.png"
    res = runner.invoke(app, ["predict", str(scenarios_dir / "vienna-2019.toml"), "--png",
                              str(png)])
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000


def test_bad_course_too_steep(tmp_path):
    # 1 km rising 600 m: outside Minetti's ±45 % → a clear refusal, not a NaN prediction
    pts = "".join(f'<trkpt lat="{46.0 + i * 0.0009:.6f}" lon="14.0"><ele>{i * 60}</ele></trkpt>'
                  for i in range(11))
    gpx = tmp_path / "wall.gpx"
    gpx.write_text('<?xml version="1.0"?><gpx version="1.1" creator="t" '
                   f'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{pts}'
                   "</trkseg></trk></gpx>")
    text = GOOD.replace('preset = "straight"', f'gpx = "{gpx}"').replace(
        '[race]\ndistance = "marathon"', '[race]\ndistance = "1000m"')
    err = _bad(tmp_path, text)
    assert "45 %" in err and "course" in err


def test_predict_json_says_what_the_shoes_are_worth(scenarios_dir):
    res = runner.invoke(app, ["predict", str(scenarios_dir / "vienna-2019.toml"), "--json",
                              "--set", "shoes.mass_g=200", "--set", "shoes.reference_mass_g=250"])
    assert res.exit_code == 0, res.output
    shoes = json.loads(res.output)["shoes"]
    assert shoes["energy_return_s"] > 0 and shoes["mass_s"] > 0
    assert shoes["saved_s"] == pytest.approx(shoes["energy_return_s"] + shoes["mass_s"])


def test_shoe_mass_without_reference_exits_2_naming_both_keys(scenarios_dir):
    res = run_main("predict", str(scenarios_dir / "vienna-2019.toml"), "--set",
                   "shoes.mass_g=200")
    assert res.returncode == 2
    assert "shoes.mass_g" in res.stderr and "shoes.reference_mass_g" in res.stderr
    assert "Traceback" not in res.stderr


def test_uncertainty_json_places_the_actual_time_and_breaks_the_variance_down(scenarios_dir):
    res = runner.invoke(app, ["predict", str(scenarios_dir / "vienna-2019.toml"), "--json",
                              "--uncertainty", "--draws", "4000", "--seed", "3"])
    assert res.exit_code == 0, res.output
    u = json.loads(res.output)["uncertainty"]
    assert 0 < u["actual_percentile"] < 100
    shares = u["variance_breakdown"]
    # the scenario's ASSUMED reference inputs are drawn and show up in the breakdown
    assert {"model residual", "reference race drafting",
            "reference race humidity", "drag-to-cost conversion"} <= set(shares)
    assert list(shares.values()) == sorted(shares.values(), reverse=True)
    assert 0.8 < sum(shares.values()) < 1.2


def test_uncertainty_table_output(scenarios_dir):
    res = runner.invoke(app, ["predict", str(scenarios_dir / "vienna-2019.toml"),
                              "--uncertainty", "--draws", "2000"])
    assert res.exit_code == 0, res.output
    assert "What the spread comes from" in res.output and "of the band" in res.output


def test_scenario_error_has_one_fix(scenarios_dir):
    """A key's own message names its fix: the generic "correct the keys" is not added too."""
    res = run_main("predict", str(scenarios_dir / "vienna-2019.toml"), "--set",
                   "race.distance=42")
    assert res.returncode == 2 and res.stderr.count("Fix:") == 1, res.stderr


def test_equivalent_never_prints_minus_zero():
    res = runner.invoke(app, ["equivalent", "10k=27:00", "--to", "10k", "--to", "5k"])
    assert res.exit_code == 0 and "-0 s" not in res.output and "+0 s" in res.output


def test_validate_given_a_file_says_it_wants_a_directory(scenarios_dir):
    res = run_main("validate", str(scenarios_dir / "vienna-2019.toml"), "--draws", "0")
    assert res.returncode == 2 and "wants a directory" in res.stderr, res.stderr
    assert "Traceback" not in res.stderr
