"""Evaluate formations: each runner's drag, robustness to position error, geometry checks.

Orchestration only: the physics is :mod:`paceline.models.drafting`. Results are immutable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from paceline.errors import ImpossibleScenarioError, ScenarioError
from paceline.formation.presets import Formation, formation_from_positions, load_preset
from paceline.models import aerodynamics as aero
from paceline.models import drafting as dm
from paceline.scenario import (
    MAX_POSITION_M,
    Drafting,
    overlapping_pair,
)

__all__ = [
    "DEFAULT_SPEED_M_S",
    "FormationResult",
    "evaluate",
    "expected_drag_ratio",
    "drag_ratio_draws",
    "check_formation",
    "formation_for_drafting",
    "athlete_drag_reduction",
]

#: Speed used for the direction of the air when none is given [m/s] (≈ 2:00 marathon pace).
DEFAULT_SPEED_M_S = 5.85


@dataclass(frozen=True)
class FormationResult:
    """Drag of each runner of a formation (axis: runner; the athlete is runner 0)."""

    formation: Formation
    drag_ratio: np.ndarray  # (n_runner,) drag / drag alone in the same air [-]
    speed_m_s: float  # running speed [m/s]
    headwind_m_s: float  # + against the runners [m/s]
    crosswind_m_s: float  # + from the runners' right [m/s]
    position_error_m: float = 0.0  # SD of each coordinate when drag_ratio is an expectation [m]

    @property
    def athlete_drag_ratio(self) -> float:
        return float(self.drag_ratio[0])

    @property
    def athlete_drag_reduction(self) -> float:
        """1 − the athlete's drag ratio [-]."""
        return 1.0 - float(self.drag_ratio[0])

    @property
    def yaw_deg(self) -> float:
        """Angle of the air relative to the running direction [deg] (+ = from the right)."""
        return math.degrees(math.atan2(self.crosswind_m_s, self.speed_m_s + self.headwind_m_s))

    def runners(self) -> list[dict]:
        """One dict per runner: name, x_m, y_m, drag_ratio."""
        f = self.formation
        return [{"name": n, "x_m": float(x), "y_m": float(y), "drag_ratio": float(r)}
                for n, x, y, r in zip(f.runner_names, f.x_m, f.y_m, self.drag_ratio,
                                      strict=True)]


def _wind(speed_m_s, wind_speed_m_s, wind_from_deg, heading_deg):
    head, cross = aero.wind_components_m_s(wind_speed_m_s, wind_from_deg, heading_deg)
    # rounded to 1 nm/s: cos(90°) is 6e-17, not 0 — such noise would set the air's yaw at a
    # tailwind equal to the running speed and show in JSON as -5.5e-16
    return round(float(head), 9) + 0.0, round(float(cross), 9) + 0.0


def evaluate(
    formation: Formation,
    *,
    speed_m_s: float = DEFAULT_SPEED_M_S,
    wind_speed_m_s: float = 0.0,
    wind_from_deg: float = 0.0,
    heading_deg: float = 0.0,
) -> FormationResult:
    """Each runner's drag ratio for a formation running along ``heading_deg`` in a wind.

    Wind is meteorological (``wind_from_deg`` = where it comes from); ``heading_deg`` is the
    compass direction the formation runs (default north).
    """
    head, cross = _wind(speed_m_s, wind_speed_m_s, wind_from_deg, heading_deg)
    ratio = dm.drag_ratio(formation.x_m, formation.y_m, speed_m_s, head, cross)
    return FormationResult(formation, ratio, speed_m_s, head, cross)


def expected_drag_ratio(
    x_m,
    y_m,
    position_error_m: float,
    *,
    n_draws: int = 256,
    rng: np.random.Generator | None = None,
    speed_m_s: float = DEFAULT_SPEED_M_S,
    headwind_m_s: float = 0.0,
    crosswind_m_s: float = 0.0,
    offsets: np.ndarray | None = None,
) -> np.ndarray:
    """Expected drag ratio of each runner when every runner is off by a random position error.

    Parameters
    ----------
    x_m, y_m : array_like
        Positions, shape (..., n_runner) [m].
    position_error_m : float
        Standard deviation of each coordinate of each runner, independent normal [m].
    n_draws : int
        Draws of the errors (common to every formation: common random numbers).
    rng : numpy.random.Generator
        Source of the draws (default: seeded 0, for reproducible comparisons).
    offsets : ndarray, optional
        Pre-drawn standard-normal offsets, shape (n_draws, n_runner, 2) (overrides the draws).

    Returns
    -------
    ndarray
        Mean drag ratio over the draws, shape (..., n_runner) [-]. A draw in which two runners
        overlap counts as drag ratio 1 (the formation broke up).
    """
    x = np.asarray(x_m, float)
    n = x.shape[-1]
    if offsets is None:
        rng = rng if rng is not None else np.random.default_rng(0)
        offsets = rng.standard_normal((n_draws, n, 2))
    r = drag_ratio_draws(x_m, y_m, position_error_m, offsets, speed_m_s=speed_m_s,
                         headwind_m_s=headwind_m_s, crosswind_m_s=crosswind_m_s)
    return np.mean(r, axis=-2)


