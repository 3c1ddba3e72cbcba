"""A formation against one pacer at the same distance: still air, crosswind, position error.

Why the V exists: one pacer straight ahead shelters the athlete about as well in still air, but
its wake is narrow — a crosswind carries it off the athlete and a position error moves him out
of it. This module rates two formations in the same four conditions and, given a race solver,
turns each drag reduction into a finish time. Orchestration only (physics:
:mod:`paceline.models.drafting`); ``paceline.formation`` sits below ``paceline.sim``, so the
solver is passed in, as in :mod:`paceline.formation.worth`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from paceline.errors import ScenarioError
from paceline.formation.core import DEFAULT_SPEED_M_S, expected_drag_ratio
from paceline.formation.presets import Formation
from paceline.models import drafting as dm

__all__ = ["FormationComparison", "single_pacer_at_same_distance", "compare_formations"]


@dataclass(frozen=True)
class FormationComparison:
    """Athlete's drag reduction per (condition, formation), and finish times if solved."""

    formations: tuple[Formation, Formation]
    conditions: tuple[str, ...]  # labels, one per row
    crosswind_m_s: tuple[float, ...]  # + from the runners' right [m/s], per condition
    position_error_m: tuple[float, ...]  # SD of each coordinate [m], per condition
    athlete_drag_reduction: np.ndarray  # (condition, formation) [-]
    finish_time_s: np.ndarray | None = None  # (condition, formation) [s]
    alone_s: float | None = None  # finish time with no drafting [s]

    def worth_s(self) -> np.ndarray | None:
        """Seconds saved against running alone, (condition, formation) [s]."""
        return None if self.finish_time_s is None else self.alone_s - self.finish_time_s


def single_pacer_at_same_distance(formation: Formation) -> Formation:
    """One pacer straight ahead at the distance of the formation's nearest pacer ahead.

    Raises
    ------
    ScenarioError
        The formation has no pacer ahead of the athlete (x > 0).
    """
    x, y = formation.x_m[1:], formation.y_m[1:]
    ahead = x > 0
    if not ahead.any():
        raise ScenarioError("the formation has no pacer ahead of the athlete to compare with",
                            where="formation", value=formation.name,
                            fix="give a second formation to compare with")
    d = float(np.min(np.hypot(x[ahead], y[ahead])))
    return Formation(
        name=f"one-pacer-{d:g}m", title=f"one pacer {d:g} m straight ahead",
        runner_names=("athlete", "pacer 1"), x_m=np.array([0.0, d]), y_m=np.zeros(2),
        sources=(f"the distance of the nearest pacer ahead in {formation.name}",),
        assumptions=(f"{d:g} m straight ahead",))


def compare_formations(
    a: Formation,
    b: Formation,
    *,
    crosswind_m_s: float = 3.0,
    position_error_m: float = 0.3,
    speed_m_s: float = DEFAULT_SPEED_M_S,
    n_draws: int = 1024,
    rng: np.random.Generator | None = None,
    solve_time_s: Callable[[float], float] | None = None,
) -> FormationComparison:
    """Rate two formations in still air, a crosswind, with position error, and both.

    Parameters
    ----------
    a, b : Formation
    crosswind_m_s : float
        Crosswind of the second and fourth conditions [m/s] (+ from the runners' right).
    position_error_m : float
        SD of each runner's x and y error in the third and fourth conditions [m]
        (independent normal; every formation rated on the same draws).
    speed_m_s : float
        Running speed [m/s] (sets the yaw of the air with the crosswind).
    rng : numpy.random.Generator, optional
        Draws of the position errors (default seeded 1: reproducible).
    solve_time_s : callable, optional
        drag reduction [-] → finish time [s] of a race run with that reduction throughout
        (e.g. the race model on a scenario); when given, finish times are filled in.

    Returns
    -------
    FormationComparison
    """
    if not (np.isfinite(crosswind_m_s) and abs(crosswind_m_s) <= 15.0):
        raise ScenarioError("crosswind must be a finite speed", where="--crosswind",
                            value=crosswind_m_s, valid="-15 to 15 m/s")
    if not (np.isfinite(position_error_m) and 0.0 <= position_error_m <= 1.0):
        raise ScenarioError("position error must be 0–1 m", where="--position-error",
                            value=position_error_m, valid="0 to 1 m (standard deviation)")
    rng = rng if rng is not None else np.random.default_rng(1)
    cross = (0.0, float(crosswind_m_s), 0.0, float(crosswind_m_s))
    err = (0.0, 0.0, float(position_error_m), float(position_error_m))
    labels = ("still air", f"crosswind {crosswind_m_s:g} m/s",
              f"position error SD {position_error_m:g} m",
              f"crosswind {crosswind_m_s:g} m/s + position error SD {position_error_m:g} m")
    red = np.empty((4, 2))
    for j, f in enumerate((a, b)):
        offsets = np.random.default_rng(rng.integers(2**32)).standard_normal(
            (n_draws, len(f.x_m), 2))
        for i in range(4):
            if err[i] == 0.0:
                r = dm.drag_ratio(f.x_m, f.y_m, speed_m_s, 0.0, cross[i])[0]
            else:
                r = expected_drag_ratio(f.x_m, f.y_m, err[i], offsets=offsets,
                                        speed_m_s=speed_m_s, crosswind_m_s=cross[i])[0]
            red[i, j] = 1.0 - float(r)
    times = alone = None
    if solve_time_s is not None:
        alone = float(solve_time_s(0.0))
        times = np.array([[solve_time_s(float(v)) for v in row] for row in red])
    return FormationComparison((a, b), labels, cross, err, red, times, alone)
