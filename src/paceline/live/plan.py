"""The race plan as the live service reads it: the files ``paceline plan`` writes.

Only the plan directory's files are read (``plan.json``, ``crew_plan.json``,
``schedule.gpx``; optional ``devices.csv`` and ``mats.csv``), never the planning code's
internals: the course line and the gun time come from ``schedule.gpx``, the schedule (target
elapsed time at each distance) from ``plan.json``'s km splits, drinks hand-offs and the
uncertainty band from ``plan.json``, the pacer rotation from ``crew_plan.json``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gpxpy
import numpy as np

from paceline.course.core import EARTH_RADIUS_M
from paceline.crew import CrewPlan
from paceline.errors import InputFileError, UnitError
from paceline.io.roster import plan_from_dict
from paceline.units import parse_distance_m

__all__ = ["LivePlan", "CourseLine", "Device", "DEVICE_ROLES", "read_live_plan"]

#: Roles a tracked device can have.
DEVICE_ROLES = ("athlete", "pacer", "pace_car", "drinks_bike")


@dataclass(frozen=True)
class Device:
    """A tracked device: ``name`` (its id in GPS requests), role, chips it carries."""

    name: str
    role: str
    chips: tuple[str, ...] = ()


class CourseLine:
    """The course as a polyline in local east/north metres (equirectangular about the first
    point), used only to match GPS fixes to the line: the distance along it is scaled so that
    the line's length is the race distance, so the map's small scale error (≈ 0.1 % across a
    10 km loop) does not reach the distances. :mod:`paceline.io.schedule_gpx` writes the points
    on the WGS 84 ellipsoid (pyproj).

    ``node_distance_m`` is scaled so that the line's length is the race distance.
    """

    def __init__(self, lat_deg: np.ndarray, lon_deg: np.ndarray, distance_m: float) -> None:
        self.lat0, self.lon0 = float(lat_deg[0]), float(lon_deg[0])
        self.lat_deg, self.lon_deg = np.asarray(lat_deg, float), np.asarray(lon_deg, float)
        e, n = self.east_north(self.lat_deg, self.lon_deg)
        self.e, self.n = e, n
        seg = np.hypot(np.diff(e), np.diff(n))
        cum = np.concatenate([[0.0], np.cumsum(seg)])
        self.scale = distance_m / cum[-1] if cum[-1] > 0 else 1.0
        self.node_distance_m = cum * self.scale
        self.distance_m = float(distance_m)
        self._de, self._dn = np.diff(e), np.diff(n)
        self._len2 = np.maximum(self._de**2 + self._dn**2, 1e-12)

    def east_north(self, lat_deg, lon_deg) -> tuple[np.ndarray, np.ndarray]:
        """Degrees → local metres about the line's first point."""
        n = np.deg2rad(np.asarray(lat_deg, float) - self.lat0) * EARTH_RADIUS_M
        e = (np.deg2rad(np.asarray(lon_deg, float) - self.lon0) * EARTH_RADIUS_M
             * np.cos(np.deg2rad(self.lat0)))
        return e, n

    def point_at(self, distance_m: float) -> tuple[float, float]:
        """(lat, lon) [°] at a distance along the course [m]."""
        d = float(np.clip(distance_m, 0.0, self.distance_m))
        return (float(np.interp(d, self.node_distance_m, self.lat_deg)),
                float(np.interp(d, self.node_distance_m, self.lon_deg)))

    #: half-width of the first search around the expected distance [m]
    WINDOW_M = 1500.0

    def match(self, lat_deg: float, lon_deg: float, expected_m: float, *,
              max_offset_m: float = 200.0) -> tuple[float, float]:
        """Match a position to the course: ``(distance_m, offset_m)``.

        Of the places on the line within ``max_offset_m`` the one nearest the expected
        distance wins, by cost |along − expected| + 20 × offset (laps pass the same road
        several times): first among the segments within ±``WINDOW_M`` of the expected
        distance, then, if none is that close, along the whole line; when none at all is, the
        nearest place with its offset (the caller rejects it).
        """
        e, n = self.east_north(lat_deg, lon_deg)
        # first the segments within ±WINDOW_M of the expected distance (fast; the lap the
        # runner is on), then, if none is within max_offset_m, the whole line
        lo, hi = np.searchsorted(self.node_distance_m, (expected_m - self.WINDOW_M,
                                                        expected_m + self.WINDOW_M))
        for sl in (slice(max(lo - 1, 0), min(hi, self._de.size)), slice(0, self._de.size)):
            e0, n0, de, dn = self.e[sl], self.n[sl], self._de[sl], self._dn[sl]
            if de.size == 0:
                continue
            t = np.clip(((e - e0) * de + (n - n0) * dn) / self._len2[sl], 0.0, 1.0)
            off = np.hypot(e0 + t * de - e, n0 + t * dn - n)
            nd = self.node_distance_m[sl.start:sl.stop + 1]
            along = nd[:-1] + t * np.diff(nd)
            near = off <= max_offset_m
            if near.any():
                break
        if near.any():
            cand = np.flatnonzero(near)
            i = cand[np.argmin(np.abs(along[cand] - expected_m) + 20.0 * off[cand])]
        else:
            i = int(np.argmin(off))
        return float(along[i]), float(off[i])


