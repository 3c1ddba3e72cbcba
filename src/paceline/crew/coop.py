"""Cooperative drafting (Hoogkamer, Snyder & Arellano 2018): no designated athlete; a team
takes turns leading, and the team's best finisher is brought home as fast as possible.

Method (docs/crew.md §6). For a candidate even pace v the race is cut into turns of
``turn_m``. In every turn one runner of the group leads (no drafting) and the others follow
with the drag reduction ``follower_drag_reduction_frac``. Each runner's capacity is replayed
with :mod:`paceline.models.capacity`: use t/T_lim(v_eq) while running, D′ spent above CS
and recovered below CS (Skiba et al. 2015). The designated finisher leads only when he is
alone; among the others the leader is the one with the most capacity left (greedy); a
runner leaves the group when he could not finish another turn. The fastest pace at which
the finisher reaches the line with capacity ≥ 0 is found by bisection, for every choice of
finisher. This is a heuristic search (no optimality proof), stated as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from paceline.crew.formations import BEAUMONT2019_DRAFT_REDUCTION
from paceline.crew.problem import CourseConditions
from paceline.crew.roster import Pacer, pacer_capacity
from paceline.models import capacity as cap

__all__ = ["CoopResult", "cooperative_drafting", "solo_time_s"]


@dataclass(frozen=True)
class CoopResult:
    """Cooperative-drafting outcome. Times in s, distances in m."""

    finisher: str
    finish_time_s: float
    speed_m_s: float
    leads: tuple[tuple[str, float, float], ...]  # (runner, from_m, to_m) per lead
    dropped_at_m: dict[str, float]  # runner → distance he left the group [m]
    solo_times_s: dict[str, float]  # each runner alone, even pace, same model [s]
    follower_drag_reduction_frac: float
    turn_m: float


def solo_time_s(pacer: Pacer, distance_m: float) -> float:
    """All-out even-paced time alone in still air over a distance [s] (capacity model)."""
    return float(pacer_capacity(pacer).performance_time_s(distance_m))


def _costs(v, runners, caps, conditions, turns, r_follow):
    """Per runner, turn and role (0 lead, 1 follow): (total use, D′ part, D′ decay factor)."""
    x = conditions.node_distance_m
    length = np.diff(x)
    dt = length / v
    n, n_t = len(runners), len(turns)
    out = np.zeros((n, n_t, 2, 3))
    edges = np.array([a for a, _ in turns] + [turns[-1][1]])
    turn_of = np.clip(np.searchsorted(edges, 0.5 * (x[:-1] + x[1:])) - 1, 0, n_t - 1)
    for i, (p, q) in enumerate(zip(runners, caps, strict=True)):
        for role, r in enumerate((0.0, r_follow)):
            v_eq = cap.still_air_equivalent_speed_m_s(
                v, r, mass_kg=p.mass_kg, drag_area_m2=p.drag_area_m2,
                air_density_kg_m3=conditions.air_density_kg_m3,
                headwind_m_s=conditions.headwind_m_s, crosswind_m_s=conditions.crosswind_m_s,
                grade_frac=conditions.grade_frac, curvature_1_m=conditions.curvature_1_m)
            tot, dp = cap.capacity_use_frac(v_eq, dt, q.cs_m_s, q.d_prime_m,
                                            riegel_exponent=q.riegel_exponent)
            below = np.maximum(q.cs_m_s - v_eq, 0.0) * dt / q.d_prime_m
            out[i, :, role, 0] = np.bincount(turn_of, tot, n_t)
            out[i, :, role, 1] = np.bincount(turn_of, dp, n_t)
            out[i, :, role, 2] = np.exp(-np.bincount(turn_of, below, n_t))
    return out


def _simulate(v, runners, caps, conditions, turns, r_follow, finisher, record=False):
    n = len(runners)
    cost = _costs(v, runners, caps, conditions, turns, r_follow)
    used = np.zeros(n)
    dpart = np.zeros(n)
    in_group = np.ones(n, bool)
    leads, dropped = [], {}
    for t, (a, b) in enumerate(turns):
        others = [i for i in np.nonzero(in_group)[0] if i != finisher]
        # a runner leaves when he could not survive this turn even as a follower
        for i in list(others):
            tot, _, dec = cost[i, t, 1]
            if used[i] + tot - dpart[i] * (1 - dec) > 1.0:
                in_group[i] = False
                dropped[runners[i].name] = a
                others.remove(i)
        cand = [i for i in others if used[i] + cost[i, t, 0, 0] <= 1.0]
        leader = max(cand, key=lambda i: 1.0 - used[i]) if cand else finisher
        for i in np.nonzero(in_group)[0]:
            tot, dp, dec = cost[i, t, 0 if i == leader else 1]
            rec = dpart[i] * (1 - dec)
            used[i] += tot - rec
            dpart[i] += dp - rec
        if record:
            if leads and leads[-1][0] == runners[leader].name and abs(leads[-1][2] - a) < 1e-6:
                leads[-1] = (leads[-1][0], leads[-1][1], b)
            else:
                leads.append((runners[leader].name, a, b))
        if used[finisher] > 1.0:
            return False, leads, dropped
    return used[finisher] <= 1.0, leads, dropped


def cooperative_drafting(
    runners: Sequence[Pacer], distance_m: float = 42195.0, *,
    conditions: CourseConditions | None = None,
    follower_drag_reduction_frac: float = BEAUMONT2019_DRAFT_REDUCTION,
    turn_m: float = 1000.0, iterations: int = 24,
) -> CoopResult:
    """Fastest finish of the team's best finisher when the runners share the lead.

    Parameters
    ----------
    runners : sequence of Pacer
        The team (PBs give each one's CS, D′ and fatigue exponent).
    distance_m : float
        Race distance [m].
    conditions : CourseConditions, optional
        Course and air; level still air at 1.225 kg/m³ by default.
    follower_drag_reduction_frac : float
        Drag removed for every runner not leading [-] (Beaumont et al. 2019: 0.33).
    turn_m : float
        Length of one turn at the front [m].
    """
    runners = tuple(runners)
    conditions = conditions or CourseConditions.flat(distance_m)
    caps = [pacer_capacity(p) for p in runners]
    edges = np.arange(0.0, distance_m, turn_m).tolist() + [distance_m]
    edges = np.unique(np.concatenate([edges, conditions.node_distance_m]))
    cond = CourseConditions(
        edges, *(np.interp(0.5 * (edges[:-1] + edges[1:]),
                           0.5 * (conditions.node_distance_m[:-1] +
                                  conditions.node_distance_m[1:]), arr)
                 for arr in (conditions.grade_frac, conditions.curvature_1_m,
                             conditions.headwind_m_s, conditions.crosswind_m_s,
                             conditions.air_density_kg_m3)))
    bounds = np.arange(0.0, distance_m, turn_m).tolist() + [distance_m]
    turns = [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]
    solo = {p.name: solo_time_s(p, distance_m) for p in runners}
    best = None
    for f in range(len(runners)):
        lo = distance_m / solo[runners[f].name] * 0.98
        hi = lo * 1.15
        ok_lo, *_ = _simulate(lo, runners, caps, cond, turns, follower_drag_reduction_frac, f)
        if not ok_lo:
            continue
        for _ in range(iterations):
            mid = 0.5 * (lo + hi)
            ok, *_ = _simulate(mid, runners, caps, cond, turns, follower_drag_reduction_frac, f)
            lo, hi = (mid, hi) if ok else (lo, mid)
        if best is None or lo > best[0]:
            best = (lo, f)
    v, f = best
    _, leads, dropped = _simulate(v, runners, caps, cond, turns, follower_drag_reduction_frac,
                                  f, record=True)
    return CoopResult(finisher=runners[f].name, finish_time_s=distance_m / v, speed_m_s=v,
                      leads=tuple(leads), dropped_at_m=dropped, solo_times_s=solo,
                      follower_drag_reduction_frac=follower_drag_reduction_frac, turn_m=turn_m)
