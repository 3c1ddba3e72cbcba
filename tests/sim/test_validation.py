"""`paceline validate`: the bundled set, its pairing, and README's table is what it computes."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from paceline.io.scenario_file import read_scenario
from paceline.io.validation_set import read_validation_set
from paceline.scenario import Reference
from paceline.sim.validation import validate_races

ROOT = Path(__file__).resolve().parents[2]
VAL = ROOT / "scenarios" / "validation"


@pytest.fixture(scope="module")
def cases():
    return read_validation_set(VAL)


@pytest.fixture(scope="module")
def result(cases):
    return validate_races(cases)


def test_at_least_ten_races_three_athletes_with_sources(cases):
    assert len(cases) >= 10
    assert len({c.athlete for c in cases}) >= 3
    for c in cases:
        text = (VAL / f"{c.name}.toml").read_text(encoding="utf-8")
        for what in ("time", "weather", "pacing"):
            assert re.search(rf"#  - [^\n]*{what}", text), (c.name, what)
        assert c.scenario.race.actual_time_s is not None


def test_each_race_is_predicted_from_the_athletes_previous_race_as_run(cases):
    by_name = {c.name: c for c in cases}
    for c in cases:
        src = by_name[c.predicted_from]
        assert src.athlete == c.athlete and src.name != c.name
        # the athlete's previous race in the set (the first from the next): no choosing
        mine = sorted((x for x in cases if x.athlete == c.athlete),
                      key=lambda x: x.scenario.race.start)
        i = mine.index(c)
        assert src is (mine[i - 1] if i > 0 else mine[1])
        # the reference block is that race as run, exactly (no drift between the files)
        s = src.scenario
        as_run = Reference.model_validate({
            "distance": s.race.distance_m, "time": s.race.actual_time_s,
            "course": s.course.model_dump(), "conditions": s.conditions.model_dump(),
            "drafting": s.drafting.model_dump(by_alias=True), "shoes": s.shoes.model_dump(),
            "pacing": "even-pace"})
        assert c.scenario.athlete.reference == as_run, c.name
        assert c.scenario.athlete.model_dump(exclude={"reference"}) == \
            s.athlete.model_dump(exclude={"reference"})


def test_summary_is_the_mean_of_the_rows(result):
    err = np.array([r.predicted_s - r.actual_s for r in result.rows])
    assert result.mae_s == pytest.approx(np.mean(np.abs(err)))
    assert result.mean_error_s == pytest.approx(np.mean(err))
    # predictions are out of sample and not fitted: no race is reproduced to the 0.01 s
    assert all(abs(r.error_s) > 0.01 for r in result.rows)
    assert result.coverage_p10_p90 is None  # no band drawn here


def test_readme_table_is_what_validate_computes(result):
    # README's table is `paceline validate --markdown --draws 0`; recomputed here, never
    # hard-coded, so it must be regenerated when a model or a scenario changes.
    from paceline.cli.validate import validation_markdown

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- validate -->\n(.*?)\n<!-- /validate -->", readme, re.S)
    assert block, "README lacks the <!-- validate --> table"
    assert block.group(1).strip() == validation_markdown(result).strip()


def test_validate_json_with_band(tmp_path):
    res = subprocess.run([sys.executable, "-m", "paceline", "validate", str(VAL), "--json",
                          "--draws", "200", "--seed", "3"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert d["summary"]["races"] == len(d["races"]) >= 10
    assert d["summary"]["band_draws"] == 200 and d["summary"]["seed"] == 3
    for r in d["races"]:
        assert r["error_s"] == pytest.approx(r["predicted_s"] - r["actual_s"])
        b = r["band"]
        assert b["p10_s"] < r["predicted_s"] < b["p90_s"] or b["p10_s"] is None
        assert b["within_p10_p90"] == (b["p10_s"] <= r["actual_s"] <= b["p90_s"])
    cov = d["summary"]["coverage_p10_p90"]
    assert 0.0 <= cov <= 1.0 and math.isfinite(d["summary"]["mae_s"])


def test_validate_bad_folder_exit_2(tmp_path):
    res = subprocess.run([sys.executable, "-m", "paceline", "validate", str(tmp_path)],
                         capture_output=True, text=True)
    assert res.returncode == 2 and "races.toml" in res.stderr and "Traceback" not in res.stderr
    (tmp_path / "races.toml").write_text('[[race]]\nscenario = "x.toml"\n', encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "paceline", "validate", str(tmp_path)],
                         capture_output=True, text=True)
    assert res.returncode == 2 and "athlete" in res.stderr


def test_validation_scenarios_predict_on_their_own():
    sc = read_scenario(VAL / "kiptum-chicago-2023.toml")
    assert sc.athlete.reference.time_s == pytest.approx(2 * 3600 + 85)
