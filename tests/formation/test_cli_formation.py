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


def test_compare_and_calibrate_json():
    p = run("compare", "ineos-vienna-2019", "marro-2023", "--json")
    assert p.returncode == 0, p.stderr
    assert len(json.loads(p.stdout)["formations"]) == 2
    p = run("calibrate", "--json")
    assert p.returncode == 0, p.stderr
    cases = json.loads(p.stdout)["cases"]
    assert all("residual" in c for c in cases)


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
]


def test_bad_input_exit_2():
    for (args, text), p in zip(BAD, run_many([["formation", *a] for a, _ in BAD]), strict=True):
        assert p.returncode == 2, (args, p.stdout, p.stderr)
        assert text in p.stderr and "Traceback" not in p.stderr, (args, p.stderr)


def test_bad_scenario_formation_exit_2(tmp_path, scenarios_dir):
    src = (scenarios_dir / "vienna-2019-formation.toml").read_text()
    cases = [("positions = [[0.1, 0.0]]", "overlap"), ("positions = [[nan, 0.0]]", "finite")]
    cmds = []
    for k, (repl, _) in enumerate(cases):
        f = tmp_path / f"s{k}.toml"
        f.write_text(src.replace('formation = "ineos-vienna-2019"', repl))
        cmds.append(["predict", str(f)])
    cmds.append(["formation", "worth", str(scenarios_dir / "vienna-2019.toml")])
    res = run_many(cmds)
    for (_, text), p in zip(cases, res, strict=False):
        assert p.returncode == 2, p.stderr
        assert text in p.stderr and "Traceback" not in p.stderr
    assert res[-1].returncode == 2 and "no formation" in res[-1].stderr
