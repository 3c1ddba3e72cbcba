"""Course presets: designed geometry kept as data in ``paceline/data/courses/<name>.toml``.

Each file describes a course as legs (straights and circular arcs) with their elevation changes,
and documents its sources and every approximation. The format (see docs/courses.md)::

    name = "track-400"               # must match the file name
    title = "..."                    # one line
    loop = true                      # a closed loop that can be repeated
    start_heading_deg = 0.0          # compass heading at the start [deg]
    start_elevation_m = 0.0          # [m above sea level]
    length_m = 400.0                 # optional certified length; the legs are scaled to it
    laps = 1                         # times `lap` is run (loop courses: 1)
    sources = ["..."]
    approximations = ["..."]
    notes = ["..."]                  # optional: what the model leaves out (banking, ...)
    lead_in = [ {...}, ... ]         # optional legs before the laps
    lap = [ {...}, ... ]             # the legs of one lap
    lead_out = [ {...}, ... ]        # optional legs after the laps

A leg is ``{ straight_m = 84.39 }`` or ``{ arc_radius_m = 36.8, turn_deg = 180.0 }`` (+ = left),
with optional ``rise_m`` (elevation gained over the leg, linear), ``label`` and ``note``.
Lap marks fall at the end of each lap, and at the finish when a lead-out follows the laps.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import replace
from functools import cache
from importlib import resources
from typing import Any

from paceline.course.core import Course, Leg
from paceline.errors import CourseError

__all__ = ["preset", "preset_names", "preset_info"]

_REQUIRED = {"name", "title", "loop", "start_heading_deg", "start_elevation_m", "sources",
             "approximations", "lap"}
_OPTIONAL = {"length_m", "laps", "notes", "lead_in", "lead_out", "start_lat_deg", "start_lon_deg"}
_LEG_KEYS = {"straight_m", "arc_radius_m", "turn_deg", "rise_m", "label", "note"}


def _data_dir():
    return resources.files("paceline").joinpath("data", "courses")


def preset_names() -> list[str]:
    """Names of the bundled course presets, sorted."""
    return sorted(p.name[: -len(".toml")] for p in _data_dir().iterdir()
                  if p.name.endswith(".toml"))


def preset_info(name: str) -> dict[str, Any]:
    """The preset's data file as a dict (title, sources, approximations, notes, legs).

    Raises
    ------
    CourseError
        Unknown name; the message lists the valid ones.
    """
    return copy.deepcopy(_load(name))


def preset(name: str) -> Course:
    """The course preset ``name`` (one of :func:`preset_names`).

    Parameters
    ----------
    name : str
        e.g. ``"track-400"``, ``"vienna-2019"``.

    Returns
    -------
    Course
        Immutable; the same object is returned for repeated calls.

    Raises
    ------
    CourseError
        Unknown name (the message lists the valid names) or a malformed data file.

    Examples
    --------
    >>> preset("track-400").length_m
    400.0
    """
    return _build(name)


@cache
def _load(name: str) -> dict[str, Any]:
    names = preset_names()
    if name not in names:
        raise CourseError("unknown course preset", where="course.preset", value=name,
                          valid=", ".join(names),
                          fix="use one of the names listed, or give a GPX file as course.gpx")
    path = _data_dir().joinpath(f"{name}.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:  # a packaging error, not a user error
        raise CourseError(f"preset data file is not valid TOML: {exc}",
                          where=f"paceline/data/courses/{name}.toml") from None
    where = f"paceline/data/courses/{name}.toml"
    missing = _REQUIRED - data.keys()
    unknown = data.keys() - _REQUIRED - _OPTIONAL
    if missing or unknown:
        raise CourseError(f"preset file has missing keys {sorted(missing)} or unknown keys "
                          f"{sorted(unknown)}", where=where,
                          valid=", ".join(sorted(_REQUIRED | _OPTIONAL)))
    if data["name"] != name:
        raise CourseError("the name inside the file differs from the file name", where=where,
                          value=data["name"])
    return data


def _leg(spec: dict[str, Any], where: str) -> Leg:
    unknown = spec.keys() - _LEG_KEYS
    if unknown:
        raise CourseError(f"unknown leg keys {sorted(unknown)}", where=where,
                          valid=", ".join(sorted(_LEG_KEYS)))
    label = str(spec.get("label", ""))
    rise = float(spec.get("rise_m", 0.0))
    if "straight_m" in spec and "arc_radius_m" not in spec and "turn_deg" not in spec:
        return Leg.straight(float(spec["straight_m"]), rise_m=rise, label=label)
    if "arc_radius_m" in spec and "turn_deg" in spec and "straight_m" not in spec:
        return Leg.arc(float(spec["arc_radius_m"]), float(spec["turn_deg"]), rise_m=rise,
                       label=label)
    raise CourseError("a leg is either {straight_m} or {arc_radius_m, turn_deg}", where=where,
                      value=spec)


def _legs(data: dict[str, Any], key: str, where: str) -> list[Leg]:
    return [_leg(s, f"{where}: {key}[{i}]") for i, s in enumerate(data.get(key, []))]


@cache
def _build(name: str) -> Course:
    data = _load(name)
    where = f"paceline/data/courses/{name}.toml"
    lead_in = _legs(data, "lead_in", where)
    lap = _legs(data, "lap", where)
    lead_out = _legs(data, "lead_out", where)
    laps = int(data.get("laps", 1))
    loop = bool(data["loop"])
    if laps < 1 or (loop and (laps != 1 or lead_in or lead_out)):
        raise CourseError("a loop preset is one lap with no lead-in or lead-out; laps ≥ 1",
                          where=where, value=laps)
    if not lap:
        raise CourseError("the lap has no legs", where=where)
    if loop or laps > 1:
        lap[-1] = replace(lap[-1], lap_end=True)
    legs = lead_in + lap * laps + lead_out
    return Course.from_legs(
        legs,
        name=name,
        source=f"preset {name} (paceline/data/courses/{name}.toml)",
        start_heading_deg=float(data["start_heading_deg"]),
        start_elevation_m=float(data["start_elevation_m"]),
        loop=loop,
        length_m=data.get("length_m"),
        finish_mark=bool(lead_out) and laps > 1,
    )
