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

for any π ≥ 0, τ ≥ 0, so the bound never depends on the LP having converged. (A plan fills
each slot exactly; "≥" rows are a relaxation with steadier duals: with "=" rows the column
generation converged much more slowly at 2.4 km, and the dive took 3.5 s instead of 1.4 s.)
For the margin objective the master has no cost: LB > 0 proves that no plan keeps that
margin.

Pricing respects each pacer's stint limit (``max_stints``, a dimension of the DP): relaxing
it made the bound weaker (fewest pacers, 4.8 km: 13.98 relaxed, 14.02 exact — the difference
between proving 15 and not). The margin bisection, which needs many bounds fast, prices
without them (``price_limits=False``: about 4× faster, still a valid bound). Only schedules
within every limit enter the integer search over the pool
(:meth:`ColumnGeneration.best_plan`, CP-SAT), the "price-and-branch" heuristic.

When the bound and the incumbent differ by a few units, :meth:`ColumnGeneration.
schedules_within` enumerates every schedule whose reduced cost leaves room for a better plan
(reduced-cost fixing, Baldacci, Christofides & Mingozzi 2008) and the integer search over
exactly those is a proof: either a better plan or none exists. When there are too many,
:func:`dive` looks for a plan at the bound (fix the schedule the LP uses most, re-price,
repeat).
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from dataclasses import dataclass

import numpy as np

from paceline.crew.clock import ENUM_S_PER_SCHEDULE, LP_STEP_S_PER_CELL, SolveClock

__all__ = ["ColumnGeneration", "dive", "longest_runs_plan", "completion_table",
           "enumerate_schedules", "price_schedule", "price_schedules", "schedule_entries",
           "schedule_runs"]

_NEG = -1e18
_BIG_M = 1000.0  # cost of an uncovered slot-stint in the master LP (artificial variable)
_PIN_BONUS = 1e7  # added to a pinned pacer's first slot-stint when pricing (forces it)


def schedule_entries(col: tuple[int, ...]) -> int:
    """Entries into the formation: blocks of consecutive stints run (any class)."""
    return sum(1 for s, c in enumerate(col) if c >= 0 and (s == 0 or col[s - 1] < 0))


def schedule_runs(col: tuple[int, ...]) -> int:
    """Hand-overs a schedule causes: runs in one class that start after the first stint."""
    return sum(1 for s, c in enumerate(col) if c >= 0 and s > 0 and col[s - 1] != c)


_BUF = threading.local()


def _buffer(name: str, shape: tuple[int, ...]) -> np.ndarray:
    """A float work array of ``shape``, reused between calls (fresh arrays of this size cost
    page faults: most of the pricing time). One per thread and name."""
    n = int(np.prod(shape))
    buf = getattr(_BUF, name, None)
    if buf is None or buf.size < n:
        buf = np.empty(max(n, 1 << 20))
        setattr(_BUF, name, buf)
    return buf[:n].reshape(shape)


def _step(v: np.ndarray, w: np.ndarray, value_s: np.ndarray, cost_s: np.ndarray, budget: int,
          pen: float, entries: bool, tmp: np.ndarray) -> None:
    """One stint of the forward DP: w (after the stint) from v (before it).

    v, w: (1 + n_c, E, R) best value with use ≤ r, by state (rest, class c) and entries e.
    tmp: (2, E, R) scratch. A run of class c starting after rest is an entry (e + 1) and
    costs ``pen``; after another class it costs ``pen``; after class c itself nothing.
    """
    n_c = v.shape[0] - 1
    r1 = budget + 1
    mc = tmp[0]  # best over the class states
    np.copyto(mc, v[1])
    for c in range(1, n_c):
        np.maximum(mc, v[1 + c], out=mc)
    np.maximum(v[0], mc, out=w[0])  # rest now
    for c in range(n_c):
        k = int(cost_s[c])
        out = w[1 + c]
        if k > budget:
            out.fill(_NEG)
            continue
        out[:, :k] = _NEG
        tgt = out[:, k:]
        n = r1 - k
        if pen == 0.0:
            if entries:
                np.copyto(tgt, mc[:, :n])
                np.maximum(tgt[1:], v[0, :-1, :n], out=tgt[1:])
            else:
                np.copyto(tgt, w[0, :, :n])
        else:
            other = tmp[1]  # best over the states that make this a new run
            other[:] = _NEG
            for c2 in range(n_c):
                if c2 != c:
                    np.maximum(other, v[1 + c2], out=other)
            if entries:
                np.maximum(other[1:], v[0, :-1], out=other[1:])
            else:
                np.maximum(other, v[0], out=other)
            np.subtract(other[:, :n], pen, out=tgt)
            np.maximum(tgt, v[1 + c, :, :n], out=tgt)
        tgt += value_s[c]


