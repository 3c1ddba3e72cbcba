"""Human forms of times, paces, distances and wind, and their SI values.

This module alone parses and formats what people write ("2:50/km", "1:59:40", "marathon",
"3@270"). Everything inside paceline is SI: metres, seconds, m/s, degrees.
"""

from __future__ import annotations

import csv
import math
import re
from datetime import date
from functools import lru_cache
from importlib import resources

from paceline.errors import UnitError

__all__ = [
    "RACE_DISTANCES_M",
    "parse_duration_s",
    "format_duration",
    "parse_distance_m",
    "format_distance",
    "format_length",
    "MAX_DISTANCE_M",
    "parse_pace_s_per_m",
    "format_pace",
    "parse_wind",
    "parse_positions",
    "fastest_time_s",
    "check_race_time",
    "parse_race_time_s",
    "parse_date",
    "SLOWEST_SPEED_M_S",
    "FASTEST_MARGIN_FRAC",
]

#: Standard race distances [m]. Marathon and half as defined by World Athletics (42.195 km).
RACE_DISTANCES_M: dict[str, float] = {
    "marathon": 42195.0,
    "half": 21097.5,
    "half-marathon": 21097.5,
    "30k": 30000.0,
    "25k": 25000.0,
    "20k": 20000.0,
    "15k": 15000.0,
    "10k": 10000.0,
    "5k": 5000.0,
    "3000m": 3000.0,
    "3k": 3000.0,
    "mile": 1609.344,
    "1500m": 1500.0,
    "800m": 800.0,
}

_DURATION_RE = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d*)?)\s*$")


def parse_duration_s(text: str | float | int, *, where: str = "time") -> float:
    """Read "1:59:40", "59:35", "2:50.17" or a number of seconds; return seconds."""
    if isinstance(text, bool):
        raise UnitError("expected a duration", where=where, value=text, valid='"h:mm:ss", "mm:ss"')
    if isinstance(text, int | float):
        value = float(text)
    else:
        s = str(text).strip()
        m = _DURATION_RE.match(s)
        if m:
            h = int(m.group(1) or 0)
            mi = int(m.group(2))
            sec = float(m.group(3))
            if mi >= 60 and m.group(1) is not None or sec >= 60:
                raise UnitError(
                    "minutes and seconds must be below 60",
                    where=where,
                    value=text,
                    valid='"h:mm:ss" such as "1:59:40", or "mm:ss.s" such as "2:50.17"',
                )
            value = h * 3600 + mi * 60 + sec
        else:
            try:
                value = float(s.removesuffix("s"))
            except ValueError:
                raise UnitError(
                    "cannot read this as a duration",
                    where=where,
                    value=text,
                    valid='"h:mm:ss" such as "1:59:40", "mm:ss" such as "27:00", or seconds',
                ) from None
    if not math.isfinite(value) or value <= 0:
        raise UnitError("a duration must be a positive, finite time", where=where, value=text)
    return value


