from pathlib import Path

import pytest

from paceline.errors import ScenarioError
from paceline.scenario import scenario_from_dict


def base():
    return {
        "athlete": {"name": "E", "mass_kg": 52, "height_m": 1.67,
                    "reference": {"distance": "marathon", "time": "2:01:39",
                                  "conditions": {"temperature_c": 16,
                                                 "relative_humidity": 0.6}}},
        "race": {"distance": "marathon"},
        "course": {"preset": "vienna-2019"},
        "conditions": {"temperature_c": 9, "relative_humidity": 0.9},
    }


def test_defaults_calm_sea_level_no_drafting_no_shoes():
    sc = scenario_from_dict(base())
    assert sc.conditions.wind_speed_m_s == 0.0
    assert sc.conditions.altitude_m is None and sc.conditions.pressure_hpa is None
    assert sc.drafting.drag_reduction == 0.0
    assert sc.shoes.metabolic_saving == 0.0
    assert sc.name == ""
    assert sc.athlete.reference.time_s == 7299.0
    assert sc.athlete.reference.course.preset == "straight"


def test_humidity_percent_is_refused_with_fix():
    d = base()
    d["conditions"]["relative_humidity"] = 90
    with pytest.raises(ScenarioError, match=r"conditions\.relative_humidity.*0\.9"):
        scenario_from_dict(d)


def test_unknown_key_named():
    d = base()
    d["conditions"]["temprature_c"] = 9
    with pytest.raises(ScenarioError, match=r"conditions\.temprature_c: unknown key"):
        scenario_from_dict(d)


def test_missing_key_named():
    d = base()
    del d["athlete"]["mass_kg"]
    with pytest.raises(ScenarioError, match=r"athlete\.mass_kg: required key is missing"):
        scenario_from_dict(d)


def test_negative_mass_refused():
    d = base()
    d["athlete"]["mass_kg"] = -52
    with pytest.raises(ScenarioError, match=r"athlete\.mass_kg.*-52"):
        scenario_from_dict(d)


def test_bad_distance_and_time_named():
    d = base()
    d["race"]["distance"] = "ultra"
    d["athlete"]["reference"]["time"] = "two hours"
    with pytest.raises(ScenarioError) as exc:
        scenario_from_dict(d)
    assert "race.distance" in str(exc.value)
    assert "athlete.reference.time" in str(exc.value)


def test_capacity_needs_reference_or_physiology():
    d = base()
    del d["athlete"]["reference"]
    with pytest.raises(ScenarioError, match="athlete.reference"):
        scenario_from_dict(d)
    d["athlete"]["physiology"] = {"vo2max_ml_kg_min": 84, "fraction_sustainable": 0.85,
                                  "economy_ml_kg_km": 190}
    assert scenario_from_dict(d).athlete.physiology.vo2max_ml_kg_min == 84


def test_altitude_and_pressure_exclusive():
    d = base()
    d["conditions"].update(altitude_m=165, pressure_hpa=990)
    with pytest.raises(ScenarioError, match="not both"):
        scenario_from_dict(d)


def test_drafting_until_distance():
    d = base()
    d["drafting"] = {"drag_reduction": 0.3, "until": "25km"}
    assert scenario_from_dict(d).drafting.until_m == 25000.0


def test_set_drag_reduction_replaces_the_formation():
    """vienna-2019.toml's comment says --set drafting.drag_reduction=0.5 uses Marro's −50 %:
    it must replace the file's formation, not clash with it (issue 12 review)."""
    from pathlib import Path

    from paceline.io.scenario_file import apply_overrides, read_scenario

    data = {"drafting": {"formation": "ineos-vienna-2019", "until": "30km"}}
    assert apply_overrides(data, ["drafting.drag_reduction=0.5"]) == {
        "drafting": {"drag_reduction": 0.5, "until": "30km"}}
    assert apply_overrides(data, ["drafting.positions=[[1.3, 0]]"])["drafting"] == {
        "positions": [[1.3, 0]], "until": "30km"}
    root = Path(__file__).resolve().parents[1]
    s = read_scenario(root / "scenarios" / "vienna-2019.toml", ["drafting.drag_reduction=0.5"])
    assert s.drafting.formation is None and s.drafting.drag_reduction == 0.5


