"""TCX (Garmin Training Center XML v2) activity reader on the standard XML parser.

Laps come from ``<Lap>`` (``TotalTimeSeconds`` is the lap's timer time, pauses excluded;
``DistanceMeters``); the activity's distance and moving time are the sums over laps, its
elapsed time runs from the first lap's start to the last trackpoint. Trackpoints give time,
position, altitude, distance, heart rate, cadence, and the ActivityExtension ``Speed``,
``Watts`` and ``RunCadence``; other extension values are named in a warning.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from paceline.errors import InputFileError
from paceline.io._xml import xml_text
from paceline.io.activities._base import (
    Activity,
    ActivityMeta,
    Lap,
    NotAnActivityError,
    content_hash,
)

__all__ = ["read_tcx"]


#: ActivityExtension v2 trackpoint tags (TPX) → canonical channel.
_TPX = {"Speed": "speed_m_s", "Watts": "power_w", "RunCadence": "cadence_rpm"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(el: ET.Element, *path: str) -> ET.Element | None:
    cur: ET.Element | None = el
    for name in path:
        if cur is None:
            return None
        cur = next((c for c in cur if _local(c.tag) == name), None)
    return cur


def _float(el: ET.Element | None) -> float | None:
    if el is None or el.text is None:
        return None
    try:
        return float(el.text)
    except ValueError:
        return None


def _time(text: str | None, where: str) -> datetime:
    try:
        t = datetime.fromisoformat((text or "").strip())
    except ValueError:
        raise InputFileError("bad time in TCX", where=where, value=text,
                             fix="times must be ISO 8601, e.g. 2012-12-26T21:29:53Z") from None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def read_tcx(path: str | Path, raw: bytes) -> Activity:
    """Read the first activity of a TCX file (canonical names, SI), laps included."""
    where = str(path)
    try:
        root = ET.fromstring(xml_text(raw))
    except (ET.ParseError, UnicodeDecodeError) as exc:
        raise InputFileError(f"not a valid TCX (XML) file: {exc}", where=where,
                             fix="export the activity again as TCX") from None
    acts = [a for a in root.iter() if _local(a.tag) == "Activity"]
    if not acts:
        raise NotAnActivityError("TCX file holds no <Activity> (a course or workout?)",
                                 where=where, fix="only recorded activities are logged")
    act = acts[0]
    laps_el = [c for c in act if _local(c.tag) == "Lap"]
    rows: list[dict[str, float]] = []
    unknown: dict[str, int] = {}
    for lap in laps_el:
        for tp in lap.iter():
            if _local(tp.tag) != "Trackpoint":
                continue
            t_el = _find(tp, "Time")
            if t_el is None:
                continue
            row = {"t": _time(t_el.text, where).timestamp()}
            for key, path_ in (("latitude_deg", ("Position", "LatitudeDegrees")),
                               ("longitude_deg", ("Position", "LongitudeDegrees")),
                               ("altitude_m", ("AltitudeMeters",)),
                               ("distance_m", ("DistanceMeters",)),
                               ("heart_rate_bpm", ("HeartRateBpm", "Value")),
                               ("cadence_rpm", ("Cadence",))):
                v = _float(_find(tp, *path_))
                if v is not None:
                    row[key] = v
            ext = _find(tp, "Extensions")
            if ext is not None:
                for el in ext.iter():
                    name = _local(el.tag)
                    if len(el) or not (el.text or "").strip():
                        continue
                    ch = _TPX.get(name)
                    if ch and (v := _float(el)) is not None:
                        if ch not in row:  # Cadence in the trackpoint wins over RunCadence
                            row[ch] = v
                    else:
                        unknown[name] = unknown.get(name, 0) + 1
            rows.append(row)
    start = _time(_find(act, "Id").text if _find(act, "Id") is not None else
                  (laps_el[0].get("StartTime") if laps_el else None), where)
    t0 = start.timestamp()
    samples: dict[str, np.ndarray] = {}
    if rows:
        samples["time_s"] = np.array([r["t"] for r in rows]) - t0
        for ch in ("distance_m", "speed_m_s", "heart_rate_bpm", "cadence_rpm", "altitude_m",
                   "latitude_deg", "longitude_deg", "power_w"):
            col = np.array([r.get(ch, np.nan) for r in rows])
            if np.isfinite(col).any():
                samples[ch] = col
    laps = []
    for lap in laps_el:
        ls = _time(lap.get("StartTime"), where).timestamp() if lap.get("StartTime") else t0
        laps.append(Lap(start_s=ls - t0, distance_m=_float(_find(lap, "DistanceMeters")),
                        moving_time_s=_float(_find(lap, "TotalTimeSeconds")),
                        elapsed_time_s=None,
                        avg_heart_rate_bpm=_float(_find(lap, "AverageHeartRateBpm", "Value")),
                        max_heart_rate_bpm=_float(_find(lap, "MaximumHeartRateBpm", "Value"))))
    if not laps and not rows:
        raise NotAnActivityError("TCX activity has no laps and no trackpoints", where=where,
                                 fix="nothing to do: the file holds no workout")
    dists = [lp.distance_m for lp in laps if lp.distance_m is not None]
    times = [lp.moving_time_s for lp in laps if lp.moving_time_s is not None]
    end = samples["time_s"][-1] if rows else sum(times)
    hr = samples.get("heart_rate_bpm")
    pw = samples.get("power_w")
    creator = _find(act, "Creator", "Name")
    notes = _find(act, "Notes")
    meta = ActivityMeta(
        sport=act.get("Sport") or "", start_utc=start,
        distance_m=float(sum(dists)) if dists else None,
        moving_time_s=float(sum(times)) if times else None,
        elapsed_time_s=float(end), source_format="tcx",
        avg_heart_rate_bpm=None if hr is None else float(np.nanmean(hr)),
        max_heart_rate_bpm=None if hr is None else float(np.nanmax(hr)),
        avg_power_w=None if pw is None else float(np.nanmean(pw)),
        max_power_w=None if pw is None else float(np.nanmax(pw)),
        device=None if creator is None else creator.text,
        notes=None if notes is None else notes.text,
        warnings=("extension data not understood, not imported: " + ", ".join(
            f"<{k}> ({v} points)" for k, v in sorted(unknown.items())),) if unknown else ())
    return Activity(samples=samples, meta=meta, laps=tuple(laps), content_hash=content_hash(raw),
                    source_file=Path(path).name, extra={"derived": ("elapsed", "hr")})
