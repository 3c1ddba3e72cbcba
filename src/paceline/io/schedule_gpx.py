"""Write a target schedule as GPX: the course's points with the times the group should pass."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import gpxpy.gpx
import numpy as np

from paceline.course.core import EARTH_RADIUS_M

__all__ = ["write_schedule_gpx", "east_north_to_lat_lon"]


def east_north_to_lat_lon(east_m, north_m, lat0_deg: float, lon0_deg: float):
    """Local east/north metres around (lat0, lon0) to degrees (equirectangular; < 0.1 m error
    over a marathon course's extent)."""
    lat = lat0_deg + np.rad2deg(np.asarray(north_m, float) / EARTH_RADIUS_M)
    lon = lon0_deg + np.rad2deg(np.asarray(east_m, float) / (
        EARTH_RADIUS_M * np.cos(np.deg2rad(lat0_deg))))
    return lat, lon


def write_schedule_gpx(path: str | Path, lat_deg, lon_deg, elevation_m, elapsed_s, *,
                       start: dt.datetime, name: str, description: str,
                       every: int = 10) -> Path:
    """One track point every ``every`` nodes, each timed at start + elapsed."""
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "paceline"
    track = gpxpy.gpx.GPXTrack(name=name, description=description)
    gpx.tracks.append(track)
    seg = gpxpy.gpx.GPXTrackSegment()
    track.segments.append(seg)
    n = len(elapsed_s)
    idx = sorted(set(range(0, n, every)) | {n - 1})
    for i in idx:
        seg.points.append(gpxpy.gpx.GPXTrackPoint(
            latitude=float(lat_deg[i]), longitude=float(lon_deg[i]),
            elevation=float(elevation_m[i]),
            time=(start + dt.timedelta(seconds=round(float(elapsed_s[i]), 1))).astimezone(
                dt.UTC)))
    out = Path(path)
    out.write_text(gpx.to_xml(), encoding="utf-8")
    return out
