"""Column generation: exact pricing, valid Dantzig–Wolfe bounds, plans from the pool."""

import itertools
import math

import numpy as np
import pytest

from paceline.crew import CourseConditions, CrewProblem, CrewScheduler, get_crew_formation
from paceline.crew.colgen import (
    ColumnGeneration,
    completion_table,
    dive,
    enumerate_schedules,
    longest_runs_plan,
    price_schedule,
    price_schedules,
    schedule_entries,
    schedule_runs,
)

from .conftest import make_pacer

SCALE = 10_000


def _brute(value, cost, budget, max_entries, run_penalty, nonempty=False):
    n_s, n_c = cost.shape
    best = -math.inf if nonempty else 0.0
    for col in itertools.product(range(-1, n_c), repeat=n_s):
        if nonempty and all(c < 0 for c in col):
            continue
        if sum(cost[s, c] for s, c in enumerate(col) if c >= 0) > budget:
            continue
        if max_entries is not None and schedule_entries(col) > max_entries:
            continue
        v = sum(value[s, c] for s, c in enumerate(col) if c >= 0)
        best = max(best, v - run_penalty * schedule_runs(col))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_pricing_is_exact_against_enumeration(seed):
    rng = np.random.default_rng(seed)
    n_s, n_c = 6, 2
    value = rng.normal(0.3, 0.4, (n_s, n_c))
    cost = rng.integers(5, 40, (n_s, n_c))
    cost[rng.random((n_s, n_c)) < 0.15] = 10**6  # some pairs forbidden
    budget = int(rng.integers(30, 120))
    for max_entries in (None, 1, 2):
        for pen in (0.0, 0.35):
            got, col = price_schedule(value, cost, budget, max_entries=max_entries,
                                      run_penalty=pen)
            want = _brute(value, cost, budget, max_entries, pen)
            assert got == pytest.approx(want, abs=1e-9)
            # the schedule returned is feasible and worth what is claimed
            assert sum(cost[s, c] for s, c in enumerate(col) if c >= 0) <= budget
            if max_entries is not None:
                assert schedule_entries(col) <= max_entries
            worth = sum(value[s, c] for s, c in enumerate(col) if c >= 0)
            assert worth - pen * schedule_runs(col) == pytest.approx(got, abs=1e-9)
            # the best schedule that runs at least one stint (a pacer who must run)
            first, (got1, col1) = price_schedules(value, cost, budget, max_entries=max_entries,
                                                  run_penalty=pen, nonempty=True)
            assert first[0] == pytest.approx(got, abs=1e-9)
            assert got1 == pytest.approx(_brute(value, cost, budget, max_entries, pen, True),
                                         abs=1e-9)
            assert any(c >= 0 for c in col1)
            assert sum(cost[s, c] for s, c in enumerate(col1) if c >= 0) <= budget
            if max_entries is not None:
                assert schedule_entries(col1) <= max_entries
            worth1 = sum(value[s, c] for s, c in enumerate(col1) if c >= 0)
            assert worth1 - pen * schedule_runs(col1) == pytest.approx(got1, abs=1e-9)


def _class_use(problem):
    """(pacer, stint, class) integer uses as the scheduler builds them (classes: 0.0, 0.33)."""
    red = problem.formation.drag_reduction_frac
    reps = [red.index(c) for c in sorted(set(red))]
    return np.ceil(problem.use[:, :, reps] * SCALE).astype(np.int64), [5, 2]


def _cg(problem, objective):
    u, size = _class_use(problem)
    n_p, n_s, _ = u.shape
    return ColumnGeneration(u, np.ones((n_p, n_s), bool), size, n_p, [p.max_stints for p in
                                                                     problem.pacers],
                            objective)


@pytest.fixture
def half_marathon():
    """16 pacers, Vienna formation, 20 km at 2:50/km, exchanges every 2.5 km: nobody can
    run it all, so hand-overs are needed."""
    pacers = [make_pacer(f"H{i:02d}", 770 + 5 * i, 1610 + 11 * i, max_stints=3)
              for i in range(16)]
    return CrewProblem(pacers=tuple(pacers), formation=get_crew_formation("vienna-2019"),
                       speed_m_s=1000 / 170, conditions=CourseConditions.flat(20000.0, 1.2, 20.0),
                       exchange_points_m=tuple(2500.0 * k for k in range(1, 8)),
                       safety_margin_frac=0.1)


def test_bound_never_exceeds_the_proved_optimum(half_marathon):
    """A lower bound must hold: the fewest hand-overs and pacers CP-SAT proves optimal."""
    pr = half_marathon
    sched = CrewScheduler(pr, time_limit_s=20.0)
    budget = np.full(len(pr.pacers), int((1 - pr.safety_margin_frac) * SCALE))
    for objective in ("exchanges", "pacers"):
        plan = sched.solve(objective)
        assert plan.status == "optimal"
        assert plan.objective_value > 0
        lb, converged = _cg(pr, objective).lower_bound(budget)
        assert converged
        assert lb <= plan.objective_value + 1e-6
        assert lb > 0.5 * plan.objective_value  # and it says something


