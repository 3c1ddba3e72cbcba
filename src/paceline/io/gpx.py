"""Read GPX files (tracks or routes) into point arrays for ``Course.from_points``.

Built on gpxpy. Returns ``(GpxTrack, metadata)`` in canonical names and SI units; every problem
with the file raises :class:`paceline.errors.InputFileError` naming the file and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gpxpy
import gpxpy.gpx
import numpy as np

from paceline.course import geodesic_distance_m
from paceline.errors import InputFileError
from paceline.io._xml import xml_text

__all__ = ["GpxTrack", "read_gpx", "MAX_GAP_M"]

#: Largest gap [m] between the end of one track segment (or route) and the start of the next
#: that is bridged with a straight line. A larger gap means the file holds separate pieces,
#: not one course, and is refused.
MAX_GAP_M = 100.0


@dataclass(frozen=True, eq=False)
class GpxTrack:
    """Points of one course read from a GPX file, in running order.

    Attributes
    ----------
    name : str
        Track or route name from the file ("" if none).
    lat_deg, lon_deg : ndarray, shape (m,)
        Latitude and longitude [degrees].
    elevation_m : ndarray, shape (m,)
        Elevation [m]; NaN where the file has none.
    kind : str
        ``"track"`` (``<trk>`` points) or ``"route"`` (``<rte>`` points).
    """

    name: str
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    elevation_m: np.ndarray
    kind: str

    def __len__(self) -> int:
        return int(self.lat_deg.size)


def _parts(gpx: gpxpy.gpx.GPX) -> tuple[str, list[list[Any]], str]:
    """The non-empty point lists to use: track segments if they hold ≥ 2 points, else routes."""
    segments = [s.points for t in gpx.tracks for s in t.segments if s.points]
    routes = [r.points for r in gpx.routes if r.points]
    if sum(len(p) for p in segments) >= 2:
        name = next((t.name for t in gpx.tracks if t.name), "") or ""
        return "track", segments, name
    if sum(len(p) for p in routes) >= 2:
        name = next((r.name for r in gpx.routes if r.name), "") or ""
        return "route", routes, name
    return "none", segments or routes, ""


def read_gpx(path: str | Path, *, max_gap_m: float = MAX_GAP_M) -> tuple[GpxTrack, dict[str, Any]]:
    """Read the course points of a GPX file.

    Parameters
    ----------
    path : str or Path
        The GPX file (1.0 or 1.1, UTF-8, a byte-order mark is fine).
    max_gap_m : float
        Largest gap [m] bridged between consecutive track segments / routes (default 100 m).

    Returns
    -------
    track : GpxTrack
        All points of the file's track segments in order (empty segments skipped). A file with no
        track points but a ``<rte>`` gives the route points: a route is a legitimate course
        description. Waypoints are not course points and are ignored.
    metadata : dict
        ``path``, ``creator``, ``version``, ``name``, ``kind`` ("track"/"route"), ``n_points``,
        ``n_parts`` (segments or routes used), ``gaps_m`` (bridged gaps between parts [m]),
        ``n_waypoints``, ``elevation`` ("all", "partial" or "none"), ``length_2d_m`` (sum of
        great-circle distances between consecutive points, gaps included [m]) and ``notes``
        (list of sentences about anything the caller should know, e.g. missing elevations).

    Raises
    ------
    InputFileError
        The file is missing or not a file, not UTF-8, not well-formed XML / GPX, has fewer than two
        track or route points, or holds separate pieces (a gap over ``max_gap_m``).

    Examples
    --------
    >>> track, meta = read_gpx("tests/data/gpx/route.gpx")   # doctest: +SKIP
    >>> meta["kind"], meta["n_points"], meta["elevation"]     # doctest: +SKIP
    ('route', 55, 'none')
    """
    p = Path(path)
    where = str(p)
    if not p.exists():
        raise InputFileError("GPX file not found", where=where,
                             fix="check the path (relative paths are from the scenario file)")
    if not p.is_file():
        raise InputFileError("not a file", where=where, fix="give the path of a .gpx file")
    try:
        text = xml_text(p.read_bytes())
    except UnicodeDecodeError:
        raise InputFileError("not a UTF-8 text file", where=where,
                             fix="give a GPX (XML) file; re-export it from your GPS tool") from None
    try:
        gpx = gpxpy.parse(text)
    except gpxpy.gpx.GPXXMLSyntaxException as exc:
        raise InputFileError(f"not well-formed XML ({_first_line(exc)})", where=where,
                             fix="re-export the GPX from your GPS tool; the file may be "
                                 "truncated or not a GPX file") from None
    except (gpxpy.gpx.GPXException, ValueError) as exc:
        raise InputFileError(f"not a valid GPX file ({_first_line(exc)})", where=where,
                             fix="re-export the GPX from your GPS tool") from None

    kind, parts, name = _parts(gpx)
    n_found = sum(len(pts) for pts in parts)
    if kind == "none":
        what = "no track or route points" if n_found == 0 else f"only {n_found} track/route point"
        extra = f" (it has {len(gpx.waypoints)} waypoint(s), which are not a course)" \
            if gpx.waypoints else ""
        raise InputFileError(f"{what}; a course needs at least two{extra}", where=where,
                             value=n_found,
                             fix="give a GPX with a <trk> or <rte> of two or more points")

    lat = np.array([pt.latitude for pts in parts for pt in pts], dtype=float)
    lon = np.array([pt.longitude for pts in parts for pt in pts], dtype=float)
    ele = np.array([np.nan if pt.elevation is None else pt.elevation
                    for pts in parts for pt in pts], dtype=float)

    bad_notes, good = _impossible_points(lat, lon)
    if not good.all():
        sizes = np.cumsum([0] + [len(pts) for pts in parts])
        parts = [[pt for j, pt in enumerate(pts) if good[sizes[k] + j]]
                 for k, pts in enumerate(parts)]
        parts = [pts for pts in parts if pts]
        lat, lon, ele = lat[good], lon[good], ele[good]
        if lat.size < 2:
            raise InputFileError("fewer than two plausible points after dropping "
                                 + "; ".join(bad_notes), where=where,
                                 fix="give a GPX of the route with real coordinates")

    starts = np.cumsum([0] + [len(pts) for pts in parts])[:-1]
    gaps = geodesic_distance_m(lat[starts[1:] - 1], lon[starts[1:] - 1],
                               lat[starts[1:]], lon[starts[1:]])
    if np.any(gaps > max_gap_m):
        big = ", ".join(f"{g:.0f}" for g in gaps[gaps > max_gap_m])
        raise InputFileError(
            f"the file holds {int(np.sum(gaps > max_gap_m)) + 1} separate pieces: gaps of {big} m "
            f"between consecutive {'track segments' if kind == 'track' else 'routes'} "
            f"(more than {max_gap_m:.0f} m), so it is not one course",
            where=where,
            fix=("keep one piece per file (split or join the tracks in a GPX editor), or call "
                 "read_gpx(path, max_gap_m=...) to bridge the gaps with straight lines"),
        )

    notes: list[str] = list(bad_notes)
    have = np.isfinite(ele)
    if not np.any(have):
        elevation = "none"
        notes.append("no elevations in the file: the course will be flat at 0 m")
    elif not np.all(have):
        elevation = "partial"
        notes.append(f"{int(np.sum(~have))} of {ele.size} points have no elevation: "
                     "interpolated along the distance")
    else:
        elevation = "all"
    if kind == "route":
        notes.append("no track points: the route (<rte>) points are used")
    if gaps.size:
        notes.append(f"{gaps.size + 1} {kind} parts joined across gaps of "
                     f"{', '.join(f'{g:.1f}' for g in gaps)} m")

    length = float(np.sum(geodesic_distance_m(lat[:-1], lon[:-1], lat[1:], lon[1:])))
    track = GpxTrack(name=name, lat_deg=lat, lon_deg=lon, elevation_m=ele, kind=kind)
    meta: dict[str, Any] = {
        "path": str(p),
        "creator": gpx.creator or "",
        "version": gpx.version or "",
        "name": name,
        "kind": kind,
        "n_points": int(lat.size),
        "n_parts": len(parts),
        "gaps_m": [float(g) for g in gaps],
        "n_waypoints": len(gpx.waypoints),
        "elevation": elevation,
        "length_2d_m": length,
        "notes": notes,
    }
    return track, meta


#: A course point further than this from both neighbours, which are close to each other, is a
#: GPS spike [m].
SPIKE_M = 1000.0


def _impossible_points(lat: np.ndarray, lon: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Points a course cannot have: 0°, 0° (no fix), out of range, or a lone spike more than
    :data:`SPIKE_M` from both neighbours while they are within it of each other. Returns the
    notes (each point named by index and coordinates) and the mask of points kept."""
    good = (np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
            & ~((np.abs(lat) < 1e-6) & (np.abs(lon) < 1e-6)))
    idx = np.nonzero(good)[0]
    if idx.size >= 3:
        a, b, c = idx[:-2], idx[1:-1], idx[2:]
        ab = geodesic_distance_m(lat[a], lon[a], lat[b], lon[b])
        bc = geodesic_distance_m(lat[b], lon[b], lat[c], lon[c])
        ac = geodesic_distance_m(lat[a], lon[a], lat[c], lon[c])
        good[b[(ab > SPIKE_M) & (bc > SPIKE_M) & (ac < SPIKE_M)]] = False
    bad = np.nonzero(~good)[0]
    notes = [f"point {i} at ({lat[i]:.6f}, {lon[i]:.6f}) is impossible (no GPS fix at 0°, 0°, "
             f"out of range, or a jump away from its neighbours) and was dropped"
             for i in bad[:5]]
    if bad.size > 5:
        notes.append(f"… and {bad.size - 5} more such points dropped")
    return notes, good


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
