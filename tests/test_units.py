import math

import pytest

from paceline.errors import UnitError
from paceline.units import (
    format_duration,
    format_pace,
    parse_distance_m,
    parse_duration_s,
    parse_pace_s_per_m,
    parse_wind,
)


@pytest.mark.parametrize("text,seconds", [("1:59:40", 7180.0), ("59:35", 3575.0),
                                          ("2:50.17", 170.17), ("27:00", 1620.0), (3600, 3600.0)])
def test_parse_duration(text, seconds):
    assert parse_duration_s(text) == pytest.approx(seconds)


@pytest.mark.parametrize("bad", ["abc", "1:75:00", "-5", "0:00", ""])
def test_parse_duration_bad(bad):
    with pytest.raises(UnitError, match="time"):
        parse_duration_s(bad)


def test_format_duration_roundtrip():
    assert format_duration(7180.2, decimals=1) == "1:59:40.2"
    assert format_duration(170.17, decimals=2) == "2:50.17"
    assert format_duration(59.96) == "1:00"
    assert format_duration(math.nan) == "—"


@pytest.mark.parametrize("text,metres", [("marathon", 42195.0), ("half", 21097.5),
                                         ("10k", 10000.0), ("mile", 1609.344),
                                         ("23.4km", 23400.0), ("1500m", 1500.0), (800, 800.0)])
def test_parse_distance(text, metres):
    assert parse_distance_m(text) == pytest.approx(metres)


def test_parse_distance_unknown_lists_valid():
    with pytest.raises(UnitError, match="marathon"):
        parse_distance_m("ultra")


def test_pace():
    assert parse_pace_s_per_m("2:50/km") == pytest.approx(0.170)
    assert format_pace(1000 / 170.17, decimals=2) == "2:50.17/km"
    with pytest.raises(UnitError):
        parse_pace_s_per_m("fast")


def test_wind():
    assert parse_wind("3@270") == (3.0, 270.0)
    with pytest.raises(UnitError, match="3@270"):
        parse_wind("west 3")
