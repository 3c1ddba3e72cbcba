"""Write a target schedule as GPX: the course's points with the times the group should pass."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import gpxpy.gpx

from paceline.course.geodesy import lat_lon_from_local_m

__all__ = ["write_schedule_gpx", "east_north_to_lat_lon"]


def east_north_to_lat_lon(east_m, north_m, lat0_deg: float, lon0_deg: float):
    """A course's east/north metres about its start (lat0, lon0) to degrees on WGS 84.

    The exact inverse of the frame courses are built in
    (:func:`paceline.course.geodesy.local_east_north_m`, azimuthal equidistant about the
    start): a GPX course written back out lands on its own points. It was a spherical
    equirectangular map (mean Earth radius), off by up to ~0.3 % of the distance from the
    start, so ~80 m at the far end of a marathon.
    """
    return lat_lon_from_local_m(east_m, north_m, lat0_deg, lon0_deg)


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
