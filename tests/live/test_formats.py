"""Parsers of the decoder and tracker formats (examples from the vendors' documentation,
docs/live.md §Formats)."""

import datetime as dt

import pytest

from paceline.live.formats import (
    KNOT_M_S,
    BadRead,
    TimeBase,
    parse_csv_line,
    parse_fix_json,
    parse_mylaps_frame,
    parse_osmand,
    parse_raceresult_line,
    parse_time_s,
    parse_traccar_json,
)

UTC = TimeBase.of("UTC", dt.date(2019, 10, 12))
VIENNA = TimeBase.of("Europe/Vienna", dt.date(2019, 10, 12))
T0 = dt.datetime(2019, 10, 12, 6, 15, tzinfo=dt.UTC).timestamp()


def test_knot_is_1852_m_per_hour():
    assert KNOT_M_S == pytest.approx(0.514444, abs=1e-6)


def test_time_forms_agree():
    for v in (T0, T0 * 1000, "2019-10-12T06:15:00Z", "2019-10-12T08:15:00+02:00",
              str(int(T0)), "06:15:00.000"):
        assert parse_time_s(v, UTC) == pytest.approx(T0), v
    # a naive ISO time and a time of day are in the race's zone
    assert parse_time_s("2019-10-12T08:15:00", VIENNA) == pytest.approx(T0)
    assert parse_time_s("08:15:00", VIENNA) == pytest.approx(T0)


@pytest.mark.parametrize("bad", ["", "yesterday", "25:99:00", -5, float("nan"), None, True])
def test_bad_times_are_refused(bad):
    with pytest.raises(BadRead) as e:
        parse_time_s(bad, UTC)
    assert e.value.code == "bad-time"


def test_raceresult_record_protocol_2():
    # field layout of the RACE RESULT decoder protocol ≥ 1.6 (passing record), local time
    line = "17;ATH1;2019-10-12;08:25:12.345;0;12;30;;0;1;1;;;;;;10km;3;;D-5043"
    r = parse_raceresult_line(line, VIENNA)
    assert r["device"] == "ATH1" and r["location"] == "10km"
    assert r["time_s"] == pytest.approx(T0 + 612.345)
    assert r["key"] == "rr:D-5043:3:17"
    # no GPS date on the decoder: 0000-00-00 is the race day
    r2 = parse_raceresult_line("18;ATH1;0000-00-00;08:25:12.345;0;12;30", VIENNA,
                               location="10km")
    assert r2["time_s"] == pytest.approx(T0 + 612.345)
    assert r2["key"] == "rr:10km::18"


@pytest.mark.parametrize("line,code", [
    ("17;ATH1;2019-10-12", "malformed"),
    ("x;ATH1;2019-10-12;08:25:12.345", "malformed"),
    ("17;ATH1;2019-13-12;08:25:12.345;0;1;1;;0;1;1;;;;;;10km", "bad-time"),
    ("17;ATH1;2019-10-12;8h25;0;1;1;;0;1;1;;;;;;10km", "bad-time"),
    ("17;ATH1;2019-10-12;08:25:12.345;0;1;1", "unknown-mat"),
])
def test_raceresult_bad_lines(line, code):
    with pytest.raises(BadRead) as e:
        parse_raceresult_line(line, UTC)
    assert e.value.code == code


def test_mylaps_exporter_frame():
    # the MYLAPS Exporter example frame (two passings at the 10KM location)
    frame = ("10KM@Passing@t=13:11:30.904|c=0000041|ct=UH|d=120606|l=13|dv=4|re=0|"
             "an=00001111|g=0|b=41|n=41@t=13:12:21.830|c=0000039|ct=UH|d=120606|l=30|dv=4|"
             "re=0|an=00001101|g=0|b=39|n=39@1016@$")
    rs = parse_mylaps_frame(frame, UTC)
    assert [r["device"] for r in rs] == ["0000041", "0000039"]
    assert rs[0]["location"] == "10KM"
    assert rs[0]["time_s"] == pytest.approx(
        dt.datetime(2012, 6, 6, 13, 11, 30, 904000, tzinfo=dt.UTC).timestamp())
    assert parse_mylaps_frame("Finish@Ping@$", UTC) == []
    for bad in ("garbage", "10KM@Passing@@1@$", "10KM@Passing@c=1|t=1pm@1@$",
                "10KM@Marker@t=1@1@$"):
        with pytest.raises(BadRead):
            parse_mylaps_frame(bad, UTC)


def test_csv_line():
    r = parse_csv_line("athlete;2019-10-12T06:25:12.5Z;10km", UTC)
    assert (r["device"], r["location"]) == ("athlete", "10km")
    assert r["time_s"] == pytest.approx(T0 + 612.5)
    with pytest.raises(BadRead):
        parse_csv_line("athlete;10km", UTC)


def test_osmand_speed_in_knots_and_timestamps():
    base = {"id": "pacecar", "lat": "48.2", "lon": "16.4"}
    for ts in (str(int(T0)), str(int(T0 * 1000)), "2019-10-12T06:15:00Z"):
        r = parse_osmand(dict(base, timestamp=ts, speed="10"), UTC)
        assert r["time_s"] == pytest.approx(T0)
        assert r["speed_m_s"] == pytest.approx(10 * 1852 / 3600)
    r = parse_osmand({"deviceid": "x", "location": "48.2,16.4", "timestamp": str(T0)}, UTC)
    assert (r["lat_deg"], r["lon_deg"]) == (48.2, 16.4)
    for bad in ({}, {"id": "x", "lat": "91", "lon": "0", "timestamp": "1"},
                {"id": "x", "lat": "a", "lon": "0", "timestamp": "1"},
                {"id": "x", "lat": "1", "lon": "0"}):
        with pytest.raises(BadRead):
            parse_osmand(bad, UTC)


def test_traccar_json_speed_in_m_s():
    body = {"device_id": "bike", "location": {"timestamp": "2019-10-12T06:15:00.000Z",
                                              "coords": {"latitude": 48.2, "longitude": 16.4,
                                                         "speed": 5.0, "heading": 90}}}
    r = parse_traccar_json(body, UTC)
    assert r["speed_m_s"] == 5.0 and r["bearing_deg"] == 90 and r["time_s"] == T0


def test_fix_json_key_by_seq_or_time():
    a = parse_fix_json({"device": "d", "time": T0, "lat": 1, "lon": 2, "seq": 7}, UTC)
    b = parse_fix_json({"device": "d", "time": T0, "lat": 1, "lon": 2}, UTC)
    assert a["key"] == "gps:d:seq:7" and b["key"] == f"gps:d:{round(T0 * 1000)}"