def test_margin_bound_refuses_the_impossible_and_admits_the_possible(small_problem):
    plan = CrewScheduler(small_problem, time_limit_s=5.0).solve("margin")
    assert plan.status == "optimal"
    cg = _cg(small_problem, "feasible")
    n_p = len(small_problem.pacers)
    found = int(round(plan.objective_value * SCALE))
    lb_ok, _ = cg.lower_bound(np.full(n_p, SCALE - found))
    assert lb_ok <= 1e-6  # a plan with that margin exists: no proof of the contrary
    lb_no, _ = cg.lower_bound(np.full(n_p, SCALE - 9000))  # 90 % margin for everybody
    assert lb_no > 1e-3


def test_best_plan_from_the_pool_is_a_full_plan(small_problem):
    cg = _cg(small_problem, "exchanges")
    n_p = len(small_problem.pacers)
    budget = np.full(n_p, 9000)
    lb, _ = cg.lower_bound(budget)
    cg.add_single_runs(budget)
    res = cg.best_plan(budget, time_limit_s=5.0, num_workers=2)
    assert res is not None
    chosen, value, _ = res
    u, size = _class_use(small_problem)
    n_s = u.shape[1]
    for s in range(n_s):
        for c in range(2):
            assert sum(1 for (p, s2, c2) in chosen if (s2, c2) == (s, c)) == size[c]
        for p in range(n_p):
            assert sum(1 for (q, s2, _) in chosen if (q, s2) == (p, s)) <= 1
    for p in range(n_p):
        assert sum(u[q, s, c] for (q, s, c) in chosen if q == p) <= 9000
    assert value >= lb - 1e-6
    # the value is the hand-overs of the chosen schedules
    cols = {}
    for p, s, c in chosen:
        cols.setdefault(p, [-1] * n_s)[s] = c
    assert value == sum(schedule_runs(tuple(v)) for v in cols.values())


@pytest.mark.parametrize("seed", range(4))
def test_enumeration_returns_exactly_the_schedules_above_the_floor(seed):
    """Every schedule worth ≥ floor, no other: against brute force, with stint limits and a
    hand-over penalty; and the completion table's top equals the priced optimum."""
    rng = np.random.default_rng(100 + seed)
    n_s, n_c = 6, 2
    value = rng.normal(0.2, 0.5, (n_s, n_c))
    cost = rng.integers(5, 40, (n_s, n_c))
    cost[rng.random((n_s, n_c)) < 0.1] = 10**6
    budget = int(rng.integers(40, 120))
    for max_entries in (None, 1, 2):
        for pen in (0.0, 0.35):
            worth = {}
            for col in itertools.product(range(-1, n_c), repeat=n_s):
                if sum(cost[s, c] for s, c in enumerate(col) if c >= 0) > budget:
                    continue
                if max_entries is not None and schedule_entries(col) > max_entries:
                    continue
                worth[col] = (sum(value[s, c] for s, c in enumerate(col) if c >= 0)
                              - pen * schedule_runs(col))
            best = max(worth.values())
            table = completion_table(value, cost, budget, max_entries=max_entries,
                                     run_penalty=pen)
            assert table[0][0, 0, budget] == pytest.approx(best, abs=1e-9)
            floor = best - 0.8
            got = enumerate_schedules(value, cost, budget, floor, max_entries=max_entries,
                                      run_penalty=pen)
            want = sorted(c for c, w in worth.items() if w >= floor - 1e-9)
            assert sorted(got) == want
            assert enumerate_schedules(value, cost, budget, floor, max_entries=max_entries,
                                       run_penalty=pen, limit=len(want) - 1) is None


def test_reduced_cost_enumeration_proves_the_optimum(half_marathon):
    """The exact search over the schedules within the gap finds a plan at the bound (so
    proved optimal) and finds nothing below it; a limit refuses rather than truncates."""
    pr = half_marathon
    budget = np.full(len(pr.pacers), int((1 - pr.safety_margin_frac) * SCALE))
    cg = _cg(pr, "exchanges")
    lb, _ = cg.lower_bound(budget)
    best = math.ceil(lb - 1e-6)
    assert best >= 1  # hand-overs are needed (nobody can run 20 km)
    for target, exists in ((best, True), (best - 1, False)):
        pool, must = cg.schedules_within(target - cg.duals.bound + 1e-6)
        res = cg.best_plan(budget, time_limit_s=20.0, num_workers=2, pool=pool,
                           must_use=must, at_most=target)
        if exists:
            assert res is not None and res[1] == best and res[2]
            assert must <= {p for p, _s, _c in res[0]}  # the pacers the bound needs run
            for p in {p for p, _s, _c in res[0]}:
                col = tuple(next((c for q, s2, c in res[0] if q == p and s2 == s), -1)
                            for s in range(len(pr.boundaries_m) - 1))
                assert (p, col) in set(pool)
        else:
            assert res is None and cg.proved_empty
    assert cg.schedules_within(best - cg.duals.bound + 1e-6, limit=10) is None


