"""Scheduler wiring: feasibility, objectives, the checker agreeing, re-planning, refusals."""

import time

import numpy as np
import pytest

from paceline.crew import CrewProblem, CrewScheduler, check_plan
from paceline.errors import ImpossibleScenarioError

from .conftest import make_pacer


def _agree(problem, plan):
    rep = check_plan(problem, plan.stints)
    assert rep.ok, rep.problems
    # the checker (with D′ recovery) never finds less capacity than the scheduler planned
    for p in plan.pacers:
        if p.stints:
            assert p.min_margin >= 1 - p.planned_use - 1e-6
            assert p.min_margin >= problem.safety_margin_frac - 1e-6
    return rep


@pytest.mark.parametrize("objective", ["margin", "pacers", "exchanges", "preferences"])
def test_every_objective_gives_a_checked_plan(small_problem, objective):
    plan = CrewScheduler(small_problem, time_limit_s=2.0).solve(objective)
    assert plan.status in ("optimal", "feasible")
    assert plan.best_bound == plan.best_bound
    _agree(small_problem, plan)


def test_objectives_do_what_they_say(small_problem):
    s = CrewScheduler(small_problem, time_limit_s=2.0)
    fewest = s.solve("pacers")
    margin = s.solve("margin")
    exch = s.solve("exchanges")
    assert fewest.pacers_used <= margin.pacers_used
    assert margin.min_margin >= fewest.min_margin - 1e-9
    assert exch.n_exchanges <= margin.n_exchanges


def test_progress_callback(small_problem):
    calls = []
    CrewScheduler(small_problem, time_limit_s=1.0).solve("pacers",
                                                           progress=lambda d, t: calls.append(d))
    assert calls[0] == 0 and calls[-1] == 3


def test_reserves_and_availability(small_problem):
    pacers = list(small_problem.pacers)
    pacers[0] = make_pacer("P00", 770, 1610, earliest_m=5000.0)
    pr = CrewProblem(pacers=tuple(pacers), formation=small_problem.formation,
                     speed_m_s=small_problem.speed_m_s, conditions=small_problem.conditions,
                     exchange_points_m=small_problem.exchange_points_m, reserves=2)
    plan = CrewScheduler(pr, time_limit_s=2.0).solve("margin")
    assert plan.pacers_used <= 10 and len(plan.reserves) >= 2
    assert all(a.from_m >= 5000.0 for a in plan.stints if a.pacer == "P00")
    _agree(pr, plan)


def test_checker_catches_a_bad_plan(small_problem):
    plan = CrewScheduler(small_problem, time_limit_s=1.0).solve("pacers")
    stints = list(plan.stints)
    a = stints.pop()  # leave a slot empty
    rep = check_plan(small_problem, stints)
    assert not rep.ok and any(a.slot in p and "empty" in p for p in rep.problems)
    twice = stints + [a.__class__(stints[0].pacer, a.slot, a.from_m, a.to_m)]
    rep2 = check_plan(small_problem, twice)
    assert any("at once" in p or "two pacers" in p for p in rep2.problems)


def test_replan_after_drop_out_is_fast_and_checked(small_problem):
    s = CrewScheduler(small_problem, time_limit_s=1.0)
    plan = s.solve("margin")
    victim = next(a for a in plan.stints if a.from_m < 6000 < a.to_m)
    t0 = time.perf_counter()
    new = s.replan(plan, victim.pacer, 6000.0)
    assert time.perf_counter() - t0 < 2.0
    assert all(a.pacer != victim.pacer or a.to_m <= 6000.0 + 1e-6 for a in new.stints)
    # everything before 6 km is as planned
    def who(p, slot, d):
        return next(a.pacer for a in p.stints if a.slot == slot and a.from_m <= d < a.to_m)

    for d in (1000.0, 3000.0, 5900.0):
        for slot in plan.slots:
            assert who(plan, slot, d) == who(new, slot, d)
    assert 6000.0 in new.exchange_points_m
    _agree(small_problem, new)


