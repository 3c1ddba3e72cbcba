"""Pacing lights: on-times of lights round a track for a target schedule.

Lights stand at ``spacing_m`` along lane 1 from the start/finish line (position 0 is the
finish line, increasing in the running direction). A light turns on when the virtual runner of
the target schedule passes it; each light has one on-time per pass. Races whose distance is not
a whole number of laps start the fraction of a lap *before* the finish line (a mile on a 400 m
track starts 9.344 m back), so the first crossing of the line comes after that partial lap; lap
splits are taken at each later crossing, and a first partial stretch shorter than half a lap is
joined to the first lap (the mile's first "lap" is 409.344 m), as timekeepers do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from paceline.errors import ImpossibleScenarioError, ScenarioError

__all__ = ["LightsProgram", "lights_program", "lap_marks_m"]


def lap_marks_m(distance_m: float, lap_m: float) -> np.ndarray:
    """Race distances at which lap splits are taken (crossings of the finish line)."""
    first = math.fmod(distance_m, lap_m)
    if first < 1e-9:
        first = lap_m
    elif first < 0.5 * lap_m and distance_m > lap_m:
        first += lap_m
    marks = np.arange(first, distance_m + 1e-6, lap_m)
    marks[-1] = distance_m
    return marks


@dataclass(frozen=True)
class LightsProgram:
    track_m: float
    distance_m: float
    spacing_m: float
    lap_distance_m: np.ndarray  # (lap,) cumulative race distance at each lap split [m]
    lap_elapsed_s: np.ndarray  # (lap,) [s]
    light_position_m: np.ndarray  # (light,) from the finish line along lane 1 [m]
    on_s: tuple[np.ndarray, ...]  # per light, the times it turns on [s]
    start_position_m: float  # where the race starts, measured like the lights [m]
    node_distance_m: np.ndarray  # the schedule the lights follow [m]
    node_elapsed_s: np.ndarray  # [s]

    def elapsed_at(self, race_distance_m):
        return np.interp(race_distance_m, self.node_distance_m, self.node_elapsed_s)


def lights_program(*, track_m: float, distance_m: float, target_s: float | None = None,
                   laps_s: list[float] | None = None, negative_split_frac: float = 0.0,
                   spacing_m: float = 1.0) -> LightsProgram:
    """Light on-times for an even pace, a negative split, or a list of lap times.

    Parameters
    ----------
    track_m : float
        Lap length on lane 1 [m]: 400 or 200.
    distance_m : float
        Race distance [m].
    target_s : float, optional
        Finish time [s] (even pace, or with ``negative_split_frac``).
    laps_s : list of float, optional
        Time of each lap split [s] (one per lap mark: a mile on 400 m has 4).
    negative_split_frac : float
        Second half this fraction faster than the first (pace varies linearly in distance).
    spacing_m : float
        Distance between lights [m] (Wavelight: ≈ 1 m).
    """
    if track_m not in (200.0, 400.0):
        raise ScenarioError("unknown track", where="--track", value=track_m, valid="400, 200")
    if spacing_m <= 0 or track_m % spacing_m > 1e-9 and spacing_m > track_m:
        raise ScenarioError("light spacing must be positive and below a lap",
                            where="--spacing", value=spacing_m)
    marks = lap_marks_m(distance_m, track_m)
    if laps_s is not None and target_s is not None and abs(sum(laps_s) - target_s) > 0.005:
        raise ScenarioError(
            f"the lap times add up to {sum(laps_s):.2f} s, not the target {target_s:.2f} s",
            where="--laps", fix="give laps that add up to the target, or leave one out")
    if laps_s is not None:
        laps = np.asarray(laps_s, float)
        if laps.size != marks.size:
            raise ScenarioError(
                f"{distance_m:g} m on a {track_m:g} m track has {marks.size} lap splits",
                where="--laps", value=",".join(f"{x:g}" for x in laps),
                fix=f"give {marks.size} lap times (the first lap is {marks[0]:g} m)")
        if np.any(laps <= 0):
            raise ScenarioError("lap times must be positive", where="--laps")
        lap_t = np.cumsum(laps)
        # even pace within each lap
        node_d = np.concatenate([[0.0], marks])
        node_t = np.concatenate([[0.0], lap_t])
    else:
        if target_s is None:
            raise ScenarioError("give a target time or a lap list", where="--target",
                                fix="e.g. --target 3:59.0 or --laps 60,60,60,59")
        node_d = np.linspace(0.0, distance_m, 4001)
        # pace (s/m) linear in distance, mean = target/distance, second half faster by frac
        mean = target_s / distance_m
        f = negative_split_frac
        if not 0 <= f < 0.5:
            raise ScenarioError("negative split must be a fraction in 0–0.5",
                                where="--negative-split", value=f)
        # pace(x) = a + b·x; halves' times ratio: (T2)/(T1) = 1/(1+f)
        # T1 = a·D/2 + b·D²/8, T2 = a·D/2 + 3b·D²/8; solve with T1 + T2 = target
        d = distance_m
        t1 = target_s * (1 + f) / (2 + f)
        t2 = target_s - t1
        b = (t2 - t1) / (d * d / 4)
        a = mean - b * d / 2
        node_t = a * node_d + 0.5 * b * node_d**2
        if np.any(np.diff(node_t) <= 0):
            raise ImpossibleScenarioError("the pacing gives a non-positive pace",
                                          where="--negative-split")
        lap_t = np.interp(marks, node_d, node_t)
    start_pos = (track_m - math.fmod(distance_m, track_m)) % track_m
    positions = np.arange(0.0, track_m - 1e-9, spacing_m)
    on = []
    for p in positions:
        # race distances at which the runner passes position p
        first = (p - start_pos) % track_m
        passes = np.arange(first, distance_m + 1e-9, track_m)
        on.append(np.interp(passes, node_d, node_t))
    return LightsProgram(track_m=track_m, distance_m=distance_m, spacing_m=spacing_m,
                         lap_distance_m=marks, lap_elapsed_s=lap_t,
                         light_position_m=positions, on_s=tuple(on),
                         start_position_m=start_pos, node_distance_m=node_d,
                         node_elapsed_s=node_t)
