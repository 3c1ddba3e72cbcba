"""Parsers of what timing crews and trackers send: one function per format.

Each parser turns one line / request into *reads* — plain dicts with the fields of
:data:`paceline.store.live.READ_FIELDS` (SI units, UTC epoch seconds) less ``received_s`` —
or raises :class:`BadRead` with a reason code and a message naming the field, the value and
what is valid. Nothing here touches the database or the course; :mod:`paceline.live.service`
checks reads against the plan (known devices, on the course, plausible speed, not in the
future).

Formats (sources in docs/live.md):

* RACE RESULT decoder passing record (TCP protocol, port 3601):
  ``PassingNo;Bib/TranspCode;Date;Time;EventID;Hits;MaxRSSI;InternalData;IsActive;Channel;
  LoopID;LoopOnly;WakeupCounter;Battery;Temperature;InternalActiveData;BoxName;FileNumber;
  MaxRSSIAntenna;BoxId`` (protocol ≥ 1.6; older records stop earlier). Date ``yyyy-MM-dd``
  (``0000-00-00`` + n days when the decoder has no GPS time), Time ``hh:mm:ss.kkk`` local.
* MYLAPS Exporter frame: ``Location@Passing@t=13:11:30.904|c=0000041|ct=UH|d=120606|l=13|
  dv=4|re=0|an=00001111|g=0|b=41|n=41@...@1016@$`` — one or more passing records between
  the function name and the message number; ``Ping``/``Pong`` frames carry no passing.
* generic CSV line ``chip;time;location`` (time ISO 8601 or ``hh:mm:ss[.fff]`` local).
* OsmAnd / Traccar HTTP protocol: ``id``/``deviceid``, ``lat``, ``lon`` (or
  ``location=lat,lon``), ``timestamp`` (epoch s, epoch ms or ISO 8601), ``speed`` in
  **knots**, ``bearing``/``heading`` [°], ``altitude`` [m], ``accuracy`` [m]; and Traccar
  Client's JSON body (``location.coords``, speed there in m/s).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["BadRead", "TimeBase", "KNOT_M_S", "parse_time_s", "parse_raceresult_line",
           "parse_mylaps_frame", "parse_csv_line", "parse_osmand", "parse_traccar_json",
           "parse_fix_json", "parse_passing_json", "parse_lines", "LINE_FORMATS",
           "REASON_CODES"]

#: One international knot [m/s] (1852 m per hour, exact).
KNOT_M_S = 1852.0 / 3600.0


#: Every reason code a read can be rejected with, and what causes it (docs/live.md lists
#: them; a test checks that every code the package raises is here and documented).
REASON_CODES: dict[str, str] = {
    "malformed": "not the format's shape: a RACE RESULT record with < 4 fields or a PassingNo "
                 "that is not a number, a MYLAPS frame that is not Location@Function@…@$ or a "
                 "Passing frame without a record, a CSV line without 3 fields, a JSON batch "
                 "item that is not an object, a Traccar body that is not JSON with "
                 "location.coords, a TCP line over the length limit",
    "bad-field": "an identifier (chip, device, location, seq) that is over 100 characters or "
                 "holds control characters; a drop-out's `at` that is not a distance",
    "bad-number": "a number field that is not a number (lat=north), an OsmAnd location= that "
                  "is not lat,lon",
    "out-of-range": "a number outside its range: lat ±90°, lon ±180°, speed 0–10⁴, "
                    "bearing ±360°, altitude −1000–10000 m, accuracy 0–10⁵ m, distance_m "
                    "0–10⁶ m; a drop-out outside the race",
    "missing-field": "a required field is absent: chip/device/id, lat and lon, timestamp",
    "bad-time": "not a time in any accepted form, an impossible date, or outside the race "
                "window (1 h before the gun to 2 × the target time after it: a decoder with "
                "the wrong date or time zone)",
    "future-time": "more than 5 s ahead of the server's clock",
    "unknown-chip": "a passing's chip/bib is not in the plan's devices",
    "unknown-device": "a GPS fix's device id is not in the plan's devices",
    "unknown-mat": "a mat name that is not a distance on the course (5km, HALF, FINISH) nor in "
                   "mats.csv; a RACE RESULT record without BoxName and no ?location=; a JSON "
                   "passing with neither location nor distance_m",
    "unknown-pacer": "a drop-out names someone who is not a pacer of the plan",
    "off-course": "a fix more than 200 m from the course line",
    "too-fast": "a reported speed, or the along-course speed against the device's stored "
                "reads ≥ 2 s away, over 12 m/s (after a GPS tolerance of 2 × max(accuracy, "
                "15 m))",
    "unsupported": "a MYLAPS function other than Passing/Store and the keep-alives "
                   "(Ping, Pong, AckPong, GetInfo) — e.g. Marker",
    "store-refused": "the database refused this one read (a constraint, a value its column "
                     "cannot hold); the rest of its batch is stored",
}


class BadRead(ValueError):
    """A read that cannot be accepted: ``code`` (short, for counting) and a clear message."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(f"{code}: {message}")


