"""CrewScheduler: who runs which stint in which slot, by OR-Tools CP-SAT.

Formulation (docs/crew.md §3). Binary x[p,s,k]: pacer p runs stint s (between two exchange
points) in slot k.

* every slot of every stint has exactly one pacer: Σ_p x[p,s,k] = 1;
* a pacer is in at most one slot at a time: Σ_k x[p,s,k] ≤ 1;
* availability (earliest/latest km) fixes x = 0 outside a pacer's window;
* capacity with a safety margin: Σ_{s,k} u[p,s,k]·x[p,s,k] ≤ 1 − margin, u the fraction of
  his capacity the stint uses (capacity model, recovery ignored: conservative);
* stints (entries into the formation) ≤ max_stints: e[p,s] ≥ z[p,s] − z[p,s−1],
  z[p,s] = Σ_k x[p,s,k];
* reserves: at most P − R pacers used.

Objectives: "margin" (maximize the smallest margin m, Σ u·x ≤ 1 − m), "pacers" (fewest
used), "exchanges" (fewest hand-overs y[s,k] ≥ x[p,s,k] − x[p,s+1,k]), "preferences"
(most slot-stints in a preferred slot). Capacity uses are integers in 1/10 000.

Redundant cuts tighten the bound without removing any plan (:func:`_build`): Σ_c x ≤ used_p
per stint, load ≤ budget·used_p, the convex hull of the (front, back) slot-stint counts each
pacer can reach within his budget (:func:`_pattern_cuts`), dominance used_b ≤ used_a (keeps
an optimal plan), and run-length cuts for "exchanges" (:func:`_stays`). "margin" ends with
feasibility probes at fixed margins (``_margin_probes``).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from paceline.crew.checker import check_plan
from paceline.crew.clock import SolveClock
from paceline.crew.plan import Assignment, CrewPlan, PacerMargin
from paceline.crew.problem import CrewProblem
from paceline.errors import ImpossibleScenarioError, ScenarioError

__all__ = ["CrewScheduler", "OBJECTIVES", "DEFAULT_TIME_LIMIT_S"]

OBJECTIVES = ("margin", "pacers", "exchanges", "preferences")
SCALE = 10_000
#: the solve limit of `paceline crew plan` and of `paceline plan`'s rotation [s of deterministic
#: work]: one value, because the limit steers the search — the same problem with 4 s and 10 s
#: gave two different optimal rotations (issue #14 follow-up)
DEFAULT_TIME_LIMIT_S = 4.0
_ENUM_LIMIT = 30_000  # most schedules an exact search over enumerated columns takes
Progress = Callable[[int, int], None]


def _fmt_km(m: float) -> str:
    return f"{m / 1000:.1f} km"


def _fmt_time(s: float) -> str:
    s = int(round(s))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


class CrewScheduler:
    """Build and solve rotation plans for a :class:`CrewProblem`.

    Parameters
    ----------
    problem : CrewProblem
    time_limit_s : float
        Limit of one solve [s]: deterministic work (≈ s on the reference machine) or wall
        clock, see :mod:`paceline.crew.clock`.
    num_workers : int
        CP-SAT search workers (≤ 2 keeps the tests light).
    deterministic : bool
        True (default): limits in deterministic work, so the same input and seed give the same
        plan on any machine at any load; False: wall-clock limits.
    seed : int
        CP-SAT's random seed.
    """

    def __init__(self, problem: CrewProblem, *, time_limit_s: float = DEFAULT_TIME_LIMIT_S,
                 num_workers: int = 2, deterministic: bool = True, seed: int = 1) -> None:
        self.problem = problem
        self.time_limit_s = time_limit_s
        self.num_workers = num_workers
        self.deterministic = deterministic
        self.seed = seed
        self._clock = SolveClock(deterministic, seed)
        self._limit = float(time_limit_s)  # of the solve in progress [s]
        self._timed_out = False  # the last CP-SAT search ended without a plan or a proof

    # ------------------------------------------------------------------------------
    def solve(self, objective: str = "margin", *, progress: Progress | None = None) -> CrewPlan:
        """Solve the plan; raises ImpossibleScenarioError (with what would fix it) if none."""
        if objective not in OBJECTIVES:
            raise ScenarioError("unknown objective", where="--objective", value=objective,
                                valid=", ".join(OBJECTIVES))
        pr = self.problem
        if progress:
            progress(0, 3)
        self._explain_if_obviously_infeasible()
        if progress:
            progress(1, 3)
        budget = 1.0 - pr.safety_margin_frac
        n_p = len(pr.pacers)
        res = self._solve_cp(
            objective, budget=np.full(n_p, budget), eligible=pr.eligible(),
            max_entries=[p.max_stints for p in pr.pacers], fixed={}, prev_running=set(),
            boundaries=pr.boundaries_m, use=pr.use, max_used=n_p - pr.reserves,
        )
        if res is None:
            self._explain_infeasible()
        if progress:
            progress(2, 3)
        stints, status, obj, bound, wall = res
        plan = self._plan(stints, objective, status, obj, bound, wall, pr.boundaries_m)
        if progress:
            progress(3, 3)
        return plan

    # ------------------------------------------------------------------------------
    def _solve_cp(self, objective, *, budget, eligible, max_entries, fixed, prev_running,
                  boundaries, use, max_used, soft=False, warm=None):
        """One plan by CP-SAT. use: (pacer, stint, slot) fractions. Returns None if none.

        Slots with the same drag reduction are interchangeable, so the model assigns pacers
        to slot *classes* (x[p,s,c], Σ_p x = number of slots in c) — this removes the
        symmetry of permuting identical slots — and names the slots afterwards, keeping a
        pacer in his slot across an exchange point and giving preferred slots when free.
        fixed: {(p, 0, slot index): 1} pacers who must stay in a slot in the first stint.
        warm: a full plan {(p, s, slot index)} to start from (a re-plan's old plan with the
        dropped pacer's stints re-assigned): a hint to CP-SAT and the incumbent to beat.

        For ``margin`` the model maximizes the margin for part of the time limit, then
        proves a bound by feasibility probes: "is there a plan with margin ≥ m?" is the same
        model with every pacer's budget lowered to 1 − m, where the capacity cuts
        (:func:`_pattern_cuts`) are much tighter than with a free margin variable.
        """
        pr = self.problem
        n_p, n_s, n_k = use.shape
        slots = pr.formation.slots
        red = pr.formation.drag_reduction_frac
        classes = sorted(set(red))
        members = [[k for k in range(n_k) if red[k] == c] for c in classes]
        n_c = len(classes)
        size = [len(g) for g in members]
        ucls = np.stack([use[:, :, g[0]] for g in members], axis=-1)  # (p, s, c)
        u_int = np.ceil(ucls * SCALE).astype(np.int64)
        b_int = np.floor(np.asarray(budget) * SCALE).astype(np.int64)
        fixed_cls = {(p, s, classes.index(red[k])): v for (p, s, k), v in fixed.items()}
        pref_slots = [frozenset(k for k in range(n_k) if slots[k] in pr.pacers[p].preferred_slots)
                      for p in range(n_p)]
        pref = np.array([[len(pref_slots[p] & set(members[c])) for c in range(n_c)]
                         for p in range(n_p)], dtype=np.int64)
        # per class, how many slots anyone prefers: at most that many preferred slot-stints
        pref_union = [len(set(members[c]) & set().union(*pref_slots)) for c in range(n_c)]
        margin0 = int(round(pr.safety_margin_frac * SCALE))
        spec = _Spec(u_int=u_int, eligible=np.asarray(eligible, bool),
                     max_entries=list(max_entries), fixed=fixed_cls,
                     prev_running=set(prev_running), max_used=int(max_used), size=size,
                     pref=pref, pref_slots=pref_slots, pref_union=pref_union)
        t0 = self._clock.now()
        t_wall = time.perf_counter()
        is_margin = objective == "margin" and not soft
        # column generation (colgen.py) proves bounds the compact model's LP cannot; it
        # needs a plan to start from
        use_cg = (objective in ("margin", "pacers", "exchanges", "preferences") and not soft
                  and not fixed and not prev_running)
        # a re-plan's margin too: its pinned pacers are columns that must run their slot
        # class in the first stint (colgen.ColumnGeneration's ``pinned``)
        cg_margin = is_margin and (use_cg or bool(fixed))
        share = 0.3 if use_cg else (0.4 if is_margin else 1.0)
        present = _present(spec, b_int)
        pacers = tuple(int(p) for p in np.flatnonzero(present.any(axis=(1, 2))))
        warm_cls = None
        if warm and is_margin:
            warm_cls = {(p, s, classes.index(red[k])) for (p, s, k) in warm}
            if not all(present[key] for key in warm_cls):
                warm_cls = None
        built = solver = None
        if warm_cls is not None and cg_margin:
            # a re-plan with a warm start: that plan is the incumbent and the column
            # generation below finds better plans and proves the bound. The compact model's
            # first search found worse plans than the warm start and no bound better than
            # the pacers' remaining capacity, in 0.14–0.4 units of the 1 unit; not building
            # it also spares importing CP-SAT (with pandas, ~0.2 s) when the LP bound proves
            # the warm start's successor optimal (docs/crew.md §5)
            st = "unknown"
        else:
            from ortools.sat.python import cp_model  # imported here: ~0.2 s, only when solving

            built = _build(cp_model, spec, b_int, "soft" if soft else objective,
                           margin_floor=margin0 if is_margin else None, margin0=margin0)
            if built is None:
                return None
            m, x = built.model, built.x
            if warm_cls is not None:
                for key, var in x.items():
                    m.add_hint(var, key in warm_cls)
            names = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible",
                     cp_model.INFEASIBLE: "infeasible"}
            solver = self._solver(cp_model, self._limit * share)
            st = names.get(self._run(solver, m), "unknown")
            left = t0 + self._limit - self._clock.now()
            if st == "unknown" and left > 0.1 and warm_cls is None:
                # no plan yet in the first share of the limit: search again with all left
                solver = self._solver(cp_model, left)
                st = names.get(self._run(solver, m), "unknown")
        self._timed_out = st == "unknown" and warm_cls is None
        if st not in ("optimal", "feasible") and warm_cls is None:
            return None
        if st in ("optimal", "feasible"):
            chosen = {key for key, var in built.x.items() if solver.value(var)}
            status = st
            obj, bound = solver.objective_value, solver.best_objective_bound
        else:  # no plan from the search yet: the warm start is the incumbent
            chosen, status, obj, bound = set(), "feasible", -math.inf, float(SCALE)
        if is_margin:
            found, bound_i = int(round(obj)) if chosen else -SCALE, int(math.floor(bound + 1e-9))
            # every pacer who could run counts, used or not: none keeps more than he has left
            # after what he must run (a re-plan's pinned pacers: the rest of their stint)
            forced = dict.fromkeys(pacers, 0)
            for (p, s, c), v in spec.fixed.items():
                if v:
                    forced[p] += int(spec.u_int[p, s, c])
            bound_i = min(bound_i, min(int(b_int[p]) + margin0 - forced[p] for p in forced))
            if warm_cls is not None:
                got = _margin_of(spec, b_int, margin0, pacers, warm_cls)
                if got > found:
                    found, chosen = got, warm_cls

            def polish(found, chosen):
                """Local moves on a plan (as on a re-plan's warm start): the most loaded
                pacer hands a slot-stint on, swaps or chains (2.4 km, model drags: the
                compact model's 0.5248 → 0.5389 in 0.03 s)."""
                if not chosen or found >= bound_i:
                    return found, chosen
                better = set(chosen)
                _raise_least_remaining(better, ucls, np.asarray(budget, float), spec.eligible,
                                       spec.max_entries, set(spec.prev_running),
                                       present.any(axis=(1, 2)), max_used=spec.max_used)
                got = _margin_of(spec, b_int, margin0, pacers, better)
                return (got, better) if got > found else (found, chosen)

            found, chosen = polish(found, chosen)
            if st != "optimal" and cg_margin and found < bound_i:
                found, bound_i, chosen = self._margin_colgen(spec, b_int, margin0, found,
                                                             bound_i, chosen, t0,
                                                             pacers=pacers)
                found, chosen = polish(found, chosen)
            if found < bound_i:
                from ortools.sat.python import cp_model

                found, bound_i, chosen = self._margin_probes(
                    cp_model, spec, b_int, margin0, found, bound_i, chosen, t0)
            status = "optimal" if bound_i <= found else "feasible"
            obj, bound = found / SCALE, bound_i / SCALE
        elif use_cg and st == "feasible":
            obj, bound, chosen = self._colgen(objective, spec, b_int, obj, bound, chosen, t0)
            status = "optimal" if abs(obj - bound) < 0.5 else "feasible"
        stints = self._name_slots(chosen, n_s, members, boundaries, fixed,
                                  prefer_first=objective == "preferences")
        if objective == "preferences":
            # what the named plan achieves; the model's count is an upper bound when pacers
            # of one class prefer different slots
            prefers = {p.name: p.preferred_slots for p in pr.pacers}
            got = sum(1 for a in stints if a.slot in prefers[a.pacer])
            if got < obj:
                obj, status = float(got), "feasible"
        return stints, status, obj, bound, time.perf_counter() - t_wall

    def _run(self, solver, model):
        """Solve, and charge the solve's deterministic time to the clock."""
        st = solver.solve(model)
        self._clock.after(solver)
        return st

    def _solver(self, cp_model, seconds):
        solver = cp_model.CpSolver()
        self._clock.configure(solver, seconds, self.num_workers)
        return solver

    def _cg(self, spec, objective):
        from paceline.crew.colgen import ColumnGeneration

        # a re-plan's pacers running at its start stay in their slot class for stint 0
        pinned = {p: c for (p, s, c), v in spec.fixed.items() if v and s == 0}
        cg = ColumnGeneration(spec.u_int, spec.eligible, spec.size, spec.max_used,
                              spec.max_entries, objective, preferred=spec.pref > 0,
                              preferred_cap=spec.pref_union,
                              price_limits=objective != "feasible", pinned=pinned)
        cg.clock = self._clock
        return cg

    def _colgen(self, objective, spec, b_int, obj, bound, chosen, t0):
        """Fewest pacers, fewest hand-overs or most preferred slot-stints (colgen.py).

        1. Dantzig–Wolfe bound (column generation with exact pricing);
        2. reduced-cost enumeration: every schedule that can be in a plan better than the
           incumbent, and an exact CP-SAT search over them (proves optimality or finds a
           better plan) — when they are few enough;
        3. otherwise, for pacers, a dive (colgen.dive) for a plan one pacer smaller, then
           compact probes "one pacer fewer?"; for the others the best plan over the pool of
           generated schedules and single runs (then 2. again).
        Preferences: the master minimizes their negative."""
        from paceline.crew.colgen import dive, longest_runs_plan

        limit = self._limit
        cg = self._cg(spec, objective)
        cg.add_plan(chosen)
        if objective == "exchanges":
            # the longest-runs greedy (colgen.longest_runs_plan): at 2.4 km with the model's
            # slot drags it gives 10 hand-overs where the compact model's plan had 52 and the
            # pool search, started from that, stopped at 51 (bound 9)
            runs = longest_runs_plan(spec.u_int, spec.eligible, spec.size, b_int,
                                     spec.max_used)
            if runs is not None:
                cg.add_plan(runs)
                value = _plan_cost(cg, runs, spec.u_int.shape[1])
                if value < obj:
                    obj, chosen = value, runs
        lb, _ = cg.lower_bound(b_int, deadline=t0 + 0.6 * limit)
        sign = -1 if objective == "preferences" else 1  # as the master minimizes
        if sign > 0:
            bound = max(bound, math.ceil(lb - 1e-6))  # integer objectives
        else:
            bound = min(bound, math.floor(-lb + 1e-6))
        pooled, too_many, dived = False, None, set()
        while abs(obj - bound) >= 0.5:
            left = t0 + limit - self._clock.now()
            if left < 0.1:
                break
            target = sign * obj - 1  # a plan strictly better, in the master's sense
            found = None
            if cg.duals is not None and target != too_many:
                found = cg.schedules_within(target - cg.duals.bound + 1e-6, limit=_ENUM_LIMIT,
                                            deadline=t0 + limit - 0.1)
                if found is None:
                    too_many = target
            left = t0 + limit - self._clock.now()
            if found is not None and left > 0.1:
                pool, must = found
                res = cg.best_plan(b_int, time_limit_s=left, num_workers=self.num_workers,
                                   pool=pool, must_use=must, at_most=target)
                if res is None:
                    if cg.proved_empty:  # no plan better than the incumbent exists
                        bound = obj
                    break
                obj, chosen = sign * res[1], res[0]
                if res[2]:  # optimal among every plan that beats the old incumbent
                    bound = obj
                continue
            if objective == "pacers" and target not in dived:
                # too many candidates to enumerate: dive in the column-generation tree for
                # a plan one better (fixing the schedules the LP likes best)
                dived.add(target)
                res = dive(cg, b_int, target, deadline=self._clock.now() + 0.6 * left)
                if res.plan is not None:
                    chosen, obj = res.plan, float(round(res.value))
                    continue
                left = t0 + limit - self._clock.now()
            if objective == "pacers":
                # ask the compact model "is there a plan with one pacer fewer?" (its
                # capacity-pattern cuts are strong for this)
                from ortools.sat.python import cp_model

                probe = dataclasses.replace(spec, max_used=min(spec.max_used, int(obj) - 1))
                built = _build(cp_model, probe, b_int, "feasible")
                left = t0 + limit - self._clock.now()
                if built is None:
                    bound = obj
                    break
                if left < 0.1:
                    break
                solver = self._solver(cp_model, left)
                st = self._run(solver, built.model)
                if st == cp_model.INFEASIBLE:
                    bound = obj
                elif st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                    chosen = {key for key, v in built.x.items() if solver.value(v)}
                    obj = float(len({p for p, _s, _c in chosen}))
                    continue
                break
            if pooled:
                break
            # too many candidates to enumerate: search the pool of generated schedules and
            # single runs with the time left (then enumerate again if that got close)
            pooled = True
            cg.add_single_runs(b_int)
            res = cg.best_plan(b_int, time_limit_s=left, num_workers=self.num_workers,
                               hint=chosen, stop_at=sign * bound)
            if res is None or sign * res[1] >= sign * obj:
                break
            obj, chosen = sign * res[1], res[0]
        return obj, bound, chosen

    def _margin_colgen(self, spec, b_int, margin0, found, bound, chosen, t0, pacers=None):
        """Largest margin: bisect the margin with Dantzig–Wolfe feasibility bounds (a bound
        > 0 proves no plan keeps that margin; pricing without stint limits, fast), dive for
        a plan at the highest margin the LP allows, then search the pool of schedules the
        bisection generated for a better one (colgen.py). Integers in 1/SCALE."""
        from paceline.crew.colgen import dive

        limit = self._limit
        ref = b_int + margin0  # remaining capacity = ref − load
        cg = self._cg(spec, "feasible")
        cg.add_plan(chosen)
        lo, hi = found, bound
        deadline = t0 + 0.7 * limit
        while hi - lo > max(1, int(0.001 * found)) and self._clock.now() < deadline:
            mid = (lo + hi + 1) // 2
            lb, done = cg.lower_bound(ref - mid, deadline=deadline)
            if lb > 1e-6:
                hi = mid - 1  # proved: no plan keeps margin mid
            elif done:
                lo = mid  # the LP relaxation has a plan: look higher
            else:
                break
        # dive for a plan at the highest margin the LP allows (colgen.dive), then 1 % lower
        # with most of the time left if that dive fails (it often fails at once just at the
        # edge of LP feasibility: the bisection prices without stint limits). At 2.4 km with
        # the model's drags the dives at 0.2 % and 0.5 % below, 0.3 of the time left each,
        # ran out of time with 11–16 of the ~24 steps a plan needs; one dive 1 % below with
        # 0.8 of it finds 0.5473 against the bound 0.5497 (was 0.5212, gap 5.5 %)
        for below, share in ((0.0, 0.3), (0.01, 0.8)):
            level = lo - int(below * lo)
            left = t0 + limit - self._clock.now()
            if level <= found or left < 0.1:
                break
            res = dive(cg, ref - level, 0.0, deadline=self._clock.now() + share * left)
            if res.plan is not None:
                loads: dict[int, int] = {}
                for p, s, c in res.plan:
                    loads[p] = loads.get(p, 0) + int(spec.u_int[p, s, c])
                got = int(min(ref[p] - ld for p, ld in loads.items()))
                if pacers:
                    got = min(got, min(int(ref[p]) for p in pacers))
                if got > found:
                    chosen, found = res.plan, got
                break
        # the plan's margin counts every pacer who could run, used or not (as the model)
        cap = min(int(ref[p]) for p in pacers) if pacers else SCALE
        left = t0 + limit - self._clock.now()
        if left > 0.1 and found < hi:
            # exact: every schedule of a plan keeping margin found + 1 (reduced-cost
            # enumeration on the feasibility master at that margin), and CP-SAT over them
            # proves that none exists or finds the best plan — when they are few
            lb, _ = cg.lower_bound(ref - (found + 1), deadline=t0 + limit - 0.1)
            if lb > 1e-6:
                hi = found
            elif cg.duals is not None:
                got = cg.schedules_within(-cg.duals.bound + 1e-6, limit=_ENUM_LIMIT,
                                          deadline=t0 + limit - 0.1)
                left = t0 + limit - self._clock.now()
                if got is not None and left > 0.1:
                    pool, must = got
                    res = cg.best_plan(ref - (found + 1), time_limit_s=left,
                                       num_workers=self.num_workers, margin_ref=ref,
                                       pool=pool, must_use=must, hint=chosen, stop_at=hi)
                    if res is None:
                        if cg.proved_empty:
                            hi = found  # no plan keeps found + 1
                    else:
                        got_m = min(cap, int(round(res[1])))
                        if got_m > found:
                            chosen, found = res[0], got_m
                        if res[2]:
                            hi = found  # the best of every plan above the old incumbent
        left = t0 + limit - self._clock.now()
        if left > 0.1 and found < hi:
            res = cg.best_plan(ref - found, time_limit_s=left, num_workers=self.num_workers,
                               margin_ref=ref, hint=chosen, stop_at=hi)
            if res is not None and min(cap, int(round(res[1]))) > found:
                chosen, found = res[0], min(cap, int(round(res[1])))
        return found, max(hi, found), chosen

    def _margin_probes(self, cp_model, spec, b_int, margin0, found, bound, chosen, t0):
        """Raise the incumbent or lower the bound of the margin by feasibility probes.

        A probe at margin m is the plan model with every pacer's budget at 1 − m (no margin
        variable, so the capacity cuts are tight). An infeasible probe proves the bound
        m − 1/SCALE; a feasible one is a better plan. The first probe is 1 % above the
        incumbent (the issue's target when refused), then just above it (optimality).
        """
        deadline = t0 + self._limit
        while found < bound:
            left = deadline - self._clock.now()
            if left < 0.1:
                break
            one_pct = found + max(1, int(0.01 * found))
            probe = found + 1 if bound <= one_pct else one_pct
            built = _build(cp_model, spec, b_int + margin0 - probe, "feasible")
            if built is None:  # a slot-stint nobody can run with that margin
                bound = probe - 1
                continue
            solver = self._solver(cp_model, left)
            st = self._run(solver, built.model)
            if st == cp_model.INFEASIBLE:
                bound = probe - 1
            elif st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                chosen = {key for key, var in built.x.items() if solver.value(var)}
                # as in the model: every pacer who could run counts, used or not
                loads = dict.fromkeys(built.pacers, 0)
                for (p, s, c) in chosen:
                    loads[p] += int(spec.u_int[p, s, c])
                found = min(SCALE, int(min(b_int[p] + margin0 - ld for p, ld in loads.items())))
            else:
                break
        return found, max(bound, found), chosen

    def _name_slots(self, chosen, n_s, members, boundaries, fixed, prefer_first=False):
        """Give each chosen (pacer, stint, class) a slot name: stay put, then preferences
        (preferences first when they are the objective)."""
        pr = self.problem
        slots = pr.formation.slots
        where_prev: dict[int, int] = {}
        for (p, s, k), v in fixed.items():
            if v and s == 0:
                where_prev[p] = k
        out = []
        for s in range(n_s):
            now: dict[int, int] = {}
            for c, ks in enumerate(members):
                ps = sorted(p for (p, s2, c2) in chosen if s2 == s and c2 == c)
                free = list(ks)
                placed = {}

                prefs = {p: pr.pacers[p].preferred_slots for p in ps}
                if prefer_first:
                    _keep_slot(ps, free, placed, where_prev, slots, prefs)
                    _take_preferred(ps, free, placed, slots, prefs)
                    _keep_slot(ps, free, placed, where_prev, slots, None)
                else:
                    _keep_slot(ps, free, placed, where_prev, slots, None)
                    _take_preferred(ps, free, placed, slots, prefs)
                for p in ps:
                    if p not in placed:
                        placed[p] = free.pop(0)
                now.update(placed)
            for p, k in now.items():
                out.append(Assignment(pr.pacers[p].name, slots[k], float(boundaries[s]),
                                      float(boundaries[s + 1])))
            where_prev = now
        return out

    # ------------------------------------------------------------------------------
    def _plan(self, stints, objective, status, obj, bound, wall, boundaries,
              initial_use=None, notes=()) -> CrewPlan:
        pr = self.problem
        merged = _merge_rows(stints)
        report = check_plan(pr, merged, initial_use=initial_use)
        margins = report.margins()
        used_names = {a.pacer for a in merged}
        rows = []
        for i, p in enumerate(pr.pacers):
            mine = [a for a in merged if a.pacer == p.name]
            planned = sum(pr.use_between(i, a.slot, a.from_m, a.to_m)[0] for a in mine)
            if initial_use and p.name in initial_use:
                planned += initial_use[p.name][0]
            rows.append(PacerMargin(p.name, margins[p.name] if p.name in used_names else
                                    margins.get(p.name, 1.0), planned,
                                    next(t.stints for t in report.pacers if t.name == p.name),
                                    sum(a.to_m - a.from_m for a in mine)))
        unused = [p for p in pr.pacers if p.name not in used_names]
        reserves = tuple(p.name for p in unused)
        gap = abs(obj - bound) / abs(obj) if obj else (0.0 if obj == bound else math.inf)
        return CrewPlan(
            stints=tuple(merged), pacers=tuple(rows), formation=pr.formation.name,
            slots=pr.formation.slots, distance_m=pr.distance_m,
            target_time_s=pr.distance_m / pr.speed_m_s,
            exchange_points_m=tuple(float(b) for b in boundaries[1:-1]),
            safety_margin_frac=pr.safety_margin_frac, objective=objective, status=status,
            objective_value=float(obj), best_bound=float(bound), gap_frac=float(gap),
            solve_time_s=float(wall), reserves=reserves,
            notes=tuple(notes) + tuple(report.problems), slot_drag=pr.formation.slot_drag,
            drag_reduction_frac=tuple(pr.formation.drag_reduction_frac),
        )

    # ------------------------------------------------------------------------------
    def _strongest(self) -> int:
        pr = self.problem
        return int(np.argmax([q.cs_m_s for q in pr.capacities]))

    def _level_text(self, need_use: float, p_ref: int) -> str:
        """Describe the level of a pacer that would use ``need_use`` of what p_ref uses."""
        pr = self.problem
        q = pr.capacities[p_ref]
        # a pacer whose speeds are all f× the reference's uses less; find f with bisection
        from paceline.models import capacity as cap

        v_eq = float(pr.v_eq_mean_m_s[p_ref].max())

        tlim = float(cap.time_to_exhaustion_s(v_eq, q.cs_m_s, q.d_prime_m,
                                              riegel_exponent=q.riegel_exponent))
        t_need = tlim * need_use
        lo, hi = 1.0, 1.5
        for _ in range(50):
            f = 0.5 * (lo + hi)
            tl = float(cap.time_to_exhaustion_s(v_eq, f * q.cs_m_s, f * q.d_prime_m,
                                                riegel_exponent=q.riegel_exponent))
            if tl >= t_need / max(1e-9, 1.0 - pr.safety_margin_frac) * 1.0:
                hi = f
            else:
                lo = f
        f = hi
        t5 = float(cap.performance_time_s(5000.0, f * q.cs_m_s, f * q.d_prime_m,
                                          riegel_exponent=q.riegel_exponent))
        t10 = float(cap.performance_time_s(10000.0, f * q.cs_m_s, f * q.d_prime_m,
                                           riegel_exponent=q.riegel_exponent))
        return f"5000 m ≤ {_fmt_time(t5)} and 10 000 m ≤ {_fmt_time(t10)}"

    def _explain_if_obviously_infeasible(self) -> None:
        """Refuse at once when a stint/slot has nobody able to run it, or too few pacers."""
        pr = self.problem
        budget = 1.0 - pr.safety_margin_frac
        elig = pr.eligible()
        b = pr.boundaries_m
        for s in range(pr.n_stints):
            for k, slot in enumerate(pr.formation.slots):
                can = elig[:, s] & (pr.use[:, s, k] <= budget)
                if can.any():
                    continue
                best = int(np.argmin(np.where(elig[:, s], pr.use[:, s, k], np.inf)))
                if not elig[best, s]:
                    raise ImpossibleScenarioError(
                        f"stint {s + 1} ({_fmt_km(b[s])}–{_fmt_km(b[s + 1])}), slot {slot}: "
                        "no pacer of the roster is available then",
                        where="roster", fix="add pacers available over that part of the race "
                        "or widen earliest_km/latest_km")
                need = pr.use[best, s, k] / budget
                raise ImpossibleScenarioError(
                    f"stint {s + 1} ({_fmt_km(b[s])}–{_fmt_km(b[s + 1])}), slot {slot}: no pacer "
                    f"can hold {_fmt_time(1000 / pr.speed_m_s)}/km there and keep a "
                    f"{pr.safety_margin_frac:.0%} margin; the best, {pr.pacers[best].name}, "
                    f"would use {pr.use[best, s, k]:.0%} of his capacity",
                    where="roster",
                    fix=f"add at least {len(pr.formation.slots)} pacers able to run "
                    f"{self._level_text(need, best)}, or shorten the stints (--exchange-every)"
                    ", or lower the safety margin")
            n_ok = int((elig[:, s] & (pr.use[:, s, :].min(axis=1) <= budget)).sum())
            if n_ok < len(pr.formation.slots):
                raise ImpossibleScenarioError(
                    f"stint {s + 1} ({_fmt_km(b[s])}–{_fmt_km(b[s + 1])}): only {n_ok} pacers "
                    f"can run it but the formation has {len(pr.formation.slots)} slots",
                    where="roster",
                    fix=f"add {len(pr.formation.slots) - n_ok} more pacers able to run "
                    f"{self._level_text(1.0, self._strongest())} (available then)")

    def _explain_infeasible(self) -> None:
        """After CP-SAT found no plan: count slot-stints the roster can cover at most.

        Three cases, never contradicting each other: the search ran out of time (say so, and
        how much more to give it); the roster's total capacity is short of the demand (how
        many pacers more); or the total would do but the slots, availability or stint limits
        do not fit together (say that, not "too weak")."""
        pr = self.problem
        budget = 1.0 - pr.safety_margin_frac
        demand = pr.n_stints * len(pr.formation.slots)
        elig = pr.eligible()
        supply = []
        for i, p in enumerate(pr.pacers):
            # every stint fills every slot, so a slot-stint costs on average the mean over
            # the slots (the cheapest back slot alone would promise more than can be run)
            # (his cheapest stints first, as many as his budget holds)
            cost = np.sort(pr.use[i].mean(axis=1)[elig[i]])
            n = int(np.searchsorted(np.cumsum(cost), budget + 1e-12, side="right"))
            n = min(n, pr.n_stints)
            if p.max_stints is not None:
                n = min(n, p.max_stints * pr.n_stints)
            supply.append(n)
        order = np.argsort(supply)[::-1]
        usable = sorted(supply, reverse=True)[: max(0, len(pr.pacers) - pr.reserves)]
        total = int(sum(usable))
        best = int(order[0])
        per = max(1, supply[best])
        more = max(1, math.ceil((demand - total) / per)) if total < demand else 1
        pace = f"{_fmt_time(1000 / pr.speed_m_s)}/km"
        if self._timed_out:
            raise ImpossibleScenarioError(
                f"no plan found within the time limit ({self.time_limit_s:g} s): the search "
                f"neither found a plan for the {demand} slot-stints nor proved there is none "
                f"(the roster's pacers could cover about {total} of them one by one)",
                where="--time-limit", value=self.time_limit_s,
                fix="give the solver more time (e.g. --time-limit 30), or lengthen the stints")
        if total >= demand:
            raise ImpossibleScenarioError(
                f"no plan covers all {demand} slot-stints ({pr.n_stints} stints × "
                f"{len(pr.formation.slots)} slots) at {pace} with a "
                f"{pr.safety_margin_frac:.0%} margin: the pacers' capacity adds up to about "
                f"{total} slot-stints, but it does not fit the slots — availability "
                "(earliest_km/latest_km), stint limits or the slots' drag leave some "
                "slot-stints without a pacer who can still run them",
                where="roster",
                fix="widen the pacers' availability or stint limits, add pacers able to run "
                "the back slots, or lower the reserves or the safety margin")
        raise ImpossibleScenarioError(
            f"the roster cannot cover all {demand} slot-stints ({pr.n_stints} stints × "
            f"{len(pr.formation.slots)} slots) at {_fmt_time(1000 / pr.speed_m_s)}/km with a "
            f"{pr.safety_margin_frac:.0%} margin: its pacers can cover at most about {total} "
            f"(after holding {pr.reserves} in reserve)",
            where="roster",
            fix=f"add about {more} more pacers like {pr.pacers[best].name} "
            f"({self._level_text(1.0 / per, best)}), each covering ~{per} slot-stints; or "
            "shorten the stints, lower the reserves or the safety margin")

    # ------------------------------------------------------------------------------
    def repair(self, plan: CrewPlan, dropped: str, at_m: float) -> CrewPlan:
        """A quick re-plan (milliseconds, no solver): what :meth:`replan` answers in seconds.

        Everything before ``at_m`` and every other pacer's stints stay; the dropped pacer's
        stints from ``at_m`` on, cut at the exchange points, are handed out in course order,
        each to the free pacer (not running then, available, under his stint limit) with the
        most capacity left after it — the one who took the piece before in that slot first,
        if he still can (no extra hand-over). Capacity is the scheduler's additive use
        against 1 − safety margin; the returned plan is replayed by the checker (its
        ``pacers`` margins and ``notes`` say what it found). Pieces nobody can take are named
        in the notes. Greedy: not optimal, and it may miss a plan that exists — the race-day
        service answers with it at once and publishes :meth:`replan`'s when that arrives.
        """
        pr = self.problem
        t_wall = time.perf_counter()
        pr.index_of(dropped)  # unknown name → ScenarioError
        if not (0.0 < at_m < pr.distance_m):
            raise ScenarioError("the drop-out must be inside the race", where="--at",
                                value=at_m, valid=f"0 < d < {pr.distance_m:g} m")
        cuts = sorted({at_m, pr.distance_m, *(x for x in pr.exchange_points_m if x > at_m)})
        kept: list[Assignment] = []
        holes: list[tuple[str, float, float]] = []
        for a in plan.stints:
            if a.pacer != dropped or a.to_m <= at_m:
                kept.append(a)
                continue
            if a.from_m < at_m:
                kept.append(Assignment(a.pacer, a.slot, a.from_m, at_m))
            edges = [max(a.from_m, at_m)] + [x for x in cuts if max(a.from_m, at_m) < x < a.to_m]
            edges.append(a.to_m)
            holes += [(a.slot, lo, hi) for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
        if not holes:
            notes = (f"{dropped} had no stint after {_fmt_km(at_m)}: plan unchanged",)
            return _with(plan, notes=plan.notes + notes)
        names = [p.name for p in pr.pacers]
        used = dict.fromkeys(names, 0.0)
        count = dict.fromkeys(names, 0)
        for a in kept:
            used[a.pacer] += pr.use_between(names.index(a.pacer), a.slot, a.from_m, a.to_m)[0]
            count[a.pacer] += 1
        budget = 1.0 - pr.safety_margin_frac
        lost, prev = [], {}
        for slot, lo, hi in sorted(holes, key=lambda h: h[1]):
            best = None
            for i, p in enumerate(pr.pacers):
                if p.name == dropped or lo < p.earliest_m - 1e-6 or hi > p.latest_m + 1e-6:
                    continue
                same = prev.get(slot) == p.name
                if (not same and p.max_stints is not None and count[p.name] >= p.max_stints):
                    continue
                if any(b.pacer == p.name and b.from_m < hi - 1e-6 and lo < b.to_m - 1e-6
                       for b in kept):
                    continue
                u = pr.use_between(i, slot, lo, hi)[0]
                left = budget - used[p.name] - u
                if left >= 0 and (best is None or (same, left) > (best[0], best[1])):
                    best = (same, left, p.name, u)
            if best is None:
                lost.append(f"{slot} {_fmt_km(lo)}–{_fmt_km(hi)}")
                continue
            _, _, name, u = best
            kept.append(Assignment(name, slot, lo, hi))
            used[name] += u
            count[name] += 0 if prev.get(slot) == name else 1
            prev[slot] = name
        notes = [f"quick repair after {dropped} dropped at {_fmt_km(at_m)}: his stints handed "
                 "to free pacers with capacity left (greedy)"]
        if lost:
            notes.append("no free pacer with capacity for: " + "; ".join(lost))
        bounds = np.array([0.0, *sorted(set(pr.exchange_points_m) | {at_m}), pr.distance_m])
        return self._plan(kept, plan.objective, "partial" if lost else "feasible", 0.0, 0.0,
                          time.perf_counter() - t_wall, bounds, notes=notes)

    def replan(self, plan: CrewPlan, dropped: str, at_m: float, *, objective: str | None = None
               ) -> CrewPlan:
        """Re-solve the rest of the race after ``dropped`` leaves at ``at_m``.

        Everything before ``at_m`` stays as run; the others running at ``at_m`` stay in
        their slots until the next exchange point; the dropped pacer's slot is taken over at
        ``at_m`` (an emergency exchange). Each pacer starts with the capacity he has used so
        far (checker replay). If no full plan exists, the slot-stints that can be covered
        are maximized and the plan's notes list what is lost.
        """
        pr = self.problem
        objective = objective or plan.objective
        d_idx = pr.index_of(dropped)
        if not (0.0 < at_m < pr.distance_m):
            raise ScenarioError("the drop-out must be inside the race", where="--at",
                                value=at_m, valid=f"0 < d < {pr.distance_m:g} m")
        before = []
        running_at = {}
        for a in plan.stints:
            if a.from_m < at_m:
                before.append(Assignment(a.pacer, a.slot, a.from_m, min(a.to_m, at_m)))
                if a.to_m > at_m:
                    running_at[a.pacer] = a.slot
        if dropped not in running_at and not any(a.pacer == dropped and a.from_m >= at_m
                                                 for a in plan.stints):
            notes = (f"{dropped} had no stint after {_fmt_km(at_m)}: plan unchanged",)
            return _with(plan, notes=plan.notes + notes)
        t0 = self._clock.now()
        t_wall = time.perf_counter()
        init = {}
        entries_so_far = {}
        for i, p in enumerate(pr.pacers):
            rows = sorted((a for a in before if a.pacer == p.name), key=lambda a: a.from_m)
            uses = [pr.use_between(i, a.slot, a.from_m, a.to_m) for a in rows]
            tot = sum(u[0] for u in uses)
            dpr = sum(u[1] for u in uses)
            last = max((a.to_m for a in rows), default=None)
            init[p.name] = (tot, dpr, None if last is None else last / pr.speed_m_s)
            # entries into the formation so far, counted as the checker counts them (a row
            # starting where his previous one ended continues the same entry); the checker's
            # full replay of the race so far was only read for this (0.08 s per re-plan)
            n, end = 0, None
            for a in rows:
                if end is None or a.from_m > end + 0.5:
                    n += 1
                end = a.to_m if end is None else max(end, a.to_m)
            entries_so_far[p.name] = n
        bounds = [at_m] + [x for x in pr.exchange_points_m if x > at_m + 1.0] + [pr.distance_m]
        bounds = np.array(bounds)
        n_s = len(bounds) - 1
        use = np.empty((len(pr.pacers), n_s, len(pr.formation.slots)))
        for i in range(len(pr.pacers)):
            for k, slot in enumerate(pr.formation.slots):
                for s in range(n_s):
                    use[i, s, k] = pr.use_between(i, slot, bounds[s], bounds[s + 1])[0]
        budget = np.array([1.0 - pr.safety_margin_frac - init[p.name][0] for p in pr.pacers])
        eligible = np.array([[(bounds[s] >= p.earliest_m - 1e-6) and
                              (bounds[s + 1] <= p.latest_m + 1e-6) for s in range(n_s)]
                             for p in pr.pacers])
        eligible[d_idx, :] = False
        fixed = {}
        prev_running = set()
        names = [p.name for p in pr.pacers]
        for name, slot in running_at.items():
            if name == dropped:
                continue
            i = names.index(name)
            fixed[i, 0, pr.formation.slots.index(slot)] = 1
            prev_running.add(i)
            eligible[i, 0] = True
        max_entries = []
        for p in pr.pacers:
            if p.max_stints is None:
                max_entries.append(None)
            else:
                max_entries.append(max(0, p.max_stints - entries_so_far[p.name]))
        # reserves may be called on after a drop-out: that is what they are held for
        max_used = len(pr.pacers)
        warm = _warm_start(plan, names, pr.formation.slots, bounds, use, budget, eligible,
                           max_entries, running_at, d_idx, pr.safety_margin_frac)
        # the time limit covers the whole re-plan: the replay and set-up above, and ~0.3 s
        # for building models, naming the slots and checking the new plan
        deadline = t0 + float(self.time_limit_s) - 0.3
        try:
            self._limit = max(0.1, deadline - self._clock.now())
            res = self._solve_cp(objective, budget=budget, eligible=eligible,
                                 max_entries=max_entries, fixed=fixed,
                                 prev_running=prev_running, boundaries=bounds, use=use,
                                 max_used=max_used, warm=warm)
            notes = [f"re-planned after {dropped} dropped at {_fmt_km(at_m)}"]
            partial = res is None
            if partial:  # no full plan: cover as many slot-stints as possible
                self._limit = max(0.1, deadline - self._clock.now())
                res = self._solve_cp("margin", budget=budget, eligible=eligible,
                                     max_entries=max_entries, fixed=fixed,
                                     prev_running=prev_running, boundaries=bounds, use=use,
                                     max_used=max_used, soft=True)
        finally:
            self._limit = float(self.time_limit_s)
        if res is None:
            raise ImpossibleScenarioError(
                "no re-plan: even a partial cover is impossible", where="--dropped",
                value=dropped, fix="check the roster and the plan")
        if partial:
            covered = {(a.slot, a.from_m) for a in res[0]}
            lost = [f"{slot} {_fmt_km(bounds[s])}–{_fmt_km(bounds[s + 1])}"
                    for s in range(n_s) for slot in pr.formation.slots
                    if (slot, float(bounds[s])) not in covered]
            notes.append("no full plan: these slot-stints stay empty — " + "; ".join(lost))
        stints, status, obj, bound, _ = res
        wall = time.perf_counter() - t_wall
        plan2 = self._plan(before + stints, objective, status, obj, bound, wall,
                           np.array([0.0, *sorted(set(pr.exchange_points_m) | {at_m}),
                                     pr.distance_m]), notes=notes)
        return plan2


def _warm_start(plan: CrewPlan, names: list[str], slots: tuple[str, ...], bounds: np.ndarray,
                use: np.ndarray, budget: np.ndarray, eligible: np.ndarray, max_entries: list,
                running_at: dict[str, str], d_idx: int, margin: float
                ) -> set[tuple[int, int, int]] | None:
    """The old plan after the drop-out, with the dropped pacer's slot-stints re-assigned:
    {(pacer, stint, slot index)} over the re-plan's stints, or None if that fails.

    Each slot-stint of the dropped pacer, in order, goes to the pacer free in that stint who
    keeps the most capacity after it (reserves and lightly used pacers first), within his
    budget, availability and stint limit. Greedy, but a full plan within a few % of the old
    margin — a start CP-SAT and the margin probes then improve on (docs/crew.md §7b).
    """
    n_p, n_s, _ = use.shape
    idx = {n: i for i, n in enumerate(names)}
    warm: set[tuple[int, int, int]] = set()
    holes = []
    for s in range(n_s):
        mid = 0.5 * (bounds[s] + bounds[s + 1])
        for a in plan.stints:
            if a.from_m < mid < a.to_m:
                p, k = idx[a.pacer], slots.index(a.slot)
                if p == d_idx:
                    holes.append((s, k))
                elif eligible[p, s]:
                    warm.add((p, s, k))
                else:
                    holes.append((s, k))
    load = np.zeros(n_p)
    busy = np.zeros((n_p, n_s), bool)
    for p, s, k in warm:
        load[p] += use[p, s, k]
        busy[p, s] = True
    prev = {idx[n] for n in running_at if n in idx and idx[n] != d_idx}

    def entries(p: int) -> int:
        run = busy[p]
        starts = int(run[0] and p not in prev)
        return starts + int(np.sum(run[1:] & ~run[:-1]))

    for s, k in holes:
        best, best_left = None, -np.inf
        for p in range(n_p):
            if p == d_idx or busy[p, s] or not eligible[p, s]:
                continue
            left = budget[p] - load[p] - use[p, s, k]
            if left < 0:
                continue
            busy[p, s] = True
            ok = max_entries[p] is None or entries(p) <= max_entries[p]
            busy[p, s] = False
            # ties: keep a pacer who runs the stint before or after (no extra hand-over)
            near = (s > 0 and busy[p, s - 1]) or (s + 1 < n_s and busy[p, s + 1])
            score = left + (1e-6 if near else 0.0)
            if ok and score > best_left:
                best, best_left = p, score
        if best is None:
            return None
        warm.add((best, s, k))
        load[best] += use[best, s, k]
        busy[best, s] = True
    active = eligible.any(axis=1)
    active[d_idx] = False
    _raise_least_remaining(warm, use, budget, eligible, max_entries, prev, active)
    return warm


def _raise_least_remaining(warm: set[tuple[int, int, int]], use: np.ndarray,
                           budget: np.ndarray, eligible: np.ndarray, max_entries: list,
                           prev: set[int], active: np.ndarray,
                           max_used: int | None = None) -> None:
    """Raise a plan's least remaining capacity by local moves, in place.

    warm: {(pacer, stint, slot or class)}; use: (pacer, stint, slot or class) fractions;
    budget: what each pacer may use; prev: pacers continuing a stint begun before stint 0
    (a re-plan's, not moved out of stint 0); active: pacers whose remaining capacity counts;
    max_used: most pacers the plan may use (the reserves held back) — a pacer not running yet
    is only brought in below it.
    The most loaded pacer hands one of his slot-stints to a pacer free then, or swaps slots
    with one running the same stint, or a chain (q takes his, a free r takes q's), while
    every pacer involved ends above where he was — within availability and stint limits.
    Deterministic (sorted order, no clock); a few hundred cheap steps, not a search.
    """
    n_p, n_s, _ = use.shape
    load = np.zeros(n_p)
    busy = np.zeros((n_p, n_s), bool)
    for p, s, k in warm:
        load[p] += use[p, s, k]
        busy[p, s] = True

    def entries(p: int) -> int:
        run = busy[p]
        starts = int(run[0] and p not in prev)
        return starts + int(np.sum(run[1:] & ~run[:-1]))

    for _ in range(4 * n_p * n_s):
        # a pacer who runs nothing yet may join only while the plan is below max_used
        room = max_used is None or int(busy.any(axis=1).sum()) < max_used
        joins = busy.any(axis=1) | room
        left = np.where(active, budget - load, np.inf)
        p = int(np.argmin(left))
        worst = left[p]
        best_move, best_val = None, worst + 1e-9
        for (q0, s, k) in sorted(warm):
            if q0 != p or (s == 0 and p in prev):
                continue
            u_p = use[p, s, k]
            for q in range(n_p):
                if q == p or not active[q] or not eligible[q, s]:
                    continue
                if not busy[q, s]:  # hand the slot-stint over
                    if not joins[q]:
                        continue
                    val = min(left[p] + u_p, left[q] - use[q, s, k])
                    if val > best_val:
                        busy[q, s], busy[p, s] = True, False
                        ok = all(max_entries[r] is None or entries(r) <= max_entries[r]
                                 for r in (p, q))
                        busy[q, s], busy[p, s] = False, True
                        if ok:
                            best_move, best_val = ("move", s, k, q, None), val
                    continue
                kq = next((kk for (qq, ss, kk) in warm if qq == q and ss == s), None)
                if kq is None or (s == 0 and q in prev):
                    continue
                if kq != k:
                    val = min(left[p] + u_p - use[p, s, kq],
                              left[q] + use[q, s, kq] - use[q, s, k])
                    if val > best_val:
                        best_move, best_val = ("swap", s, k, q, kq), val
                # a chain: q takes p's slot, a pacer r free then takes q's
                gain_q = left[q] + use[q, s, kq] - use[q, s, k]
                if min(left[p] + u_p, gain_q) <= best_val:
                    continue
                for r in range(n_p):
                    if (r in (p, q) or not active[r] or not eligible[r, s] or busy[r, s]
                            or not joins[r]):
                        continue
                    val = min(left[p] + u_p, gain_q, left[r] - use[r, s, kq])
                    if val <= best_val:
                        continue
                    busy[r, s], busy[p, s] = True, False
                    ok = all(max_entries[t] is None or entries(t) <= max_entries[t]
                             for t in (p, r))
                    busy[r, s], busy[p, s] = False, True
                    if ok:
                        best_move, best_val = ("chain", s, k, q, (kq, r)), val
        if best_move is None:
            break
        kind, s, k, q, kq = best_move
        warm.discard((p, s, k))
        load[p] -= use[p, s, k]
        if kind == "move":
            warm.add((q, s, k))
            load[q] += use[q, s, k]
            busy[q, s], busy[p, s] = True, False
        elif kind == "swap":
            warm.discard((q, s, kq))
            load[q] += use[q, s, k] - use[q, s, kq]
            warm.add((q, s, k))
            warm.add((p, s, kq))
            load[p] += use[p, s, kq]
        else:
            kq, r = kq
            warm.discard((q, s, kq))
            load[q] += use[q, s, k] - use[q, s, kq]
            warm.add((q, s, k))
            warm.add((r, s, kq))
            load[r] += use[r, s, kq]
            busy[r, s], busy[p, s] = True, False


def _margin_of(spec, b_int, margin0: int, pacers, chosen) -> int:
    """The margin of a plan in the model's terms (1/SCALE): the least remaining capacity
    over every pacer who could run, used or not."""
    loads = dict.fromkeys(pacers, 0)
    for (p, s, c) in chosen:
        loads[p] = loads.get(p, 0) + int(spec.u_int[p, s, c])
    return min(SCALE, int(min(b_int[p] + margin0 - ld for p, ld in loads.items())))


def _plan_cost(cg, chosen: set[tuple[int, int, int]], n_s: int) -> float:
    """The master objective of a plan given as (pacer, stint, class) triples."""
    by_p: dict[int, list[int]] = {}
    for p, s, c in chosen:
        by_p.setdefault(p, [-1] * n_s)[s] = c
    return float(sum(cg.column_cost(p, tuple(col)) for p, col in by_p.items()))


@dataclass
class _Spec:
    """What every CP-SAT model of one plan shares (class-level uses in 1/SCALE)."""

    u_int: np.ndarray  # (pacer, stint, class)
    eligible: np.ndarray  # (pacer, stint)
    max_entries: list
    fixed: dict
    prev_running: set
    max_used: int
    size: list
    pref: np.ndarray  # (pacer, class): preferred slots in the class
    pref_slots: list = None  # per pacer: frozenset of preferred slot indices
    pref_union: list = None  # per class: slots that someone prefers


@dataclass
class _Built:
    model: object
    x: dict
    margin_var: object = None
    pacers: tuple = ()  # pacers with at least one x variable


def _pattern_table(cost: np.ndarray, budget: int) -> np.ndarray:
    """Least total cost of running f stints in class 0 and b in class 1 (distinct stints).

    cost: (stint, class) integer uses, a huge value where the pacer may not run. Returns a
    (n_s + 1, n_s + 1) table (one class: (n_s + 1, 1)); entries above ``budget`` are not
    feasible for him.
    """
    n_s, n_c = cost.shape
    big = np.iinfo(np.int64).max // 4
    dp = np.full((n_s + 1, n_s + 1 if n_c == 2 else 1), big, dtype=np.int64)
    dp[0, 0] = 0
    for s in range(n_s):
        new = dp.copy()
        if cost[s, 0] < big:
            new[1:, :] = np.minimum(new[1:, :], dp[:-1, :] + cost[s, 0])
        if n_c == 2 and cost[s, 1] < big:
            new[:, 1:] = np.minimum(new[:, 1:], dp[:, :-1] + cost[s, 1])
        dp = np.minimum(new, big)
    return dp


def _pattern_cuts(cost: np.ndarray, budget: int) -> list[tuple[tuple[int, ...], int]]:
    """Valid inequalities Σ_c a_c·n_c ≤ r on a pacer's slot-stint counts n_c per class.

    The counts he can reach within his budget (cheapest stints first, one class per stint)
    form a down-closed set; the facets of its convex hull with non-negative normals are
    returned (one class: n ≤ cap; more than two classes: only the total Σ n ≤ cap).
    Multiplied by used_p they cut off the fractional "a bit of every pacer" LP solutions.
    """
    n_s, n_c = cost.shape
    if n_c > 2:
        cheapest = np.sort(cost.min(axis=1))
        cap = int((np.cumsum(cheapest) <= budget).sum())
        return [((1,) * n_c, cap)]
    dp = _pattern_table(cost, budget)
    ok = np.argwhere(dp <= budget)
    if n_c == 1:
        return [((1,), int(ok[:, 0].max()))]
    pts = sorted({(int(a), int(b)) for a, b in ok})
    if len(pts) == 1:
        return [((1, 0), 0), ((0, 1), 0)]

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for q in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], q) <= 0:
            lower.pop()
        lower.append(q)
    for q in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], q) <= 0:
            upper.pop()
        upper.append(q)
    hull = lower[:-1] + upper[:-1]  # counter-clockwise
    cuts = []
    for i, p1 in enumerate(hull):
        p2 = hull[(i + 1) % len(hull)]
        a, b = p2[1] - p1[1], p1[0] - p2[0]  # outward normal of a counter-clockwise edge
        if a < 0 or b < 0 or (a == 0 and b == 0):
            continue
        g = math.gcd(a, b)
        a, b = a // g, b // g
        cuts.append(((a, b), a * p1[0] + b * p1[1]))
    if len(hull) <= 2:  # a segment: add the box
        cuts += [((1, 0), max(q[0] for q in pts)), ((0, 1), max(q[1] for q in pts))]
    return cuts


