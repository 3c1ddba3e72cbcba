"""`paceline formation ...` through the real entry point: JSON contract and exit codes."""

import json
import subprocess
import sys

import pytest


def run(*args):
    return subprocess.run([sys.executable, "-m", "paceline", "formation", *args],
                          capture_output=True, text=True, timeout=120)


def run_many(commands):
    """Start every command at once (each a real `python -m paceline` process), then wait."""
    procs = [subprocess.Popen([sys.executable, "-m", "paceline", *c], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for c in commands]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=180)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


def test_show_json_contract():
    p = run("show", "ineos-vienna-2019", "--wind", "3@270", "--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert len(data["runners"]) == 8
    assert set(data["runners"][0]) >= {"name", "x_m", "y_m", "drag_ratio"}
    assert data["athlete_drag_reduction"] == pytest.approx(1 - data["runners"][0]["drag_ratio"])
    assert data["crosswind_m_s"] == pytest.approx(-3.0)  # from the west, running north


def test_show_png(tmp_path):
    png = tmp_path / "f.png"
    p = run("show", "marro-2023", "--png", str(png))
    assert p.returncode == 0, p.stderr
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_optimize_json():
    p = run("optimize", "--pacers", "3", "--road-width", "6", "--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert len(data["runners"]) == 4 and 0 < data["athlete_drag_reduction"] < 1
    assert data["compared_with"]["preset"] == "ineos-vienna-2019"


def test_show_positions_json_matches_the_preset():
    # the Vienna preset's coordinates given by hand: the same drags as the preset
    pos = "1.2,0 2.1,0.75 2.1,-0.75 3.0,1.5 3.0,-1.5 -1.2,0.9 -1.2,-0.9"
    p, q = run_many([["formation", "show", "--positions", pos, "--wind", "3@90", "--json"],
                     ["formation", "show", "ineos-vienna-2019", "--wind", "3@90", "--json"]])
    assert p.returncode == 0 and q.returncode == 0, (p.stderr, q.stderr)
    a, b = json.loads(p.stdout), json.loads(q.stdout)
    assert [r["x_m"] for r in a["runners"]] == [r["x_m"] for r in b["runners"]]
    assert a["athlete_drag_reduction"] == pytest.approx(b["athlete_drag_reduction"], abs=1e-12)
    assert a["runners"][0]["name"] == "athlete" and len(a["runners"]) == 8
    assert a["crosswind_m_s"] == pytest.approx(3.0)  # from the east, running north: the right


def test_compare_v_against_one_pacer_json(scenarios_dir):
    p = run("compare", "ineos-vienna-2019", "--scenario",
            str(scenarios_dir / "vienna-2019.toml"), "--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    v, one = data["formations"]
    assert one["pacers"] == 1 and one["runners"][1]["x_m"] == pytest.approx(1.2)
    cond = [c["condition"] for c in v["conditions"]]
    assert cond[0] == "still air" and "crosswind 3 m/s" in cond[1] and "0.3 m" in cond[2]
    red = {c["condition"]: (c["athlete_drag_reduction"], o["athlete_drag_reduction"])
           for c, o in zip(v["conditions"], one["conditions"], strict=True)}
    # the trade-off the V exists for: about the same in still air, far better in a crosswind
    # and with position error (docs/formation.md, "The V against one pacer")
    assert abs(red["still air"][0] - red["still air"][1]) < 0.1
    assert red[cond[1]][0] - red[cond[1]][1] > 0.3
    assert red[cond[2]][0] - red[cond[2]][1] > 0.05
    # and seconds over the marathon: more drag removed is more time saved, never less
    for row in (v, one):
        w = [c["worth_s"] for c in row["conditions"]]
        r = [c["athlete_drag_reduction"] for c in row["conditions"]]
        assert all(x > 0 for x in w)
        assert sorted(range(4), key=w.__getitem__) == sorted(range(4), key=r.__getitem__)


def test_compare_two_presets_and_calibrate_json():
    p, q, r = run_many([["formation", "compare", "ineos-vienna-2019", "marro-2023", "--json"],
                        ["formation", "calibrate", "--json"],
                        ["formation", "calibrate", "--wake", "planar", "--turbulence",
                         "crespo-hernandez", "--json"]])
    assert p.returncode == 0, p.stderr
    assert [f["formation"] for f in json.loads(p.stdout)["formations"]] == [
        "ineos-vienna-2019", "marro-2023"]
    assert q.returncode == 0, q.stderr
    data = json.loads(q.stdout)
    assert all("residual" in c and "held_out_residual" in c for c in data["cases"])
    assert data["held_out_rms_residual"] > data["rms_residual"] > 0
    assert r.returncode == 0, r.stderr
    planar = json.loads(r.stdout)
    assert planar["wake"] == "planar" and "momentum_thickness_m" in planar["parameters"]
    assert planar["turbulence"] == "crespo-hernandez"


def test_worth(scenarios_dir):
    p = run("worth", str(scenarios_dir / "vienna-2019-formation.toml"), "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["worth_s"] > 0


BAD = [
    (["show", "vienna"], "ineos-vienna-2019"),  # unknown preset lists the valid ones
    (["show", "ineos-vienna-2019", "--road-width", "3"], "off the road"),
    (["show", "ineos-vienna-2019", "--wind", "3@400"], "wind"),
    (["optimize", "--pacers", "11"], "1 to 10"),
    (["optimize", "--road-width", "nan"], "road width"),
    (["optimize", "--position-error", "-1"], "position error"),
    (["show", "--positions", "1.2;0"], "--positions"),  # not an "x,y" pair
    (["show", "--positions", "1.2,abc"], "cannot read pacer 1"),
    (["show", "--positions", "0.1,0"], "overlap"),  # on top of the athlete
    (["show", "--positions", "1,0 nan,0"], "finite"),
    (["show", "--positions", "1e300,0"], "≤ 100 m"),  # overflowed the model into NaN
    (["show", "--positions", "1.2,0 0,-100.5"], "pacer 2 at (0, -100.5) m"),
    (["show", "--positions", "0,0.31"], "a body width"),  # bodies 0.40 m wide overlap
    (["compare", "--positions", "1.2,0.1 1.3,0.3"], "overlap"),
    (["show", "--positions", ""], "no positions"),
    (["show", "ineos-vienna-2019", "--positions", "1,0"], "not both"),
    (["show"], "give a formation preset or --positions"),
    (["compare", "solo"], "no pacer ahead"),
    (["compare", "ineos-vienna-2019", "--crosswind", "nan"], "crosswind"),
    (["calibrate", "--superposition", "katic"], "superposition"),
    (["calibrate", "--wake", "3d"], "finite-height, planar"),
    (["calibrate", "--turbulence", "frandsen"], "none, crespo-hernandez"),
    (["calibrate", "--near-wake", "bubble"], "none, recirculation"),
    (["calibrate", "--blockage", "3d"], "planar, finite-height"),
    (["show", "--positions", "1.2,0", "--png", "/nonexistent/dir/x.png"],
     "/nonexistent/dir/x.png"),  # was a PIL FileNotFoundError traceback
    (["show", "solo", "--png", "/"], "is a folder"),
    (["optimize", "--pacers", "2", "--png", "/nonexistent/dir/x.png"],
     "the folder /nonexistent/dir does not exist"),
    (["show", "solo", "--heading", "400"], "0 to 360"),
    (["optimize", "--heading", "-5"], "--heading"),
    (["show", "solo", "--speed", "100"], "out of range"),
]


def test_bad_input_exit_2():
    for (args, text), p in zip(BAD, run_many([["formation", *a] for a, _ in BAD]), strict=True):
        assert p.returncode == 2, (args, p.stdout, p.stderr)
        assert text in p.stderr and "Traceback" not in p.stderr, (args, p.stderr)


def test_bad_scenario_formation_exit_2(tmp_path, scenarios_dir):
    src = (scenarios_dir / "vienna-2019-formation.toml").read_text()
    cases = [("positions = [[0.1, 0.0]]", "overlap"), ("positions = [[nan, 0.0]]", "finite"),
             ("positions = [[1e300, 0.0]]", "≤ 100 m"), ("positions = [[0.0, 0.31]]",
                                                         "a body width")]
    cmds = []
    for k, (repl, _) in enumerate(cases):
        f = tmp_path / f"s{k}.toml"
        f.write_text(src.replace('formation = "ineos-vienna-2019"', repl))
        cmds.append(["predict", str(f)])
    fraction = tmp_path / "fraction.toml"  # drafting as a fraction: no formation to value
    fraction.write_text((scenarios_dir / "vienna-2019.toml").read_text().replace(
        'formation = "ineos-vienna-2019"\n', "drag_reduction = 0.5\n", 1))
    cmds.append(["formation", "worth", str(fraction)])
    res = run_many(cmds)
    for (_, text), p in zip(cases, res, strict=False):
        assert p.returncode == 2, p.stderr
        assert text in p.stderr and "Traceback" not in p.stderr
    assert res[-1].returncode == 2 and "no formation" in res[-1].stderr


def test_worth_and_show_agree_on_the_reduction(scenarios_dir):
    """marro-2023 removed 96.8 % in still air (planar wake) and worth printed 95 % (the what-if
    cap) silently; worth must print the formation's own reduction (91.1 % with the
    finite-height wake and wake-added turbulence, now under the cap)."""
    show, worth = run_many([
        ["formation", "show", "marro-2023", "--json"],
        ["formation", "worth", str(scenarios_dir / "vienna-2019.toml"), "--formation",
         "marro-2023", "--json"]])
    assert show.returncode == 0 and worth.returncode == 0, (show.stderr, worth.stderr)
    shown = json.loads(show.stdout)["athlete_drag_reduction"]
    assert shown > 0.9
    assert json.loads(worth.stdout)["still_air_drag_reduction"] == pytest.approx(shown, abs=1e-9)


def test_worth_unknown_preset_and_sections(scenarios_dir):
    """An unknown --formation lists the presets (was a raw pydantic link); a scenario whose
    drafting is a list of formation sections (berlin-2018) is valued section by section."""
    bad, sec = run_many([
        ["formation", "worth", str(scenarios_dir / "vienna-2019.toml"), "--formation", "nosuch"],
        ["formation", "worth", str(scenarios_dir / "berlin-2018.toml"), "--json"]])
    assert bad.returncode == 2
    assert "ineos-vienna-2019" in bad.stderr and "pydantic" not in bad.stderr, bad.stderr
    assert sec.returncode == 0, sec.stderr
    data = json.loads(sec.stdout)
    assert data["worth_s"] > 0 and len(data["sections"]) == 3
    assert data["sections"][0]["until_m"] == pytest.approx(14000.0)
    assert data["still_air_drag_reduction"] == max(
        s["still_air_drag_reduction"] for s in data["sections"])


def test_compare_text_fits_100_columns_and_states_the_standard_error(scenarios_dir):
    p = run("compare", "ineos-vienna-2019", "--scenario",
            str(scenarios_dir / "vienna-2019.toml"), "--crosswind", "-3")
    assert p.returncode == 0, p.stderr
    assert max(len(line) for line in p.stdout.splitlines()) <= 100
    text = " ".join(p.stdout.split())
    assert "±" in text and "1024 draws common to A and B" in text
    assert "from the runners' left" in text and "actual pace" in text
    assert "B moved" in text


def test_compare_without_position_error_says_no_draws():
    p = run("compare", "single-pacer", "single-pacer", "--position-error", "0", "--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["difference_a_minus_b"][:4] == [0.0] * 4
    q = run("compare", "single-pacer", "--position-error", "0")
    text = " ".join(q.stdout.split())
    assert "draws" not in text.replace("no draws", "")
    assert "no position error" in text


def test_optimize_output_polish():
    p, q = run_many([["formation", "optimize", "--pacers", "1", "--road-width", "0.6"],
                     ["formation", "optimize", "--pacers", "11"]])
    assert p.returncode == 0, p.stderr
    assert "1 pacer optimized" in p.stdout and "1 pacers" not in p.stdout
    assert "-0.00" not in p.stdout
    text = " ".join(p.stdout.split())
    assert "ineos-vienna-2019 does not fit a 0.6 m road (it needs 3.4 m" in text
    assert q.returncode == 2 and q.stderr.startswith("error: --pacers"), repr(q.stderr)


@pytest.mark.parametrize("wind, expect", [
    ("100@90", "wind speed 100 m/s is out of range"),
    ("-3@90", "wind speed -3 m/s is out of range"),
    ("1e9@90", "0 to 30 m/s"),
    ("3@-90", "wind direction -90° is out of range"),
    ("3@400", "e.g. 3@40"),
])
def test_wind_bounds_and_messages(wind, expect):
    p = run("show", "single-pacer", f"--wind={wind}")
    assert p.returncode == 2 and expect in p.stderr, p.stderr


def test_underscore_number_and_compare_crosswind_bound():
    p, q = run_many([["formation", "show", "--positions", "1_0,0"],
                     ["formation", "compare", "single-pacer", "--crosswind", "31"]])
    assert p.returncode == 2 and "1_0,0" in p.stderr
    assert q.returncode == 2 and "-30 to 30 m/s" in q.stderr


def test_tailwind_as_fast_as_the_runners_is_stated_and_json_has_no_float_noise():
    p = run("show", "single-pacer", "--wind", "5.85@180")
    assert p.returncode == 0 and "no air relative to them" in " ".join(p.stdout.split())
    q = run("show", "single-pacer", "--wind", "3@90", "--json")
    data = json.loads(q.stdout)
    assert data["headwind_m_s"] == 0.0 and data["crosswind_m_s"] == 3.0


def test_optimize_states_crosswind_robustness():
    p = run("optimize", "--pacers", "3", "--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    ref = data["compared_with"]["crosswind_worse_side_reduction"]
    assert data["crosswind_check_m_s"] == 3.0 and 0.0 <= data["crosswind_worse_side_reduction"]
    assert ref == pytest.approx(0.627, abs=0.03)  # the V keeps most of its shelter either side


def test_preset_name_in_other_case_gets_a_suggestion_and_calibrate_spells_confidence():
    p = run("show", "INEOS-Vienna-2019")
    assert p.returncode == 2 and "did you mean ineos-vienna-2019?" in p.stderr, p.stderr
    from paceline.errors import ScenarioError
    from paceline.scenario import scenario_from_dict

    with pytest.raises(ScenarioError, match="did you mean single-file-3"):
        scenario_from_dict({
            "athlete": {"name": "E", "mass_kg": 52, "height_m": 1.67,
                        "reference": {"distance": "marathon", "time": "2:01:39",
                                      "conditions": {"temperature_c": 16,
                                                     "relative_humidity": 0.6}}},
            "race": {"distance": "marathon"},
            "conditions": {"temperature_c": 9, "relative_humidity": 0.9},
            "drafting": {"formation": "Single-File-3"}})


def test_figure_of_a_far_off_pacer_is_a_map_not_a_strip(tmp_path):
    """Review 12: `--positions "100,0" --png` drew the equal-aspect map a few pixels wide.
    The axes' spines (the longest dark vertical lines) must be > 150 px apart."""
    import matplotlib.image as mpimg
    import numpy as np

    png = tmp_path / "far.png"
    p = run("show", "--positions", "100,0", "--png", str(png))
    assert p.returncode == 0, p.stderr
    img = mpimg.imread(png)
    dark_cols = np.where((img[..., :3].sum(-1) < 0.3).sum(0) > 500)[0]
    assert dark_cols[1] - dark_cols[0] > 150, dark_cols  # was 29 px (597 → 626)