def test_repair_hands_the_dropped_pacers_stints_to_free_pacers_at_once(small_problem):
    # the race-day answer while CP-SAT searches: no solver, checked by the checker
    s = CrewScheduler(small_problem, time_limit_s=1.0)
    plan = s.solve("margin")
    victim = next(a for a in plan.stints if a.from_m < 6000 < a.to_m)
    t0 = time.perf_counter()
    new = s.repair(plan, victim.pacer, 6000.0)
    assert time.perf_counter() - t0 < 1.0
    assert new.status == "feasible" and "quick repair" in new.notes[0]
    assert all(a.pacer != victim.pacer or a.to_m <= 6000.0 + 1e-6 for a in new.stints)
    # the others keep their stints; before 6 km nothing changes
    for a in plan.stints:
        if a.pacer != victim.pacer:  # kept (maybe joined to a piece he takes over)
            assert any(b.pacer == a.pacer and b.slot == a.slot and b.from_m <= a.from_m + 1e-6
                       and a.to_m <= b.to_m + 1e-6 for b in new.stints), a
    for slot in plan.slots:
        for d in (1000.0, 5900.0):
            who = [a.pacer for p in (plan, new) for a in p.stints
                   if a.slot == slot and a.from_m <= d < a.to_m]
            assert who[0] == who[1]
    _agree(small_problem, new)  # every slot covered, nobody in two slots, margins kept


def test_repair_says_what_nobody_can_take():
    from paceline.crew import CourseConditions, get_crew_formation

    pacers = [make_pacer(f"P{i}", 770, 1610, max_stints=1) for i in range(7)]
    pr = CrewProblem(pacers=tuple(pacers), formation=get_crew_formation("vienna-2019"),
                     speed_m_s=1000 / 170, conditions=CourseConditions.flat(4000.0, 1.2, 10.0),
                     exchange_points_m=(2000.0,))
    s = CrewScheduler(pr, time_limit_s=1.0)
    plan = s.solve("margin")
    new = s.repair(plan, "P0", 1000.0)
    assert new.status == "partial" and any("no free pacer" in n for n in new.notes)


def test_replan_says_what_is_lost():
    from paceline.crew import CourseConditions, get_crew_formation

    pacers = [make_pacer(f"P{i}", 770, 1610, max_stints=1) for i in range(7)]
    pr = CrewProblem(pacers=tuple(pacers), formation=get_crew_formation("vienna-2019"),
                     speed_m_s=1000 / 170, conditions=CourseConditions.flat(4000.0, 1.2, 10.0),
                     exchange_points_m=(2000.0,))
    s = CrewScheduler(pr, time_limit_s=1.0)
    plan = s.solve("margin")
    new = s.replan(plan, "P0", 1000.0)
    assert any("stay empty" in n for n in new.notes)


def test_too_weak_roster_names_stint_slot_and_fix(small_problem):
    weak = [make_pacer(f"W{i}", 1000, 2100) for i in range(10)]
    pr = CrewProblem(pacers=tuple(weak), formation=small_problem.formation,
                     speed_m_s=small_problem.speed_m_s, conditions=small_problem.conditions,
                     exchange_points_m=small_problem.exchange_points_m)
    with pytest.raises(ImpossibleScenarioError) as exc:
        CrewScheduler(pr, time_limit_s=1.0).solve()
    msg = str(exc.value)
    assert "stint 1" in msg and "slot front-1" in msg and "add at least 7 pacers" in msg
    assert "5000 m ≤" in msg


def test_too_small_roster_says_how_many_more(small_problem):
    few = small_problem.pacers[:8]
    pr = CrewProblem(pacers=few, formation=small_problem.formation,
                     speed_m_s=small_problem.speed_m_s, conditions=small_problem.conditions,
                     exchange_points_m=small_problem.exchange_points_m, reserves=2)
    with pytest.raises(ImpossibleScenarioError) as exc:
        CrewScheduler(pr, time_limit_s=1.0).solve()
    assert "more pacers" in str(exc.value)