def _dominance(spec: _Spec, bud: np.ndarray, present: np.ndarray, objective: str
               ) -> list[tuple[int, int]]:
    """Pairs (a, b): pacer a can take over pacer b's whole plan at no loss.

    a dominates b when a may run every (stint, class) b may, at no higher use, has at least
    b's budget and stint limit (and, for ``preferences``, prefers every slot b prefers);
    neither is fixed by a re-plan. Then some optimal plan uses a whenever it
    uses b, so used_b ≤ used_a is a valid symmetry-breaking cut. Ties go by roster order.
    """
    n_p = spec.u_int.shape[0]
    big = np.iinfo(np.int64).max // 4
    u = np.where(present, spec.u_int, big)
    pinned = {p for (p, _s, _c) in spec.fixed} | set(spec.prev_running)
    inf_e = [math.inf if e is None else e for e in spec.max_entries]
    pairs = []
    for a in range(n_p):
        if a in pinned or not present[a].any():
            continue
        for b in range(n_p):
            if b == a or b in pinned or not present[b].any():
                continue
            if bud[a] < bud[b] or inf_e[a] < inf_e[b]:
                continue
            if objective == "preferences" and not spec.pref_slots[a] >= spec.pref_slots[b]:
                continue
            if not (u[a] <= u[b]).all():
                continue
            mutual = ((u[b] <= u[a]).all() and bud[a] == bud[b] and inf_e[a] == inf_e[b]
                      and (objective != "preferences"
                           or spec.pref_slots[a] == spec.pref_slots[b]))
            if mutual and b < a:
                continue
            pairs.append((a, b))
    return pairs


