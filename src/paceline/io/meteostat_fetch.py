"""Fetch hourly observations through meteostat into the local cache (canonical CSV).

For users with internet: :func:`fetch_hourly` asks meteostat (Meteostat Python 2,
https://dev.meteostat.net) for one station's hourly data **from providers with open licences
only** (:data:`OPEN_PROVIDERS`) and writes the canonical table (:mod:`paceline.io.weather`)
to a cache file, which every reader of the canonical CSV — ``paceline weather show``,
``weather = "..."`` in a venue file — then reads without the network. Meteostat's own merged
hourly product and its bulk data are CC BY-NC 4.0 and are refused.

meteostat's hourly columns (metric units): ``temp`` °C, ``dwpt`` °C, ``rhum`` %, ``prcp`` mm
(hour), ``wdir`` °, ``wspd`` km/h, ``pres`` hPa (sea level), ``cldc`` okta, ``sghi`` W/m²,
``sdhi`` W/m²; the time index is the UTC hour.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from paceline.errors import InputFileError, ScenarioError
from paceline.io.weather import (
    COLUMNS,
    _sea_level_to_station_pa,
    read_canonical_csv,
    write_canonical_csv,
)

__all__ = ["OPEN_PROVIDERS", "fetch_hourly", "cache_path", "from_meteostat_frame"]

#: Providers whose hourly data may be stored and shared: name → (meteostat Provider member,
#: attribution, licence).
OPEN_PROVIDERS = {
    "isd-lite": ("ISD_LITE", "NOAA NCEI Integrated Surface Database (ISD-Lite)",
                 "US government data, public domain"),
    "dwd": ("DWD_HOURLY", "Deutscher Wetterdienst (DWD)", "CC BY 4.0 (GeoNutzV)"),
    "eccc": ("ECCC_HOURLY", "Environment and Climate Change Canada",
             "Open Government Licence – Canada"),
    "gsa": ("GSA_HOURLY", "GeoSphere Austria", "CC BY 4.0"),
}

#: Refused: meteostat's merged/bulk products (CC BY-NC 4.0) and sources without a clear licence.
REFUSED = {"hourly": "Meteostat's merged hourly product is CC BY-NC 4.0",
           "metar": "raw METAR through meteostat: licence chain not stated"}


def cache_dir() -> Path:
    """``$PACELINE_WEATHER_CACHE`` or ``~/.cache/paceline/weather``."""
    return Path(os.environ.get("PACELINE_WEATHER_CACHE",
                               Path.home() / ".cache" / "paceline" / "weather"))


def cache_path(station: str, start: date, end: date, providers: tuple[str, ...],
               directory: Path | None = None) -> Path:
    name = f"meteostat_{station}_{'+'.join(providers)}_{start:%Y%m%d}-{end:%Y%m%d}.csv"
    return (directory or cache_dir()) / name


def from_meteostat_frame(frame: pd.DataFrame, *, altitude_m: float) -> pd.DataFrame:
    """Canonical table from a meteostat hourly DataFrame (metric units, UTC index)."""
    idx = pd.DatetimeIndex(frame.index)
    idx = idx.tz_localize("UTC") if idx.tz is None else idx.tz_convert("UTC")
    out = pd.DataFrame(index=idx)

    def col(name, scale=1.0):
        return (frame[name].to_numpy(dtype=float) * scale if name in frame
                else np.full(len(frame), np.nan))

    out["temperature_c"] = col("temp")
    out["dew_point_c"] = col("dwpt")
    out["relative_humidity_frac"] = col("rhum", 0.01)
    out["wind_speed_m_s"] = col("wspd", 1.0 / 3.6)
    wdir = col("wdir")
    out["wind_from_deg"] = np.where(out["wind_speed_m_s"] == 0, np.nan, wdir % 360.0)
    out["pressure_pa"] = _sea_level_to_station_pa(col("pres", 100.0), altitude_m)
    out["precipitation_mm"] = col("prcp")
    out["cloud_cover_frac"] = col("cldc", 1.0 / 8.0)
    out["ghi_w_m2"] = col("sghi")
    out["dhi_w_m2"] = col("sdhi")
    return out[list(COLUMNS)]


def fetch_hourly(station: str, start: date, end: date, *,
                 providers: tuple[str, ...] = ("isd-lite", "dwd", "eccc", "gsa"),
                 altitude_m: float | None = None, latitude_deg: float | None = None,
                 longitude_deg: float | None = None, directory: Path | None = None,
                 refresh: bool = False):
    """Fetch a station's hourly data through meteostat into the cache; return
    ``(path, table, meta)``. A cached file is read instead of the network unless ``refresh``.

    Parameters
    ----------
    station : str
        Meteostat station id (WMO number for most, e.g. ``"11035"`` Wien Hohe Warte).
    start, end : date
        First and last day (UTC).
    providers : tuple of str
        Keys of :data:`OPEN_PROVIDERS`; anything else is refused with the reason.
    altitude_m, latitude_deg, longitude_deg : float, optional
        Station position; looked up in meteostat's station list when not given (the
        altitude reduces meteostat's sea-level pressure to station pressure).
    """
    for p in providers:
        if p not in OPEN_PROVIDERS:
            raise ScenarioError(
                "provider not allowed", where="--provider", value=p,
                valid=", ".join(OPEN_PROVIDERS),
                fix=REFUSED.get(p, "only providers with open licences are fetched"))
    if end < start:
        raise ScenarioError("the period ends before it starts", where="--to",
                            value=f"{start} … {end}")
    path = cache_path(station, start, end, providers, directory)
    if path.exists() and not refresh:
        table, meta = read_canonical_csv(path)
        return path, table, meta
    try:
        import meteostat as ms
    except ImportError:
        raise ScenarioError("meteostat is not installed", where="weather fetch",
                            fix="pip install 'paceline[meteostat]'") from None
    if altitude_m is None or latitude_deg is None or longitude_deg is None:
        info = ms.stations.meta(station)
        if info is None:
            raise InputFileError("station unknown to meteostat", where="station",
                                 value=station, fix="look the id up at meteostat.net")
        altitude_m = info.elevation if altitude_m is None else altitude_m
        latitude_deg = info.latitude if latitude_deg is None else latitude_deg
        longitude_deg = info.longitude if longitude_deg is None else longitude_deg
    ts = ms.hourly(station, datetime.combine(start, datetime.min.time()),
                   datetime.combine(end, datetime.max.time().replace(microsecond=0)),
                   providers=[getattr(ms.Provider, OPEN_PROVIDERS[p][0]) for p in providers])
    frame = ts.fetch()
    if frame is None or frame.empty:
        raise InputFileError("meteostat returned no data for this station, period and "
                             "providers", where=f"station {station}",
                             value=f"{start} … {end}, {', '.join(providers)}",
                             fix="check the station id and period, or allow another open "
                                 "provider")
    table = from_meteostat_frame(frame, altitude_m=float(altitude_m or 0.0))
    attribution = "; ".join(f"{OPEN_PROVIDERS[p][1]} ({OPEN_PROVIDERS[p][2]})"
                            for p in providers)
    write_canonical_csv(table, dict(
        format_origin=f"meteostat {getattr(ms, '__version__', '')} hourly, providers "
                      f"{', '.join(providers)}",
        source=f"meteostat station {station}", station=f"meteostat {station}",
        latitude_deg=latitude_deg, longitude_deg=longitude_deg, altitude_m=altitude_m,
        attribution=f"data via Meteostat from {attribution}"), path)
    table, meta = read_canonical_csv(path)
    return path, table, meta