def drag_ratio_draws(
    x_m,
    y_m,
    position_error_m: float,
    offsets: np.ndarray,
    *,
    speed_m_s: float = DEFAULT_SPEED_M_S,
    headwind_m_s: float = 0.0,
    crosswind_m_s: float = 0.0,
) -> np.ndarray:
    """Each runner's drag ratio in each draw of the position errors.

    Parameters
    ----------
    x_m, y_m : array_like
        Positions, shape (..., n_runner) [m].
    position_error_m : float
        Standard deviation of each coordinate [m].
    offsets : ndarray
        Standard-normal offsets, shape (n_draws, n_runner, 2).

    Returns
    -------
    ndarray
        Shape (..., n_draws, n_runner) [-]; a draw in which two runners overlap gives 1.
    """
    x = np.asarray(x_m, float)
    y = np.asarray(y_m, float)
    xs = x[..., None, :] + position_error_m * offsets[..., 0]
    ys = y[..., None, :] + position_error_m * offsets[..., 1]
    r = dm.drag_ratio(xs, ys, speed_m_s, np.asarray(headwind_m_s)[..., None],
                      np.asarray(crosswind_m_s)[..., None])
    return np.where(np.isnan(r), 1.0, r)


def check_formation(
    formation: Formation,
    *,
    road_width_m: float | None = None,
    where: str = "formation",
) -> None:
    """Refuse a formation the model cannot rate: NaN or far-off positions (|x|, |y| ≤
    :data:`~paceline.scenario.MAX_POSITION_M`), overlapping bodies, pacers off the road.

    The athlete runs in the middle of the road (ASSUMED); a runner's centre must stay
    ``body_width/2`` inside the edge.
    """
    x, y = formation.x_m, formation.y_m
    names = formation.runner_names
    bad = ~(np.isfinite(x) & np.isfinite(y))
    if bad.any():
        k = int(np.argmax(bad))
        raise ScenarioError("positions must be finite numbers of metres", where=where,
                            value=f"{names[k]} at ({x[k]}, {y[k]})",
                            fix="give every runner an x_m and a y_m")
    far = (np.abs(x) > MAX_POSITION_M) | (np.abs(y) > MAX_POSITION_M)
    if far.any():
        k = int(np.argmax(far))
        raise ScenarioError("position outside the range the formation model rates",
                            where=where, value=f"{names[k]} at ({x[k]:g}, {y[k]:g}) m",
                            valid=f"|x| and |y| ≤ {MAX_POSITION_M:g} m from the athlete",
                            fix="bring the runner closer")
    pair = overlapping_pair(x, y)
    if pair is not None:
        i, j = pair
        raise ImpossibleScenarioError(
            f"{names[i]} and {names[j]} overlap", where=where,
            value=f"{abs(x[j] - x[i]):.2f} m apart fore-aft, {abs(y[j] - y[i]):.2f} m side "
                  "to side",
            valid=f"≥ {dm.MIN_DISTANCE_M:g} m fore-aft or ≥ {dm.BODY_WIDTH_M:g} m (a body "
                  "width) side to side",
            fix="move one of them")
    if road_width_m is not None:
        if not (math.isfinite(road_width_m) and road_width_m > dm.BODY_WIDTH_M):
            raise ScenarioError("road width must be a finite width in metres",
                                where="road width", value=road_width_m,
                                valid=f"> {dm.BODY_WIDTH_M} m")
        half = road_width_m / 2 - dm.BODY_WIDTH_M / 2
        off = np.abs(y) > half + 1e-9
        if off.any():
            k = int(np.argmax(off))
            raise ImpossibleScenarioError(
                f"{names[k]} is off the road", where=where, value=f"y = {y[k]:g} m",
                valid=f"|y| ≤ {half:g} m on a {road_width_m:g} m road with the athlete "
                "in the middle", fix="bring the runner in or widen the road")


def formation_for_drafting(drafting: Drafting) -> Formation | None:
    """The formation a scenario's drafting names or gives, or None for a plain fraction."""
    if drafting.formation is not None:
        return load_preset(drafting.formation)
    if drafting.positions is not None:
        return formation_from_positions(drafting.positions)
    return None


def athlete_drag_reduction(
    drafting: Drafting, headwind_m_s, crosswind_m_s, *, speed_m_s: float = DEFAULT_SPEED_M_S
) -> np.ndarray:
    """The athlete's drag reduction behind a scenario's formation, per wind (e.g. per segment).

    Parameters
    ----------
    drafting : Drafting
        Scenario drafting with ``formation`` or ``positions``.
    headwind_m_s, crosswind_m_s : array_like
        Wind components along each segment's heading [m/s], shape (segment,).

    Returns
    -------
    ndarray
        1 − athlete drag ratio, shape (segment,) [-]. Identical winds are evaluated once.
    """
    f = formation_for_drafting(drafting)
    head = np.asarray(headwind_m_s, float)
    cross = np.asarray(crosswind_m_s, float)
    if f is None:
        return np.full(np.broadcast(head, cross).shape, drafting.drag_reduction)
    hc = np.stack(np.broadcast_arrays(head, cross), axis=-1).reshape(-1, 2)
    uniq, inverse = np.unique(np.round(hc, 6), axis=0, return_inverse=True)
    ratio = dm.drag_ratio(f.x_m[None, :], f.y_m[None, :], speed_m_s, uniq[:, 0], uniq[:, 1])
    red = np.clip(1.0 - ratio[:, 0], 0.0, 1.0)
    return red[inverse.ravel()].reshape(np.broadcast(head, cross).shape)