def _stays(m, spec: _Spec, bud: np.ndarray, present: np.ndarray, x: dict, used: dict) -> list:
    """Stay variables w[p,s,c] (p in class c on both sides of exchange point s) and cuts.

    Cuts, all valid for any plan: a pacer's stays are his slot-stints minus his runs, and
    he runs at least once when used (Σ w ≤ Σ x − used_p); no pacer stays through a window
    of exchange points whose contiguous run would exceed his budget; per class, every slot
    needs ⌈stints / longest feasible run⌉ runs.
    """
    u_int = spec.u_int
    n_p, n_s, n_c = u_int.shape
    w = {}
    for s in range(n_s - 1):
        for c in range(n_c):
            here = []
            for p in range(n_p):
                if present[p, s, c] and present[p, s + 1, c]:
                    v = m.new_bool_var(f"w{p}_{s}_{c}")
                    m.add_implication(v, x[p, s, c])
                    m.add_implication(v, x[p, s + 1, c])
                    w[p, s, c] = v
                    here.append(v)
            if here:
                m.add(sum(here) <= spec.size[c])
    longest = [0] * n_c
    for p in used:
        mine_w = [v for (q, _s, _c), v in w.items() if q == p]
        if mine_w:
            m.add(sum(mine_w) <= sum(v for key, v in x.items() if key[0] == p) - used[p])
        for c in range(n_c):
            for a in range(n_s):  # runs a..b (stints) in class c
                tot = 0
                for b in range(a, n_s):
                    if not present[p, b, c]:
                        break
                    tot += int(u_int[p, b, c])
                    if tot > bud[p]:
                        # he cannot run a..b: not every exchange point a..b−1 is a stay
                        m.add(sum(w[p, t, c] for t in range(a, b)) <= b - a - 1)
                        break
                    longest[c] = max(longest[c], b - a + 1)
    for c in range(n_c):
        if longest[c]:
            runs = math.ceil(n_s / longest[c])
            mine = [v for (_p, _s, c2), v in w.items() if c2 == c]
            if mine:
                m.add(sum(mine) <= spec.size[c] * (n_s - runs))
    return list(w.values())


