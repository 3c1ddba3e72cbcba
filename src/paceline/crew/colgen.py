"""Column generation for the rotation plan: a Dantzig–Wolfe bound and a pool of schedules.

The compact CP-SAT model (:mod:`paceline.crew.scheduler`) finds plans fast but its LP bound is
weak where the answer hinges on how whole stints pack into each pacer's capacity (the
largest margin with 2.4 km stints, the fewest hand-overs). The classic remedy for crew
scheduling is the Dantzig–Wolfe reformulation (Desrosiers & Lübbecke 2005, "A primer in
column generation", in *Column Generation*, Springer): one column per pacer *schedule* — the
(stint, slot class) pairs he runs — and a master problem that picks at most one schedule per
pacer so that every slot of every stint is covered:

    min Σ_j cost_j·λ_j   s.t.  Σ_j a_j[s,c]·λ_j ≥ size_c   (every stint s, slot class c)
                               Σ_{j of p} λ_j ≤ 1           (every pacer p)
                               Σ_{j non-empty} λ_j ≤ P − R  (reserves held back)

Its LP relaxation is solved by OR-Tools' GLOP over a growing set of columns; the pricing
problem — the most valuable schedule of one pacer for the duals π — is a knapsack over the
stints with one class (or rest) per stint, solved *exactly* by dynamic programming on the
integer capacity use (1/10 000). Because pricing is exact, every iteration gives a valid
Lagrangian lower bound (Lübbecke & Desrosiers 2005, Operations Research 53:1007, §3.3):

    LB = π·size − τ·(P − R) − Σ_p max(0, max_j(π·a_j − cost_j) − τ)

for any π ≥ 0, τ ≥ 0, so the bound never depends on the LP having converged. For the margin
objective the master has no cost: LB > 0 proves that no plan keeps that margin.

Pricing ignores the stint limit (``max_stints``): that only enlarges the set of schedules, so
the bound stays valid (a relaxation). A schedule that breaks the limit is priced again with
it, and only schedules within every limit enter the integer search over the pool
(:meth:`ColumnGeneration.best_plan`, CP-SAT), the "price-and-branch" heuristic.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

__all__ = ["ColumnGeneration", "price_schedule", "schedule_entries", "schedule_runs"]

_NEG = -1e18
_BIG_M = 1000.0  # cost of an uncovered slot-stint in the master LP (artificial variable)


def schedule_entries(col: tuple[int, ...]) -> int:
    """Entries into the formation: blocks of consecutive stints run (any class)."""
    return sum(1 for s, c in enumerate(col) if c >= 0 and (s == 0 or col[s - 1] < 0))


def schedule_runs(col: tuple[int, ...]) -> int:
    """Hand-overs a schedule causes: runs in one class that start after the first stint."""
    return sum(1 for s, c in enumerate(col) if c >= 0 and s > 0 and col[s - 1] != c)


def price_schedule(value: np.ndarray, cost: np.ndarray, budget: int, *,
                   max_entries: int | None = None, run_penalty: float = 0.0
                   ) -> tuple[float, tuple[int, ...]]:
    """The most valuable schedule of one pacer, exactly, by dynamic programming.

    Parameters
    ----------
    value : (n_stints, n_classes) float
        What running stint s in class c is worth (duals plus any objective gain).
    cost : (n_stints, n_classes) int
        His capacity use [1/10 000]; a value above ``budget`` forbids the pair.
    budget : int
        Most he may use [1/10 000].
    max_entries : int or None
        Most blocks of consecutive stints (entries into the formation).
    run_penalty : float
        Subtracted for every run that starts after the first stint (a hand-over).

    Returns
    -------
    (best value, schedule): schedule[s] is the class run in stint s, or −1 (rest). The empty
    schedule (value 0) is a candidate.

    The state is (rest or class of the last stint, entries so far, capacity used ≤ b); the
    table holds the best value with use ≤ b, so it is monotone in b and a shift by the cost
    adds a pair. Work: n_stints × (1 + n_classes) × (entries + 1) × budget.
    """
    n_s, n_c = cost.shape
    if budget < 0:
        return 0.0, (-1,) * n_s
    e1 = 1 if max_entries is None else max_entries + 1
    shape = (1 + n_c, e1, budget + 1)
    v = np.full(shape, _NEG)
    v[0, 0, :] = 0.0
    hist = []
    for s in range(n_s):
        hist.append(v)
        w = np.full(shape, _NEG)
        w[0] = v.max(axis=0)
        pen = run_penalty if s > 0 else 0.0
        for c in range(n_c):
            cc = int(cost[s, c])
            if cc > budget:
                continue
            tgt = w[1 + c, :, cc:]
            lo = v[:, :, : budget + 1 - cc]
            if max_entries is None:
                np.maximum(tgt, lo[0] - pen, out=tgt)
            else:
                np.maximum(tgt[1:], lo[0, :-1] - pen, out=tgt[1:])
            np.maximum(tgt, lo[1 + c], out=tgt)
            for c2 in range(n_c):
                if c2 != c:
                    np.maximum(tgt, lo[1 + c2] - pen, out=tgt)
            tgt += value[s, c]
        v = w
    i = int(v.argmax())
    best = float(v.reshape(-1)[i])
    st, e, b = (int(t) for t in np.unravel_index(i, shape))
    col = [-1] * n_s
    for s in range(n_s - 1, -1, -1):  # walk back: which predecessor gave the value
        prev = hist[s]
        if st == 0:
            st = int(prev[:, e, b].argmax())
            continue
        c = st - 1
        col[s] = c
        b -= int(cost[s, c])
        pen = run_penalty if s > 0 else 0.0
        cands = []
        if max_entries is None:
            cands.append((prev[0, e, b] - pen, 0, e))
        elif e >= 1:
            cands.append((prev[0, e - 1, b] - pen, 0, e - 1))
        for c2 in range(n_c):
            cands.append((prev[1 + c2, e, b] - (0.0 if c2 == c else pen), 1 + c2, e))
        _, st, e = max(cands, key=lambda t: t[0])
    return best, tuple(col)


@dataclass
class _Column:
    pacer: int
    col: tuple[int, ...]
    load: int
    cost: float
    var: object


class ColumnGeneration:
    """Dantzig–Wolfe master of the rotation plan over a pool of pacer schedules.

    Parameters
    ----------
    use : (pacer, stint, class) int
        Capacity use of each slot-stint [1/10 000].
    eligible : (pacer, stint) bool
        Availability.
    size : list of int
        Slots per class.
    max_used : int
        Most pacers used (roster minus reserves).
    max_entries : list of int or None
        Stint limits per pacer.
    objective : "feasible" (a margin question: no cost), "pacers", "exchanges", or
        "preferences": maximize Σ_{s,c} y[s,c], y[s,c] ≤ the pacers in class c at stint s who
        prefer a slot of c, y[s,c] ≤ ``preferred_cap[c]`` (the slots of c anyone prefers);
        the master minimizes −Σ y.
    preferred : (pacer, class) bool, for "preferences".
    preferred_cap : per class int, for "preferences".
    """

    def __init__(self, use: np.ndarray, eligible: np.ndarray, size: list[int], max_used: int,
                 max_entries: list, objective: str, preferred: np.ndarray | None = None,
                 preferred_cap: list[int] | None = None) -> None:
        from ortools.linear_solver import pywraplp

        self.use = np.asarray(use, dtype=np.int64)
        n_p, n_s, n_c = self.use.shape
        big = np.iinfo(np.int32).max
        self.cost = np.where(np.asarray(eligible, bool)[:, :, None], self.use, big)
        self.size = list(size)
        self.max_used = int(max_used)
        self.max_entries = list(max_entries)
        self.objective = objective
        pref = np.zeros((n_p, n_c), bool) if preferred is None else np.asarray(preferred, bool)
        self.pref = pref if objective == "preferences" else np.zeros((n_p, n_c), bool)
        self.pref_cap = list(preferred_cap or [0] * n_c)
        self.run_penalty = 1.0 if objective == "exchanges" else 0.0
        self.per_column = 1.0 if objective == "pacers" else 0.0
        lp = pywraplp.Solver.CreateSolver("GLOP")
        self._lp = lp
        self._rows = {(s, c): lp.Constraint(float(size[c]), lp.infinity())
                      for s in range(n_s) for c in range(n_c)}
        self._conv = [lp.Constraint(-lp.infinity(), 1.0) for _ in range(n_p)]
        self._used = lp.Constraint(-lp.infinity(), float(max_used))
        self._obj = lp.Objective()
        self._obj.SetMinimization()
        for row in self._rows.values():
            art = lp.NumVar(0.0, lp.infinity(), "")
            row.SetCoefficient(art, 1.0)
            self._obj.SetCoefficient(art, _BIG_M)
        # preferences: y[s,c] ≤ Σ preferring pacers in (s, c) (row ≥ 0), 0 ≤ y ≤ cap, cost −1
        self._link = {}
        if objective == "preferences":
            for s in range(n_s):
                for c in range(n_c):
                    if self.pref_cap[c] and self.pref[:, c].any():
                        row = lp.Constraint(0.0, lp.infinity())
                        y = lp.NumVar(0.0, float(self.pref_cap[c]), "")
                        row.SetCoefficient(y, -1.0)
                        self._obj.SetCoefficient(y, -1.0)
                        self._link[s, c] = row
        self.columns: list[_Column] = []
        self._seen: set[tuple[int, tuple[int, ...]]] = set()
        self.iterations = 0

    # ------------------------------------------------------------------------------------
    def column_cost(self, p: int, col: tuple[int, ...]) -> float:
        """The master objective's cost of pacer p running schedule ``col``."""
        if all(c < 0 for c in col):
            return 0.0
        return self.per_column + self.run_penalty * schedule_runs(col)

    def load(self, p: int, col: tuple[int, ...]) -> int:
        return int(sum(int(self.use[p, s, c]) for s, c in enumerate(col) if c >= 0))

    def add(self, p: int, col: tuple[int, ...], *, lp: bool = True) -> bool:
        """Add pacer p's schedule to the pool (ignored if empty or already there).

        ``lp=False`` keeps it out of the master LP: a candidate for :meth:`best_plan` only.
        """
        col = tuple(int(c) for c in col)
        if all(c < 0 for c in col) or (p, col) in self._seen:
            return False
        self._seen.add((p, col))
        load, cost = self.load(p, col), self.column_cost(p, col)
        if not lp:
            self.columns.append(_Column(p, col, load, cost, None))
            return True
        var = self._lp.NumVar(0.0, self._lp.infinity(), "")
        for s, c in enumerate(col):
            if c >= 0:
                self._rows[s, c].SetCoefficient(var, 1.0)
                if (s, c) in self._link and self.pref[p, c]:
                    self._link[s, c].SetCoefficient(var, 1.0)
        self._conv[p].SetCoefficient(var, 1.0)
        self._used.SetCoefficient(var, 1.0)
        self._obj.SetCoefficient(var, cost)
        self.columns.append(_Column(p, col, load, cost, var))
        return True

    def add_plan(self, chosen: set[tuple[int, int, int]]) -> None:
        """Add every pacer's schedule of a plan given as (pacer, stint, class) triples."""
        n_s = self.use.shape[1]
        by_p: dict[int, list[int]] = {}
        for p, s, c in chosen:
            by_p.setdefault(p, [-1] * n_s)[s] = c
        for p, col in by_p.items():
            self.add(p, tuple(col))

    def add_single_runs(self, budget: np.ndarray) -> int:
        """Add to the pool (not the LP) every single run — one class, consecutive stints —
        each pacer can hold within his budget: the bricks of plans with few hand-overs."""
        n_p, n_s, n_c = self.use.shape
        added = 0
        for p in range(n_p):
            for c in range(n_c):
                cum = np.concatenate([[0], np.cumsum(self.cost[p, :, c])])  # int64
                for a in range(n_s):
                    for b in range(a, n_s):
                        if cum[b + 1] - cum[a] > budget[p]:
                            break
                        col = (-1,) * a + (c,) * (b - a + 1) + (-1,) * (n_s - b - 1)
                        added += self.add(p, col, lp=False)
        return added

    # ------------------------------------------------------------------------------------
    def lower_bound(self, budget: np.ndarray, *, deadline: float | None = None,
                    tol: float = 1e-7) -> tuple[float, bool]:
        """A valid lower bound on the master's integer optimum with per-pacer budgets.

        Generates columns until none prices out (then the bound equals the LP optimum) or
        the deadline passes (the bound from the last iteration is still valid). Returns
        (bound, converged). With objective "feasible", a bound > 0 proves there is no plan.
        """
        budget = np.asarray(budget, dtype=np.int64)
        n_p, n_s, n_c = self.use.shape
        inf = self._lp.infinity()
        for col in self.columns:
            if col.var is not None:
                col.var.SetUb(inf if col.load <= budget[col.pacer] else 0.0)
        best = -np.inf
        size = np.asarray(self.size, float)
        while True:
            self.iterations += 1
            self._lp.Solve()
            # read every dual before the model changes again
            pi = np.array([[self._rows[s, c].dual_value() for c in range(n_c)]
                           for s in range(n_s)])
            pi = np.clip(pi, 0.0, _BIG_M)
            sigma = np.array([max(0.0, -row.dual_value()) for row in self._conv])
            tau = max(0.0, -self._used.dual_value())
            rho = np.zeros((n_s, n_c))
            for (s, c), row in self._link.items():
                rho[s, c] = min(1.0, max(0.0, row.dual_value()))
            lb = float((pi * size[None, :]).sum()) - tau * self.max_used
            # min over 0 ≤ y ≤ cap of (ρ − 1)·y, for the (s, c) with a y
            lb -= sum(self.pref_cap[c] * (1.0 - rho[s, c]) for (s, c) in self._link)
            new = []
            for p in range(n_p):
                val = pi + rho * self.pref[p][None, :]
                lim = self.max_entries[p]
                z, col = price_schedule(val, self.cost[p], int(budget[p]),
                                        run_penalty=self.run_penalty)
                gain = z - tau - self.per_column if any(c >= 0 for c in col) else 0.0
                lb -= max(0.0, gain)
                if gain > sigma[p] + tol:
                    new.append((p, col))
                    if lim is not None and schedule_entries(col) > lim:
                        _, col2 = price_schedule(val, self.cost[p],
                                                 int(budget[p]), max_entries=int(lim),
                                                 run_penalty=self.run_penalty)
                        new.append((p, col2))
            best = max(best, lb)
            added = sum(self.add(p, col) for p, col in new)
            if added == 0:
                return best, True
            if deadline is not None and time.perf_counter() > deadline:
                return best, False

    # ------------------------------------------------------------------------------------
    def best_plan(self, budget: np.ndarray, *, time_limit_s: float, num_workers: int,
                  margin_ref: np.ndarray | None = None, hint: set | None = None,
                  stop_at: float | None = None
                  ) -> tuple[set[tuple[int, int, int]], float, bool] | None:
        """The best plan made of pool schedules within the budgets and stint limits (CP-SAT).

        Minimizes the master cost, or with ``margin_ref`` maximizes min_p (ref_p − load_p)
        over the pacers used. ``hint``: a plan, as (pacer, stint, class), to start from.
        ``stop_at``: a proved bound on the value (added as a constraint, so a plan that
        reaches it is proved optimal at once). Costs are integers. Returns
        (plan, value, proved optimal over the pool) or None if the pool has no full plan.
        """
        from ortools.sat.python import cp_model

        budget = np.asarray(budget, dtype=np.int64)
        n_p, n_s, n_c = self.use.shape
        cols = [c for c in self.columns if c.load <= budget[c.pacer]
                and (self.max_entries[c.pacer] is None
                     or schedule_entries(c.col) <= self.max_entries[c.pacer])]
        m = cp_model.CpModel()
        lam = [m.new_bool_var(f"l{j}") for j in range(len(cols))]
        for p in range(n_p):
            mine = [lam[j] for j, c in enumerate(cols) if c.pacer == p]
            if len(mine) > 1:
                m.add_at_most_one(mine)
        for s in range(n_s):
            for c in range(n_c):
                m.add(sum(lam[j] for j, k in enumerate(cols) if k.col[s] == c) == self.size[c])
        if self.max_used < n_p:
            m.add(sum(lam) <= self.max_used)
        if self.objective == "preferences":
            got = []
            for s in range(n_s):
                for c in range(n_c):
                    terms = [lam[j] for j, k in enumerate(cols)
                             if k.col[s] == c and self.pref[k.pacer, c]]
                    if terms and self.pref_cap[c]:
                        y = m.new_int_var(0, min(len(terms), self.pref_cap[c]), f"y{s}_{c}")
                        m.add(y <= sum(terms))
                        got.append(y)
            total = -sum(got)
            if stop_at is not None:
                m.add(total >= int(stop_at))
            m.minimize(total)
        elif margin_ref is not None:
            mv = m.new_int_var(0, int(max(margin_ref)), "margin")
            for j, k in enumerate(cols):
                m.add(mv <= int(margin_ref[k.pacer]) - k.load).only_enforce_if(lam[j])
            m.maximize(mv)
            if stop_at is not None:  # a proved bound: reaching it ends the search
                m.add(mv <= int(stop_at))
        else:
            total = sum(int(round(k.cost)) * lam[j] for j, k in enumerate(cols))
            if stop_at is not None:
                m.add(total >= int(stop_at))
            m.minimize(total)
        if hint:
            want = {}
            for p, s, c in hint:
                want.setdefault(p, [-1] * n_s)[s] = c
            for j, k in enumerate(cols):
                m.add_hint(lam[j], tuple(want.get(k.pacer, ())) == k.col)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, float(time_limit_s))
        solver.parameters.num_workers = int(num_workers)
        st = solver.solve(m)
        if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        chosen = set()
        for j, k in enumerate(cols):
            if solver.value(lam[j]):
                chosen |= {(k.pacer, s, c) for s, c in enumerate(k.col) if c >= 0}
        return chosen, float(solver.objective_value), st == cp_model.OPTIMAL