def _forward(value: np.ndarray, cost: np.ndarray, budget: int, max_entries: int | None,
             run_penalty: float) -> np.ndarray:
    """H[s]: the DP table before stint s (H[0]: nothing run), shape (n_s + 1, 1 + n_c, E, R)."""
    n_s, n_c = cost.shape
    e1 = 1 if max_entries is None else max_entries + 1
    r1 = budget + 1
    h = _buffer("forward", (n_s + 3, 1 + n_c, e1, r1))
    tmp = h[n_s + 1:].reshape(2, 1 + n_c, e1, r1)[:, 0]  # two (E, R) scratch arrays
    h[0] = _NEG
    h[0, 0, 0, :] = 0.0
    for s in range(n_s):
        _step(h[s], h[s + 1], value[s], cost[s], budget, run_penalty if s > 0 else 0.0,
              max_entries is not None, tmp)
    return h[: n_s + 1]


def completion_table(value: np.ndarray, cost: np.ndarray, budget: int, *,
                     max_entries: int | None = None, run_penalty: float = 0.0) -> np.ndarray:
    """C[s][st, e, r]: the most that stints s, s+1, … can add to a schedule.

    Given the state before stint s (st = 0 rest, 1 + c class c), the entries e used so far
    and the capacity r still free [1/10 000]; −1e18 where nothing fits. The mirror of the
    pricing table: together they bound every schedule through a given prefix (used by
    :func:`enumerate_schedules`). Shape (n_s + 1, 1 + n_c, E, budget + 1); a shared buffer,
    valid until the next call in the same thread.
    """
    n_s, n_c = cost.shape
    entries = max_entries is not None
    e1 = max_entries + 1 if entries else 1
    r1 = budget + 1
    t = _buffer("backward", (n_s + 2, 1 + n_c, e1, r1))
    base = t[n_s + 1, 0]  # scratch (E, R)
    t[n_s] = 0.0
    for s in range(n_s - 1, -1, -1):
        nxt, cur = t[s + 1], t[s]
        cur[:] = nxt[0][None]  # rest in stint s
        for c in range(n_c):
            k = int(cost[s, c])
            if k > budget:
                continue
            base[:, :k] = _NEG
            np.add(nxt[1 + c, :, : r1 - k], value[s, c], out=base[:, k:])
            for st in range(1 + n_c):
                pen = run_penalty if (s > 0 and st != 1 + c) else 0.0
                tgt = cur[st]
                if entries and st == 0:  # entering: one more entry
                    np.maximum(tgt[:-1], base[1:] - pen, out=tgt[:-1])
                elif pen:
                    np.maximum(tgt, base - pen, out=tgt)
                else:
                    np.maximum(tgt, base, out=tgt)
    return t[: n_s + 1]


