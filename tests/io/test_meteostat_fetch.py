"""meteostat fetcher: open-licence providers only, canonical cache, no network in tests
(meteostat.hourly replaced by a replay of a frame in meteostat's shape)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from paceline.errors import ScenarioError
from paceline.io.weather import read_weather

ms = pytest.importorskip("meteostat")
from paceline.io import meteostat_fetch  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data" / "weather"


@pytest.fixture
def replay(monkeypatch):
    calls = []
    frame = pd.read_csv(DATA / "meteostat_hourly_10379_2013-10-12.csv", index_col="time",
                        parse_dates=True)

    class Series:
        def fetch(self):
            return frame

    def hourly(station, start, end, providers=None, **kw):
        calls.append((station, start, end, providers))
        return Series()

    def no_network(*a, **k):  # the station list must not be fetched when a position is given
        raise AssertionError("network")

    monkeypatch.setattr(ms, "hourly", hourly)
    monkeypatch.setattr(ms.stations, "meta", no_network)
    return calls


def test_fetch_writes_canonical_cache_and_reuses_it(replay, tmp_path):
    kw = dict(providers=("dwd",), altitude_m=81.0, latitude_deg=52.383, longitude_deg=13.067,
              directory=tmp_path)
    path, df, meta = meteostat_fetch.fetch_hourly("10379", date(2013, 10, 12),
                                                  date(2013, 10, 12), **kw)
    assert replay[0][3] == [ms.Provider.DWD_HOURLY]
    assert meta.format == "paceline-csv" and any("Deutscher Wetterdienst" in n
                                                 for n in meta.notes)
    # same numbers as the DWD/Modelica reader reads from the same rows
    ref, _ = read_weather(DATA / "Germany_Potsdam_2013_DWD_oct12.txt")
    assert df.index[0] == ref.index[0]
    pd.testing.assert_series_equal(df["wind_speed_m_s"], ref["wind_speed_m_s"], atol=0.02,
                                   check_names=False, check_freq=False)
    pd.testing.assert_series_equal(df["pressure_pa"], ref["pressure_pa"], rtol=1e-6,
                                   check_names=False, check_freq=False)
    # the cache is read by read_weather like any record, and reused without the network
    again, _ = read_weather(path)
    assert len(again) == 24
    meteostat_fetch.fetch_hourly("10379", date(2013, 10, 12), date(2013, 10, 12), **kw)
    assert len(replay) == 1


@pytest.mark.parametrize("provider", ["hourly", "metar", "openweather"])
def test_fetch_refuses_providers_without_an_open_licence(provider, tmp_path):
    with pytest.raises(ScenarioError, match="provider not allowed"):
        meteostat_fetch.fetch_hourly("10379", date(2013, 10, 12), date(2013, 10, 12),
                                     providers=(provider,), directory=tmp_path)


def test_canonical_csv_unknown_column(tmp_path):
    f = tmp_path / "w.csv"
    f.write_text("time_utc,temperature_c,windspeed\n2013-10-12T00:00:00Z,10,3\n")
    from paceline.errors import InputFileError

    with pytest.raises(InputFileError, match="unknown column 'windspeed'"):
        read_weather(f)
