"""Read a venue file (TOML): the athlete's scenario, the window, the candidates.

Builds :class:`paceline.venue.Candidate` objects (course + weather record + time zone) and
:class:`paceline.venue.VenueSettings`; every bad key or value raises
:class:`paceline.errors.ScenarioError` naming the key, the value, what is valid and the fix.
Format: docs/venue.md.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from paceline.course import Course, Leg, preset_names
from paceline.errors import PacelineError, ScenarioError
from paceline.io.input_files import read_toml, require_file, toml_kind
from paceline.io.scenario_file import load_course, read_scenario
from paceline.io.weather import WeatherMeta, read_weather
from paceline.scenario import CourseSpec, Scenario
from paceline.units import parse_distance_m, parse_race_time_s
from paceline.venue import Candidate, Criteria, VenueSettings

__all__ = ["VenueSpec", "read_venue_file", "resolve_path", "generic_course"]

TOP_KEYS = {"name", "description", "scenario", "target_time", "window", "start_hours", "draws",
            "seed", "daylight", "wbgt", "runner_height_m", "reserve_days", "go", "base",
            "criteria", "candidate"}
CANDIDATE_KEYS = {"name", "course", "weather", "station", "time_zone", "altitude_m",
                  "latitude_deg", "longitude_deg"}
BASE_KEYS = {"name", "latitude_deg", "longitude_deg", "time_zone", "max_time_difference_h"}
CRITERIA_KEYS = {"temperature_min_c", "temperature_max_c", "relative_humidity_max_frac",
                 "wind_max_m_s", "dry"}


@dataclass(frozen=True, eq=False)
class VenueSpec:
    """A venue file, read: the scenario, candidates, settings and constraints."""

    name: str
    path: Path
    scenario: Scenario
    candidates: tuple[Candidate, ...]
    settings: VenueSettings
    weather_meta: dict[str, tuple[WeatherMeta, ...]]
    base_name: str = ""
    base_time_zone: str | None = None
    max_time_difference_h: float | None = None
    daylight_only: bool = False
    reserve_days: tuple[int, ...] = (1, 2, 3, 5, 8)
    go: str | float = "criteria"


def resolve_path(text: str, base_dir: Path) -> Path:
    """A path relative to the venue file, or ``package:weather/FILE`` for bundled data."""
    if text.startswith("package:"):
        return Path(str(resources.files("paceline") / "data" / text[len("package:"):]))
    p = Path(text).expanduser()
    return p if p.is_absolute() else base_dir / p


def _unknown(d: dict, allowed: set, where: str) -> None:
    bad = sorted(set(d) - allowed)
    if bad:
        raise ScenarioError("unknown key", where=f"{where}.{bad[0]}" if where else bad[0],
                            value=bad[0], valid=", ".join(sorted(allowed)),
                            fix="remove it or correct the spelling")


def _month_day(text: Any, where: str) -> tuple[int, int]:
    try:
        m, d = (int(x) for x in str(text).split("-"))
        pd.Timestamp(2001, m, d)
        return m, d
    except (ValueError, TypeError):
        raise ScenarioError("bad day of the year", where=where, value=text,
                            valid='"MM-DD", e.g. "09-01"', fix='write "MM-DD"') from None


def generic_course(spec: dict, where: str) -> Course:
    """A generic course: ``{out_and_back = "9.6km", heading_deg = 123}`` (a straight there
    and back with 15 m-radius U-turns) or ``{loop = "5km", heading_deg = 0}`` (a stadium:
    two straights joined by 60 m-radius half circles), flat, repeated to the race distance."""
    kind = "out_and_back" if "out_and_back" in spec else "loop"
    _unknown(spec, {kind, "heading_deg"}, where)
    length = parse_distance_m(spec[kind], where=f"{where}.{kind}")
    heading = float(spec.get("heading_deg", 0.0))
    radius = 15.0 if kind == "out_and_back" else 60.0
    import math

    straight = (length - 2 * math.pi * radius) / 2
    if straight <= 0:
        raise ScenarioError("lap too short for its turns", where=f"{where}.{kind}",
                            value=spec[kind], fix=f"give more than {2 * math.pi * radius:.0f} m")
    legs = [Leg.straight(straight), Leg.arc(radius, 180.0), Leg.straight(straight),
            Leg.arc(radius, 180.0)]
    return Course.from_legs(legs, name=f"{kind.replace('_', '-')} {length / 1000:g} km "
                            f"@{heading:g}°", source="generic", start_heading_deg=heading,
                            loop=True)


def _course(value: Any, base_dir: Path, where: str) -> Course:
    if isinstance(value, str):
        if value not in preset_names():
            raise ScenarioError("unknown course preset", where=where, value=value,
                                valid=", ".join(preset_names()),
                                fix='name a preset, or {gpx = "file.gpx"}, or '
                                    '{out_and_back = "9.6km", heading_deg = 123}')
        return load_course(CourseSpec(preset=value), base_dir)
    if isinstance(value, dict):
        if "gpx" in value:
            _unknown(value, {"gpx", "laps"}, where)
            return load_course(CourseSpec(gpx=value["gpx"], laps=value.get("laps", 1)),
                               base_dir, key=where)
        if "out_and_back" in value or "loop" in value:
            return generic_course(value, where)
    raise ScenarioError("bad course", where=where, value=value,
                        valid='a preset name, {gpx = "..."}, {out_and_back = "9.6km", '
                              'heading_deg = 123} or {loop = "5km", heading_deg = 0}')


def _check_zone(tz: Any, where: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise ScenarioError("unknown time zone", where=where, value=tz,
                            valid="an IANA name such as Europe/Vienna",
                            fix="write the IANA time zone of the venue") from None
    return str(tz)


def _zone_at(lat: float, lon: float) -> str | None:
    from timezonefinder import TimezoneFinder

    return TimezoneFinder().timezone_at(lat=lat, lng=lon)


def _candidate(c: dict, i: int, base_dir: Path) -> tuple[Candidate, tuple[WeatherMeta, ...]]:
    where = f"candidate[{i}]"
    _unknown(c, CANDIDATE_KEYS, where)
    for k in ("name", "course", "weather"):
        if k not in c:
            raise ScenarioError("missing key", where=f"{where}.{k}",
                                fix=f"give the candidate's {k}")
    name = str(c["name"])
    where = f"candidate {name!r}"
    files = c["weather"] if isinstance(c["weather"], list) else [c["weather"]]
    tables, metas = [], []
    for f in files:
        path = resolve_path(str(f), base_dir)
        df, meta = read_weather(path, **({"station": c["station"]} if "station" in c else {}))
        tables.append(df)
        metas.append(meta)
    weather = pd.concat(tables).sort_index()
    weather = weather[~weather.index.duplicated(keep="first")]

    def _has(col):
        return col in weather.columns and bool(weather[col].notna().any())

    missing = [col for col in ("temperature_c", "relative_humidity_frac", "wind_speed_m_s",
                               "pressure_pa") if not _has(col)]
    if missing:  # e.g. JMA's temperature-only CSV: every race would be left out, silently
        raise ScenarioError("the weather record cannot run the race model: it has no "
                            + ", ".join(missing), where=f"{where}.weather",
                            value=[str(f) for f in files],
                            valid="hourly temperature, humidity (or dew point), wind speed "
                                  "and pressure",
                            fix="use a record with all four (KNMI, DWD, ISD, ASOS or EPW; "
                                "docs/venue.md)")
    m0 = metas[0]
    lat = c.get("latitude_deg", m0.latitude_deg)
    lon = c.get("longitude_deg", m0.longitude_deg)
    if lat is None or lon is None:
        raise ScenarioError("position unknown (the weather file does not give it)",
                            where=f"{where}.latitude_deg", fix="give latitude_deg and "
                            "longitude_deg of the venue")
    if "time_zone" not in c:
        guess = _zone_at(float(lat), float(lon))
        raise ScenarioError("the candidate has no time zone (start hours are local clock "
                            "hours)", where=f"{where}.time_zone",
                            fix=f'add time_zone = "{guess}" (timezonefinder at {lat:.3f}, '
                                f"{lon:.3f})" if guess else "add time_zone (IANA name)")
    tz = _check_zone(c["time_zone"], f"{where}.time_zone")
    alt_station = m0.altitude_m if m0.altitude_m is not None else 0.0
    course = _course(c["course"], base_dir, f"{where}.course")
    alt = float(c.get("altitude_m", alt_station))
    return Candidate(name=name, course=course, weather=weather, time_zone=tz, altitude_m=alt,
                     station_altitude_m=float(alt_station), latitude_deg=float(lat),
                     longitude_deg=float(lon), station=m0.station), tuple(metas)


def _venue_files_in(folder: Path) -> list[str]:
    """TOML files in a folder with [[candidate]] tables (venue files)."""
    names = []
    for f in sorted(folder.glob("*.toml")):
        try:
            if "candidate" in tomllib.loads(f.read_text(encoding="utf-8")):
                names.append(f.name)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
    return names


def read_venue_file(path: str | Path, *, only: list[str] | None = None) -> VenueSpec:
    """Read and validate a venue TOML file (docs/venue.md); weather files are read here."""
    p = require_file(path, "venue file",
                     fix="check the path; the bundled example is scenarios/venue-sub2.toml",
                     in_folder=_venue_files_in)
    data = read_toml(p, "venue file",
                     fix="give a venue TOML file, e.g. scenarios/venue-sub2.toml")
    try:
        return _build(data, p, only)
    except PacelineError:
        raise
    except (TypeError, ValueError) as exc:
        raise ScenarioError(f"bad value: {exc}", where=str(p)) from None


def _build(data: dict, p: Path, only: list[str] | None) -> VenueSpec:
    if "athlete" in data and "candidate" not in data:
        raise ScenarioError("this is a scenario file, not a venue file", where=str(p),
                            fix="pass a venue file (scenarios/venue-sub2.toml); it names the "
                                'scenario with scenario = "vienna-2019.toml" (docs/venue.md)')
    if "candidate" not in data and "scenario" not in data:
        kind = toml_kind(data)
        raise ScenarioError("not a venue file: it has no [[candidate]] table and no scenario "
                            "key" + (f"; it looks like {kind}" if kind else ""), where=str(p),
                            fix="give a venue file, e.g. scenarios/venue-sub2.toml "
                                "(docs/venue.md)")
    _unknown(data, TOP_KEYS, "")
    base_dir = p.parent
    if "scenario" not in data:
        raise ScenarioError("missing key", where="scenario",
                            fix='name the athlete\'s scenario file, e.g. scenario = '
                                '"vienna-2019.toml"')
    scenario = read_scenario(resolve_path(str(data["scenario"]), base_dir))
    # a time no human can run for the race's distance ("2:50" for a marathon) is refused with
    # the reading that was probably meant, as for a scenario's own target
    target = parse_race_time_s(data.get("target_time", "1:59:59"), scenario.race.distance_m,
                               where="target_time")
    win = data.get("window", {"from": "09-01", "to": "11-15"})
    _unknown(win, {"from", "to"}, "window")
    hours = tuple(int(h) for h in data.get("start_hours", (6, 7, 8, 9, 10, 11)))
    if not hours or any(h < 0 or h > 23 for h in hours):
        raise ScenarioError("start hours must be 0–23", where="start_hours", value=list(hours))
    crit = data.get("criteria", {})
    _unknown(crit, CRITERIA_KEYS, "criteria")
    wbgt = str(data.get("wbgt", "liljegren"))
    if wbgt not in ("liljegren", "liljegren-sun", "model"):
        raise ScenarioError("unknown WBGT method", where="wbgt", value=wbgt,
                            valid="liljegren, liljegren-sun, model")
    draws = int(data.get("draws", 20))
    if not 1 <= draws <= 10000:
        raise ScenarioError("draws out of range", where="draws", value=draws, valid="1–10000")
    settings = VenueSettings(
        first=_month_day(win.get("from", "09-01"), "window.from"),
        last=_month_day(win.get("to", "11-15"), "window.to"),
        start_hours=hours, target_time_s=target, draws=draws,
        seed=int(data.get("seed", 1)), runner_height_m=data.get("runner_height_m", 1.0),
        wbgt_method=wbgt, criteria=Criteria(**crit))
    cands = data.get("candidate", [])
    if not cands:
        raise ScenarioError("no candidates", where="candidate",
                            fix="add [[candidate]] tables with name, course, weather, time_zone")
    if only:
        names = [str(c.get("name")) for c in cands]
        miss = [n for n in only if n not in names]
        if miss:
            raise ScenarioError("unknown candidate", where="--only", value=miss[0],
                                valid=", ".join(names))
        cands = [c for c in cands if str(c.get("name")) in only]
    built, metas = [], {}
    for i, c in enumerate(cands):
        cand, m = _candidate(c, i, base_dir)
        built.append(cand)
        metas[cand.name] = m
    base = data.get("base", {})
    _unknown(base, BASE_KEYS, "base")
    base_tz = base.get("time_zone")
    if base_tz is None and "latitude_deg" in base:
        base_tz = _zone_at(float(base["latitude_deg"]), float(base["longitude_deg"]))
    if base_tz is not None:
        base_tz = _check_zone(base_tz, "base.time_zone")
    go = data.get("go", "criteria")
    if go != "criteria" and not (isinstance(go, int | float) and 0 < go <= 1):
        raise ScenarioError("bad go/no-go rule", where="go", value=go,
                            valid='"criteria" (INEOS weather criteria) or a P(target) '
                                  "threshold in (0, 1]")
    return VenueSpec(
        name=str(data.get("name", p.stem)), path=p, scenario=scenario,
        candidates=tuple(built), settings=settings, weather_meta=metas,
        base_name=str(base.get("name", "")), base_time_zone=base_tz,
        max_time_difference_h=base.get("max_time_difference_h"),
        daylight_only=bool(data.get("daylight", False)),
        reserve_days=tuple(int(x) for x in data.get("reserve_days", (1, 2, 3, 5, 8))), go=go)
