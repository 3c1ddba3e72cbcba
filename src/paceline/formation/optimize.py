"""Where should the pacers stand? A robust formation optimizer (SciPy differential evolution).

The objective is the athlete's drag ratio *expected* when every runner (athlete included) is
off by a random position error — not the drag at a perfect point — plus a small weight on the
pacers' own mean drag (they must hold the pace too), under constraints a race can keep:
minimum fore-aft or lateral gaps between any two runners (so nobody trips), the road width
(athlete in the middle), a cap on any pacer's drag ratio, and a box for the formation's length.
Common random numbers: every candidate is rated on the same draws of the position errors, so
comparisons between candidates are not blurred by sampling noise; the final figures are
re-estimated on fresh draws.

Three stages, all seeded (the same inputs give the same formation):

1. **global**: differential evolution on a small set of draws (cheap, explores the box);
2. **relocation**: each pacer in turn is tried at every point of a 0.25 m grid over the box,
   the others held, and moved where the objective is lowest — the move a local optimizer
   cannot make when a pacer sits in a poor basin (issue 12 review: a pacer parked behind and
   wide *adding* drag, where 0.8 m straight behind would help);
3. **local polish**: L-BFGS-B (vectorized central-difference gradient) on a larger set of common
   draws, on which the objective is a smooth function of the positions wherever the wake model
   is; stages 2–3 repeat while the relocation still finds a better spot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from paceline.errors import ScenarioError
from paceline.formation.core import (
    DEFAULT_SPEED_M_S,
    FormationResult,
    expected_drag_ratio,
)
from paceline.formation.presets import Formation
from paceline.models import drafting as dm

__all__ = ["OptimizationResult", "optimize", "check_optimize_inputs", "gap_violation"]


@dataclass(frozen=True)
class OptimizationResult:
    """The optimized formation, rated nominally and under position error."""

    nominal: FormationResult  # drag ratios at the exact positions
    expected: FormationResult  # expected drag ratios under the position error (fresh draws)
    road_width_m: float
    position_error_m: float  # SD of each coordinate [m]
    min_fore_aft_gap_m: float
    min_lateral_gap_m: float
    generations: int
    evaluations: int  # formations rated (candidates × draws)
    relocations: int = 0  # pacers moved by the relocation stage
    global_objective: float = float("nan")  # objective after the global stage (polish draws)
    final_objective: float = float("nan")  # objective after relocation and polish (same draws)


def gap_violation(x, y, min_fore_aft_gap_m: float, min_lateral_gap_m: float) -> np.ndarray:
    """Sum over runner pairs of how far they are inside both gaps (0 = every pair is safe).

    A pair is safe when |Δx| ≥ the fore-aft gap *or* |Δy| ≥ the lateral gap; the violation of
    a pair is the smaller of the two relative shortfalls. Shape (...,) [-].
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    dx = np.abs(x[..., :, None] - x[..., None, :])
    dy = np.abs(y[..., :, None] - y[..., None, :])
    vx = np.maximum(0.0, min_fore_aft_gap_m - dx) / min_fore_aft_gap_m
    vy = np.maximum(0.0, min_lateral_gap_m - dy) / min_lateral_gap_m
    v = np.minimum(vx, vy)
    n = x.shape[-1]
    v = np.where(np.eye(n, dtype=bool), 0.0, v)
    return 0.5 * np.sum(v, axis=(-1, -2))


def check_optimize_inputs(n_pacers: int, road_width_m: float, position_error_m: float) -> None:
    """Refuse what :func:`optimize` cannot do (before any work, e.g. before a progress bar).

    Raises
    ------
    ScenarioError
        Naming the option, the value and what is valid.
    """
    if not 1 <= n_pacers <= 10:
        raise ScenarioError("the optimizer places 1 to 10 pacers", where="--pacers",
                            value=n_pacers, valid="1–10")
    if not (np.isfinite(road_width_m) and road_width_m >= dm.BODY_WIDTH_M + 2 * 0.0):
        raise ScenarioError("road width must be a finite width in metres", where="--road-width",
                            value=road_width_m, valid=f"≥ {dm.BODY_WIDTH_M} m")
    if not (np.isfinite(position_error_m) and 0.0 <= position_error_m <= 1.0):
        raise ScenarioError("position error must be 0–1 m", where="--position-error",
                            value=position_error_m, valid="0 to 1 m (standard deviation)")