def enumerate_schedules(value: np.ndarray, cost: np.ndarray, budget: int, min_value: float, *,
                        max_entries: int | None = None, run_penalty: float = 0.0,
                        limit: int = 100_000, tol: float = 1e-7,
                        deadline: float | None = None,
                        clock: SolveClock | None = None) -> list[tuple[int, ...]] | None:
    """Every schedule worth at least ``min_value`` (the empty one included if it qualifies).

    Depth-first over the stints, cutting a prefix as soon as its value plus the best
    completion (:func:`completion_table`) falls below ``min_value − tol``: the work is
    proportional to the schedules returned. Same arguments as :func:`price_schedule`.
    Returns None when there are more than ``limit``, or when ``deadline`` (a time on
    ``clock``, :class:`paceline.crew.clock.SolveClock`; wall clock if None) passes first.
    """
    n_s, n_c = cost.shape
    if budget < 0:
        return [(-1,) * n_s] if min_value <= tol else []
    comp = completion_table(value, cost, budget, max_entries=max_entries,
                            run_penalty=run_penalty)
    entries = max_entries is not None
    floor = min_value - tol
    now = clock.now if clock is not None else time.perf_counter
    out: list[tuple[int, ...]] = []
    col = [-1] * n_s

    def walk(s: int, st: int, e: int, r: int, acc: float) -> bool:
        if s == n_s:
            out.append(tuple(col))
            if len(out) % 512 == 0:
                if clock is not None:
                    clock.charge(512 * ENUM_S_PER_SCHEDULE)
                if deadline is not None and now() > deadline:
                    return False
            return len(out) <= limit
        nxt = comp[s + 1]
        col[s] = -1
        if acc + nxt[0, e, r] >= floor and not walk(s + 1, 0, e, r, acc):
            return False
        for c in range(n_c):
            k = int(cost[s, c])
            if k > r:
                continue
            e2 = e + 1 if entries and st == 0 else e
            if entries and e2 > max_entries:
                continue
            a2 = acc + float(value[s, c]) - (run_penalty if s > 0 and st != 1 + c else 0.0)
            if a2 + nxt[1 + c, e2, r - k] >= floor:
                col[s] = c
                if not walk(s + 1, 1 + c, e2, r - k, a2):
                    return False
        col[s] = -1
        return True

    if comp[0][0, 0, budget] < floor:
        return []
    return out if walk(0, 0, 0, budget, 0.0) else None


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
    schedule (value 0) is a candidate (:func:`price_schedules` also gives the best schedule
    that runs at least one stint).

    The state is (rest or class of the last stint, entries so far, capacity used ≤ b); the
    table holds the best value with use ≤ b, so it is monotone in b and a shift by the cost
    adds a pair. Work: n_stints × (1 + n_classes) × (entries + 1) × budget.
    """
    return price_schedules(value, cost, budget, max_entries=max_entries,
                           run_penalty=run_penalty)[0]


def price_schedules(value: np.ndarray, cost: np.ndarray, budget: int, *,
                    max_entries: int | None = None, run_penalty: float = 0.0,
                    nonempty: bool = False
                    ) -> tuple[tuple[float, tuple[int, ...]], tuple[float, tuple[int, ...]]]:
    """The best schedule (as :func:`price_schedule`) and the best that runs at least one
    stint, from one DP when ``nonempty`` (the entries dimension tells them apart: without
    stint limits it is added, capped at the most entries possible). Without ``nonempty``
    the second is (nan, empty); if he can run nothing, (−1e18, empty)."""
    n_s, n_c = cost.shape
    empty = (-1,) * n_s
    if budget < 0:
        return (0.0, empty), (_NEG if nonempty else math.nan, empty)
    lim = max_entries
    if nonempty and lim is None:
        lim = (n_s + 1) // 2  # the most blocks n_s stints can hold: no limit in effect
    hist = _forward(value, cost, budget, lim, run_penalty)
    v = hist[n_s]
    first = _walk_back(hist, v, cost, lim, run_penalty)
    if not nonempty:
        return first, (math.nan, empty)
    if lim == 0:
        return first, (_NEG, empty)
    second = _walk_back(hist, v[:, 1:], cost, lim, run_penalty, e_offset=1)
    if second[0] <= _NEG / 2:
        second = (_NEG, empty)
    return first, second


def _walk_back(hist: np.ndarray, v: np.ndarray, cost: np.ndarray, max_entries: int | None,
               run_penalty: float, e_offset: int = 0) -> tuple[float, tuple[int, ...]]:
    """The best end state in ``v`` (a view of the last DP table, entries from
    ``e_offset``) and the schedule that reaches it."""
    n_s, n_c = cost.shape
    i = int(v.argmax())
    best = float(v.reshape(-1)[i])
    st, e, b = (int(t) for t in np.unravel_index(i, v.shape))
    e += e_offset
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
class _Duals:
    """Multipliers of the best bound so far, with each pacer's best schedule gain."""

    pi: np.ndarray  # (stint, class) cover rows
    rho: np.ndarray  # (stint, class) preference links
    tau: float  # pacers-used row
    gain: np.ndarray  # per pacer: max(0, best π·a − cost − τ); a fixed pacer: his column's
    bound: float
    budget: np.ndarray
    nonempty: np.ndarray  # per pacer: best gain of a schedule that runs (nan: not priced)


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
    price_limits : bool
        Price within the stint limits (exact, the stronger bound). False prices without
        them (about 4× faster, a valid but weaker bound: the relaxed schedules enter the LP
        only, each with the best schedule within the limit for the pool) — the margin
        bisection, which needs many bounds fast.
    pinned : {pacer: class}, optional
        Pacers running at a re-plan's start who stay in their slot class through the first
        stint: every schedule of theirs runs that class in stint 0, they always run
        (convexity row "= 1", no empty schedule in the bound), and their stint limit counts
        the stint they are in as begun before (``max_entries`` is the number of *new* entries
        left; the first stint is not one).
    """

    def __init__(self, use: np.ndarray, eligible: np.ndarray, size: list[int], max_used: int,
                 max_entries: list, objective: str, preferred: np.ndarray | None = None,
                 preferred_cap: list[int] | None = None, price_limits: bool = True,
                 pinned: dict[int, int] | None = None) -> None:
        from ortools.linear_solver import pywraplp

        self.price_limits = price_limits
        self.use = np.asarray(use, dtype=np.int64)
        n_p, n_s, n_c = self.use.shape
        big = np.iinfo(np.int32).max
        self.cost = np.where(np.asarray(eligible, bool)[:, :, None], self.use, big)
        self.size = list(size)
        self.max_used = int(max_used)
        self.pinned = dict(pinned or {})
        #: stint limits as the pricing DP counts them: a pinned pacer's first stint is one
        #: of its entries, so his limit is one more
        self.max_entries = [None if e is None else e + (p in self.pinned)
                            for p, e in enumerate(max_entries)]
        for p, c in self.pinned.items():
            others = [k for k in range(n_c) if k != c]
            self.cost[p, 0, others] = big
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
        self._conv = [lp.Constraint(1.0 if p in self.pinned else -lp.infinity(), 1.0)
                      for p in range(n_p)]
        self._used = lp.Constraint(-lp.infinity(), float(max_used))
        self._obj = lp.Objective()
        self._obj.SetMinimization()
        for row in [*self._rows.values(), *(self._conv[p] for p in sorted(self.pinned))]:
            art = lp.NumVar(0.0, lp.infinity(), "")  # a pinned pacer's row too: his column
            row.SetCoefficient(art, 1.0)              # may be over the budget asked
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
        self._over_limit: set[int] = set()  # LP columns of relaxed pricing (price_limits)
        self.iterations = 0
        #: where deadlines are measured (the scheduler sets its own)
        self.clock = SolveClock(deterministic=False)
        self.duals: _Duals | None = None
        self.proved_empty = False
        self.lp_status = None  # GLOP's status of the last master solve (0: optimal)

    # ------------------------------------------------------------------------------------
    def column_cost(self, p: int, col: tuple[int, ...]) -> float:
        """The master objective's cost of pacer p running schedule ``col``."""
        if all(c < 0 for c in col):
            return 0.0
        return self.per_column + self.run_penalty * schedule_runs(col)

    def within_limit(self, p: int, col: tuple[int, ...]) -> bool:
        """Whether the schedule keeps pacer p within his stint limit."""
        lim = self.max_entries[p]
        return lim is None or schedule_entries(col) <= lim

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
        if not self.within_limit(p, col):
            self._over_limit.add(len(self.columns) - 1)
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
                    tol: float = 1e-7, fixed: dict | None = None) -> tuple[float, bool]:
        """A valid lower bound on the master's integer optimum with per-pacer budgets.

        Generates columns until none prices out (then the bound equals the LP optimum) or
        the deadline passes (the bound from the last iteration is still valid). Returns
        (bound, converged). With objective "feasible", a bound > 0 proves there is no plan.
        ``fixed``: {pacer: index in ``columns``} — pacers whose schedule is decided (that
        column at 1, his others at 0, no pricing for him): the steps of :func:`dive`. A
        budget < 0 keeps a pacer out. With ``price_limits``, columns over a stint limit
        (left by relaxed pricing) are kept out of the LP.
        """
        budget = np.asarray(budget, dtype=np.int64)
        n_p, n_s, n_c = self.use.shape
        inf = self._lp.infinity()
        fixed = fixed or {}
        for j, col in enumerate(self.columns):
            if col.var is not None:
                if col.pacer in fixed:
                    one = fixed[col.pacer] == j
                    col.var.SetBounds(float(one), float(one))
                else:
                    ok = col.load <= budget[col.pacer] and not (
                        self.price_limits and j in self._over_limit)
                    col.var.SetBounds(0.0, inf if ok else 0.0)
        best = -np.inf
        size = np.asarray(self.size, float)
        while True:
            self.iterations += 1
            self.lp_status = self._lp.Solve()
            # read every dual before the model changes again
            pi = np.array([[self._rows[s, c].dual_value() for c in range(n_c)]
                           for s in range(n_s)])
            pi = np.clip(pi, 0.0, _BIG_M)
            sigma = np.array([-row.dual_value() if p in self.pinned else
                              max(0.0, -row.dual_value()) for p, row in enumerate(self._conv)])
            tau = max(0.0, -self._used.dual_value())
            rho = np.zeros((n_s, n_c))
            for (s, c), row in self._link.items():
                rho[s, c] = min(1.0, max(0.0, row.dual_value()))
            lb = float((pi * size[None, :]).sum()) - tau * self.max_used
            # min over 0 ≤ y ≤ cap of (ρ − 1)·y, for the (s, c) with a y
            lb -= sum(self.pref_cap[c] * (1.0 - rho[s, c]) for (s, c) in self._link)
            new = []
            gains = np.zeros(n_p)
            nonempty = np.full(n_p, math.nan)
            for p in range(n_p):
                val = pi + rho * self.pref[p][None, :]
                if p in fixed:  # his schedule is decided: its gain, whatever its sign
                    k = self.columns[fixed[p]]
                    gains[p] = nonempty[p] = (
                        sum(val[s, c] for s, c in enumerate(k.col) if c >= 0)
                        - tau - k.cost)
                    lb -= gains[p]
                    continue
                lim = self.max_entries[p]
                priced_lim = lim if self.price_limits else None
                if p in self.pinned:
                    # he runs, and his stint 0 in his class: the best such schedule, whatever
                    # its sign (no empty schedule), priced within his limit
                    z, col = self._price_pinned(p, val, int(budget[p]), priced_lim)
                    gains[p] = nonempty[p] = z - tau - self.per_column
                    lb -= gains[p]
                    if gains[p] > sigma[p] + tol:
                        new.append((p, col))
                        if lim is not None and schedule_entries(col) > lim:
                            new.append((p, self._price_pinned(p, val, int(budget[p]), lim)[1]))
                    continue
                # the best schedule that runs tells who can be left out (see dive)
                (z, col), (z1, _) = price_schedules(
                    val, self.cost[p], int(budget[p]), max_entries=priced_lim,
                    run_penalty=self.run_penalty,
                    nonempty=priced_lim is not None and budget[p] >= 0)
                gain = z - tau - self.per_column if any(c >= 0 for c in col) else 0.0
                if not math.isnan(z1):
                    nonempty[p] = z1 - tau - self.per_column
                gains[p] = max(0.0, gain)
                lb -= gains[p]
                if gain > sigma[p] + tol:
                    new.append((p, col))
                    if lim is not None and schedule_entries(col) > lim:
                        # relaxed pricing: the best schedule within his limit, for the pool
                        _, col2 = price_schedule(val, self.cost[p], int(budget[p]),
                                                 max_entries=int(lim),
                                                 run_penalty=self.run_penalty)
                        new.append((p, col2))
            if lb > best:
                self.duals = _Duals(pi, rho, tau, gains, lb, budget.copy(), nonempty)
            best = max(best, lb)
            added = sum(self.add(p, col) for p, col in new)
            self.clock.charge(LP_STEP_S_PER_CELL * self.use.size)
            if added == 0:
                return best, True
            if deadline is not None and self.clock.now() > deadline:
                return best, False

    def _price_pinned(self, p: int, val: np.ndarray, budget: int, lim: int | None
                      ) -> tuple[float, tuple[int, ...]]:
        """Pinned pacer p's best schedule (stint 0 in his class; −1e18 if none fits)."""
        c = self.pinned[p]
        if budget < self.cost[p, 0, c]:
            return _NEG, (-1,) * val.shape[0]
        v = val.copy()
        v[0, c] += _PIN_BONUS  # forces stint 0: every other schedule is worth far less
        z, col = price_schedule(v, self.cost[p], budget, max_entries=lim,
                                run_penalty=self.run_penalty)
        return z - _PIN_BONUS, col

    # ------------------------------------------------------------------------------------
    def schedules_within(self, gap: float, *, limit: int = 20_000,
                         deadline: float | None = None
                         ) -> tuple[list[tuple[int, tuple[int, ...]]], set[int]] | None:
        """Every schedule that can be part of a plan worth at most bound + ``gap``.

        Reduced-cost fixing by enumeration (Baldacci, Christofides & Mingozzi 2008, Math.
        Programming 115:351): with the multipliers of the best bound (π, ρ, τ) and each
        pacer's best gain g*_p ≥ 0, any plan's value is at least
        LB + Σ_p (g*_p − g_p) (+ non-negative slack terms), g_p the gain of the schedule it
        gives pacer p (0 when unused). So a plan worth ≤ LB + gap gives each pacer a schedule
        with g_p ≥ g*_p − gap, and uses every pacer whose g*_p exceeds the gap. Returns
        (pacer, schedule) pairs within every limit and the set of pacers who must run, or
        None if there are more than ``limit`` schedules or the ``deadline`` passes. The
        integer search over them (:meth:`best_plan` with ``pool``) is then exact.
        """
        d = self.duals
        if d is None:
            raise RuntimeError("schedules_within needs lower_bound() first")
        out: list[tuple[int, tuple[int, ...]]] = []
        must = set()
        for p in range(self.use.shape[0]):
            if d.gain[p] > gap + 1e-9 or p in self.pinned:
                must.add(p)
            val = d.pi + d.rho * self.pref[p][None, :]
            floor = d.gain[p] - gap + d.tau + self.per_column
            if p in self.pinned:  # only schedules that run his class in stint 0
                if d.gain[p] <= _NEG / 2:
                    return [], must  # he cannot run: no plan
                val = val.copy()
                val[0, self.pinned[p]] += _PIN_BONUS
                floor += _PIN_BONUS
            cols = enumerate_schedules(val, self.cost[p], int(d.budget[p]), floor,
                                       max_entries=self.max_entries[p],
                                       run_penalty=self.run_penalty,
                                       limit=limit - len(out), deadline=deadline,
                                       clock=self.clock)
            if cols is None or (deadline is not None and self.clock.now() > deadline):
                return None
            out += [(p, c) for c in cols if any(x >= 0 for x in c)]
        return out, must

    # ------------------------------------------------------------------------------------
    def best_plan(self, budget: np.ndarray, *, time_limit_s: float, num_workers: int,
                  margin_ref: np.ndarray | None = None, hint: set | None = None,
                  stop_at: float | None = None, pool: list | None = None,
                  must_use: set | None = None, at_most: float | None = None
                  ) -> tuple[set[tuple[int, int, int]], float, bool] | None:
        """The best plan made of pool schedules within the budgets and stint limits (CP-SAT).

        Minimizes the master cost, or with ``margin_ref`` maximizes min_p (ref_p − load_p)
        over the pacers used. ``hint``: a plan, as (pacer, stint, class), to start from.
        ``stop_at``: a proved bound on the value (added as a constraint, so a plan that
        reaches it is proved optimal at once). ``pool``: (pacer, schedule) pairs to use
        instead of the generated columns, ``must_use``: pacers who must run, ``at_most``: a
        cap on the (minimized) value — with :meth:`schedules_within` an exact search. Costs
        are integers. Returns (plan, value, proved optimal over the pool) or None if no plan
        was found; ``self.proved_empty`` tells whether none exists.
        """
        from ortools.sat.python import cp_model

        budget = np.asarray(budget, dtype=np.int64)
        n_p, n_s, n_c = self.use.shape
        if pool is not None:
            cand = [_Column(p, col, self.load(p, col), self.column_cost(p, col), None)
                    for p, col in pool]
        else:
            cand = self.columns
        cols = [c for c in cand if c.load <= budget[c.pacer]
                and self.within_limit(c.pacer, c.col)
                and (c.pacer not in self.pinned or c.col[0] == self.pinned[c.pacer])]
        m = cp_model.CpModel()
        lam = [m.new_bool_var(f"l{j}") for j in range(len(cols))]
        mine: dict[int, list] = {}
        cover_j: dict[tuple[int, int], list[int]] = {}  # columns running (stint, class)
        for j, k in enumerate(cols):
            mine.setdefault(k.pacer, []).append(lam[j])
            for s, c in enumerate(k.col):
                if c >= 0:
                    cover_j.setdefault((s, c), []).append(j)
        must_use = set(must_use or ()) | set(self.pinned)
        for p in must_use - set(mine):
            mine[p] = []  # must run but has no schedule: no plan
        for p, v in mine.items():
            if p in must_use:
                m.add(sum(v) == 1)
            elif len(v) > 1:
                m.add_at_most_one(v)
        for s in range(n_s):
            for c in range(n_c):
                m.add(sum(lam[j] for j in cover_j.get((s, c), ())) == self.size[c])
        if self.max_used < n_p:
            m.add(sum(lam) <= self.max_used)
        if self.objective == "preferences":
            got = []
            for s in range(n_s):
                for c in range(n_c):
                    terms = [lam[j] for j in cover_j.get((s, c), ()) if self.pref[cols[j].pacer, c]]
                    if terms and self.pref_cap[c]:
                        y = m.new_int_var(0, min(len(terms), self.pref_cap[c]), f"y{s}_{c}")
                        m.add(y <= sum(terms))
                        got.append(y)
            total = -sum(got)
            if stop_at is not None:
                m.add(total >= int(stop_at))
            if at_most is not None:
                m.add(total <= int(math.floor(at_most + 1e-9)))
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
            if at_most is not None:
                m.add(total <= int(math.floor(at_most + 1e-9)))
            m.minimize(total)
        if hint:
            want = {}
            for p, s, c in hint:
                want.setdefault(p, [-1] * n_s)[s] = c
            for j, k in enumerate(cols):
                m.add_hint(lam[j], tuple(want.get(k.pacer, ())) == k.col)
        solver = cp_model.CpSolver()
        self.clock.configure(solver, time_limit_s, num_workers)
        st = solver.solve(m)
        self.clock.after(solver)
        self.proved_empty = st == cp_model.INFEASIBLE
        if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        chosen = set()
        for j, k in enumerate(cols):
            if solver.value(lam[j]):
                chosen |= {(k.pacer, s, c) for s, c in enumerate(k.col) if c >= 0}
        return chosen, float(solver.objective_value), st == cp_model.OPTIMAL


