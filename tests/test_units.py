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


# --- issue 14 item 4: one rule for misread values ------------------------------------------
def test_a_distance_string_needs_its_unit():
    from paceline.errors import UnitError
    from paceline.units import parse_distance_m

    with pytest.raises(UnitError, match=r'needs a unit.*did you mean 23.4 km\? write "23.4km"'):
        parse_distance_m("23.4", where="--at")
    assert parse_distance_m("23.4km") == pytest.approx(23400.0)
    assert parse_distance_m(1000) == 1000.0  # a number (TOML) is metres


def test_world_record_curve_reproduces_the_records():
    # data/world_records.csv (World Athletics): the curve passes through each record
    from paceline.units import fastest_time_s

    assert fastest_time_s(42195) == pytest.approx(7235.0, abs=0.01)   # Kiptum 2:00:35
    assert fastest_time_s(1609.344) == pytest.approx(223.13, abs=0.01)  # El Guerrouj 3:43.13
    assert 1571.0 < fastest_time_s(15000) < 3451.0


@pytest.mark.parametrize("text, distance_m, meant", [
    ("2:50", 42195, "a pace, 2:50/km (a finish of 1:59:33)"),  # issue: [plan] target_time
    ("27", 10000, "27:00"),                                      # issue: equivalent 10k=27
    ("2:50", 1609.344, "a pace, 2:50/km"),                        # issue: lights --target, mile
    ("27:00:00", 10000, "27:00"),                                # hours for minutes
])
def test_implausible_time_is_refused_with_the_reading_meant(text, distance_m, meant):
    from paceline.errors import UnitError
    from paceline.units import parse_race_time_s

    with pytest.raises(UnitError) as info:
        parse_race_time_s(text, distance_m, where="target")
    msg = str(info.value)
    assert "did you mean" in msg and meant in msg and "Valid:" in msg


def test_plausible_times_and_paces_pass():
    from paceline.units import parse_race_time_s

    assert parse_race_time_s("1:59:40", 42195) == 7180.0
    assert parse_race_time_s("2:50/km", 42195) == pytest.approx(170 * 42.195)
    assert parse_race_time_s("3:59.0", 1609.344) == 239.0


def test_parse_date_one_rule_for_every_command():
    import datetime as dt

    from paceline.units import parse_date

    assert parse_date("2024-03-01", where="--since") == dt.date(2024, 3, 1)
    assert parse_date(None, where="--since") is None
    for bad in ("2024-13-01", "1/3/2024", "yesterday"):
        with pytest.raises(UnitError) as e:
            parse_date(bad, where="--from")
        assert "--from" in str(e.value) and bad in str(e.value) and "YYYY-MM-DD" in str(e.value)