def _present(spec: _Spec, bud: np.ndarray) -> np.ndarray:
    """(pacer, stint, class) pairs a plan may use: available and within his budget (or
    pinned by a re-plan)."""
    bud = np.asarray(bud, dtype=np.int64)
    present = spec.eligible[:, :, None] & (spec.u_int <= bud[:, None, None])
    for (p, s, c), _v in spec.fixed.items():
        if spec.eligible[p, s]:
            present[p, s, c] = True
    return present


def _build(cp_model, spec: _Spec, bud: np.ndarray, objective: str, *,
           margin_floor: int | None = None, margin0: int = 0) -> _Built | None:
    """The CP-SAT model of one plan with per-pacer budgets ``bud`` (1/SCALE).

    objective: margin, pacers, exchanges, preferences, soft (most slot-stints covered) or
    feasible (no objective: a margin probe). None when some slot-stint has too few pacers.
    """
    m = cp_model.CpModel()
    u_int = spec.u_int
    n_p, n_s, n_c = u_int.shape
    size = spec.size
    bud = np.asarray(bud, dtype=np.int64)
    present = _present(spec, bud)
    keys = [tuple(int(i) for i in key) for key in np.argwhere(present)]
    x = {key: m.new_bool_var("x{}_{}_{}".format(*key)) for key in keys}
    for key, val in spec.fixed.items():
        m.add(x[key] == val)
    cover = []
    for s in range(n_s):
        for c in range(n_c):
            terms = [x[p, s, c] for p in range(n_p) if present[p, s, c]]
            if objective == "soft":
                cv = m.new_int_var(0, size[c], f"cov{s}_{c}")
                m.add(sum(terms) == cv)
                cover.append(cv)
            elif len(terms) < size[c]:
                return None
            else:
                m.add(sum(terms) == size[c])
    big = np.iinfo(np.int64).max // 4
    used = {}
    for p in range(n_p):
        if not present[p].any():
            continue
        up = m.new_bool_var(f"used{p}")
        used[p] = up
        z = []
        for s in range(n_s):
            row = [x[p, s, c] for c in range(n_c) if present[p, s, c]]
            if row:
                m.add(sum(row) <= up)  # at most one slot at a time, and only if used
            z.append(row)
        mine = [(p, s, c) for s in range(n_s) for c in range(n_c) if present[p, s, c]]
        m.add_bool_or([x[key] for key in mine]).only_enforce_if(up)
        # capacity cuts: the slot-stint counts he can reach within his budget
        counts = [sum(x[p, s, c] for s in range(n_s) if present[p, s, c]) for c in range(n_c)]
        cost = np.where(present[p], u_int[p], big)
        for coef, rhs in _pattern_cuts(cost, int(bud[p])):
            if rhs < n_s * max(coef):
                m.add(sum(a * n for a, n in zip(coef, counts, strict=True) if a) <= rhs * up)
        if spec.max_entries[p] is not None:
            entries = []
            for s in range(n_s):
                if not z[s]:
                    continue
                prev = z[s - 1] if s > 0 else []
                if s == 0 and p in spec.prev_running:
                    continue  # continuing his stint across the re-plan point
                e = m.new_bool_var(f"e{p}_{s}")
                m.add(e >= sum(z[s]) - sum(prev))
                entries.append(e)
            m.add(sum(entries) <= spec.max_entries[p])
    if spec.max_used < n_p:
        m.add(sum(used.values()) <= spec.max_used)
    for a, b in _dominance(spec, bud, present, objective):
        m.add_implication(used[b], used[a])
    margin_var = None
    if objective == "margin":
        margin_var = m.new_int_var(int(margin_floor), SCALE, "margin")
    for p in used:
        load = sum(int(u_int[key]) * x[key] for key in x if key[0] == p)
        if margin_var is not None:
            # remaining after the plan ≥ margin: load ≤ budget + margin0 − margin
            m.add(load + margin_var <= int(bud[p]) + margin0)
        m.add(load <= int(bud[p]) * used[p])  # nothing at all when unused (a tighter LP)
    if objective == "soft":
        m.maximize(sum(cover))
    elif objective == "margin":
        m.maximize(margin_var)
    elif objective == "pacers":
        m.minimize(sum(used.values()))
    elif objective == "exchanges":
        m.minimize((n_s - 1) * sum(size) - sum(_stays(m, spec, bud, present, x, used)))
    elif objective == "preferences":
        # pacers preferring a slot of class c count, but no more than the slots of c that
        # anyone prefers (five pacers who all like front-3 fill it once per stint)
        got = []
        for s in range(n_s):
            for c in range(n_c):
                terms = [x[p, s, c] for p in range(n_p) if present[p, s, c] and spec.pref[p, c]]
                if terms and spec.pref_union[c]:
                    y = m.new_int_var(0, min(len(terms), spec.pref_union[c]), f"pref{s}_{c}")
                    m.add(y <= sum(terms))
                    got.append(y)
        m.maximize(sum(got))
    return _Built(m, x, margin_var, tuple(used))