@dataclass(frozen=True)
class LivePlan:
    """What the live service needs of a plan. Distances m, times s (elapsed from the gun),
    ``start_s`` UTC epoch seconds of the gun (the schedule GPX's first point)."""

    path: Path
    name: str
    distance_m: float
    target_time_s: float
    start_s: float
    course: CourseLine
    schedule_distance_m: np.ndarray  # (k,) [m], from 0 to the finish
    schedule_elapsed_s: np.ndarray  # (k,) [s]
    drinks: tuple[dict[str, Any], ...]  # {number, distance_m, elapsed_s, volume_ml}
    p10_p50_p90_s: tuple[float, float, float] | None
    crew: CrewPlan | None
    crew_raw: dict[str, Any] | None
    devices: dict[str, Device]
    chips: dict[str, str]  # chip → device name
    mats: dict[str, float]  # location name (upper case) → distance [m]
    plan_json: dict[str, Any] = field(repr=False, default_factory=dict)

    def scheduled_elapsed_s(self, distance_m) -> np.ndarray:
        """Target elapsed time [s] at distance(s) [m]."""
        return np.interp(distance_m, self.schedule_distance_m, self.schedule_elapsed_s)

    def scheduled_distance_m(self, elapsed_s) -> np.ndarray:
        """Where the schedule is at elapsed time(s) [s]."""
        return np.interp(elapsed_s, self.schedule_elapsed_s, self.schedule_distance_m)

    def device_of(self, name: str) -> Device | None:
        return self.devices.get(self.chips.get(name, name))

    def mat_distance_m(self, location: str) -> float | None:
        """A mat's distance [m] from its name ("10km", "10KM", "START", "HALF", "FINISH",
        metres, or a name in mats.csv); None if unknown or off the course."""
        key = location.strip().upper()
        if key in self.mats:
            return self.mats[key]
        try:
            d = parse_distance_m(key.replace("K", "k").replace("M", "m"), where="location")
        except UnitError:
            return None
        return d if 0.0 < d <= self.distance_m + 1e-6 else None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError("missing from the plan directory", where=str(path),
                             fix="write the plan with `paceline plan SCENARIO -o DIR`") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputFileError(f"not valid JSON: {exc}", where=str(path),
                             fix="write the plan again with `paceline plan`") from None
    if not isinstance(data, dict):
        raise InputFileError("expected a JSON object", where=str(path))
    return data


def _read_devices(path: Path, crew: CrewPlan | None) -> dict[str, Device]:
    if path.is_file():
        out: dict[str, Device] = {}
        with path.open(newline="", encoding="utf-8") as fh:
            for i, row in enumerate(csv.DictReader(fh), start=2):
                name = (row.get("device") or "").strip()
                role = (row.get("role") or "").strip()
                if not name or role not in DEVICE_ROLES:
                    raise InputFileError(f"line {i}: need device and role", where=str(path),
                                         value=row, valid="role one of " + ", ".join(DEVICE_ROLES),
                                         fix="columns: device,role,chips (chips space separated)")
                out[name] = Device(name, role, tuple((row.get("chips") or "").split()))
        return out
    out = {"athlete": Device("athlete", "athlete", ("athlete", "1")),
           "pacecar": Device("pacecar", "pace_car"),
           "drinks": Device("drinks", "drinks_bike")}
    if crew is not None:
        for p in crew.pacers:
            out[p.name] = Device(p.name, "pacer", (p.name,))
    return out