def test_dive_reaches_the_bound_with_a_valid_plan(half_marathon):
    """Fewest pacers: the dive (fix the schedule the LP uses most, re-price, repeat) finds a
    plan at the rounded-up bound — the optimum CP-SAT proves, 8 pacers — that fills every
    slot exactly within every budget and stint limit; below the bound it finds nothing."""
    pr = half_marathon
    n_p = len(pr.pacers)
    budget = np.full(n_p, int((1 - pr.safety_margin_frac) * SCALE))
    cg = _cg(pr, "pacers")
    lb, _ = cg.lower_bound(budget)
    target = math.ceil(lb - 1e-6)
    optimum = CrewScheduler(pr, time_limit_s=20.0).solve("pacers")
    assert optimum.status == "optimal" and optimum.objective_value == target == 8
    res = dive(cg, budget, target, deadline=math.inf)
    assert res.status == "found" and res.value == target
    cols = _check_plan(pr, res.plan, budget)
    assert len(cols) == target
    # the master is left as it was: the same bound again
    assert cg.lower_bound(budget)[0] == pytest.approx(lb, abs=1e-6)
    assert dive(cg, budget, target - 1, deadline=math.inf).plan is None


def test_dive_finds_a_plan_at_a_margin_the_lp_allows(half_marathon):
    """Margin: with relaxed pricing (as in the bisection) the LP may lean on schedules over
    a stint limit; the dive prices within the limits, so its plan keeps them."""
    pr = half_marathon
    n_p = len(pr.pacers)
    cg = _cg(pr, "feasible")
    cg.price_limits = False
    margin = 1500  # 15 %: more than the 10 % safety margin
    budget = np.full(n_p, SCALE - margin)
    lb, done = cg.lower_bound(budget)
    assert done and lb <= 1e-6  # the LP has a plan at that margin
    res = dive(cg, budget, 0.0, deadline=math.inf)
    assert res.status == "found"
    _check_plan(pr, res.plan, budget)
    assert not cg.price_limits  # restored


def _check_plan(pr, plan, budget):
    u, size = _class_use(pr)
    n_s = u.shape[1]
    filled = np.zeros((n_s, 2), int)
    cols = {p: [-1] * n_s for p, _s, _c in plan}
    for p, s, c in plan:
        filled[s, c] += 1
        cols[p][s] = c
    assert (filled == np.array(size)[None, :]).all()
    for p, col in cols.items():
        assert sum(u[p, s, c] for s, c in enumerate(col) if c >= 0) <= budget[p]
        assert schedule_entries(tuple(col)) <= pr.pacers[p].max_stints
    return cols


def test_enumeration_gives_up_at_its_deadline():
    """All 3^7 schedules qualify; with a deadline already past it refuses (None) rather than
    returning a part of them as if it were all."""
    value = np.zeros((7, 2))
    cost = np.ones((7, 2), dtype=np.int64)
    assert len(enumerate_schedules(value, cost, 100, 0.0)) == 3**7
    assert enumerate_schedules(value, cost, 100, 0.0, deadline=0.0) is None


def _runs_value(plan, n_s):
    by_p = {}
    for p, s, c in plan:
        by_p.setdefault(p, [-1] * n_s)[s] = c
    return sum(schedule_runs(tuple(col)) for col in by_p.values()), by_p


def test_longest_runs_plan_one_slot_is_the_interval_cover_optimum():
    # one slot, 6 stints, each stint costs 10; budgets allow runs of 3, 2, 3 and 1 stints:
    # furthest reach first gives 0–2 (pacer 0 or 2) then 3–5 — one hand-over, the optimum
    use = np.full((4, 6, 1), 10)
    budget = np.array([30, 20, 30, 10])
    plan = longest_runs_plan(use, np.ones((4, 6), bool), [1], budget, 4)
    value, by_p = _runs_value(plan, 6)
    assert value == 1 and sorted(by_p) == [0, 2]