@dataclass(frozen=True)
class TimeBase:
    """How to read local times of day: the race's time zone and date (decoders without a
    date, or ``0000-00-00`` + n days, count from this date)."""

    tz: dt.tzinfo
    race_date: dt.date

    @classmethod
    def of(cls, tz_name: str, race_date: dt.date) -> TimeBase:
        return cls(dt.UTC if tz_name.upper() == "UTC" else ZoneInfo(tz_name), race_date)

    def local(self, day: dt.date, hms: str, where: str) -> float:
        h, m, s = _hms(hms, where)
        naive = dt.datetime.combine(day, dt.time(0, 0)) + dt.timedelta(hours=h, minutes=m,
                                                                        seconds=s)
        return naive.replace(tzinfo=self.tz).timestamp()


def _hms(text: str, where: str) -> tuple[int, int, float]:
    parts = text.strip().split(":")
    try:
        if len(parts) != 3:
            raise ValueError
        h, m, s = int(parts[0]), int(parts[1]), float(parts[2])
        if not (0 <= h < 48 and 0 <= m < 60 and 0 <= s < 61 and math.isfinite(s)):
            raise ValueError
    except ValueError:
        raise BadRead("bad-time", f"{where}: {text!r} is not a time of day; valid: hh:mm:ss "
                                  "or hh:mm:ss.fff") from None
    return h, m, s


def parse_time_s(value: Any, base: TimeBase, *, where: str = "time") -> float:
    """A time as UTC epoch seconds from epoch s, epoch ms (> 1e11), ISO 8601 (naive = the
    race's zone) or a local time of day ``hh:mm:ss[.fff]`` on the race date."""
    if isinstance(value, bool) or value is None:
        raise BadRead("bad-time", f"{where}: missing or not a time (got {value!r})")
    if isinstance(value, int | float):
        x = float(value)
    else:
        text = str(value).strip()
        try:
            x = float(text)
        except ValueError:
            x = None
        if x is None:
            if text.count(":") == 2 and "T" not in text and "-" not in text:
                return base.local(base.race_date, text, where)
            try:
                t = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
            except ValueError:
                raise BadRead("bad-time", f"{where}: {text!r} is not a time; valid: epoch "
                                          "seconds or ms, ISO 8601, or hh:mm:ss.fff") from None
            if t.tzinfo is None:
                t = t.replace(tzinfo=base.tz)
            return t.timestamp()
    if not math.isfinite(x) or x < 0:
        raise BadRead("bad-time", f"{where}: {value!r} is not a valid epoch time")
    return x / 1000.0 if x > 1e11 else x


def _float(params: Mapping[str, Any], names: tuple[str, ...], where: str, *,
           lo: float = -math.inf, hi: float = math.inf) -> float | None:
    for n in names:
        if n in params and params[n] not in (None, ""):
            try:
                x = float(params[n])
            except (TypeError, ValueError):
                raise BadRead("bad-number", f"{where}{n}: {params[n]!r} is not a number"
                              ) from None
            if not math.isfinite(x) or not lo <= x <= hi:
                raise BadRead("out-of-range", f"{where}{n}: {x!r} outside {lo:g} … {hi:g}")
            return x
    return None


def _text(value: Any, where: str, *, limit: int = 100) -> str:
    s = "" if value is None else str(value).strip()
    if not s:
        raise BadRead("missing-field", f"{where} is missing")
    if len(s) > limit or any(ord(c) < 32 for c in s):
        raise BadRead("bad-field", f"{where}: {s[:40]!r}… is not a valid identifier "
                                   f"(≤ {limit} printable characters)")
    return s


