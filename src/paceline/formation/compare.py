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
from paceline.formation.core import DEFAULT_SPEED_M_S, drag_ratio_draws
from paceline.formation.presets import Formation
from paceline.models import drafting as dm

__all__ = [
    "FormationComparison",
    "best_lateral_position",
    "single_pacer_at_same_distance",
    "compare_formations",
]


@dataclass(frozen=True)
class FormationComparison:
    """Athlete's drag reduction per (condition, formation), and finish times if solved."""

    formations: tuple[Formation, Formation]
    conditions: tuple[str, ...]  # labels, one per row
    crosswind_m_s: tuple[float, ...]  # + from the runners' right [m/s], per condition
    position_error_m: tuple[float, ...]  # SD of each coordinate [m], per condition
    athlete_drag_reduction: np.ndarray  # (condition, formation) [-]
    difference_se: np.ndarray  # (condition,) Monte Carlo standard error of a − b [-]
    n_draws: int  # position-error draws, common to both formations (0 rows: exact)
    speed_m_s: float  # running speed that sets the yaw of the air [m/s]
    b_moved_y_m: tuple[float | None, ...]  # per condition: b's pacer moved to this y [m]
    finish_time_s: np.ndarray | None = None  # (condition, formation) [s]
    alone_s: float | None = None  # finish time with no drafting [s]

    def worth_s(self) -> np.ndarray | None:
        """Seconds saved against running alone, (condition, formation) [s]."""
        return None if self.finish_time_s is None else self.alone_s - self.finish_time_s

    def difference_se_s(self) -> np.ndarray | None:
        """Standard error of the seconds difference a − b, (condition,) [s] (≈: the points'
        standard error times the race's seconds per point between the two reductions)."""
        w = self.worth_s()
        if w is None:
            return None
        red = self.athlete_drag_reduction
        dr = red[:, 0] - red[:, 1]
        dw = w[:, 0] - w[:, 1]
        mean_r = red.mean(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where(np.abs(dr) > 1e-4, dw / dr,
                             np.where(mean_r > 1e-4, w.mean(axis=1) / mean_r, 0.0))
        return np.abs(slope) * self.difference_se


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


def best_lateral_position(
    formation: Formation,
    *,
    speed_m_s: float = DEFAULT_SPEED_M_S,
    headwind_m_s: float = 0.0,
    crosswind_m_s: float = 0.0,
    max_offset_m: float = 3.0,
) -> Formation:
    """The one-pacer formation with its pacer moved sideways (same x) to shelter the athlete
    most in this wind: a 1 cm grid over ±``max_offset_m``, then a bounded scalar refinement.

    Raises
    ------
    ScenarioError
        The formation does not have exactly one pacer.
    """
    if formation.n_pacers != 1:
        raise ScenarioError("only a one-pacer formation can be moved to its best lateral spot",
                            where="formation", value=formation.name, valid="one pacer")
    from scipy.optimize import minimize_scalar  # lazy: import cost

    x = float(formation.x_m[1])

    def ratio(y):
        y = np.atleast_1d(np.asarray(y, float))
        xs = np.stack([np.zeros_like(y), np.full_like(y, x)], axis=-1)
        ys = np.stack([np.zeros_like(y), y], axis=-1)
        r = dm.drag_ratio(xs, ys, speed_m_s, headwind_m_s, crosswind_m_s)[..., 0]
        return np.where(np.isnan(r), np.inf, r)

    grid = np.round(np.arange(-max_offset_m, max_offset_m + 1e-9, 0.01), 2)
    y0 = float(grid[int(np.argmin(ratio(grid)))])
    sol = minimize_scalar(lambda y: float(ratio(y)[0]), bounds=(y0 - 0.01, y0 + 0.01),
                          method="bounded", options={"xatol": 1e-4})
    y = float(sol.x) if sol.fun <= float(ratio(y0)[0]) else y0
    return Formation(
        name=f"{formation.name}-moved", title=f"{formation.title}, moved to y {y:+.2f} m",
        runner_names=formation.runner_names, x_m=formation.x_m.copy(),
        y_m=np.array([0.0, y]), sources=formation.sources,
        assumptions=formation.assumptions + (f"moved sideways to y = {y:+.2f} m, the model's "
                                             "best spot in this wind",))


def compare_formations(
    a: Formation,
    b: Formation,
    *,
    crosswind_m_s: float = 3.0,
    position_error_m: float = 0.3,
    speed_m_s: float = DEFAULT_SPEED_M_S,
    n_draws: int = 1024,
    rng: np.random.Generator | None = None,
    adjust_single_pacer: bool = True,
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
        (independent normal). Common random numbers: both formations are rated on the same
        draws — the athlete's error and pacer k's error are the same numbers in both, and the
        crosswind rows reuse the still-air rows' draws — so a formation against itself differs
        by exactly 0 and the difference's standard error is that of the paired differences.
    speed_m_s : float
        Running speed [m/s] (sets the yaw of the air with the crosswind).
    n_draws : int
        Position-error draws (≥ 2).
    rng : numpy.random.Generator, optional
        Draws of the position errors (default seeded 1: reproducible).
    adjust_single_pacer : bool
        When ``b`` has one pacer and there is a crosswind, add two rows (crosswind, and
        crosswind with position error) with that pacer moved sideways, at the same x, to the
        spot where the model shelters the athlete most in that wind
        (:func:`best_lateral_position`) — the fair comparison when pacers can adjust; the
        held rows show robustness when they cannot.
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
    if int(n_draws) < 2:
        raise ScenarioError("at least 2 position-error draws are needed", where="n_draws",
                            value=n_draws, valid="≥ 2")
    rng = rng if rng is not None else np.random.default_rng(1)
    cw, pe = float(crosswind_m_s), float(position_error_m)
    # (label, crosswind, position error, formation b of this row)
    rows = [("still air", 0.0, 0.0, b),
            (f"crosswind {cw:g} m/s", cw, 0.0, b),
            (f"position error SD {pe:g} m", 0.0, pe, b),
            (f"crosswind {cw:g} m/s + position error SD {pe:g} m", cw, pe, b)]
    moved_y = [None] * 4
    if adjust_single_pacer and b.n_pacers == 1 and cw != 0.0:
        bm = best_lateral_position(b, speed_m_s=speed_m_s, crosswind_m_s=cw)
        y = float(bm.y_m[1])
        rows += [(f"crosswind {cw:g} m/s, {b.name} moved to y {y:+.2f} m", cw, 0.0, bm),
                 (f"crosswind {cw:g} m/s + position error SD {pe:g} m, {b.name} moved to "
                  f"y {y:+.2f} m", cw, pe, bm)]
        moved_y += [y, y]
    n_max = max(len(a.x_m), len(b.x_m))
    offsets = rng.standard_normal((int(n_draws), n_max, 2))  # common to both formations
    red = np.empty((len(rows), 2))
    se = np.zeros(len(rows))
    for i, (_, c, e, fb) in enumerate(rows):
        per_draw = []
        for j, f in enumerate((a, fb)):
            if e == 0.0:
                r = dm.drag_ratio(f.x_m, f.y_m, speed_m_s, 0.0, c)[0]
                per_draw.append(np.full(int(n_draws), 1.0 - float(r)))
            else:
                r = drag_ratio_draws(f.x_m, f.y_m, e, offsets[:, :len(f.x_m)],
                                     speed_m_s=speed_m_s, crosswind_m_s=c)[..., 0]
                per_draw.append(1.0 - r)
            red[i, j] = float(np.mean(per_draw[j]))
        if e != 0.0:
            se[i] = float(np.std(per_draw[0] - per_draw[1], ddof=1) / np.sqrt(int(n_draws)))
    labels = tuple(r[0] for r in rows)
    cross = tuple(r[1] for r in rows)
    err = tuple(r[2] for r in rows)
    times = alone = None
    if solve_time_s is not None:
        alone = float(solve_time_s(0.0))
        times = np.array([[solve_time_s(float(v)) for v in row] for row in red])
    return FormationComparison((a, b), labels, cross, err, red, se, int(n_draws),
                              float(speed_m_s), tuple(moved_y), times, alone)