def longest_runs_plan(use: np.ndarray, eligible: np.ndarray, size: list[int],
                      budget: np.ndarray, max_used: int) -> set[tuple[int, int, int]] | None:
    """A plan of single runs (one pacer, one class, consecutive stints), each as long as it goes.

    The greedy of interval covering, which is optimal for one slot with unlimited runners
    (always take the run that reaches furthest), on every slot at once: going along the
    stints, each slot left empty gets the unused pacer whose run from there in that class
    reaches furthest within his budget and availability; ties go to the pacer with the least
    reach in the other classes (keep the versatile ones), then roster order. Which class
    chooses first matters (the first takes the strongest pacers), so every order of the slot
    classes is tried (at most 120) and the plan with the fewest hand-overs is kept, the first
    such order on a tie. Deterministic; ~2 ms an order for 41 pacers × 18 stints × 3 classes.
    A starting plan for the fewest hand-overs, where the compact model's first plans had five
    times the bound (52 vs 9 at 2.4 km with the model's slot drags) and CP-SAT over the pool
    of runs found nothing better in the time.

    Parameters
    ----------
    use : ndarray of int, shape (pacer, stint, class)
        Capacity use of a pacer in a class in a stint [1/SCALE].
    eligible : ndarray of bool, shape (pacer, stint)
    size : list of int
        Slots per class.
    budget : ndarray of int, shape (pacer,)
        Capacity each pacer may use [1/SCALE].
    max_used : int
        Most pacers the plan may use.

    Returns
    -------
    set of (pacer, stint, class), or None when no order finds a pacer for every slot-stint.
    """
    use = np.asarray(use, dtype=np.int64)
    n_p, n_s, n_c = use.shape
    big = np.iinfo(np.int64).max // (4 * max(n_s, 1))
    cost = np.where(np.asarray(eligible, bool)[:, :, None], use, big)
    cum = np.concatenate([np.zeros((n_p, 1, n_c), np.int64), np.cumsum(cost, axis=1)], axis=1)
    budget = np.asarray(budget, dtype=np.int64)
    # reach[p, s, c]: the last stint of p's run in class c from stint s (s − 1: he cannot start)
    reach = np.empty((n_p, n_s, n_c), dtype=np.int64)
    for p in range(n_p):
        for c in range(n_c):
            # the largest b with cum[b + 1] − cum[s] ≤ budget, for every s (cum is increasing)
            ends = np.searchsorted(cum[p, :, c], cum[p, :n_s, c] + budget[p], side="right") - 2
            reach[p, :, c] = np.minimum(ends, n_s - 1)
    other = reach.sum(axis=2, keepdims=True) - reach  # reach in the other classes

    def one(order: tuple[int, ...]) -> tuple[int, set[tuple[int, int, int]]] | None:
        running: dict[tuple[int, int], tuple[int, int]] = {}  # (class, lane) → (pacer, end)
        used: set[int] = set()
        chosen: set[tuple[int, int, int]] = set()
        handovers = 0
        for s in range(n_s):
            for c in order:
                for lane in range(size[c]):
                    now = running.get((c, lane))
                    if now is None or now[1] < s:
                        free = [p for p in range(n_p) if p not in used and reach[p, s, c] >= s]
                        if not free or len(used) >= max_used:
                            return None
                        p = max(free, key=lambda q: (reach[q, s, c], -other[q, s, c], -q))
                        used.add(p)
                        now = running[c, lane] = (p, int(reach[p, s, c]))
                        handovers += s > 0
                    chosen.add((now[0], s, c))
        return handovers, chosen

    best = None
    for order in itertools.islice(itertools.permutations(range(n_c)), 120):
        got = one(order)
        if got is not None and (best is None or got[0] < best[0]):
            best = got
    return None if best is None else best[1]


