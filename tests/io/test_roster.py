"""Roster reading: bundled rosters, TOML, and every bad input named precisely."""

import pytest

from paceline.errors import InputFileError
from paceline.io.roster import read_roster

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]

HEAD = "name,mass_kg,height_m,pb_5000m,pb_10000m\n"


def _csv(tmp_path, text, name="r.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_bundled_rosters():
    v, meta = read_roster(ROOT / "rosters/vienna-2019-pacers.csv")
    assert len(v) == 41 and any("ILLUSTRATIVE" in c for c in meta["comments"])
    b, _ = read_roster(ROOT / "rosters/breaking2-2017-pacers.csv")
    assert len(b) == 30
    p = v[0]
    assert p.best(5000.0) == pytest.approx(765.0)
    assert p.max_stints == 3 and "front-3" in p.preferred_slots


def test_toml_roster(tmp_path):
    p = tmp_path / "r.toml"
    p.write_text('[[pacer]]\nname = "A"\nmass_kg = 58\nheight_m = 1.72\npb_5000m = "13:05"\n'
                 'pb_10000m = "27:20"\nearliest_km = 5\nlatest_km = 30\n'
                 'preferred_positions = ["back-1"]\n')
    (a,), meta = read_roster(p)
    assert meta["format"] == "toml"
    assert a.earliest_m == 5000 and a.latest_m == 30000 and a.preferred_slots == ("back-1",)


@pytest.mark.parametrize("text, expect", [
    (HEAD.replace("height_m", "height_cm") + "A,58,172,13:05,27:20\n", ["unknown column",
                                                                        "height_cm"]),
    (HEAD + "A,58,1.72,13:05,26:00\n", ["line 2", "pb_10000m", "26:00", "faster",
                                        "5000m pace"]),
    (HEAD + "A,58,1.72,13:05,27:20\nA,60,1.75,13:10,27:30\n", ["duplicate", "line 3", "'A'"]),
    (HEAD + "A,58,1.72,13:05,\n", ["at least two PBs"]),
    (HEAD + "A,580,1.72,13:05,27:20\n", ["mass_kg", "out of range"]),
    (HEAD + "A,58,1.72,3:05,27:20\n", ["faster than any human"]),
])
def test_bad_rosters(tmp_path, text, expect):
    with pytest.raises(InputFileError) as exc:
        read_roster(_csv(tmp_path, text))
    for e in expect:
        assert e in str(exc.value)


def test_unknown_preferred_slot(tmp_path):
    p = _csv(tmp_path, HEAD.strip() + ",preferred_positions\nA,58,1.72,13:05,27:20,middle\n")
    with pytest.raises(InputFileError, match="unknown position"):
        read_roster(p, slots=("front-1", "back-1"))