def optimize(
    n_pacers: int,
    *,
    road_width_m: float = 6.0,
    position_error_m: float = 0.15,
    min_fore_aft_gap_m: float = 0.8,
    min_lateral_gap_m: float = 0.6,
    max_pacer_drag_ratio: float = 1.0,
    pacer_drag_weight: float = 0.02,
    x_range_m: tuple[float, float] = (-3.0, 4.0),
    speed_m_s: float = DEFAULT_SPEED_M_S,
    headwind_m_s: float = 0.0,
    crosswind_m_s: float = 0.0,
    n_draws: int = 12,
    maxiter: int = 250,
    n_polish_draws: int = 64,
    relocation_step_m: float = 0.25,
    max_rounds: int = 3,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> OptimizationResult:
    """Best positions for ``n_pacers`` (1–10) around the athlete, robust to position error.

    Parameters
    ----------
    n_pacers : int
        Number of pacers, 1–10.
    road_width_m : float
        Usable road width [m]; the athlete runs in the middle (ASSUMED, as behind laser lines).
    position_error_m : float
        Standard deviation of each runner's x and y error [m] (e.g. 0.15).
    min_fore_aft_gap_m, min_lateral_gap_m : float
        Two runners must be at least this far apart fore-aft *or* side by side [m]. Defaults
        ASSUMED: 0.8 m (a trailing runner's foot clears the leader's heel kick-back) and 0.6 m
        (shoulders 0.4 m plus arm swing).
    max_pacer_drag_ratio : float
        No pacer may feel more than this drag ratio (1 = as if alone) [-].
    pacer_drag_weight : float
        Weight of the pacers' mean expected drag ratio in the objective [-].
    x_range_m : (float, float)
        Fore-aft box for the pacers [m] (a longer formation is hard to keep together).
    n_draws : int
        Common random draws of position errors per candidate in the global stage.
    n_polish_draws : int
        Common random draws in the relocation and polish stages (0: skip both stages).
    relocation_step_m : float
        Grid step of the relocation stage [m].
    max_rounds : int
        At most this many relocation + polish rounds.
    seed : int
        Seeds the draws and the optimizer (reproducible).
    progress : callable, optional
        ``progress(done, total)`` after each generation.

    Returns
    -------
    OptimizationResult
    """
    check_optimize_inputs(n_pacers, road_width_m, position_error_m)
    half = road_width_m / 2 - dm.BODY_WIDTH_M / 2
    n = n_pacers + 1
    rng = np.random.default_rng(seed)
    offsets = rng.standard_normal((n_draws, n, 2))
    bounds = [x_range_m] * n_pacers + [(-half, half)] * n_pacers
    total = {"evaluations": 0}

    def unpack(theta):  # theta (2·n_pacers, S) → x, y (S, n)
        th = np.atleast_2d(np.asarray(theta, float).T)
        zeros = np.zeros((th.shape[0], 1))
        return (np.concatenate([zeros, th[:, :n_pacers]], axis=1),
                np.concatenate([zeros, th[:, n_pacers:]], axis=1))

    def make_objective(offs):
        def objective(theta):
            x, y = unpack(theta)
            total["evaluations"] += x.shape[0] * offs.shape[0]
            r = expected_drag_ratio(x, y, position_error_m, offsets=offs, speed_m_s=speed_m_s,
                                    headwind_m_s=headwind_m_s, crosswind_m_s=crosswind_m_s)
            pacers = r[:, 1:]
            over = np.maximum(0.0, pacers - max_pacer_drag_ratio).sum(axis=1)
            gaps = gap_violation(x, y, min_fore_aft_gap_m, min_lateral_gap_m)
            return r[:, 0] + pacer_drag_weight * pacers.mean(axis=1) + 10.0 * (gaps + over)
        return objective

    objective = make_objective(offsets)
    gen = {"n": 0}
    total_steps = maxiter + (max_rounds if n_polish_draws else 0)

    def callback(intermediate_result):
        gen["n"] += 1
        if progress is not None:
            progress(min(gen["n"], maxiter), total_steps)

    from scipy.optimize import differential_evolution, minimize  # lazy: ~0.25 s to import

    sol = differential_evolution(
        objective, bounds, vectorized=True, updating="deferred", popsize=12, maxiter=maxiter,
        tol=1e-4, atol=1e-5, mutation=(0.5, 1.0), recombination=0.9, seed=rng, polish=False,
        init="sobol", callback=callback)
    theta = np.asarray(sol.x, float)
    relocations = 0
    f_global = f_final = float("nan")
    if n_polish_draws:
        fine_offsets = rng.standard_normal((n_polish_draws, n, 2))
        fine = make_objective(fine_offsets)
        # the grid is screened on half of the polish draws (CPU), its best spots re-rated
        # on all of them before a move is accepted
        screen = make_objective(fine_offsets[: max(8, n_polish_draws // 2)])
        lo = np.array([b[0] for b in bounds])
        hi = np.array([b[1] for b in bounds])
        f_global = f_cur = float(fine(theta[:, None])[0])
        gx = np.arange(x_range_m[0], x_range_m[1] + 1e-9, relocation_step_m)
        gy = np.arange(0.0, half + 1e-9, relocation_step_m)  # through y = 0, mirrored
        gy = np.concatenate([-gy[:0:-1], gy])
        GX, GY = (a.ravel() for a in np.meshgrid(gx, gy))
        for rnd in range(max_rounds):
            theta, f_cur = _polish(fine, theta, lo, hi, minimize)
            moved = 0
            for k in range(n_pacers):  # relocation: pacer k anywhere on the grid
                cand = np.repeat(theta[:, None], GX.size, axis=1)
                cand[k], cand[n_pacers + k] = GX, GY
                vals = np.concatenate([screen(cand[:, i:i + 256])
                                       for i in range(0, GX.size, 256)])
                best = np.argsort(vals, kind="stable")[:6]
                fv = fine(cand[:, best])
                j = int(np.argmin(fv))
                if fv[j] < f_cur - 1e-5:
                    theta, f_cur = cand[:, best[j]].copy(), float(fv[j])
                    moved += 1
            relocations += moved
            if progress is not None:
                progress(maxiter + rnd + 1, total_steps)
            if not moved:
                break
            theta, f_cur = _polish(fine, theta, lo, hi, minimize)
        f_final = f_cur
    if progress is not None:
        progress(total_steps, total_steps)
    x, y = unpack(theta)
    x, y = x[0], y[0]
    order = np.concatenate([[0], 1 + np.lexsort((-y[1:], -x[1:]))])  # front to back, left first
    x, y = x[order], y[order]
    form = Formation(
        name=f"optimized-{n_pacers}",
        title=(f"{n_pacers} pacer{'s' if n_pacers != 1 else ''} optimized for a "
               f"{road_width_m:g} m road, position error {position_error_m:g} m"),
        runner_names=("athlete",) + tuple(f"pacer {k}" for k in range(1, n)),
        x_m=x, y_m=y,
        assumptions=(f"gaps ≥ {min_fore_aft_gap_m:g} m fore-aft or ≥ {min_lateral_gap_m:g} m "
                     "side by side; athlete in the middle of the road",),
    )
    nominal = dm.drag_ratio(x, y, speed_m_s, headwind_m_s, crosswind_m_s)
    fresh = expected_drag_ratio(x, y, position_error_m, n_draws=1024,
                                rng=np.random.default_rng(seed + 1), speed_m_s=speed_m_s,
                                headwind_m_s=headwind_m_s, crosswind_m_s=crosswind_m_s)
    return OptimizationResult(
        nominal=FormationResult(form, nominal, speed_m_s, headwind_m_s, crosswind_m_s),
        expected=FormationResult(form, fresh, speed_m_s, headwind_m_s, crosswind_m_s,
                                 position_error_m),
        road_width_m=road_width_m, position_error_m=position_error_m,
        min_fore_aft_gap_m=min_fore_aft_gap_m, min_lateral_gap_m=min_lateral_gap_m,
        generations=int(sol.nit), evaluations=total["evaluations"],
        relocations=relocations, global_objective=f_global, final_objective=f_final,
    )


def _polish(objective, theta, lo, hi, minimize, h: float = 1e-3):
    """L-BFGS-B from ``theta`` within [lo, hi]; the gradient by central differences, every
    perturbed candidate rated in one vectorized call. Returns (theta, objective)."""
    m = theta.size
    eye = np.eye(m) * h

    def fun(t):
        t = np.clip(t, lo, hi)
        cand = np.concatenate([t[:, None], t[:, None] + eye, t[:, None] - eye], axis=1)
        cand = np.clip(cand, lo[:, None], hi[:, None])
        v = objective(cand)
        step = cand[:, 1:m + 1].diagonal() - cand[:, m + 1:].diagonal()
        grad = np.where(step > 0, (v[1:m + 1] - v[m + 1:]) / np.where(step > 0, step, 1), 0.0)
        return float(v[0]), grad

    f0 = fun(theta)[0]
    sol = minimize(fun, theta, jac=True, method="L-BFGS-B", bounds=list(zip(lo, hi, strict=True)),
                   options={"maxiter": 200, "ftol": 1e-9, "gtol": 1e-7})
    t = np.clip(sol.x, lo, hi)
    f = fun(t)[0]
    return (t, f) if f < f0 else (theta, f0)
