"""GPX activity reader (timed tracks) on gpxpy.

Only ``<trk>`` points with a ``<time>`` are samples; routes, waypoints and untimed points are
not a workout. Distance is the WGS 84 geodesic length along each track segment over all its points
(:func:`paceline.course.geodesic_distance_m`), segments joined without bridging their gaps
(gpxpy's ``length_2d`` convention), read at the timed points; ``moving_time_s`` is gpxpy's
``get_moving_data()`` (its default threshold: a point pair slower than 1 km/h is "stopped");
ascent is gpxpy's ``get_uphill_downhill()`` (smoothed elevations). Heart rate, cadence and
power come from the extension tags of :data:`_EXT` (Garmin's TrackPointExtension, gpxdata, and
the bare ``<heartrate>``, ``<bpm>`` ... other devices write); a numeric extension tag that is
neither read nor known (:data:`_EXT_IGNORED`) is named in a warning, never silently dropped.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import gpxpy
import gpxpy.gpx
import numpy as np

from paceline.course import geodesic_distance_m
from paceline.errors import InputFileError
from paceline.io._xml import xml_text
from paceline.io.activities._base import Activity, ActivityMeta, NotAnActivityError, content_hash

__all__ = ["read_gpx_activity"]

#: Extension tags (local name, any namespace or none, lower case) → canonical channel. Garmin's
#: TrackPointExtension (``hr``, ``cad``, ``speed``), Cluetrust gpxdata (``hr``, ``cadence``),
#: and the bare tags other devices write (Tissot ``<heartrate>``, Holux ``<bpm>``, Suunto and
#: others ``<heart_rate>``, ``<cadence>``, ``<power>``/``<watts>``).
_EXT = {"hr": "heart_rate_bpm", "heartrate": "heart_rate_bpm", "heart_rate": "heart_rate_bpm",
        "heartratebpm": "heart_rate_bpm", "bpm": "heart_rate_bpm", "pulse": "heart_rate_bpm",
        "cad": "cadence_rpm", "cadence": "cadence_rpm", "runcadence": "cadence_rpm",
        "power": "power_w", "watts": "power_w", "powerinwatts": "power_w",
        "speed": "speed_m_s"}
#: Extension tags known and deliberately not read (no warning): temperatures, depth, course,
#: the extension containers, and distance (measured from the positions instead).
_EXT_IGNORED = {"atemp", "wtemp", "temp", "temperature", "depth", "course", "bearing",
                "distance", "trackpointextension", "trackpointextensionv2", "tpx",
                "extensions", "gpxdata", "sensor", "lap"}


def _ext_values(point: gpxpy.gpx.GPXTrackPoint, unknown: dict[str, int]) -> dict[str, float]:
    out: dict[str, float] = {}
    stack = list(point.extensions)
    while stack:
        el = stack.pop()
        tag = el.tag.rsplit("}", 1)[-1].lower()
        children = list(el)
        if tag in _EXT and el.text and not children:
            try:
                out[_EXT[tag]] = float(el.text)
            except ValueError:
                unknown[tag] = unknown.get(tag, 0) + 1
        elif not children and tag not in _EXT_IGNORED and (el.text or "").strip():
            unknown[tag] = unknown.get(tag, 0) + 1
        stack.extend(children)
    return out


def _utc(t: datetime) -> datetime:
    """A GPX time in UTC: GPX 1.1 (``xsd:dateTime`` in the schema's words "in UTC") means UTC
    when the file gives no offset; never the machine's zone."""
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def read_gpx_activity(path: str | Path, raw: bytes) -> Activity:
    """Read a GPX file's timed track as an :class:`Activity` (canonical names, SI).

    Raises
    ------
    NotAnActivityError
        No timed track (a route, waypoints, or a track without times).
    InputFileError
        Not GPX, or track times that do not advance.
    """
    where = str(path)
    try:
        gpx = gpxpy.parse(xml_text(raw))
    except (gpxpy.gpx.GPXException, UnicodeDecodeError, ValueError) as exc:
        raise InputFileError(f"not a valid GPX file: {exc}", where=where,
                             fix="export the activity again as GPX 1.1") from None
    # distance along each segment over *all* its points (timed or not), segments joined
    # without bridging the gap between them (as gpxpy's length_2d)
    pts, cum, breaks = [], [], []
    offset = 0.0
    n_all = 0
    for seg in (s for t in gpx.tracks for s in t.segments if s.points):
        breaks.append(len(pts))
        la = np.array([p.latitude for p in seg.points])
        lo = np.array([p.longitude for p in seg.points])
        c = np.concatenate([[0.0], np.cumsum(geodesic_distance_m(la[:-1], lo[:-1],
                                                                  la[1:], lo[1:]))])
        for p, d in zip(seg.points, c, strict=True):
            if p.time is not None:
                pts.append(p)
                cum.append(offset + d)
        offset += c[-1]
        n_all += len(seg.points)
    if len(pts) < 2:
        kind = "a route" if gpx.routes else "no timed track points"
        raise NotAnActivityError(f"GPX file holds {kind}, not a recorded workout", where=where,
                                 fix="only recorded tracks (with <time>) are logged")
    t_abs = np.array([_utc(p.time).timestamp() for p in pts])
    lat = np.array([p.latitude for p in pts])
    lon = np.array([p.longitude for p in pts])
    dist = np.asarray(cum) - cum[0]
    samples = {"time_s": t_abs - t_abs[0], "distance_m": dist,
               "latitude_deg": lat, "longitude_deg": lon}
    ele = np.array([np.nan if p.elevation is None else p.elevation for p in pts])
    if np.isfinite(ele).any():
        samples["altitude_m"] = ele
    unknown: dict[str, int] = {}
    ext = [_ext_values(p, unknown) for p in pts]
    for ch in _EXT.values():
        col = np.array([e.get(ch, np.nan) for e in ext])
        if np.isfinite(col).any():
            samples[ch] = col
    warn = []
    if unknown:
        warn.append("extension data not understood, not imported: " + ", ".join(
            f"<{k}> ({v} points)" for k, v in sorted(unknown.items())))
    if len(pts) < n_all:
        warn.append(f"{n_all - len(pts)} of {n_all} track points have no time and were left out")
    try:  # gpxpy's math fails on absurd coordinates/elevations (fuzzing); cleaning drops them
        moving = gpx.get_moving_data()
        updown = gpx.get_uphill_downhill()
    except (ValueError, OverflowError, ZeroDivisionError, TypeError):
        moving = updown = None
        warn.append("moving time and ascent not computed: coordinates or elevations out of "
                    "range")
    start = _utc(pts[0].time)
    ttype = next((t.type for t in gpx.tracks if t.type), None)
    hr = samples.get("heart_rate_bpm")
    meta = ActivityMeta(
        sport=ttype or "", start_utc=start, distance_m=float(dist[-1]),
        moving_time_s=float(moving.moving_time) if moving else None,
        elapsed_time_s=float(t_abs[-1] - t_abs[0]), source_format="gpx",
        ascent_m=float(updown.uphill) if updown and np.isfinite(ele).any() else None,
        avg_heart_rate_bpm=None if hr is None else float(np.nanmean(hr)),
        max_heart_rate_bpm=None if hr is None else float(np.nanmax(hr)),
        device=gpx.creator or None,
        name=next((t.name for t in gpx.tracks if t.name), None), warnings=tuple(warn))
    return Activity(samples=samples, meta=meta, content_hash=content_hash(raw),
                    source_file=Path(path).name,
                    extra={"derived": ("distance", "elapsed", "moving", "hr",
                                       "distance_from_positions"),
                           "segment_starts": tuple(b for b in breaks if b < len(pts))})