def _passing(device: str, time_s: float, location: str | None, key: str, source: str,
             distance_m: float | None = None) -> dict[str, Any]:
    return {"key": key[:200], "kind": "passing", "device": device, "time_s": time_s,
            "location": location, "distance_m": distance_m, "source": source}


# --- timing mats ------------------------------------------------------------------------------
def parse_raceresult_line(line: str, base: TimeBase, *, location: str | None = None
                          ) -> dict[str, Any]:
    """One RACE RESULT passing record → a passing read.

    The mat is the record's BoxName (field 17) unless ``location`` is given (the decoder
    named in the request). Key: ``rr:<BoxId or mat>:<FileNumber>:<PassingNo>``.
    """
    text = line.strip()
    if text.startswith("#P;"):
        text = text[3:]
    f = text.split(";")
    if len(f) < 4:
        raise BadRead("malformed", f"RACE RESULT record needs ≥ 4 ';'-separated fields "
                                   f"(PassingNo;Bib;Date;Time…), got {len(f)}: {line[:60]!r}")
    passing_no = f[0].strip()
    if not passing_no.isdigit():
        raise BadRead("malformed", f"RACE RESULT PassingNo {passing_no!r} is not a number")
    chip = _text(f[1], "RACE RESULT Bib/TranspCode")
    date_s, time_txt = f[2].strip(), f[3].strip()
    if not date_s or date_s.startswith("0000-00-"):
        try:
            days = int(date_s[-2:]) if date_s else 0
        except ValueError:
            raise BadRead("bad-time", f"RACE RESULT Date {date_s!r}") from None
        day = base.race_date + dt.timedelta(days=days)
    else:
        try:
            day = dt.date.fromisoformat(date_s)
        except ValueError:
            raise BadRead("bad-time", f"RACE RESULT Date {date_s!r} is not yyyy-MM-dd"
                          ) from None
    time_s = base.local(day, time_txt, "RACE RESULT Time")
    box_name = f[16].strip() if len(f) > 16 else ""
    file_no = f[17].strip() if len(f) > 17 else ""
    box_id = f[19].strip() if len(f) > 19 else ""
    loc = location or box_name
    if not loc:
        raise BadRead("unknown-mat", "RACE RESULT record has no BoxName; give the mat as "
                                     "?location=10km")
    key = f"rr:{box_id or loc}:{file_no}:{passing_no}"
    return _passing(chip, time_s, loc, key, "raceresult")


def parse_mylaps_frame(frame: str, base: TimeBase) -> list[dict[str, Any]]:
    """One MYLAPS Exporter frame → its passing reads (none for Ping/Pong/AckPong).

    The mat is the frame's location (first field). Each record's chip ``c`` (or bib ``b``),
    time ``t`` (local hh:mm:ss.fff) and date ``d`` (yyMMdd). Key:
    ``mylaps:<location>:<chip>:<date>T<time>``.
    """
    text = frame.strip()
    parts = text.split("@")
    if len(parts) < 3:
        raise BadRead("malformed", f"MYLAPS frame needs Location@Function@…@$, got {text[:60]!r}")
    loc, fn = parts[0].strip(), parts[1].strip()
    if fn in ("Ping", "Pong", "AckPong", "AckPing", "GetInfo", "AckGetInfo"):
        return []
    if fn not in ("Passing", "Store"):
        raise BadRead("unsupported", f"MYLAPS function {fn!r}; valid: Passing, Store, Ping")
    loc = _text(loc, "MYLAPS location")
    body = [p for p in parts[2:] if p.strip() not in ("", "$")]
    records = [p for p in body if "=" in p]
    if not records:
        raise BadRead("malformed", "MYLAPS Passing frame without a passing record")
    out = []
    for rec in records:
        kv = {}
        for item in rec.split("|"):
            k, _, v = item.partition("=")
            kv[k.strip()] = v.strip()
        chip = kv.get("c") or kv.get("b")
        chip = _text(chip, "MYLAPS chip c=")
        t = kv.get("t")
        if not t:
            raise BadRead("bad-time", "MYLAPS record without t=hh:mm:ss.fff")
        day = base.race_date
        d = kv.get("d")
        if d:
            try:
                day = dt.datetime.strptime(d, "%y%m%d").date()
            except ValueError:
                raise BadRead("bad-time", f"MYLAPS d={d!r} is not yyMMdd") from None
        if " " in t:  # some exporters send t=yyyy-mm-dd hh:mm:ss.fff
            dpart, t = t.split(" ", 1)
            try:
                day = dt.date.fromisoformat(dpart)
            except ValueError:
                raise BadRead("bad-time", f"MYLAPS t={kv['t']!r}") from None
        time_s = base.local(day, t, "MYLAPS t")
        out.append(_passing(chip, time_s, loc, f"mylaps:{loc}:{chip}:{day.isoformat()}T{t}",
                            "mylaps"))
    return out