@dataclass
class DiveResult:
    """What :func:`dive` found: a plan, or why it stopped."""

    plan: set | None  # (pacer, stint, class) triples, master cost ≤ the target
    status: str  # "found", "failed" (backtracks used up) or "timeout"
    steps: int  # LPs solved (each with its column generation)
    backtracks: int
    value: float = math.nan  # the plan's master cost


def dive(cg: ColumnGeneration, budget: np.ndarray, target: float, *, deadline: float,
         max_backtracks: int = 8, tol: float = 1e-6) -> DiveResult:
    """A plan of master cost ≤ ``target`` by diving in the column-generation tree.

    The primal heuristic of branch and price that Sadykov, Vanderbeck, Pessoa, Tahiri &
    Uchoa (2019, "Primal heuristics for branch and price: the assets of diving methods",
    INFORMS J. Computing 31:251) found best: fix the schedule the LP uses most (and every
    schedule it uses fully), re-generate columns for the rest, repeat until the LP is
    integral — a plan. A dive that meets a bound above the target goes back one level and
    fixes the next schedule instead (limited discrepancy: at most ``max_backtracks`` in
    all). At each level, reduced-cost fixing leaves out every pacer whose use would cost
    more than the gap between the target and the bound. The used-pacers row is capped at
    the target, which is what steers a fewest-pacers dive to a smaller crew. Pricing is
    within the stint limits during the dive (and columns over them are kept out), so the
    plan keeps them. The master's rows are "≥": a pacer too many in a slot class is taken
    out again (:func:`_exact_cover`), which costs nothing for fewest pacers or a margin
    (target 0 with objective "feasible") but may cost hand-overs — for fewest hand-overs
    the dive may fail where a plan exists. A heuristic: "failed" proves nothing.
    """
    n_p, n_s, n_c = cg.use.shape
    budget = np.asarray(budget, dtype=np.int64)
    old_limits, cg.price_limits = cg.price_limits, True  # a plan keeps every stint limit
    old_used = cg.max_used
    cg.max_used = min(old_used, int(math.floor(target + tol))) if cg.per_column else old_used
    cg._used.SetUb(float(cg.max_used))
    levels: list[tuple[dict, set, set]] = [({}, set(), set())]  # (fixed, out, tried)
    steps = backtracks = 0
    try:
        while True:
            if cg.clock.now() > deadline:
                return DiveResult(None, "timeout", steps, backtracks)
            fixed, out, tried = levels[-1]
            b = budget.copy()
            if out:
                b[list(out)] = -1
            lb, done = cg.lower_bound(b, deadline=deadline, fixed=fixed)
            steps += 1
            if not done:
                return DiveResult(None, "timeout", steps, backtracks)
            if lb <= target + tol and cg.lp_status == 0:
                d = cg.duals
                gap = target - d.bound
                more_out = {p for p in range(n_p) if p not in fixed and p not in out
                            and not math.isnan(d.nonempty[p])
                            and d.gain[p] - d.nonempty[p] > gap + tol}
                if more_out:
                    out |= more_out
                    continue
                ones, frac = [], []
                for j, k in enumerate(cg.columns):
                    if k.var is None or k.pacer in fixed:
                        continue
                    v = k.var.solution_value()
                    if v >= 1 - tol:
                        ones.append(j)
                    elif v > tol:
                        frac.append((v, j))
                if not frac:
                    cols = _exact_cover(cg, {cg.columns[j].pacer: cg.columns[j].col
                                             for j in [*fixed.values(), *ones]})
                    if cols is not None:
                        value = sum(cg.column_cost(p, col) for p, col in cols.items())
                        if value <= target + tol:
                            plan = {(p, s, c) for p, col in cols.items()
                                    for s, c in enumerate(col) if c >= 0}
                            return DiveResult(plan, "found", steps, backtracks, value)
                else:
                    cand = [(v, j) for v, j in frac if j not in tried
                            and cg.within_limit(cg.columns[j].pacer, cg.columns[j].col)]
                    if cand:
                        _, j = max(cand)
                        tried.add(j)
                        child = dict(fixed)
                        for jj in [*ones, j]:
                            child[cg.columns[jj].pacer] = jj
                        levels.append((child, set(out), set()))
                        continue
            # nothing below this level: back to the one above, which fixes its next choice
            if len(levels) == 1 or backtracks >= max_backtracks:
                return DiveResult(None, "failed", steps, backtracks)
            levels.pop()
            backtracks += 1
    finally:
        cg.max_used = old_used
        cg.price_limits = old_limits
        cg._used.SetUb(float(old_used))
        for k in cg.columns:
            if k.var is not None:
                k.var.SetLb(0.0)


