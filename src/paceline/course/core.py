"""The course model: distance, elevation, heading and curvature along a race route.

A :class:`Course` is a chain of ``n`` segments between ``n + 1`` nodes. Node arrays
(``node_distance_m``, ``elevation_m``) have shape ``(n + 1,)``; segment arrays (``heading_deg``,
``curvature_1_m``, and the derived ``grade_frac`` and ``segment_length_m``) have shape ``(n,)``.
Everything is SI: metres, compass degrees (0 = north, 90 = east), 1/m.

Courses are built three ways:

* :meth:`Course.from_legs` — from a list of straight and circular-arc :class:`Leg` objects (the
  presets in ``paceline/data/courses/*.toml`` are written this way);
* :meth:`Course.from_points` — from latitude/longitude/elevation samples (a GPX track);
* :meth:`Course.for_distance` and :meth:`Course.resample` — from another course, to fit a race
  distance and to cut it into equal segments.

See docs/courses.md for the geometry, the smoothing and each preset's approximations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from paceline.course.geodesy import (
    geodesic_distance_m,
    initial_bearing_deg,
    local_east_north_m,
)
from paceline.errors import CourseError
from paceline.units import format_length

__all__ = [
    "Course",
    "Leg",
    "EARTH_RADIUS_M",
    "GRID_M",
    "ELEVATION_SIGMA_M",
    "POSITION_SIGMA_M",
    "CURVATURE_SIGMA_M",
    "LOOP_CLOSE_M",
    "FIT_TOLERANCE_FRAC",
    "geodesic_distance_m",
    "initial_bearing_deg",
]

#: Mean Earth radius R1 of the IUGG / WGS 84 ellipsoid [m] (for rough conversions only; distances
#: and bearings are WGS 84 geodesics, :mod:`paceline.course.geodesy`).
EARTH_RADIUS_M = 6_371_008.8

#: Spacing of the uniform grid GPS points are resampled to [m] (segments are ≤ this long).
GRID_M = 10.0

#: Standard deviation of the Gaussian that smooths GPS elevation along the course [m]
#: (full width at half maximum 2.355 σ ≈ 71 m): removes metre-scale GPS/barometer noise that would
#: otherwise become fake grades of several percent over 10 m segments.
ELEVATION_SIGMA_M = 30.0

#: Standard deviation of the Gaussian that smooths GPS positions (east, north) before headings are
#: taken [m]; a few metres of GPS jitter would otherwise swing a 10 m segment's heading by ~20°.
POSITION_SIGMA_M = 10.0

#: Standard deviation of the Gaussian that smooths the signed curvature [m]; left/right jitter
#: cancels before the magnitude is taken, while the total angle of a real turn is preserved.
CURVATURE_SIGMA_M = 10.0

#: Points closer than this [m] at both ends make a track a closed loop (``loop=None``).
LOOP_CLOSE_M = 30.0

#: A point-to-point course is scaled to a race distance at most this far off (fraction).
FIT_TOLERANCE_FRAC = 0.02

# Straights in legs are cut into pieces ≤ _LEG_STRAIGHT_M; arcs into pieces ≤ _LEG_ARC_M long
# and ≤ _LEG_ARC_DEG of turn, so resample() recovers chord headings accurately.
_LEG_STRAIGHT_M = 10.0
_LEG_ARC_M = 2.0
_LEG_ARC_DEG = 5.0


# --------------------------------------------------------------------------------------------
# geodesy (WGS 84, pyproj): see paceline.course.geodesy
# --------------------------------------------------------------------------------------------
def _local_east_north_m(lat_deg: np.ndarray, lon_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """East/north metres about the first point (azimuthal equidistant on WGS 84).

    Used to resample and smooth positions and take headings; over a 40 km wide course the
    direction error is < 0.001°.
    """
    return local_east_north_m(lat_deg, lon_deg, float(lat_deg[0]), float(lon_deg[0]))


def _wrap180(angle_deg: np.ndarray) -> np.ndarray:
    """Angle wrapped to [−180, 180) [degrees]."""
    return (np.asarray(angle_deg) + 180.0) % 360.0 - 180.0


def gaussian_filter1d(values, sigma, mode):
    """scipy.ndimage.gaussian_filter1d, imported on first use (it costs ~0.2 s to import and
    preset courses never need it)."""
    from scipy.ndimage import gaussian_filter1d as _gf

    return _gf(values, sigma, mode=mode)


def _smooth(values: np.ndarray, sigma_samples: float, *, loop: bool, odd: bool) -> np.ndarray:
    """Gaussian smoothing along a uniform grid of nodes.

    Closed loops wrap around (the last node is the first). Open courses are padded at each end
    by odd reflection (``odd=True``: keeps the end slope, so a straight line stays straight; used
    for positions) or by even reflection (``odd=False``: the end value becomes a local average
    rather than the noisy end sample; used for elevation, whose end grade tends to 0).
    """
    if sigma_samples <= 0 or values.size < 3:
        return values.copy()
    if loop:
        inner = gaussian_filter1d(values[:-1], sigma_samples, mode="wrap")
        return np.append(inner, inner[0])
    if not odd:
        return gaussian_filter1d(values, sigma_samples, mode="reflect")
    pad = min(int(math.ceil(4 * sigma_samples)) + 1, values.size - 1)
    padded = np.pad(values, pad, mode="reflect", reflect_type="odd")
    return gaussian_filter1d(padded, sigma_samples, mode="nearest")[pad:-pad]


# --------------------------------------------------------------------------------------------
# legs
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Leg:
    """One piece of a designed course: a straight, or a circular arc.

    Attributes
    ----------
    length_m : float
        Length along the measuring line [m]; for an arc ``radius_m · |turn| (rad)``.
    radius_m : float
        Radius of the arc's measuring line [m]; ``inf`` for a straight.
    turn_deg : float
        Signed change of heading over the leg [degrees]; + = left (anticlockwise seen from
        above), so the compass heading *decreases* by ``turn_deg``. 0 for a straight.
    rise_m : float
        Elevation gained over the leg [m] (negative = descent), spread linearly.
    label : str
        Where this is (for documentation and plots).
    lap_end : bool
        A lap ends at the end of this leg.
    """

    length_m: float
    radius_m: float = math.inf
    turn_deg: float = 0.0
    rise_m: float = 0.0
    label: str = ""
    lap_end: bool = False

    @classmethod
    def straight(cls, length_m: float, *, rise_m: float = 0.0, label: str = "") -> Leg:
        """A straight of ``length_m`` [m] gaining ``rise_m`` [m]."""
        if not (math.isfinite(length_m) and length_m > 0):
            raise CourseError("a straight needs a positive finite length", where=label or "leg",
                              value=length_m, fix="give straight_m > 0 in metres")
        return cls(float(length_m), math.inf, 0.0, float(rise_m), label)

    @classmethod
    def arc(cls, radius_m: float, turn_deg: float, *, rise_m: float = 0.0,
            label: str = "") -> Leg:
        """A circular arc of ``radius_m`` [m] turning ``turn_deg`` [degrees, + = left]."""
        if not (math.isfinite(radius_m) and radius_m > 0):
            raise CourseError("an arc needs a positive finite radius", where=label or "leg",
                              value=radius_m, fix="give arc_radius_m > 0 in metres")
        if not (math.isfinite(turn_deg) and 0 < abs(turn_deg) <= 360):
            raise CourseError("an arc needs a turn between 0 and ±360 degrees",
                              where=label or "leg", value=turn_deg,
                              fix="give turn_deg, + for a left turn, − for a right turn")
        length = radius_m * math.radians(abs(turn_deg))
        return cls(length, float(radius_m), float(turn_deg), float(rise_m), label)

    @property
    def is_arc(self) -> bool:
        return math.isfinite(self.radius_m)


# --------------------------------------------------------------------------------------------
# the course
# --------------------------------------------------------------------------------------------
def _readonly(a) -> np.ndarray:
    arr = np.array(a, dtype=float)  # a copy: the course owns its arrays
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class Course:
    """A race course as a chain of segments (axis: segment; nodes have one more entry).

    Attributes
    ----------
    name : str
        Short name (preset name or file stem).
    node_distance_m : ndarray, shape (n + 1,)
        Cumulative distance at the segment boundaries [m]; starts at 0, strictly increasing.
    elevation_m : ndarray, shape (n + 1,)
        (Smoothed) elevation at the nodes [m above sea level].
    heading_deg : ndarray, shape (n,)
        Direction of travel of each segment [compass degrees, 0 = north, 90 = east], in [0, 360).
    curvature_1_m : ndarray, shape (n,)
        Unsigned curvature 1/radius of each segment [1/m]; 0 on straights.
    lap_marks_m : tuple of float
        Cumulative distances where each lap ends [m] (empty if the course has no laps).
    loop : bool
        True if the geometry is a closed loop that can be repeated (tracks, circuits).
    source : str
        Where the geometry came from, one line.
    notes : tuple of str
        What the file reader changed or dropped (e.g. an impossible point named by index and
        coordinates), for the interfaces to show; empty for presets and clean files.

    Notes
    -----
    Instances are immutable: the arrays are read-only copies. Equality is identity.
    """

    name: str
    node_distance_m: np.ndarray
    elevation_m: np.ndarray
    heading_deg: np.ndarray
    curvature_1_m: np.ndarray
    lap_marks_m: tuple[float, ...] = ()
    loop: bool = False
    source: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        nodes = _readonly(self.node_distance_m)
        elev = _readonly(self.elevation_m)
        heading = np.asarray(self.heading_deg, dtype=float) % 360.0
        heading.setflags(write=False)
        curv = _readonly(self.curvature_1_m)
        where = f"course {self.name!r}"
        if nodes.ndim != 1 or nodes.size < 2:
            raise CourseError("a course needs at least one segment (two nodes)", where=where,
                              fix="give at least two distinct points")
        n = nodes.size - 1
        for label, arr, size in (("elevation_m", elev, n + 1), ("heading_deg", heading, n),
                                 ("curvature_1_m", curv, n)):
            if arr.shape != (size,):
                raise CourseError(f"{label} has shape {arr.shape}, expected ({size},)",
                                  where=where, fix="give one value per node/segment")
        for label, arr in (("node_distance_m", nodes), ("elevation_m", elev),
                           ("heading_deg", heading), ("curvature_1_m", curv)):
            if not np.all(np.isfinite(arr)):
                raise CourseError(f"{label} has non-finite values", where=where,
                                  fix="remove NaN/inf values before building the course")
        if nodes[0] != 0.0 or not np.all(np.diff(nodes) > 0):
            raise CourseError("node_distance_m must start at 0 and strictly increase",
                              where=where, fix="drop repeated points")
        if np.any(curv < 0):
            raise CourseError("curvature_1_m must be ≥ 0 (it is unsigned)", where=where,
                              fix="pass the magnitude 1/radius")
        object.__setattr__(self, "node_distance_m", nodes)
        object.__setattr__(self, "elevation_m", elev)
        object.__setattr__(self, "heading_deg", heading)
        object.__setattr__(self, "curvature_1_m", curv)
        object.__setattr__(self, "lap_marks_m", tuple(float(m) for m in self.lap_marks_m))
        object.__setattr__(self, "loop", bool(self.loop))
        object.__setattr__(self, "notes", tuple(str(n) for n in self.notes))

    # ---- derived quantities -----------------------------------------------------------------
    @property
    def length_m(self) -> float:
        """Total length [m]."""
        return float(self.node_distance_m[-1])

    @property
    def n_segments(self) -> int:
        """Number of segments n."""
        return int(self.heading_deg.size)

    @property
    def segment_length_m(self) -> np.ndarray:
        """Length of each segment [m], shape (n,)."""
        return np.diff(self.node_distance_m)

    @property
    def grade_frac(self) -> np.ndarray:
        """Grade of each segment, rise/run from the (smoothed) node elevations [-], shape (n,)."""
        return np.diff(self.elevation_m) / np.diff(self.node_distance_m)

    @property
    def base_altitude_m(self) -> float:
        """Distance-weighted mean elevation [m] (trapezoid rule over the nodes)."""
        mid = 0.5 * (self.elevation_m[:-1] + self.elevation_m[1:])
        return float(np.sum(mid * self.segment_length_m) / self.length_m)

    @property
    def climb_m(self) -> float:
        """Total ascent: sum of the positive elevation changes between nodes [m]."""
        return float(np.sum(np.clip(np.diff(self.elevation_m), 0.0, None)))

    @property
    def descent_m(self) -> float:
        """Total descent: sum of the negative elevation changes, as a positive number [m]."""
        return float(np.sum(np.clip(-np.diff(self.elevation_m), 0.0, None)))

    def position_m(self) -> tuple[np.ndarray, np.ndarray]:
        """Node positions (east, north) [m] relative to the start, by integrating the headings.

        Each segment is laid along its heading with its own length (for arc pieces that is the
        arc length, so a closed track misses closure by ~1e-4 of its bend length).
        """
        h = np.radians(self.heading_deg)
        ds = self.segment_length_m
        east = np.concatenate([[0.0], np.cumsum(ds * np.sin(h))])
        north = np.concatenate([[0.0], np.cumsum(ds * np.cos(h))])
        return east, north

    def __repr__(self) -> str:
        return (f"Course(name={self.name!r}, length_m={self.length_m:.1f}, "
                f"n_segments={self.n_segments}, laps={len(self.lap_marks_m)}, loop={self.loop})")

    # ---- resampling, slicing, joining --------------------------------------------------------
    def resample(self, max_segment_m: float = 10.0) -> Course:
        """The same course cut into equal segments no longer than ``max_segment_m``.

        Parameters
        ----------
        max_segment_m : float
            Longest segment allowed [m], > 0.

        Returns
        -------
        Course
            Same length, lap marks, name and source; ``ceil(length / max_segment_m)`` segments.

        Notes
        -----
        Elevation is interpolated linearly at the new nodes. A new segment's heading is the
        direction of the integral of the unit tangent over it (its chord on the old polyline);
        its curvature is the length-weighted mean of the old curvature over it, so the total
        turning ∫κ ds is kept exactly.
        """
        if not (math.isfinite(max_segment_m) and max_segment_m > 0):
            raise CourseError("max_segment_m must be a positive number of metres",
                              where=f"course {self.name!r}.resample", value=max_segment_m)
        length = self.length_m
        n = max(1, math.ceil(length / max_segment_m - 1e-9))
        new_nodes = np.linspace(0.0, length, n + 1)
        old = self.node_distance_m
        ds = self.segment_length_m
        h = np.radians(self.heading_deg)

        def integral_at(per_segment: np.ndarray) -> np.ndarray:
            cum = np.concatenate([[0.0], np.cumsum(per_segment * ds)])
            return np.diff(np.interp(new_nodes, old, cum))

        sx, sy = integral_at(np.sin(h)), integral_at(np.cos(h))
        new_len = np.diff(new_nodes)
        heading = np.degrees(np.arctan2(sx, sy))
        # a segment holding a full U-turn has no net direction: use the heading at its middle
        degenerate = np.hypot(sx, sy) < 1e-6 * new_len
        if np.any(degenerate):
            mid = 0.5 * (new_nodes[:-1] + new_nodes[1:])
            idx = np.clip(np.searchsorted(old, mid, side="right") - 1, 0, self.n_segments - 1)
            heading = np.where(degenerate, self.heading_deg[idx], heading)
        curvature = integral_at(self.curvature_1_m) / new_len
        return Course(
            name=self.name,
            node_distance_m=new_nodes,
            elevation_m=np.interp(new_nodes, old, self.elevation_m),
            heading_deg=heading,
            curvature_1_m=np.clip(curvature, 0.0, None),
            lap_marks_m=self.lap_marks_m,
            loop=self.loop,
            source=self.source,
        )

    def _slice(self, start_m: float, end_m: float) -> Course:
        """The part of the course between two distances, re-based to start at 0."""
        old = self.node_distance_m
        inner = old[(old > start_m + 1e-9) & (old < end_m - 1e-9)]
        nodes = np.concatenate([[start_m], inner, [end_m]])
        mid = 0.5 * (nodes[:-1] + nodes[1:])
        idx = np.clip(np.searchsorted(old, mid, side="right") - 1, 0, self.n_segments - 1)
        return Course(
            name=self.name,
            node_distance_m=nodes - start_m,
            elevation_m=np.interp(nodes, old, self.elevation_m),
            heading_deg=self.heading_deg[idx],
            curvature_1_m=self.curvature_1_m[idx],
            loop=False,
            source=self.source,
        )

    @staticmethod
    def _join(parts: Sequence[Course], *, name: str, source: str, loop: bool,
              lap_marks_m: Sequence[float]) -> Course:
        """Concatenate courses end to end (each part's first node is dropped after the first)."""
        nodes = [parts[0].node_distance_m]
        elev = [parts[0].elevation_m]
        offset = parts[0].length_m
        for p in parts[1:]:
            nodes.append(p.node_distance_m[1:] + offset)
            elev.append(p.elevation_m[1:])
            offset += p.length_m
        return Course(
            name=name,
            node_distance_m=np.concatenate(nodes),
            elevation_m=np.concatenate(elev),
            heading_deg=np.concatenate([p.heading_deg for p in parts]),
            curvature_1_m=np.concatenate([p.curvature_1_m for p in parts]),
            lap_marks_m=tuple(lap_marks_m),
            loop=loop,
            source=source,
        )

    def _scaled(self, factor: float) -> Course:
        """Distances × factor; curvature ÷ factor so each turn keeps its angle."""
        return Course(
            name=self.name,
            node_distance_m=self.node_distance_m * factor,
            elevation_m=self.elevation_m,
            heading_deg=self.heading_deg,
            curvature_1_m=self.curvature_1_m / factor,
            lap_marks_m=tuple(m * factor for m in self.lap_marks_m),
            loop=self.loop,
            source=self.source,
        )

    def _is_uniform(self) -> bool:
        """Straight, flat and of one heading: the same everywhere, so any length will do."""
        h = self.heading_deg
        return bool(np.all(self.curvature_1_m == 0.0)
                    and np.ptp(self.elevation_m) == 0.0
                    and np.all(np.abs(_wrap180(h - h[0])) < 1e-9))

    def _lap_length_m(self) -> float:
        """Length of one lap of a loop course: the last lap (the race ends on the line)."""
        marks = self.lap_marks_m
        if len(marks) >= 2:
            return marks[-1] - marks[-2]
        return self.length_m

    # ---- fitting a race distance ---------------------------------------------------------------
    def for_distance(self, distance_m: float) -> Course:
        """The course as run for a race of ``distance_m``.

        Parameters
        ----------
        distance_m : float
            Race distance [m], > 0.

        Returns
        -------
        Course
            A course exactly ``distance_m`` long.

        Raises
        ------
        CourseError
            If a point-to-point course differs from the race distance by more than
            :data:`FIT_TOLERANCE_FRAC` (2 %).

        Notes
        -----
        * **Loop courses** are repeated as many (fractional) laps as needed, with the race
          *finishing* on the lap's start/finish line: a mile (1609.344 m) on a 400 m track is a
          partial first lap of 9.344 m and four full laps; lap marks fall at every pass of the
          line (9.344, 409.344, …, 1609.344 m). The lap repeated is the course's last lap.
        * **Point-to-point courses** within 2 % of the race distance are scaled to it (distances ×
          race/course, curvature ÷ the same factor so turn angles are kept): a certified course
          is measured on the shortest possible route, which a GPS track or a drawn geometry
          overestimates or underestimates by up to a few percent.
        * A uniform course (straight, flat, one heading, e.g. the ``straight`` preset) is rebuilt
          at any length with segments of at most 10 m.
        """
        where = f"course {self.name!r}"
        if not (math.isfinite(distance_m) and distance_m > 0):
            raise CourseError("the race distance must be a positive number of metres",
                              where=where, value=distance_m, fix="give the distance in metres")
        d = float(distance_m)
        if self.loop:
            lap_len = self._lap_length_m()
            lap = self._slice(self.length_m - lap_len, self.length_m)
            n_full = int(math.floor(d / lap_len + 1e-9))
            partial = d - n_full * lap_len
            if partial < 1e-6:
                partial = 0.0
            parts = ([lap._slice(lap_len - partial, lap_len)] if partial > 0 else []) \
                + [lap] * n_full
            marks = np.cumsum([p.length_m for p in parts])
            marks[-1] = d
            laps_text = f"{n_full} laps" + (f" + {partial:.3f} m" if partial else "")
            return Course._join(parts, name=self.name,
                                source=f"{self.source}; {laps_text} of {lap_len:.3f} m",
                                loop=True, lap_marks_m=tuple(marks))
        length = self.length_m
        if abs(length - d) <= 1e-9 * d:
            return self
        if self._is_uniform():
            n = max(1, math.ceil(d / _LEG_STRAIGHT_M - 1e-9))
            return Course(name=self.name, node_distance_m=np.linspace(0.0, d, n + 1),
                          elevation_m=np.full(n + 1, self.elevation_m[0]),
                          heading_deg=np.full(n, self.heading_deg[0]),
                          curvature_1_m=np.zeros(n), lap_marks_m=(), loop=False,
                          source=self.source)
        mismatch = abs(length - d) / d
        if mismatch > FIT_TOLERANCE_FRAC:
            raise CourseError(
                f"the course is {format_length(length)} long but the race is "
                f"{format_length(d)} "
                f"({100 * mismatch:.1f} % apart); a point-to-point course is only scaled to the "
                f"race distance when they differ by at most {100 * FIT_TOLERANCE_FRAC:.0f} %",
                where=where,
                fix=(f"use a race distance near {format_length(length)}, a loop course (track-400, "
                     f"monza-2017) or the 'straight' preset, or a GPX of the route actually run"),
            )
        scaled = self._scaled(d / length)
        return Course(name=self.name, node_distance_m=scaled.node_distance_m,
                      elevation_m=scaled.elevation_m, heading_deg=scaled.heading_deg,
                      curvature_1_m=scaled.curvature_1_m, lap_marks_m=scaled.lap_marks_m,
                      loop=False,
                      source=f"{self.source}; scaled ×{d / length:.5f} to {d:.1f} m")

    # ---- constructors -----------------------------------------------------------------------
    @classmethod
    def from_legs(
        cls,
        legs: Sequence[Leg],
        *,
        name: str,
        source: str,
        start_heading_deg: float = 0.0,
        start_elevation_m: float = 0.0,
        loop: bool = False,
        length_m: float | None = None,
        finish_mark: bool = False,
    ) -> Course:
        """Build a course from straights and circular arcs.

        Parameters
        ----------
        legs : sequence of Leg
            In running order.
        name, source : str
            Stored on the course.
        start_heading_deg : float
            Compass heading at the start [degrees].
        start_elevation_m : float
            Elevation at the start [m]; each leg adds its ``rise_m`` linearly.
        loop : bool
            The legs form a closed loop (one lap); a lap mark is put at its end.
        length_m : float, optional
            Certified length [m]: the built course is scaled to it (see Notes). Refused if it is
            more than 0.1 % off the built length (that is a data error, not rounding).
        finish_mark : bool
            Add a lap mark at the end of the course (used when laps are followed by a lead-out).

        Returns
        -------
        Course

        Notes
        -----
        Straights are cut into equal pieces ≤ 10 m; arcs into pieces ≤ 2 m and ≤ 5°, each with
        the chord heading (the heading at the piece's middle) and curvature 1/radius. A left
        turn (+) lowers the compass heading.
        """
        if not legs:
            raise CourseError("a course needs at least one leg", where=f"course {name!r}",
                              fix="add a straight or an arc")
        seg_len, heading, curv, rise, marks = [], [], [], [], []
        h = float(start_heading_deg)
        total = 0.0
        for leg in legs:
            if leg.is_arc:
                n = max(1, math.ceil(max(leg.length_m / _LEG_ARC_M,
                                         abs(leg.turn_deg) / _LEG_ARC_DEG) - 1e-9))
                step = leg.turn_deg / n
                heading.append(h - step * (np.arange(n) + 0.5))
                curv.append(np.full(n, 1.0 / leg.radius_m))
                h -= leg.turn_deg
            else:
                n = max(1, math.ceil(leg.length_m / _LEG_STRAIGHT_M - 1e-9))
                heading.append(np.full(n, h))
                curv.append(np.zeros(n))
            seg_len.append(np.full(n, leg.length_m / n))
            rise.append(np.full(n, leg.rise_m / n))
            total += leg.length_m
            if leg.lap_end:
                marks.append(total)
        ds = np.concatenate(seg_len)
        nodes = np.concatenate([[0.0], np.cumsum(ds)])
        if loop and (not marks or abs(marks[-1] - total) > 1e-9):
            marks.append(total)
        if finish_mark and (not marks or abs(marks[-1] - total) > 1e-9):
            marks.append(total)
        course = cls(
            name=name,
            node_distance_m=nodes,
            elevation_m=start_elevation_m
            + np.concatenate([[0.0], np.cumsum(np.concatenate(rise))]),
            heading_deg=np.concatenate(heading),
            curvature_1_m=np.concatenate(curv),
            lap_marks_m=tuple(marks),
            loop=loop,
            source=source,
        )
        if length_m is not None:
            factor = float(length_m) / course.length_m
            if abs(factor - 1.0) > 1e-3:
                raise CourseError(
                    f"the legs add up to {course.length_m:.3f} m, {100 * abs(factor - 1):.2f} % "
                    f"off the stated length {float(length_m):.3f} m (more than 0.1 %)",
                    where=f"course {name!r}", fix="correct the legs or length_m")
            course = course._scaled(factor)
            # exact end: no rounding residue in the last node or the last lap mark
            nodes = course.node_distance_m.copy()
            nodes[-1] = float(length_m)
            marks = list(course.lap_marks_m)
            if marks and abs(marks[-1] - float(length_m)) < 1e-6:
                marks[-1] = float(length_m)
            course = cls(name=name, node_distance_m=nodes, elevation_m=course.elevation_m,
                         heading_deg=course.heading_deg, curvature_1_m=course.curvature_1_m,
                         lap_marks_m=tuple(marks), loop=loop, source=source)
        return course

    @classmethod
    def from_points(
        cls,
        lat_deg,
        lon_deg,
        elevation_m=None,
        *,
        name: str,
        source: str,
        laps: int = 1,
        loop: bool | None = None,
        grid_m: float = GRID_M,
        elevation_sigma_m: float = ELEVATION_SIGMA_M,
        position_sigma_m: float = POSITION_SIGMA_M,
        curvature_sigma_m: float = CURVATURE_SIGMA_M,
    ) -> Course:
        """Build a course from GPS samples (a GPX track or route).

        Parameters
        ----------
        lat_deg, lon_deg : array_like, shape (m,)
            Latitude and longitude of the points in running order [degrees].
        elevation_m : array_like, shape (m,), optional
            Elevation of each point [m]; NaN where missing. Missing entirely (None or all NaN):
            the course is flat at 0 m and ``source`` says so. Partly missing: interpolated
            along the distance from the points that have one (also noted in ``source``).
        name, source : str
            Stored on the course (notes on the data are appended to ``source``).
        laps : int
            Number of times the track is run, ≥ 1; lap marks fall at each lap's end.
        loop : bool, optional
            Whether the track is a closed loop. None: auto-detect, a loop if the first and last
            points are within :data:`LOOP_CLOSE_M` (30 m) and the track is at least 10 times
            longer than that. A loop is closed with a straight from the last point to the first.
        grid_m : float
            Uniform grid spacing [m] (default 10 m); all segments are ≤ this.
        elevation_sigma_m, position_sigma_m, curvature_sigma_m : float
            Gaussian smoothing widths (standard deviations) along the course [m]; see Notes.

        Returns
        -------
        Course

        Raises
        ------
        CourseError
            Fewer than two distinct points, non-finite or out-of-range coordinates, bad laps.

        Notes
        -----
        1. Consecutive points closer than 1 cm are merged.
        2. Distances are WGS 84 geodesic distances between consecutive raw points (Karney 2013
           through pyproj, :mod:`paceline.course.geodesy`); the course length is their sum, so it
           matches the 2D length a GPS tool reports (GPS noise included).
        3. Points are resampled at equal steps ≤ ``grid_m`` along that distance (positions in an
           azimuthal equidistant east/north projection about the first point, elevation linearly).
        4. Elevation is smoothed with a Gaussian of σ = 30 m (FWHM ≈ 71 m), so GPS noise does not
           become fake grades; grade = Δ(smoothed elevation)/Δdistance.
        5. Positions are smoothed with a Gaussian of σ = 10 m; a segment's heading is the compass
           direction of its smoothed chord.
        6. Signed curvature at each interior node is the change of heading divided by the node
           spacing; it is smoothed with a Gaussian of σ = 10 m (left/right jitter cancels, the
           total angle of a turn is kept); a segment's curvature is the magnitude of the mean of
           its two nodes.
        At open ends positions are padded by odd reflection (straight lines stay straight) and
        elevation by even reflection (the end value is a local average, not the noisy end sample);
        loops wrap around.
        """
        lat = np.asarray(lat_deg, dtype=float).ravel()
        lon = np.asarray(lon_deg, dtype=float).ravel()
        where = f"course {name!r}"
        if lat.shape != lon.shape:
            raise CourseError("latitude and longitude arrays differ in length", where=where,
                              value=(lat.size, lon.size), fix="give one (lat, lon) per point")
        if not (isinstance(laps, int | np.integer) and not isinstance(laps, bool) and laps >= 1):
            raise CourseError("laps must be a whole number ≥ 1", where=where, value=laps,
                              fix="give laps = 1 for a single run of the track")
        if not (np.all(np.isfinite(lat)) and np.all(np.isfinite(lon))
                and np.all(np.abs(lat) <= 90) and np.all(np.abs(lon) <= 360)):
            raise CourseError("coordinates must be finite, latitude within ±90°", where=where,
                              fix="check the point list for missing or swapped coordinates")
        if elevation_m is None:
            elev = np.full(lat.shape, np.nan)
        else:
            elev = np.asarray(elevation_m, dtype=float).ravel()
            if elev.shape != lat.shape:
                raise CourseError("elevation array differs in length from the coordinates",
                                  where=where, value=(elev.size, lat.size),
                                  fix="give one elevation per point (NaN where missing)")
        if lat.size < 2:
            raise CourseError("a course needs at least two points", where=where,
                              value=int(lat.size), fix="give a track with two or more points")

        # 1. merge repeated points
        step = geodesic_distance_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
        keep = np.concatenate([[True], step >= 0.01])
        lat, lon, elev = lat[keep], lon[keep], elev[keep]
        if lat.size < 2:
            raise CourseError("all points are at the same place", where=where,
                              fix="give a track that moves")
        notes: list[str] = [f"{lat.size} points"]

        # elevation gaps
        have = np.isfinite(elev)
        dist = np.concatenate([[0.0], np.cumsum(
            geodesic_distance_m(lat[:-1], lon[:-1], lat[1:], lon[1:]))])
        if not np.any(have):
            elev = np.zeros_like(lat)
            notes.append("no elevation data: flat at 0 m")
        elif not np.all(have):
            notes.append(f"{int(np.sum(~have))} missing elevations interpolated")
            elev = np.interp(dist, dist[have], elev[have])

        # 2. loop detection and closure
        gap = float(geodesic_distance_m(lat[-1], lon[-1], lat[0], lon[0]))
        if loop is None:
            loop = gap <= LOOP_CLOSE_M and dist[-1] >= 10 * LOOP_CLOSE_M
        if loop and gap >= 0.01:
            lat, lon = np.append(lat, lat[0]), np.append(lon, lon[0])
            elev = np.append(elev, elev[0])
            dist = np.append(dist, dist[-1] + gap)
            notes.append(f"loop closed with a {gap:.1f} m straight")
        total = float(dist[-1])
        if total < 1.0:
            raise CourseError("the track is shorter than 1 m", where=where, value=total,
                              fix="give a longer track")

        # 3. uniform grid
        if not (math.isfinite(grid_m) and grid_m > 0):
            raise CourseError("grid_m must be a positive number of metres", where=where,
                              value=grid_m)
        n = max(1, math.ceil(total / grid_m - 1e-9))
        nodes = np.linspace(0.0, total, n + 1)
        spacing = total / n
        east, north = _local_east_north_m(lat, lon)
        x = np.interp(nodes, dist, east)
        y = np.interp(nodes, dist, north)
        z = np.interp(nodes, dist, elev)

        # 4.-6. smoothing
        z = _smooth(z, elevation_sigma_m / spacing, loop=loop, odd=False)
        x = _smooth(x, position_sigma_m / spacing, loop=loop, odd=True)
        y = _smooth(y, position_sigma_m / spacing, loop=loop, odd=True)
        dx, dy = np.diff(x), np.diff(y)
        heading = np.degrees(np.arctan2(dx, dy)) % 360.0
        if loop:
            turn = _wrap180(np.diff(np.append(heading[-1], heading)))  # at nodes 0..n-1
            k_nodes = np.append(turn, turn[0])
        else:
            k_nodes = np.concatenate([[0.0], _wrap180(np.diff(heading)), [0.0]])
        k_nodes = np.radians(k_nodes) / spacing
        if curvature_sigma_m > 0 and n >= 3:
            if loop:
                k_nodes = _smooth(k_nodes, curvature_sigma_m / spacing, loop=True, odd=False)
            else:
                k_nodes = gaussian_filter1d(k_nodes, curvature_sigma_m / spacing, mode="constant")
        curvature = np.abs(0.5 * (k_nodes[:-1] + k_nodes[1:]))

        one = cls(name=name, node_distance_m=nodes, elevation_m=z, heading_deg=heading,
                  curvature_1_m=curvature, lap_marks_m=(total,) if loop else (), loop=loop,
                  source=f"{source} ({'; '.join(notes)})")
        if laps == 1:
            return one
        marks = total * np.arange(1, laps + 1)
        src = one.source
        if not loop:
            src = f"{src}; {laps} laps of an open track (end-to-start gap {gap:.0f} m ignored)"
        return cls._join([one] * laps, name=name, source=src, loop=loop,
                         lap_marks_m=tuple(marks))