def parse_csv_line(line: str, base: TimeBase) -> dict[str, Any]:
    """``chip;time;location`` (also ``,`` separated) → a passing read.
    Key: ``csv:<location>:<chip>:<time ms>``."""
    text = line.strip()
    sep = ";" if ";" in text else ","
    f = [x.strip() for x in text.split(sep)]
    if len(f) != 3:
        raise BadRead("malformed", f"CSV line needs chip;time;location, got {len(f)} fields: "
                                   f"{line[:60]!r}")
    chip = _text(f[0], "CSV chip")
    time_s = parse_time_s(f[1], base, where="CSV time")
    loc = _text(f[2], "CSV location")
    return _passing(chip, time_s, loc, f"csv:{loc}:{chip}:{round(time_s * 1000)}", "csv")


#: Line formats accepted by ``POST /api/v1/ingest/{format}``.
LINE_FORMATS = ("raceresult", "mylaps", "csv")


def parse_lines(fmt: str, lines: Iterable[str], base: TimeBase, *,
                location: str | None = None, first_line: int = 1
                ) -> list[tuple[int, dict[str, Any] | BadRead | None]]:
    """Lines of a decoder format → ``(line number, read | BadRead | None)`` in input order.

    Each read (or the error of its line) carries the number of the line it came from
    (``first_line`` for the first, blank lines counted but skipped): a MYLAPS frame with two
    records gives two entries with the same line, a keep-alive frame (``Ping``) one entry
    ``None`` (ignored) — so a sender can map every answer back to its line.

    Raises
    ------
    KeyError
        ``fmt`` is not one of :data:`LINE_FORMATS`.
    """
    if fmt not in LINE_FORMATS:
        raise KeyError(fmt)
    out: list[tuple[int, dict[str, Any] | BadRead | None]] = []
    for n, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        try:
            if fmt == "raceresult":
                got: list[Any] = [parse_raceresult_line(line, base, location=location)]
            elif fmt == "mylaps":
                got = parse_mylaps_frame(line, base) or [None]
            else:
                got = [parse_csv_line(line, base)]
        except BadRead as exc:
            got = [exc]
        out += [(n, g) for g in got]
    return out


def parse_passing_json(item: Mapping[str, Any], base: TimeBase) -> dict[str, Any]:
    """A passing of the JSON batch: ``chip``, ``time``, ``location`` or ``distance_m``, and
    optional ``seq`` (the sender's sequence number: key ``json:<chip>:<seq>``)."""
    if not isinstance(item, Mapping):
        raise BadRead("malformed", "each passing must be a JSON object")
    chip = _text(item.get("chip"), "chip")
    time_s = parse_time_s(item.get("time"), base)
    dist = _float(item, ("distance_m",), "", lo=0.0, hi=1e6)
    loc = item.get("location")
    loc = None if loc in (None, "") else _text(loc, "location")
    if dist is None and loc is None:
        raise BadRead("unknown-mat", "give location (the mat's name) or distance_m")
    seq = item.get("seq")
    if seq is not None and seq != "":
        key = f"json:{chip}:{_text(seq, 'seq')}"
    else:
        key = f"json:{chip}:{loc or dist}:{round(time_s * 1000)}"
    return _passing(chip, time_s, loc, key, "json", dist)


# --- GPS --------------------------------------------------------------------------------------
def _fix(device: str, time_s: float, lat: float, lon: float, *, speed=None, bearing=None,
         altitude=None, accuracy=None, key: str, source: str) -> dict[str, Any]:
    return {"key": key[:200], "kind": "fix", "device": device, "time_s": time_s,
            "lat_deg": lat, "lon_deg": lon, "speed_m_s": speed, "bearing_deg": bearing,
            "altitude_m": altitude, "accuracy_m": accuracy, "source": source}


