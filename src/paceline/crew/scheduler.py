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
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from paceline.crew.checker import check_plan
from paceline.crew.plan import Assignment, CrewPlan, PacerMargin
from paceline.crew.problem import CrewProblem
from paceline.errors import ImpossibleScenarioError, ScenarioError

__all__ = ["CrewScheduler", "OBJECTIVES"]

OBJECTIVES = ("margin", "pacers", "exchanges", "preferences")
SCALE = 10_000
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
        CP-SAT wall-clock limit per solve [s].
    num_workers : int
        CP-SAT search workers (≤ 2 keeps the tests light).
    """

    def __init__(self, problem: CrewProblem, *, time_limit_s: float = 10.0,
                 num_workers: int = 2) -> None:
        self.problem = problem
        self.time_limit_s = time_limit_s
        self.num_workers = num_workers

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
                  boundaries, use, max_used, soft=False):
        """One CP-SAT solve. use: (pacer, stint, slot) fractions. Returns None if none.

        Slots with the same drag reduction are interchangeable, so the model assigns pacers
        to slot *classes* (x[p,s,c], Σ_p x = number of slots in c) — this removes the
        symmetry of permuting identical slots — and names the slots afterwards, keeping a
        pacer in his slot across an exchange point and giving preferred slots when free.
        fixed: {(p, 0, slot index): 1} pacers who must stay in a slot in the first stint.
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
        from ortools.sat.python import cp_model  # imported here: ~0.2 s, only when solving

        m = cp_model.CpModel()
        u_int = np.ceil(ucls * SCALE).astype(np.int64)
        b_int = np.floor(np.asarray(budget) * SCALE).astype(np.int64)
        fixed_cls = {(p, s, classes.index(red[k])): v for (p, s, k), v in fixed.items()}
        x = {}
        for p in range(n_p):
            for s in range(n_s):
                if not eligible[p, s]:
                    continue
                for c in range(n_c):
                    if u_int[p, s, c] <= b_int[p] or (p, s, c) in fixed_cls:
                        x[p, s, c] = m.new_bool_var(f"x{p}_{s}_{c}")
        for (p, s, c), val in fixed_cls.items():
            m.add(x[p, s, c] == val)
        cover = []
        for s in range(n_s):
            for c in range(n_c):
                terms = [x[p, s, c] for p in range(n_p) if (p, s, c) in x]
                if soft:
                    cv = m.new_int_var(0, size[c], f"cov{s}_{c}")
                    m.add(sum(terms) == cv)
                    cover.append(cv)
                elif len(terms) < size[c]:
                    return None
                else:
                    m.add(sum(terms) == size[c])
        used = []
        for p in range(n_p):
            mine = [(s, c) for s in range(n_s) for c in range(n_c) if (p, s, c) in x]
            if not mine:
                continue
            z = []
            for s in range(n_s):
                row = [x[p, s, c] for c in range(n_c) if (p, s, c) in x]
                if row:
                    m.add_at_most_one(row)
                z.append(row)
            up = m.new_bool_var(f"used{p}")
            for s, c in mine:
                m.add_implication(x[p, s, c], up)
            m.add_bool_or([x[p, s, c] for s, c in mine]).only_enforce_if(up)
            used.append(up)
            if max_entries[p] is not None:
                entries = []
                for s in range(n_s):
                    if not z[s]:
                        continue
                    prev = z[s - 1] if s > 0 else []
                    if s == 0 and p in prev_running:
                        continue  # continuing his stint across the re-plan point
                    e = m.new_bool_var(f"e{p}_{s}")
                    m.add(e >= sum(z[s]) - sum(prev))
                    entries.append(e)
                m.add(sum(entries) <= max_entries[p])
        if max_used < n_p:
            m.add(sum(used) <= max_used)
        margin_var = None
        if objective == "margin" and not soft:
            margin_var = m.new_int_var(int(round(pr.safety_margin_frac * SCALE)), SCALE, "margin")
        for p in range(n_p):
            terms = [(int(u_int[p, s, c]), x[p, s, c]) for s in range(n_s) for c in range(n_c)
                     if (p, s, c) in x]
            if not terms:
                continue
            load = sum(w * v for w, v in terms)
            if margin_var is not None:
                # remaining after the plan ≥ margin, measured from the full capacity
                spent = SCALE - int(b_int[p]) - int(round(pr.safety_margin_frac * SCALE))
                m.add(load + spent + margin_var <= SCALE)
            else:
                m.add(load <= int(b_int[p]))
        stays = []
        if objective == "exchanges" and not soft:
            for s in range(n_s - 1):
                for c in range(n_c):
                    here = []
                    for p in range(n_p):
                        if (p, s, c) in x and (p, s + 1, c) in x:
                            w = m.new_bool_var(f"w{p}_{s}_{c}")
                            m.add_implication(w, x[p, s, c])
                            m.add_implication(w, x[p, s + 1, c])
                            here.append(w)
                    if here:
                        m.add(sum(here) <= size[c])
                    stays.extend(here)
        n_boundaries = (n_s - 1) * n_k
        pref = {}
        for p in range(n_p):
            for c in range(n_c):
                pref[p, c] = min(size[c], sum(1 for k in members[c]
                                              if slots[k] in pr.pacers[p].preferred_slots))
        if soft:
            m.maximize(sum(cover))
        elif objective == "margin":
            m.maximize(margin_var)
        elif objective == "pacers":
            m.minimize(sum(used))
        elif objective == "exchanges":
            m.minimize(n_boundaries - sum(stays))
        else:
            m.maximize(sum(x[p, s, c] for (p, s, c) in x if pref[p, c]))
        solver = cp_model.CpSolver()
        # the margin objective keeps 40 % of the time for the bound probe below
        share = 0.6 if margin_var is not None else 1.0
        solver.parameters.max_time_in_seconds = float(self.time_limit_s) * share
        solver.parameters.num_workers = int(self.num_workers)
        t0 = time.perf_counter()
        st = solver.solve(m)
        wall = time.perf_counter() - t0
        bound_lp = solver.best_objective_bound if st in (cp_model.OPTIMAL,
                                                         cp_model.FEASIBLE) else None
        if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        if margin_var is not None and st == cp_model.FEASIBLE:
            # Probe: is a margin 1 % (relative) above the one found possible? A proof of
            # infeasibility is a tighter bound than the LP's (reported as best_bound).
            found = int(solver.objective_value)
            probe = found + max(1, int(np.ceil(0.01 * found)))
            left = self.time_limit_s - wall
            if left > 0.2 and probe < solver.best_objective_bound:
                m2 = m.clone()
                m2.clear_objective()
                m2.add(m2.get_int_var_from_proto_index(margin_var.index) >= probe)
                s2 = cp_model.CpSolver()
                s2.parameters.max_time_in_seconds = float(left)
                s2.parameters.num_workers = int(self.num_workers)
                st2 = s2.solve(m2)
                wall = time.perf_counter() - t0
                if st2 == cp_model.INFEASIBLE:
                    probe_bound = probe - 1
                    chosen = {key for key, var in x.items() if solver.value(var)}
                    stints = self._name_slots(chosen, n_s, members, boundaries, fixed)
                    status = "optimal" if probe_bound <= found else "feasible"
                    return stints, status, found / SCALE, probe_bound / SCALE, wall
                if st2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                    solver, x = s2, {key: m2.get_bool_var_from_proto_index(var.index)
                                     for key, var in x.items()}
                    margin_var = m2.get_int_var_from_proto_index(margin_var.index)
                    chosen = {key for key, var in x.items() if solver.value(var)}
                    stints = self._name_slots(chosen, n_s, members, boundaries, fixed)
                    val = solver.value(margin_var)
                    return stints, "feasible", val / SCALE, bound_lp / SCALE, wall
        chosen = {(p, s, c) for (p, s, c), var in x.items() if solver.value(var)}
        stints = self._name_slots(chosen, n_s, members, boundaries, fixed)
        status = "optimal" if st == cp_model.OPTIMAL else "feasible"
        obj, bound = solver.objective_value, solver.best_objective_bound
        if margin_var is not None:
            obj, bound = obj / SCALE, bound / SCALE
        return stints, status, obj, bound, wall

    def _name_slots(self, chosen, n_s, members, boundaries, fixed):
        """Give each chosen (pacer, stint, class) a slot name: stay put, then preferences."""
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
                for p in ps:  # keep his slot
                    k = where_prev.get(p)
                    if k in free:
                        placed[p] = k
                        free.remove(k)
                for p in ps:  # preferred slot if free
                    if p in placed:
                        continue
                    for k in free:
                        if slots[k] in pr.pacers[p].preferred_slots:
                            placed[p] = k
                            free.remove(k)
                            break
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
            notes=tuple(notes) + tuple(report.problems),
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
        """After CP-SAT found no plan: count slot-stints the roster can cover at most."""
        pr = self.problem
        budget = 1.0 - pr.safety_margin_frac
        demand = pr.n_stints * len(pr.formation.slots)
        elig = pr.eligible()
        supply = []
        for i, p in enumerate(pr.pacers):
            u = np.where(elig[i][:, None], pr.use[i], np.inf).min()
            n = int(budget // u) if np.isfinite(u) and u > 0 else 0
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
        t0 = time.perf_counter()
        report = check_plan(pr, before, safety_margin_frac=0.0)
        init = {}
        entries_so_far = {}
        for i, p in enumerate(pr.pacers):
            rows = [a for a in before if a.pacer == p.name]
            tot = sum(pr.use_between(i, a.slot, a.from_m, a.to_m)[0] for a in rows)
            dpr = sum(pr.use_between(i, a.slot, a.from_m, a.to_m)[1] for a in rows)
            last = max((a.to_m for a in rows), default=None)
            init[p.name] = (tot, dpr, None if last is None else last / pr.speed_m_s)
            entries_so_far[p.name] = next(t.stints for t in report.pacers if t.name == p.name)
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
        res = self._solve_cp(objective, budget=budget, eligible=eligible,
                             max_entries=max_entries, fixed=fixed, prev_running=prev_running,
                             boundaries=bounds, use=use, max_used=max_used)
        notes = [f"re-planned after {dropped} dropped at {_fmt_km(at_m)}"]
        if res is None:
            res = self._solve_cp("margin", budget=budget, eligible=eligible,
                                 max_entries=max_entries, fixed=fixed,
                                 prev_running=prev_running, boundaries=bounds, use=use,
                                 max_used=max_used, soft=True)
            if res is None:
                raise ImpossibleScenarioError(
                    "no re-plan: even a partial cover is impossible", where="--dropped",
                    value=dropped, fix="check the roster and the plan")
            covered = {(a.slot, a.from_m) for a in res[0]}
            lost = [f"{slot} {_fmt_km(bounds[s])}–{_fmt_km(bounds[s + 1])}"
                    for s in range(n_s) for slot in pr.formation.slots
                    if (slot, float(bounds[s])) not in covered]
            notes.append("no full plan: these slot-stints stay empty — " + "; ".join(lost))
        stints, status, obj, bound, _ = res
        wall = time.perf_counter() - t0
        plan2 = self._plan(before + stints, objective, status, obj, bound, wall,
                           np.array([0.0, *sorted(set(pr.exchange_points_m) | {at_m}),
                                     pr.distance_m]), notes=notes)
        return plan2


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
