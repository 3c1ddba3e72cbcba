"""An independent checker: replay any plan through the capacity model.

It does not use the scheduler's coefficients or its model: from the plan's list of
(pacer, slot, from, to) alone it rebuilds each pacer's timeline, accumulates the capacity he
uses while running (:func:`paceline.models.capacity.capacity_use_frac`, per ≤ 10 m segment),
lets D′ recover during every rest (:func:`paceline.models.capacity.d_prime_recovery_skiba2015`,
standing: rest speed 0) and reports his remaining capacity over the race. It also checks
coverage (every slot filled at every metre), that no pacer is in two slots at once,
availability and stint limits, and the safety margin.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from paceline.crew.plan import Assignment, CheckReport, PacerTrace
from paceline.crew.problem import CrewProblem
from paceline.models import capacity as cap

__all__ = ["check_plan"]

_TOL_M = 0.5


def _merge(rows: list[Assignment]) -> list[Assignment]:
    """Join back-to-back rows of the same pacer in the same slot."""
    out: list[Assignment] = []
    for a in sorted(rows, key=lambda a: a.from_m):
        if out and out[-1].slot == a.slot and abs(out[-1].to_m - a.from_m) < _TOL_M:
            out[-1] = Assignment(a.pacer, a.slot, out[-1].from_m, a.to_m)
        else:
            out.append(a)
    return out


def check_plan(problem: CrewProblem, stints: Sequence[Assignment], *,
               safety_margin_frac: float | None = None,
               initial_use: dict[str, tuple[float, float, float]] | None = None
               ) -> CheckReport:
    """Replay a plan and report every pacer's remaining capacity and every violation.

    Parameters
    ----------
    problem : CrewProblem
        Roster, formation, pace and course conditions (its scheduler coefficients are not
        used).
    stints : sequence of Assignment
    safety_margin_frac : float, optional
        Margin to enforce; the problem's by default.
    initial_use : dict, optional
        name → (total use, D′ part, time [s] it ended) carried in from before the plan starts
        (re-planning).
    """
    margin = problem.safety_margin_frac if safety_margin_frac is None else safety_margin_frac
    problems: list[str] = []
    names = [p.name for p in problem.pacers]
    slots = problem.formation.slots
    d_end = problem.distance_m
    v = problem.speed_m_s
    for a in stints:
        if a.pacer not in names:
            problems.append(f"unknown pacer {a.pacer!r}")
        if a.slot not in slots:
            problems.append(f"unknown slot {a.slot!r} for {a.pacer}")
        if not (-_TOL_M <= a.from_m < a.to_m <= d_end + _TOL_M):
            problems.append(f"{a.pacer}: bad interval {a.from_m:.0f}–{a.to_m:.0f} m")
    stints = [a for a in stints if a.pacer in names and a.slot in slots]

    # coverage: each slot's intervals must tile [0, D]
    for s in slots:
        rows = sorted((a for a in stints if a.slot == s), key=lambda a: a.from_m)
        pos = 0.0
        for a in rows:
            if a.from_m > pos + _TOL_M:
                problems.append(f"slot {s} empty from {pos / 1000:.3f} to {a.from_m / 1000:.3f} km")
            if a.from_m < pos - _TOL_M:
                problems.append(f"slot {s} has two pacers from {a.from_m / 1000:.3f} km")
            pos = max(pos, a.to_m)
        if pos < d_end - _TOL_M:
            problems.append(f"slot {s} empty from {pos / 1000:.3f} km to the finish")

    traces = []
    conditions = problem.conditions
    x = conditions.node_distance_m
    for i, p in enumerate(problem.pacers):
        rows = _merge([a for a in stints if a.pacer == p.name])
        rows.sort(key=lambda a: a.from_m)
        for r0, r1 in zip(rows, rows[1:], strict=False):
            if r1.from_m < r0.to_m - _TOL_M:
                problems.append(f"{p.name} is in {r0.slot} and {r1.slot} at once "
                                f"({r1.from_m / 1000:.3f} km)")
        q = problem.capacities[i]
        used, dpart, t_last = 0.0, 0.0, None
        if initial_use and p.name in initial_use:
            used, dpart, t_last = initial_use[p.name]
        dist, remain = [0.0], [1.0 - used]
        entries = 0
        prev_end = None
        for a in rows:
            if a.from_m < p.earliest_m - _TOL_M or a.to_m > p.latest_m + _TOL_M:
                problems.append(f"{p.name} runs {a.from_m / 1000:.1f}–{a.to_m / 1000:.1f} km, "
                                f"outside his availability")
            if prev_end is None or a.from_m > prev_end + _TOL_M:
                entries += 1
            t0 = a.from_m / v
            if t_last is not None and t0 > t_last and dpart > 0:  # rest: D′ recovers
                left = float(cap.d_prime_recovery_skiba2015(dpart, t0 - t_last, q.cs_m_s,
                                                            q.d_prime_m))
                used -= dpart - left
                dpart = left
            dist.append(a.from_m)
            remain.append(1.0 - used)
            # run segment by segment through the model (independent of the scheduler)
            inner = x[(x > a.from_m) & (x < a.to_m)]
            nodes = np.concatenate([[a.from_m], inner, [a.to_m]])
            mid = 0.5 * (nodes[:-1] + nodes[1:])
            j = np.clip(np.searchsorted(x, mid) - 1, 0, len(x) - 2)
            v_eq = cap.still_air_equivalent_speed_m_s(
                v, problem.formation.reduction(a.slot), mass_kg=p.mass_kg,
                drag_area_m2=p.drag_area_m2,
                air_density_kg_m3=conditions.air_density_kg_m3[j],
                headwind_m_s=conditions.headwind_m_s[j],
                crosswind_m_s=conditions.crosswind_m_s[j],
                grade_frac=conditions.grade_frac[j], curvature_1_m=conditions.curvature_1_m[j])
            tot, dp = cap.capacity_use_frac(v_eq, np.diff(nodes) / v, q.cs_m_s, q.d_prime_m,
                                            riegel_exponent=q.riegel_exponent)
            cum = used + np.cumsum(tot)
            dist.extend(nodes[1:].tolist())
            remain.extend((1.0 - cum).tolist())
            used = float(cum[-1])
            dpart += float(np.sum(dp))
            t_last = a.to_m / v
            prev_end = a.to_m
        if p.max_stints is not None and entries > p.max_stints:
            problems.append(f"{p.name} runs {entries} stints, more than his {p.max_stints}")
        dist_a, rem_a = np.array(dist), np.array(remain)
        lowest = float(rem_a.min())
        if rows and lowest < margin - 1e-6:
            where = float(dist_a[int(np.argmin(rem_a))])
            problems.append(f"{p.name} falls to {lowest:.1%} of his capacity at "
                            f"{where / 1000:.2f} km, below the {margin:.0%} safety margin")
        traces.append(PacerTrace(p.name, dist_a, rem_a, lowest, entries))
    return CheckReport(tuple(traces), tuple(problems))