def parse_osmand(params: Mapping[str, Any], base: TimeBase) -> dict[str, Any]:
    """OsmAnd/Traccar query or form parameters → a GPS fix (speed knots → m/s).
    Key: ``gps:<id>:<time ms>``."""
    device = _text(params.get("id") or params.get("deviceid"), "id")
    lat = _float(params, ("lat",), "", lo=-90, hi=90)
    lon = _float(params, ("lon",), "", lo=-180, hi=180)
    if (lat is None or lon is None) and params.get("location"):
        try:
            a, b = str(params["location"]).split(",")
            lat, lon = float(a), float(b)
        except ValueError:
            raise BadRead("bad-number", f"location={params['location']!r}: give lat,lon"
                          ) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise BadRead("out-of-range", f"location={params['location']!r}")
    if lat is None or lon is None:
        raise BadRead("missing-field", "lat and lon (degrees) are required")
    ts = params.get("timestamp")
    if ts in (None, ""):
        raise BadRead("missing-field", "timestamp is required (epoch s, ms or ISO 8601)")
    time_s = parse_time_s(ts, base, where="timestamp")
    knots = _float(params, ("speed",), "", lo=0, hi=1e4)
    return _fix(device, time_s, lat, lon,
                speed=None if knots is None else knots * KNOT_M_S,
                bearing=_float(params, ("bearing", "heading"), "", lo=-360, hi=360),
                altitude=_float(params, ("altitude",), "", lo=-1000, hi=10000),
                accuracy=_float(params, ("accuracy", "hdop"), "", lo=0, hi=1e5),
                key=f"gps:{device}:{round(time_s * 1000)}", source="osmand")


def parse_traccar_json(body: Mapping[str, Any], base: TimeBase) -> dict[str, Any]:
    """Traccar Client's JSON (``{"location": {"timestamp", "coords": {...}}, "device_id"}``;
    speed there in m/s)."""
    loc = body.get("location")
    if not isinstance(loc, Mapping) or not isinstance(loc.get("coords"), Mapping):
        raise BadRead("malformed", "Traccar JSON needs location.coords")
    c = loc["coords"]
    device = _text(body.get("device_id"), "device_id")
    time_s = parse_time_s(loc.get("timestamp"), base, where="location.timestamp")
    lat = _float(c, ("latitude",), "coords.", lo=-90, hi=90)
    lon = _float(c, ("longitude",), "coords.", lo=-180, hi=180)
    if lat is None or lon is None:
        raise BadRead("missing-field", "coords.latitude and coords.longitude are required")
    return _fix(device, time_s, lat, lon, speed=_float(c, ("speed",), "coords.", lo=0, hi=1e4),
                bearing=_float(c, ("heading",), "coords.", lo=-360, hi=360),
                altitude=_float(c, ("altitude",), "coords.", lo=-1000, hi=10000),
                accuracy=_float(c, ("accuracy",), "coords.", lo=0, hi=1e5),
                key=f"gps:{device}:{round(time_s * 1000)}", source="traccar")


def parse_fix_json(item: Mapping[str, Any], base: TimeBase) -> dict[str, Any]:
    """A fix of the JSON batch: ``device``, ``time``, ``lat``, ``lon`` and optional
    ``speed_m_s``, ``bearing_deg``, ``altitude_m``, ``accuracy_m``, ``seq``."""
    if not isinstance(item, Mapping):
        raise BadRead("malformed", "each fix must be a JSON object")
    device = _text(item.get("device"), "device")
    time_s = parse_time_s(item.get("time"), base)
    lat = _float(item, ("lat",), "", lo=-90, hi=90)
    lon = _float(item, ("lon",), "", lo=-180, hi=180)
    if lat is None or lon is None:
        raise BadRead("missing-field", "lat and lon (degrees) are required")
    seq = item.get("seq")
    key = (f"gps:{device}:seq:{_text(seq, 'seq')}" if seq not in (None, "")
           else f"gps:{device}:{round(time_s * 1000)}")
    return _fix(device, time_s, lat, lon,
                speed=_float(item, ("speed_m_s",), "", lo=0, hi=1e4),
                bearing=_float(item, ("bearing_deg",), "", lo=-360, hi=360),
                altitude=_float(item, ("altitude_m",), "", lo=-1000, hi=10000),
                accuracy=_float(item, ("accuracy_m",), "", lo=0, hi=1e5),
                key=key, source="json")