def _keep_slot(ps, free, placed, where_prev, slots, prefs) -> None:
    """Pacers keep the slot they ran the stint before (with ``prefs``: only a preferred one)."""
    for p in ps:
        k = where_prev.get(p)
        if p in placed or k not in free:
            continue
        if prefs is None or slots[k] in prefs[p]:
            placed[p] = k
            free.remove(k)


def _take_preferred(ps, free, placed, slots, prefs) -> None:
    """Pacers not placed yet take a free preferred slot."""
    for p in ps:
        if p in placed:
            continue
        for k in free:
            if slots[k] in prefs[p]:
                placed[p] = k
                free.remove(k)
                break


def _merge_rows(rows: list[Assignment]) -> list[Assignment]:
    """Join consecutive rows of the same pacer in the same slot; sort by slot then start."""
    out: list[Assignment] = []
    key = {}
    for a in sorted(rows, key=lambda a: (a.pacer, a.from_m)):
        last = key.get(a.pacer)
        if last is not None and out[last].slot == a.slot and abs(out[last].to_m - a.from_m) < 0.5:
            out[last] = Assignment(a.pacer, a.slot, out[last].from_m, a.to_m)
        else:
            key[a.pacer] = len(out)
            out.append(a)
    return sorted(out, key=lambda a: (a.from_m, a.slot))


def _with(plan: CrewPlan, **changes) -> CrewPlan:
    from dataclasses import replace

    return replace(plan, **changes)
