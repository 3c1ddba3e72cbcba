"""Laser layout: the lines the pace car projects for a formation.

Positions are metres relative to the athlete: x forward, y to the left (the formation
convention). The car drives ``offset_m`` ahead of the foremost pacer. Lines are given in metres
from the car's rear: ``behind_m`` straight back along the road, ``lateral_m`` + to the left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from paceline.errors import ScenarioError

__all__ = ["LaserLine", "LaserLayout", "laser_layout"]


@dataclass(frozen=True)
class LaserLine:
    kind: str  # "track" (one per front pacer) or "cross"
    label: str
    lateral_m: float  # offset of the line's centre to the left of the car's centre line
    behind_from_m: float
    behind_to_m: float
    half_width_m: float = 0.0  # cross lines: half their length across the road


@dataclass(frozen=True)
class LaserLayout:
    offset_m: float
    lines: tuple[LaserLine, ...]

    @property
    def track_lines(self) -> list[LaserLine]:
        return [ln for ln in self.lines if ln.kind == "track"]

    @property
    def cross_lines(self) -> list[LaserLine]:
        return [ln for ln in self.lines if ln.kind == "cross"]


def laser_layout(names, x_m, y_m, *, offset_m: float = 7.0, line_length_m: float = 3.0,
                 margin_m: float = 0.5) -> LaserLayout:
    """Lines for a formation: a track line under each pacer ahead of the athlete, and two cross
    lines — where the front row's feet should be and where the athlete should be.

    Parameters
    ----------
    names, x_m, y_m : sequences
        Runners (the athlete included, at x = y = 0 by convention) and positions [m].
    offset_m : float
        Car to front row [m] (ASSUMED 7 m).
    line_length_m : float
        Length of each projected track line [m].
    margin_m : float
        Cross lines extend this far beyond the outermost front pacers [m].
    """
    x = np.asarray(x_m, float)
    y = np.asarray(y_m, float)
    if x.shape != y.shape or len(names) != x.size:
        raise ScenarioError("names and positions differ in length", where="formation")
    if not np.all(np.isfinite(x) & np.isfinite(y)):
        raise ScenarioError("positions must be finite numbers", where="formation",
                            fix="give x_m, y_m in metres for every runner")
    front = x > 0.05
    if not front.any():
        raise ScenarioError("no pacer ahead of the athlete: nothing to project",
                            where="formation", fix="use a formation with pacers in front")
    x_front = float(x[front].max())
    lines = []
    for n, xi, yi in sorted(zip(np.asarray(names)[front], x[front], y[front], strict=True),
                            key=lambda r: -r[2]):
        start = offset_m + (x_front - xi)
        lines.append(LaserLine("track", str(n), float(yi), start, start + line_length_m))
    half = float(np.max(np.abs(y[front]))) + margin_m
    lines.append(LaserLine("cross", "front row", 0.0, offset_m, offset_m, half))
    lines.append(LaserLine("cross", "athlete", 0.0, offset_m + x_front, offset_m + x_front,
                           half))
    return LaserLayout(offset_m=offset_m, lines=tuple(lines))
