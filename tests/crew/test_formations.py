"""Slot drag for the crew: from the formation model (default) or the stated table."""

import math

import pytest

from paceline.crew import crew_formation, get_crew_formation
from paceline.errors import ScenarioError
from paceline.formation import evaluate, load_preset

V_2H = 42195.0 / 7200.0  # 2-h marathon pace [m/s]


def test_vienna_slots_take_the_formation_models_drag_rounded_down():
    """The back pair gets what the formation model gives Vienna's back runners (47.5 % with
    the finite-height wake, 58.2 % with the planar one; docs/formation.md), rounded down to
    0.01; the front centre (1.2 m ahead of the athlete, helped by his blockage and the two
    middle pacers' wakes) 6 % (planar 5 %), the four others 0 (the middle pair is 1.2 %
    *above* running alone: side acceleration)."""
    f = crew_formation("vienna-2019", slot_drag="model", speed_m_s=V_2H)
    preset = load_preset("ineos-vienna-2019")
    ratio = dict(zip(preset.runner_names, evaluate(preset, speed_m_s=V_2H).drag_ratio,
                     strict=True))
    assert 1 - ratio["back left"] == pytest.approx(0.475, abs=0.005)
    assert f.reduction("back-1") == math.floor((1 - ratio["back left"]) * 100) / 100
    assert f.reduction("back-2") == f.reduction("back-1")
    assert f.reduction("front-3") == math.floor((1 - ratio["front centre"]) * 100) / 100
    assert f.reduction("front-3") == pytest.approx(0.06)
    assert all(f.reduction(f"front-{i}") == 0.0 for i in (1, 2, 4, 5))
    assert f.slot_drag == "model" and "ineos-vienna-2019" in f.source
    # the table keeps Beaumont et al. (2019): 0.33 behind
    t = crew_formation("vienna-2019", slot_drag="table")
    assert t.reduction("back-1") == 0.33 and t.slot_drag == "table"


def test_formation_without_a_matching_preset_keeps_its_table():
    f = crew_formation("breaking2-2017", slot_drag="model", speed_m_s=V_2H)
    assert f == get_crew_formation("breaking2-2017") and f.slot_drag == "table"


def test_bad_slot_drag_and_missing_speed_are_refused():
    with pytest.raises(ScenarioError, match="slot drag"):
        crew_formation("vienna-2019", slot_drag="cfd", speed_m_s=V_2H)
    with pytest.raises(ScenarioError, match="target speed"):
        crew_formation("vienna-2019", slot_drag="model")