def test_longest_runs_plan_tries_every_class_order_and_keeps_every_rule():
    # two classes of one slot each over 4 stints. Pacer 0 can run anything all race; pacer 1
    # all race only in the easy class 1; pacers 2 and 3 two stints of the hard class 0. If
    # the hard class picks first it takes pacer 0 (furthest) and the easy one pacer 1: no
    # hand-over; the other order also finds it — but an availability gap must be respected.
    use = np.zeros((4, 4, 2), dtype=np.int64)
    use[:, :, 0] = [[10] * 4, [40] * 4, [20] * 4, [20] * 4]
    use[:, :, 1] = [[10] * 4, [10] * 4, [20] * 4, [20] * 4]
    budget = np.array([40, 40, 40, 40])
    eligible = np.ones((4, 4), bool)
    plan = longest_runs_plan(use, eligible, [1, 1], budget, 4)
    value, by_p = _runs_value(plan, 4)
    assert value == 0 and set(by_p) == {0, 1}
    # pacer 0 may not run stint 3: the hard class now needs a hand-over (pacers 2/3)
    eligible[0, 3] = False
    plan = longest_runs_plan(use, eligible, [1, 1], budget, 4)
    value, by_p = _runs_value(plan, 4)
    assert value == 1
    for (s, c) in itertools.product(range(4), range(2)):
        assert sum(1 for p, s2, c2 in plan if (s2, c2) == (s, c)) == 1  # every slot-stint once
    for p, col in by_p.items():
        assert all(eligible[p, s] for s, c in enumerate(col) if c >= 0)
        assert sum(use[p, s, c] for s, c in enumerate(col) if c >= 0) <= budget[p]
    # too few pacers allowed: no plan rather than a wrong one
    assert longest_runs_plan(use, eligible, [1, 1], budget, 2) is None


@pytest.mark.parametrize("seed", range(6))
def test_pinned_pacers_bound_and_pool_agree_with_brute_force(seed):
    """A re-plan's pacers running at its start are pinned to their slot class in stint 0
    (``pinned``): the margin bound at the true optimum admits it, one unit above refuses it
    (or the exact search over the enumerated schedules finds nothing), and the best plan of
    the pool keeps every pin and stint limit. Brute force over every plan of a small case."""
    rng = np.random.default_rng(100 + seed)
    n_p, n_s, n_c = 6, 3, 2
    use = rng.integers(200, 900, (n_p, n_s, n_c))
    ref = rng.integers(1500, 2600, n_p)  # capacity left at the re-plan
    eligible = np.ones((n_p, n_s), bool)
    max_entries = [None, 1, None, 1, None, None]  # new entries left (stint 0 is not one)
    pinned = {0: 0, 1: 1}  # running at the start: pacer 0 in class 0, pacer 1 in class 1

    def entries(p, col):
        blocks = schedule_entries(col)
        return blocks - 1 if p in pinned else blocks  # continuing, not entering

    best = -1
    for plan in itertools.product(itertools.permutations(range(n_p), 2), repeat=n_s):
        if plan[0] != (0, 1):
            continue  # the pins
        cols = {p: [-1] * n_s for p in range(n_p)}
        for s, pair in enumerate(plan):
            for c, p in enumerate(pair):
                cols[p][s] = c
        ok, margin = True, 10**9
        for p, col in cols.items():
            load = sum(int(use[p, s, c]) for s, c in enumerate(col) if c >= 0)
            if max_entries[p] is not None and entries(p, tuple(col)) > max_entries[p]:
                ok = False
            margin = min(margin, int(ref[p]) - load)  # every pacer counts, used or not
        if ok:
            best = max(best, margin)
    assert best > 0
    cg = ColumnGeneration(use, eligible, [1, 1], n_p, max_entries, "feasible", pinned=pinned)
    lb, done = cg.lower_bound(ref - best)
    assert done and lb <= 1e-6  # the optimum is never cut off
    # (an unused pacer's capacity left caps the margin too: the scheduler's cap, not the LP's)
    lb, _ = cg.lower_bound(ref - (best + 1))
    if best < ref.min() and lb <= 1e-6:  # the LP allows more; the exact search must not
        pool, must = cg.schedules_within(-cg.duals.bound + 1e-6)
        assert {0, 1} <= must
        assert cg.best_plan(ref - (best + 1), time_limit_s=5, num_workers=1, pool=pool,
                            must_use=must) is None and cg.proved_empty
    res = cg.best_plan(ref - best, time_limit_s=5, num_workers=1, margin_ref=ref)
    if res is not None:  # from the generated columns: a plan that keeps every rule
        chosen = res[0]
        assert (0, 0, 0) in chosen and (1, 0, 1) in chosen
        for s in range(n_s):
            for c in range(n_c):
                assert sum(1 for (p, s2, c2) in chosen if (s2, c2) == (s, c)) == 1
        for p in range(n_p):
            col = tuple(next((c for (q, s2, c) in chosen if q == p and s2 == s), -1)
                        for s in range(n_s))
            if max_entries[p] is not None and any(c >= 0 for c in col):
                assert entries(p, col) <= max_entries[p]
