"""A JSON file (a plan folder's plan.json, crew_plan.json) given where a TOML file is wanted
is named as JSON, with the right kind of file as the fix — not "correct the TOML syntax"
(re-check of the issue-14 review, 2026-11-30)."""

from __future__ import annotations

import pytest

from paceline.errors import InputFileError
from paceline.io.roster import read_roster
from paceline.io.scenario_file import read_athlete_file, read_scenario
from paceline.io.venue_file import read_venue_file


@pytest.mark.parametrize("reader, what, example", [
    (read_scenario, "scenario file", "scenarios/vienna-2019.toml"),
    (read_athlete_file, "athlete file", "paceline log profile"),
    (read_venue_file, "venue file", "scenarios/venue-sub2.toml"),
])
def test_json_file_named_as_json(tmp_path, reader, what, example):
    p = tmp_path / "plan.json"
    p.write_text('{"finish_time_s": 7180.2, "splits": []}\n', encoding="utf-8")
    with pytest.raises(InputFileError) as e:
        reader(p)
    msg = str(e.value)
    assert f"this is a JSON file, not a TOML {what}" in msg, msg
    assert example in msg and "TOML syntax" not in msg, msg


def test_json_roster_with_toml_suffix(tmp_path):
    p = tmp_path / "roster.toml"
    p.write_text('[{"name": "V01"}]', encoding="utf-8")
    with pytest.raises(InputFileError, match="JSON file, not a TOML roster"):
        read_roster(p)


def test_broken_toml_still_gets_the_line(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text("[race]\ndistance = \n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"not valid TOML: .*line 2"):
        read_scenario(p)