def _exact_cover(cg: ColumnGeneration, cols: dict[int, tuple[int, ...]]
                 ) -> dict[int, tuple[int, ...]] | None:
    """The schedules with every slot-stint filled exactly once: the master's rows are ≥,
    so an integral LP may put a pacer too many in a class; he is taken out of it (where it
    keeps him within his stint limit, cheapest in master cost first — for fewest pacers
    it costs nothing). None if a slot-stint is short or no one can be taken out."""
    n_s, n_c = cg.use.shape[1:]
    if not all(cg.within_limit(p, col) for p, col in cols.items()):
        return None  # a relaxed-pricing column (price_limits=False): not a plan
    cols = {p: list(col) for p, col in cols.items()}
    for s in range(n_s):
        for c in range(n_c):
            running = [p for p, col in cols.items() if col[s] == c]
            if len(running) < cg.size[c]:
                return None
            for _ in range(len(running) - cg.size[c]):
                best = None
                for p in running:
                    if s == 0 and p in cg.pinned:
                        continue  # he stays in his slot through the first stint
                    trial = cols[p][:]
                    trial[s] = -1
                    lim = cg.max_entries[p]
                    if lim is not None and schedule_entries(tuple(trial)) > lim:
                        continue
                    key = cg.column_cost(p, tuple(trial))
                    if best is None or key < best[0]:
                        best = (key, p, trial)
                if best is None:
                    return None
                cols[best[1]] = best[2]
                running.remove(best[1])
    return {p: tuple(col) for p, col in cols.items() if any(c >= 0 for c in col)}