def format_duration(seconds: float, *, decimals: int = 0) -> str:
    """Format seconds as "h:mm:ss" (or "m:ss" under an hour), with `decimals` on the seconds."""
    if not math.isfinite(seconds):
        return "—"
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    scale = 10**decimals
    total = round(seconds * scale) / scale
    h = int(total // 3600)
    m = int((total - 3600 * h) // 60)
    s = total - 3600 * h - 60 * m
    width = 2 + (decimals + 1 if decimals else 0)
    s_txt = f"{s:0{width}.{decimals}f}"
    if h:
        return f"{sign}{h}:{m:02d}:{s_txt}"
    return f"{sign}{m}:{s_txt}"


_DIST_RE = re.compile(r"^\s*([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)\s*"
                      r"(km|k|m|mi|mile|miles)?\s*$", re.IGNORECASE)

#: Longest distance read [m]: 10,000 km, beyond any race run on foot (the longest certified
#: road race, the Self-Transcendence 3100 mile, is 4,989 km). Past it a figure is a typo.
MAX_DISTANCE_M = 1.0e7


def parse_distance_m(text: str | float | int, *, where: str = "distance") -> float:
    """Read "marathon", "half", "10k", "mile", "23.4km", "1500m", "3mi"; return metres.

    A number (int or float, e.g. from TOML) is metres; a string needs its unit: "23.4" is
    refused (23.4 m or 23.4 km?) with the readings it may have meant.
    """
    if isinstance(text, bool):
        raise UnitError("expected a distance", where=where, value=text)
    if isinstance(text, int | float):
        value = float(text)
    else:
        key = str(text).strip().lower()
        if key in RACE_DISTANCES_M:
            return RACE_DISTANCES_M[key]
        m = _DIST_RE.match(key)
        if not m:
            raise UnitError(
                "unknown distance",
                where=where,
                value=text,
                valid=", ".join(f'"{k}"' for k in RACE_DISTANCES_M)
                + ', or a number with its unit: "23.4km", "1500m", "3mi"',
                fix='write a race name or a number with its unit, e.g. "10km"',
            )
        number = float(m.group(1))
        if m.group(2) is None:
            raise UnitError(
                "a distance needs a unit",
                where=where,
                value=text,
                valid='a number with its unit, "23.4km", "1500m", "3mi", or a race name: '
                '"marathon", "half", "10k", "mile"',
                fix=f'did you mean {number:g} km? write "{number:g}km"' if number < 500
                else f'write "{number:g}m"',
            )
        unit = m.group(2).lower()
        value = number * {"km": 1000.0, "k": 1000.0, "m": 1.0}.get(unit, 1609.344)
    if not math.isfinite(value) or value <= 0:
        raise UnitError("a distance must be positive", where=where, value=text,
                        fix='give a positive distance with its unit, e.g. "10km" or "marathon"')
    if value > MAX_DISTANCE_M:
        raise UnitError(f"longer than any race ({format_length(value)})", where=where,
                        value=text, valid=f"up to {format_length(MAX_DISTANCE_M)}",
                        fix='check the number and its unit, e.g. "100km"')
    return value


def format_distance(distance_m: float) -> str:
    """Format metres for people: a race name (marathon, half, mile) or a length to the metre
    (:func:`format_length`: "42.195 km", "10.249 km", "400 m")."""
    for name, d in RACE_DISTANCES_M.items():
        if abs(d - distance_m) < 1e-6 and name in ("marathon", "half", "mile"):
            return name
    return format_length(distance_m)


def format_length(distance_m: float) -> str:
    """A length for people, to the metre: "42.195 km", "1.41 km", "10.249 km", "400 m",
    "9.3 m" (never a race name: for "the course is 42.195 km long")."""
    if not math.isfinite(distance_m):
        return "—"
    if abs(distance_m) >= 1000:
        return f"{round(distance_m / 1000, 3):g} km"
    return f"{round(distance_m, 1):g} m"


_PACE_RE = re.compile(r"^\s*(\d+):(\d{1,2}(?:\.\d*)?)\s*/\s*(km|mi|mile)\s*$", re.IGNORECASE)


def parse_pace_s_per_m(text: str, *, where: str = "pace") -> float:
    """Read "2:50/km" or "4:34/mi"; return seconds per metre."""
    m = _PACE_RE.match(str(text))
    if not m:
        raise UnitError("cannot read this as a pace", where=where, value=text,
                        valid='"m:ss/km" such as "2:50/km", or "m:ss/mi"')
    s = int(m.group(1)) * 60 + float(m.group(2))
    per = 1000.0 if m.group(3).lower() == "km" else 1609.344
    if s <= 0:
        raise UnitError("a pace must be positive", where=where, value=text)
    return s / per


def format_pace(speed_m_s: float, *, per_m: float = 1000.0, decimals: int = 0) -> str:
    """Format a speed as a pace "2:50/km" (per_m=1000) or "/mi" (per_m=1609.344)."""
    if not (speed_m_s > 0 and math.isfinite(speed_m_s)):
        return "—"
    unit = "km" if per_m == 1000.0 else "mi"
    return f"{format_duration(per_m / speed_m_s, decimals=decimals)}/{unit}"


_WIND_RE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*@\s*([0-9]*\.?[0-9]+)\s*$")


#: Wind speeds a command accepts [m/s]: as a scenario's ``conditions.wind_speed_m_s``.
MAX_WIND_M_S = 30.0


def parse_wind(text: str, *, where: str = "wind") -> tuple[float, float]:
    """Read "3@270" (3 m/s from 270°, i.e. from the west); return (speed_m_s, from_deg).

    Speed 0–30 m/s (as a scenario's wind), direction 0–360° (where the wind comes from).

    Raises
    ------
    UnitError
        Naming the part at fault (speed or direction), the value and the valid range.
    """
    valid = '"SPEED@FROM_DEG" such as "3@270" (3 m/s from the west)'
    parts = str(text).split("@")
    if len(parts) != 2:
        raise UnitError("cannot read this as a wind (no single @)", where=where, value=text,
                        valid=valid)
    try:
        speed, direction = (float(p.replace("_", "x")) for p in parts)
    except ValueError:
        raise UnitError("cannot read this as a wind", where=where, value=text,
                        valid=valid) from None
    if not math.isfinite(speed) or not 0.0 <= speed <= MAX_WIND_M_S:
        raise UnitError(f"wind speed {parts[0].strip()} m/s is out of range", where=where,
                        value=text, valid=f"0 to {MAX_WIND_M_S:g} m/s (as a scenario's wind)",
                        fix="give the speed without a sign; say where the wind comes from "
                            "with the direction (e.g. 3@90 for 3 m/s from the east)")
    if not math.isfinite(direction) or not 0.0 <= direction <= 360.0:
        raise UnitError(f"wind direction {parts[1].strip()}° is out of range", where=where,
                        value=text, valid="0 to 360° (where the wind comes from: 90 = east)",
                        fix=f"e.g. {speed:g}@{direction % 360:g}" if math.isfinite(direction)
                        else None)
    return speed, direction % 360.0


def parse_positions(text: str, *, where: str = "positions") -> list[tuple[float, float]]:
    """Read pacers' positions "X,Y X,Y ..." [m] (x forward, y to the left of the athlete).

    Pairs are separated by spaces or ";"; each pair is "x,y" in metres. Returns
    [(x_m, y_m), ...]. Finiteness and overlaps are checked by the formation code.

    Examples
    --------
    >>> parse_positions("1.2,0 2.1,0.75 2.1,-0.75")
    [(1.2, 0.0), (2.1, 0.75), (2.1, -0.75)]
    """
    valid = ('"x,y" pairs in metres (x forward, y to the left of the athlete at 0,0) '
             'separated by spaces, e.g. "1.2,0 2.1,0.75 2.1,-0.75"')
    tokens = [t for t in re.split(r"[\s;]+", re.sub(r"\s*,\s*", ",", str(text).strip())) if t]
    if not tokens:
        raise UnitError("no positions given", where=where, value=text, valid=valid)
    out = []
    for k, tok in enumerate(tokens, start=1):
        parts = tok.split(",")
        try:
            if len(parts) != 2 or "_" in tok:  # float("1_0") is 10: a typo, not a number
                raise ValueError
            out.append((float(parts[0]), float(parts[1])))
        except ValueError:
            raise UnitError(f"cannot read pacer {k} as a position", where=where, value=tok,
                            valid=valid,
                            fix=f"write pacer {k} as two plain numbers x,y in metres, with a dot "
                                "for decimals and no other characters, e.g. 1.0,0"
                                ) from None
    return out


# --------------------------------------------------------------------------------------------
# plausibility: a time for a distance that no human can run is a misreading
# --------------------------------------------------------------------------------------------
#: A time more than this fraction faster than the world-record curve is refused as a misreading
#: (a reading off by a factor of 60 or a pace for a time); between this and the record, the
#: race model says whether the athlete can hold it.
FASTEST_MARGIN_FRAC = 0.20

#: A race slower than this mean speed [m/s] (33:20/km) is refused as a misreading.
SLOWEST_SPEED_M_S = 0.5


@lru_cache(maxsize=1)
def _records() -> tuple[tuple[float, float, str], ...]:
    """(distance_m, time_s, event) of the world records in paceline/data/world_records.csv."""
    text = resources.files("paceline").joinpath("data/world_records.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return tuple((float(r["distance_m"]), float(r["time_s"]), r["event"]) for r in rows)


def fastest_time_s(distance_m: float) -> float:
    """The world-record time for a distance [s], interpolated log-log between records.

    Below 100 m at 100 m speed; beyond 100 km on the last segment's slope. Source:
    ``paceline/data/world_records.csv`` (World Athletics, IAU).
    """
    rec = _records()
    d = [r[0] for r in rec]
    t = [r[1] for r in rec]
    if distance_m <= d[0]:
        return t[0] * distance_m / d[0]
    i = max(1, min(len(d) - 1, next((k for k in range(len(d)) if d[k] >= distance_m),
                                    len(d) - 1)))
    slope = math.log(t[i] / t[i - 1]) / math.log(d[i] / d[i - 1])
    return t[i - 1] * (distance_m / d[i - 1]) ** slope


def check_race_time(time_s: float, distance_m: float, *, where: str, given=None) -> float:
    """Refuse a time for a distance that no human can run, naming the probable reading.

    A time more than :data:`FASTEST_MARGIN_FRAC` faster than the world-record curve
    (:func:`fastest_time_s`) or slower than :data:`SLOWEST_SPEED_M_S` is a misreading: "2:50"
    for a marathon is 2 min 50 s (meant: 2:50:00, or a pace of 2:50/km), "27" for 10 km is
    27 s (meant: 27:00). Returns ``time_s`` when it is plausible.

    Raises
    ------
    UnitError
        With the readings that are plausible, e.g. "did you mean a pace, 2:50/km (finish
        1:59:36)?".
    """
    fastest = fastest_time_s(distance_m) * (1.0 - FASTEST_MARGIN_FRAC)
    slowest = distance_m / SLOWEST_SPEED_M_S
    if fastest <= time_s <= slowest:
        return time_s
    shown = given if given is not None else format_duration(time_s, decimals=1)
    dist = format_distance(distance_m)

    def ok(t: float) -> bool:
        return fastest <= t <= slowest

    readings = []
    if time_s < fastest:
        if 60 <= time_s < 1800:  # m:ss that is a plausible pace per km or per mile
            for per, unit in ((1000.0, "km"), (1609.344, "mi")):
                t = time_s * distance_m / per
                if ok(t):
                    pace = format_duration(time_s, decimals=2 if time_s % 1 else 0)
                    readings.append(f"a pace, {pace}/{unit} (a finish of {format_duration(t)})")
        for factor in (60.0, 3600.0):
            t = time_s * factor
            if ok(t):
                readings.append(format_duration(t))
                break
        what = (f"{shown} for {dist} is {distance_m / time_s:.1f} m/s, faster than anyone "
                f"has run it (world record about {format_duration(fastest_time_s(distance_m))})")
    else:
        for factor in (60.0, 3600.0):
            t = time_s / factor
            if ok(t):
                readings.append(format_duration(t))
                break
        what = (f"{shown} for {dist} is slower than {SLOWEST_SPEED_M_S:g} m/s "
                f"({format_pace(SLOWEST_SPEED_M_S)}), not a run")
    fix = ("did you mean " + ", or ".join(readings) + "?") if readings else (
        f"give a time between {format_duration(fastest)} and {format_duration(slowest)} for "
        f'{dist} (as "h:mm:ss", or a pace "m:ss/km")')
    raise UnitError(what, where=where,
                    valid=f"{format_duration(fastest)} to {format_duration(slowest)} for {dist}",
                    fix=fix)


def parse_race_time_s(text: str | float | int, distance_m: float, *,
                      where: str = "time") -> float:
    """A finish time for a distance: "1:59:40", or a pace "2:50/km" (× the distance) [s].

    Refused (:class:`UnitError`) when no human can run it, with the probable reading
    (:func:`check_race_time`).
    """
    if isinstance(text, str) and "/" in text:
        t = parse_pace_s_per_m(text, where=where) * distance_m
    else:
        t = parse_duration_s(text, where=where)
    return check_race_time(t, distance_m, where=where, given=text)


def parse_date(text: str | None, *, where: str = "date") -> date | None:
    """A calendar day written YYYY-MM-DD (ISO 8601), or None for None.

    Raises :class:`UnitError` naming ``where`` and the value otherwise ("2024-13-01",
    "1/3/2024").
    """
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UnitError("bad date", where=where, value=text, fix="write YYYY-MM-DD") from None