def test_pattern_cuts_hold_for_every_reachable_count():
    import itertools

    import numpy as np

    from paceline.crew.scheduler import _pattern_cuts, _pattern_table

    rng = np.random.default_rng(3)
    for _ in range(20):
        cost = rng.integers(800, 3000, size=(7, 2)).astype(np.int64)
        cost[:, 1] = np.minimum(cost[:, 1], cost[:, 0])
        budget = int(rng.integers(2000, 9000))
        cuts = _pattern_cuts(cost, budget)
        table = _pattern_table(cost, budget)
        # brute force: every assignment of stints to (none, class 0, class 1) within budget
        for pick in itertools.product((None, 0, 1), repeat=7):
            tot = sum(cost[s, c] for s, c in enumerate(pick) if c is not None)
            if tot > budget:
                continue
            n = (pick.count(0), pick.count(1))
            assert table[n] <= tot
            for coef, rhs in cuts:
                assert coef[0] * n[0] + coef[1] * n[1] <= rhs


def test_fewest_pacers_is_proved_and_checked(small_problem):
    plan = CrewScheduler(small_problem, time_limit_s=5.0).solve("pacers")
    assert plan.status == "optimal" and plan.gap_frac == 0.0
    _agree(small_problem, plan)


def test_preferences_count_each_preferred_slot_once_per_stint(small_problem):
    """Five pacers who all prefer front-3 can fill it once per stint, not five times."""
    pacers = [make_pacer(p.name, p.personal_bests[0].time_s, p.personal_bests[1].time_s,
                         max_stints=3,
                         preferred_slots=("front-3",) if i < 5 else ())
              for i, p in enumerate(small_problem.pacers)]
    pr = CrewProblem(pacers=tuple(pacers), formation=small_problem.formation,
                     speed_m_s=small_problem.speed_m_s, conditions=small_problem.conditions,
                     exchange_points_m=small_problem.exchange_points_m)
    plan = CrewScheduler(pr, time_limit_s=5.0).solve("preferences")
    prefer = {p.name for p in pacers[:5]}
    got = 0
    for s in range(pr.n_stints):
        lo = pr.boundaries_m[s]
        got += sum(1 for a in plan.stints if a.slot == "front-3" and a.pacer in prefer
                   and a.from_m <= lo < a.to_m)
    assert plan.objective_value == got == pr.n_stints  # at most (and here exactly) 4
    assert plan.status == "optimal"
    _agree(pr, plan)


def test_local_moves_raise_the_least_remaining_capacity_within_the_rules():
    """_raise_least_remaining (the margin's polish, and a re-plan's warm start): the most
    loaded pacer hands a slot-stint to a free pacer, never to one over his stint limit or
    unavailable then; every slot-stint stays filled once."""
    from paceline.crew.scheduler import _raise_least_remaining

    use = np.full((4, 3, 1), 0.3)
    budget = np.full(4, 0.9)
    eligible = np.ones((4, 3), bool)
    eligible[2, 1] = False  # pacer 2 cannot run stint 1
    max_entries = [None, 0, None, None]  # pacer 1 may not enter at all
    plan = {(0, 0, 0), (0, 1, 0), (0, 2, 0)}  # pacer 0 runs everything: 0.0 left
    _raise_least_remaining(plan, use, budget, eligible, max_entries, set(),
                           np.ones(4, bool))
    assert sorted((s, c) for _p, s, c in plan) == [(0, 0), (1, 0), (2, 0)]
    by = {s: p for p, s, _c in plan}
    assert 1 not in by.values()  # over his stint limit
    assert by[1] != 2  # unavailable then
    load = {p: sum(0.3 for q, _s, _c in plan if q == p) for p in range(4)}
    assert max(load.values()) == pytest.approx(0.3)  # spread: one slot-stint each


def test_local_moves_keep_the_reserves():
    """The polish brings in a pacer who ran nothing only while the plan uses fewer than
    roster − reserves (a 2.4 km margin plan once came back with all 41 pacers, 6 held)."""
    from paceline.crew.scheduler import _raise_least_remaining

    use = np.full((4, 3, 1), 0.3)
    plan = {(0, 0, 0), (0, 1, 0), (0, 2, 0)}
    _raise_least_remaining(plan, use, np.full(4, 0.9), np.ones((4, 3), bool),
                           [None] * 4, set(), np.ones(4, bool), max_used=2)
    assert len({p for p, _s, _c in plan}) == 2
    assert sorted(s for _p, s, _c in plan) == [0, 1, 2]
