"""Drafting as a list of sections: parsing, refusals, TOML round-trip, per-segment evaluation."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from paceline.errors import ScenarioError
from paceline.formation import athlete_drag_reduction
from paceline.io.scenario_file import load_courses, read_scenario, scenario_to_toml
from paceline.scenario import Drafting, scenario_from_dict
from paceline.sim import RaceModel
from paceline.sim.race import drafting_per_segment

ROOT = Path(__file__).resolve().parents[2]
SCEN = ROOT / "scenarios"
THREE = [[1.3, 0.0], [1.3, 0.8], [1.3, -0.8]]


def _base() -> dict:
    return tomllib.loads((SCEN / "berlin-2018.toml").read_text(encoding="utf-8"))


def test_sections_fill_from_and_whatif_value():
    d = Drafting.model_validate([{"positions": THREE, "until": "25km"},
                                 {"drag_reduction": 0.1, "until": "30km"}])
    assert [s.from_m for s in d.sections] == [0.0, 25000.0]
    three = float(athlete_drag_reduction(Drafting(positions=THREE), 0.0, 0.0))
    assert d.drag_reduction == pytest.approx(max(three, 0.1))


@pytest.mark.parametrize("sections, words", [
    ([{"drag_reduction": 0.3, "until": "25km"}, {"from": "20km", "drag_reduction": 0.1}],
     ["overlap", "20 km", "25 km"]),
    ([{"drag_reduction": 0.3, "until": "25km"}, {"from": "30km", "drag_reduction": 0.1}],
     ["gap", "25 km to 30 km"]),
    ([{"formation": "three-abreast"}], ["unknown formation preset", "berlin-2019-bekele"]),
    ([{"drag_reduction": 0.3}, {"drag_reduction": 0.1}], ["runs to the finish", "until"]),
    ([], ["empty"]),
    ([{"drag_reduction": 0.3, "from": "10km", "until": "5km"}], ["before it starts"]),
])
def test_bad_sections_are_refused_with_the_reason(sections, words):
    data = _base()
    data["drafting"] = sections
    with pytest.raises(ScenarioError) as e:
        scenario_from_dict(data)
    for w in words:
        assert w in str(e.value)


def test_bad_section_from_the_cli_exits_2(tmp_path):
    text = (SCEN / "berlin-2018.toml").read_text(encoding="utf-8")
    text = text.replace('until = "15km"', 'until = "13km"')  # section 2 ends before it starts
    p = tmp_path / "bad.toml"
    p.write_text(text, encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "paceline", "predict", str(p)],
                         capture_output=True, text=True)
    assert res.returncode == 2, res.stdout + res.stderr
    assert "drafting" in res.stderr and "13 km" in res.stderr


@pytest.mark.parametrize("name", ["berlin-2018", "vienna-2019", "monza-2017"])
def test_reference_races_round_trip_to_toml(name, tmp_path):
    sc = read_scenario(SCEN / f"{name}.toml")
    p = tmp_path / "again.toml"
    p.write_text(scenario_to_toml(sc), encoding="utf-8")
    assert read_scenario(p) == sc


def test_reference_races_use_formations_where_the_setup_is_known():
    berlin = read_scenario(SCEN / "berlin-2018.toml")
    assert [s.until_m for s in berlin.drafting.sections] == [14000.0, 15000.0, 25000.0]
    assert berlin.drafting.sections[0].formation == "berlin-2019-bekele"
    assert read_scenario(SCEN / "vienna-2019.toml").drafting.formation == "ineos-vienna-2019"
    assert read_scenario(SCEN / "monza-2017.toml").drafting.formation == "breaking2-monza-2017"
    for name in ("berlin-2018", "vienna-2019", "monza-2017"):  # what is assumed says so
        assert "ASSUMED" in (SCEN / f"{name}.toml").read_text(encoding="utf-8")


def test_sections_evaluated_per_segment_against_heading_and_wind():
    # a section's formation is evaluated on each segment with that segment's wind; outside the
    # sections the athlete is alone; a fraction section is that fraction
    d = Drafting.model_validate([{"positions": THREE, "until": "2km"},
                                 {"drag_reduction": 0.2, "until": "3km"}])
    mid = np.array([500.0, 1500.0, 2500.0, 3500.0])
    head = np.array([0.0, 0.0, 0.0, 0.0])
    cross = np.array([0.0, 3.0, 3.0, 0.0])
    got = drafting_per_segment(d, mid, head, cross)
    three = Drafting(positions=THREE)
    assert got[0] == pytest.approx(float(athlete_drag_reduction(three, 0.0, 0.0)))
    assert got[1] == pytest.approx(float(athlete_drag_reduction(three, 0.0, 3.0)))
    assert got[1] != pytest.approx(got[0])  # the crosswind moves the wakes
    assert got[2] == pytest.approx(0.2)
    assert got[3] == 0.0


def test_race_model_drafts_only_inside_the_sections():
    sc = read_scenario(SCEN / "berlin-2018.toml")
    course, ref_course = load_courses(sc, SCEN)
    seg = RaceModel(sc, course, ref_course).segments
    mid = 0.5 * (seg.node_distance_m[:-1] + seg.node_distance_m[1:])
    assert np.all(seg.drag_reduction_frac[mid > 25000.0] == 0.0)
    assert np.all(seg.drag_reduction_frac[mid < 14000.0] > 0.3)
    # whatif's switch: drag_reduction = 0 turns every section off
    off = sc.model_copy(update={"drafting": sc.drafting.model_copy(
        update={"drag_reduction": 0.0})})
    assert np.all(RaceModel(off, course, ref_course).segments.drag_reduction_frac == 0.0)


def test_set_override_selects_air_cost_and_refuses_unknown():
    sc = read_scenario(SCEN / "vienna-2019.toml", ["models.air_cost=li2025"])
    assert sc.models.air_cost == "li2025"
    with pytest.raises(ScenarioError, match="valid: dasilva2022"):
        read_scenario(SCEN / "vienna-2019.toml", ["models.air_cost=silva"])