def test_bad_drafting_messages_say_things_once():
    """Key and value once each; "[x_m, y_m]" is not swallowed as rich markup (issue 12)."""
    import subprocess
    import sys
    from pathlib import Path

    sc = Path(__file__).resolve().parents[1] / "scenarios" / "vienna-2019.toml"
    cmds = [["--set", "drafting.until=abc"], ["--set", "drafting.positions=[1,2]"]]
    procs = [subprocess.Popen([sys.executable, "-m", "paceline", "predict", str(sc), *c],
                              stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for c in cmds]
    until, pos = (p.communicate(timeout=120)[1] for p in procs)
    assert "drafting.until: drafting.until" not in until and until.count("'abc'") == 1, until
    assert "with --set drafting.until=abc" in until  # the override, not the file, is at fault
    assert "unknown distance" in until
    assert "list of [x_m, y_m] pairs" in pos, pos


# --- issue 14 item 4: pydantic's wording replaced ---------------------------------------
def test_out_of_range_names_key_value_and_range(tmp_path):
    from paceline.io.scenario_file import read_scenario

    root = Path(__file__).resolve().parents[1]
    with pytest.raises(ScenarioError) as info:
        read_scenario(root / "scenarios/vienna-2019.toml", ["conditions.temperature_c=-40"])
    msg = str(info.value)
    assert "conditions.temperature_c = -40 is out of range; valid: -30 to 50" in msg
    assert "Input should be" not in msg


def test_marathon_target_in_minutes_is_refused(tmp_path):
    from paceline.io.scenario_file import read_scenario

    root = Path(__file__).resolve().parents[1]
    with pytest.raises(ScenarioError, match=r"plan.target_time.*did you mean a pace, 2:50/km"):
        read_scenario(root / "scenarios/vienna-2019.toml", ['plan.target_time="2:50"'])


def test_a_directory_is_not_a_scenario():
    from paceline.errors import InputFileError
    from paceline.io.scenario_file import read_scenario

    root = Path(__file__).resolve().parents[1]
    with pytest.raises(InputFileError, match="is a directory"):
        read_scenario(root / "scenarios")


def test_scenario_headers_point_to_files_that_exist():
    """The comments of scenarios/*.toml name their sources by path: each path must exist
    (they named ../docs/scenarios.md and shared/REFERENCES.md, neither in the repository)."""
    import re

    root = Path(__file__).resolve().parents[1] / "scenarios"
    for f in sorted(root.glob("*.toml")):
        comments = "\n".join(ln for ln in f.read_text().splitlines() if ln.startswith("#"))
        assert "REFERENCES.md" not in comments, f.name
        for ref in re.findall(r"(?:\.\./)?[\w./-]+\.(?:md|toml)", comments):
            # relative to the scenario's folder, or to the repository (docs/venue.md)
            assert (root / ref).exists() or (root.parent / ref).exists(), f"{f.name}: {ref}"


@pytest.mark.parametrize("drafting, expect", [
    # until past the finish: section (1-based), the value in km, the race distance, the fix
    ([{"formation": "single-pacer", "until": "60km"}],
     ["drafting section 1", "until = 60 km", "42.195 km race", "at most 42.195 km"]),
    ([{"formation": "single-pacer", "until": "20km"}, {"drag_reduction": 0.3, "until": "50km"}],
     ["drafting section 2", "until = 50 km", "42.195 km race"]),
    ({"formation": "single-pacer", "until": "60km"}, ["drafting: until = 60 km", "42.195 km"]),
    # an empty positions list is refused, as --positions "" is
    ({"positions": []}, ["drafting.positions", "positions is empty", "[[1.2, 0.0]]"]),
    ([{"positions": [], "until": "10km"}], ["drafting section 1, positions", "is empty"]),
    # from == until has its own message (not "ends before it starts")
    ({"formation": "single-pacer", "from": "10km", "until": "10km"},
     ["starts and ends at 10 km", "from = until"]),
    ([{"formation": "single-pacer", "until": "10km"}, {"formation": "single-pacer",
                                                        "until": "10km"}],
     ["section 2 starts and ends at 10 km"]),
    # a section's own error names it 1-based
    ([{"formation": "single-pacer", "until": "10km"}, {"formation": "nope", "until": "20km"}],
     ["drafting section 2:", "unknown formation preset 'nope'"]),
])
def test_drafting_sections_refused_with_one_based_messages(drafting, expect):
    d = base()
    d["drafting"] = drafting
    with pytest.raises(ScenarioError) as e:
        scenario_from_dict(d)
    msg = str(e.value)
    for part in expect:
        assert part in msg, msg
    assert "sections.0" not in msg and "sections.1" not in msg and "ends (until" not in msg


def test_reference_race_drafting_is_checked_against_its_own_distance():
    d = base()
    d["athlete"]["reference"]["distance"] = "half"
    d["athlete"]["reference"]["time"] = "58:00"
    d["athlete"]["reference"]["drafting"] = [{"formation": "single-pacer", "until": "25km"}]
    with pytest.raises(ScenarioError, match=r"athlete\.reference\.drafting section 1: until = "
                                             r"25 km is beyond the finish of this 21\.0975 km"):
        scenario_from_dict(d)
    d["athlete"]["reference"]["drafting"] = [{"formation": "single-pacer", "until": "21km"}]
    assert scenario_from_dict(d).athlete.reference.drafting.sections[0].until_m == 21000.0


def test_bare_number_in_a_drafting_section_names_it_one_based(tmp_path):
    from paceline.io.scenario_file import check_distances_have_units

    with pytest.raises(ScenarioError) as e:
        check_distances_have_units({"drafting": [{"drag_reduction": 0.3, "until": "5km"},
                                                 {"drag_reduction": 0.2, "until": 20}]})
    assert "drafting section 2, until 20" in str(e.value)
    assert 'write until = "20km"' in str(e.value)