def read_live_plan(plan_dir: str | Path) -> LivePlan:
    """Read a plan directory written by ``paceline plan``.

    Raises
    ------
    InputFileError
        A required file (plan.json, schedule.gpx) is missing or malformed.
    """
    d = Path(plan_dir)
    if not d.is_dir():
        raise InputFileError("plan directory not found", where=str(d),
                             fix="write one with `paceline plan SCENARIO -o DIR`")
    pj = _read_json(d / "plan.json")
    try:
        distance_m = float(pj["splits"]["km"][-1]["distance_m"])
        target_s = float(pj.get("target_time_s") or pj["finish_time_s"])
        km = [(0.0, 0.0)] + [(float(s["distance_m"]), float(s["elapsed_s"]))
                             for s in pj["splits"]["km"]]
        drinks = tuple({"number": int(h["number"]), "distance_m": float(h["distance_m"]),
                        "elapsed_s": float(h["elapsed_s"]),
                        "volume_ml": float(h.get("volume_ml") or 0.0)}
                       for h in (pj.get("drinks") or {}).get("handoffs", []))
        unc = pj.get("uncertainty") or {}
        band = ((float(unc["p10_s"]), float(unc["p50_s"]), float(unc["p90_s"]))
                if {"p10_s", "p50_s", "p90_s"} <= set(unc) else None)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise InputFileError(f"plan.json lacks {exc!r}", where=str(d / "plan.json"),
                             fix="write the plan again with `paceline plan`") from None
    gpx_path = d / "schedule.gpx"
    try:
        gpx = gpxpy.parse(gpx_path.read_text(encoding="utf-8"))
        pts = [p for t in gpx.tracks for s in t.segments for p in s.points]
    except FileNotFoundError:
        raise InputFileError("missing from the plan directory", where=str(gpx_path),
                             fix="write the plan with `paceline plan SCENARIO -o DIR`") from None
    except Exception as exc:  # gpxpy raises several types for malformed XML
        raise InputFileError(f"not a readable GPX: {exc}", where=str(gpx_path)) from None
    if len(pts) < 2 or pts[0].time is None:
        raise InputFileError("the schedule needs ≥ 2 timed track points", where=str(gpx_path))
    start = pts[0].time
    if start.tzinfo is None:
        start = start.replace(tzinfo=dt.UTC)
    course = CourseLine(np.array([p.latitude for p in pts]),
                        np.array([p.longitude for p in pts]), distance_m)
    crew = raw = None
    if (d / "crew_plan.json").is_file():
        raw = _read_json(d / "crew_plan.json")
        crew = plan_from_dict(raw, where=str(d / "crew_plan.json"))
    devices = _read_devices(d / "devices.csv", crew)
    chips = {}
    for dev in devices.values():
        chips[dev.name] = dev.name
        for c in dev.chips:
            chips[c] = dev.name
    mats = {"START": 0.0, "FINISH": distance_m, "HALF": distance_m / 2}
    if (d / "mats.csv").is_file():
        with (d / "mats.csv").open(newline="", encoding="utf-8") as fh:
            for i, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    mats[row["location"].strip().upper()] = float(row["distance_m"])
                except (KeyError, TypeError, ValueError, AttributeError):
                    raise InputFileError(f"line {i}: need location,distance_m",
                                         where=str(d / "mats.csv"), value=row) from None
    dist, el = np.array(km).T
    return LivePlan(path=d, name=str(pj.get("scenario", d.name)), distance_m=distance_m,
                    target_time_s=target_s, start_s=start.timestamp(), course=course,
                    schedule_distance_m=dist, schedule_elapsed_s=el, drinks=drinks,
                    p10_p50_p90_s=band, crew=crew, crew_raw=raw, devices=devices, chips=chips,
                    mats=mats, plan_json=pj)
