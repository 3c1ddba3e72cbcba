"""Presets, evaluation, robustness, optimizer and the race-model integration."""

import numpy as np
import pytest

from paceline.errors import ImpossibleScenarioError, ScenarioError
from paceline.formation import (
    check_formation,
    evaluate,
    expected_drag_ratio,
    formation_from_positions,
    formation_worth_s,
    load_preset,
    optimize,
    preset_names,
    with_formation,
)
from paceline.formation.optimize import gap_violation
from paceline.io.scenario_file import load_courses, read_scenario
from paceline.scenario import scenario_from_dict
from paceline.sim import MonteCarlo, RaceModel, whatif


def test_presets_load_with_sources():
    names = preset_names()
    for n in ("solo", "single-pacer", "ineos-vienna-2019", "breaking2-monza-2017",
              "berlin-2019-bekele", "marro-2023", "single-file-N"):
        assert n in names
    for n in names:
        f = load_preset(n.replace("-N", "-3"))
        assert f.x_m[0] == 0.0 and f.y_m[0] == 0.0
        assert f.sources or n == "solo"
        check_formation(f, road_width_m=6.0)
    v = load_preset("ineos-vienna-2019")
    assert v.n_pacers == 7 and (v.x_m[1:] > 0).sum() == 5  # 5 ahead, 2 behind


def test_unknown_preset_lists_valid():
    with pytest.raises(ScenarioError, match="ineos-vienna-2019"):
        load_preset("vienna")
    with pytest.raises(ScenarioError):
        load_preset("single-file-11")


def test_single_file_and_solo():
    assert evaluate(load_preset("solo")).athlete_drag_reduction == 0.0
    f3 = load_preset("single-file-3")
    assert f3.x_m.tolist() == [0.0, 3.0, 2.0, 1.0]


def test_check_formation_refuses_bad_geometry():
    with pytest.raises(ImpossibleScenarioError, match="overlap"):
        check_formation(formation_from_positions([[0.1, 0.1]]))
    with pytest.raises(ImpossibleScenarioError, match="off the road"):
        check_formation(formation_from_positions([[1.0, 3.2]]), road_width_m=6.0)
    with pytest.raises(ScenarioError, match="finite"):
        check_formation(formation_from_positions([[np.nan, 0.0]]))


def test_position_error_costs_drag_and_zero_error_is_exact():
    v = load_preset("ineos-vienna-2019")
    exact = evaluate(v).drag_ratio
    np.testing.assert_allclose(expected_drag_ratio(v.x_m, v.y_m, 0.0, n_draws=4), exact)
    noisy = expected_drag_ratio(v.x_m, v.y_m, 0.15, n_draws=512)
    assert noisy[0] > exact[0] + 0.05  # the model agrees: "off by an inch, the drag increases"


def test_gap_violation():
    assert gap_violation([0.0, 1.0], [0.0, 0.0], 0.8, 0.6) == 0.0
    assert gap_violation([0.0, 0.4], [0.0, 0.3], 0.8, 0.6) == pytest.approx(0.5)


def test_optimizer_beats_vienna_under_position_error():
    calls = []
    res = optimize(7, road_width_m=6.0, position_error_m=0.15, maxiter=60,
                   progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1]
    f = res.nominal.formation
    check_formation(f, road_width_m=6.0)
    assert gap_violation(f.x_m, f.y_m, 0.8, 0.6) == 0.0
    v = load_preset("ineos-vienna-2019")
    vienna_exp = expected_drag_ratio(v.x_m, v.y_m, 0.15, n_draws=1024,
                                     rng=np.random.default_rng(1))
    assert res.expected.athlete_drag_ratio < vienna_exp[0]
    assert res.nominal.athlete_drag_reduction > evaluate(v).athlete_drag_reduction


def test_optimizer_refuses_bad_input():
    with pytest.raises(ScenarioError):
        optimize(0)
    with pytest.raises(ScenarioError):
        optimize(3, road_width_m=float("nan"))


def _vienna(scenarios_dir, **drafting):
    sc = read_scenario(scenarios_dir / "vienna-2019.toml")
    data = sc.model_dump(by_alias=True, exclude_none=True)
    data["drafting"] = drafting
    return scenario_from_dict(data)


def test_scenario_formation_fills_still_air_reduction(scenarios_dir):
    sc = _vienna(scenarios_dir, formation="ineos-vienna-2019")
    assert sc.drafting.drag_reduction == pytest.approx(
        evaluate(load_preset("ineos-vienna-2019")).athlete_drag_reduction, abs=1e-9)
    pos = _vienna(scenarios_dir, positions=[[1.0, 0.0]])
    assert pos.drafting.drag_reduction == pytest.approx(0.668, abs=0.005)  # one pacer 1 m ahead


@pytest.mark.parametrize("drafting, match", [
    ({"formation": "nope"}, "valid"),
    ({"positions": [[0.1, 0.0]]}, "overlap"),
    ({"positions": [[float("nan"), 0.0]]}, "finite"),
    ({"formation": "solo", "drag_reduction": 0.5}, "not both"),
    ({"formation": "solo", "positions": [[1.0, 0.0]]}, "not both"),
])
def test_scenario_refuses_bad_formations(scenarios_dir, drafting, match):
    with pytest.raises(ScenarioError, match=match):
        _vienna(scenarios_dir, **drafting)


def test_race_model_uses_formation_per_segment(scenarios_dir):
    sc = read_scenario(scenarios_dir / "vienna-2019-formation.toml")
    course, ref = load_courses(sc, scenarios_dir)
    m = RaceModel(sc, course, ref)
    d = m.segments.drag_reduction_frac
    assert d.min() < d.max()  # varies with heading against the wind
    assert d.mean() == pytest.approx(sc.drafting.drag_reduction, abs=0.02)
    # a plain fraction equal to the still-air value gives nearly the same time (light wind)
    frac = _vienna(scenarios_dir, drag_reduction=sc.drafting.drag_reduction)
    t1 = m.solve().finish_time_s
    t2 = RaceModel(frac, course, ref).solve().finish_time_s
    assert t1 == pytest.approx(t2, abs=5.0)


def test_worth_and_whatif_with_formation(scenarios_dir):
    sc = read_scenario(scenarios_dir / "vienna-2019-formation.toml")
    course, ref = load_courses(sc, scenarios_dir)

    def solve(s):
        return RaceModel(s, course, ref).solve().finish_time_s

    w = formation_worth_s(sc, solve)
    assert 200 < w.worth_s < 500
    base, factors = whatif(sc, course, ref)
    draft = next(f for f in factors if f.name == "drafting")
    assert draft.delta_s == pytest.approx(w.worth_s, abs=0.5)
    solo = with_formation(sc, "solo")
    assert solve(solo) == pytest.approx(w.alone_s, abs=0.01)
    # the scenario's own drag-to-cost conversion (the published spread moves the median:
    # docs/model.md §6)
    fixed = sc.model_copy(update={"uncertainty": sc.uncertainty.model_copy(
        update={"air_cost": "fixed"})})
    mc = MonteCarlo(RaceModel(fixed, course, ref))
    r = mc.run(200, np.random.default_rng(0))
    assert abs(np.median(r.finish_time_s) - base) < 30


def test_side_by_side_needs_a_body_width():
    """Runners abreast closer than BODY_WIDTH_M (0.40 m) overlap; at a body width they don't."""
    from paceline.errors import ImpossibleScenarioError
    from paceline.formation import check_formation, formation_from_positions
    from paceline.models import drafting as dm

    check_formation(formation_from_positions([(0.0, dm.BODY_WIDTH_M)]))
    check_formation(formation_from_positions([(dm.MIN_DISTANCE_M, 0.1)]))  # ahead: fine
    with pytest.raises(ImpossibleScenarioError, match="body width"):
        check_formation(formation_from_positions([(0.0, 0.31)]))
    with pytest.raises(ImpossibleScenarioError, match="overlap"):
        check_formation(formation_from_positions([(0.29, -0.39)]))


def test_every_preset_passes_the_geometry_checks():
    from paceline.formation import check_formation, load_preset, preset_names
    from paceline.scenario import Drafting

    names = [n for n in preset_names() if n != "single-file-N"] + ["single-file-10"]
    for name in names:
        check_formation(load_preset(name))
        assert Drafting(formation=name).drag_reduction >= 0.0


def test_positions_beyond_100_m_refused():
    from paceline.errors import ScenarioError
    from paceline.formation import check_formation, formation_from_positions
    from paceline.scenario import MAX_POSITION_M, Drafting

    check_formation(formation_from_positions([(MAX_POSITION_M, 0.0)]))
    with pytest.raises(ScenarioError, match="≤ 100 m"):
        check_formation(formation_from_positions([(1e300, 0.0)]))
    with pytest.raises(ValueError, match="≤ 100 m"):
        Drafting(positions=[[0.0, -1e300]])


def test_compare_common_random_numbers_a_against_itself_is_exactly_zero():
    from paceline.formation.compare import compare_formations, single_pacer_at_same_distance

    for name in ("single-file-3", "ineos-vienna-2019"):
        f = load_preset(name)
        res = compare_formations(f, f, position_error_m=0.3)
        np.testing.assert_array_equal(res.athlete_drag_reduction[:, 0],
                                      res.athlete_drag_reduction[:, 1])
        np.testing.assert_array_equal(res.difference_se, 0.0)
    # the single-pacer preset against the same 1 m pacer built by the comparison (review: +2.1)
    one = load_preset("single-pacer")
    res = compare_formations(one, single_pacer_at_same_distance(one), position_error_m=0.3)
    np.testing.assert_allclose(res.athlete_drag_reduction[:4, 0],
                               res.athlete_drag_reduction[:4, 1], atol=1e-12)


def test_compare_standard_error_covers_the_draw_to_draw_spread():
    from paceline.formation.compare import compare_formations, single_pacer_at_same_distance

    v = load_preset("ineos-vienna-2019")
    one = single_pacer_at_same_distance(v)
    diffs, ses = [], []
    for seed in range(6):
        res = compare_formations(v, one, n_draws=256, rng=np.random.default_rng(seed))
        d = res.athlete_drag_reduction[:, 0] - res.athlete_drag_reduction[:, 1]
        diffs.append(d[2])
        ses.append(res.difference_se[2])
        assert res.difference_se[0] == res.difference_se[1] == 0.0  # exact rows: no draws
    # the spread of the difference over independent seeds is of the order of the stated SE
    assert 0.3 < np.std(diffs, ddof=1) / np.mean(ses) < 3.0


def test_compare_single_pacer_moved_to_its_best_spot_in_a_crosswind():
    from paceline.formation.compare import (
        best_lateral_position,
        compare_formations,
        single_pacer_at_same_distance,
    )
    from paceline.models import drafting as dm

    v = load_preset("ineos-vienna-2019")
    one = single_pacer_at_same_distance(v)
    moved = best_lateral_position(one, crosswind_m_s=3.0)
    y = float(moved.y_m[1])
    assert y < -0.2  # wind from the right carries the wake left: the pacer moves right (upwind)
    best = dm.drag_ratio(moved.x_m, moved.y_m, 5.85, 0.0, 3.0)[0]
    for dy in (-0.05, 0.05):
        assert best <= dm.drag_ratio(moved.x_m, moved.y_m + np.array([0, dy]), 5.85, 0.0,
                                     3.0)[0]
    res = compare_formations(v, one, crosswind_m_s=3.0)
    assert len(res.conditions) == 6 and res.b_moved_y_m[4] == pytest.approx(y)
    # held dead ahead the single pacer is far behind the V; moved, it is within a few points
    held = res.athlete_drag_reduction[1]
    adj = res.athlete_drag_reduction[4]
    assert held[0] - held[1] > 0.3 and abs(adj[0] - adj[1]) < 0.1


def test_optimizer_result_is_a_local_optimum_against_moving_any_one_pacer():
    """Issue 12 review: the 7-pacer answer parked a pacer where it added drag; moving it to
    (−0.8, 0) or dropping it helped. After the relocation and polish stages no single pacer
    moved to any spot of a 0.5 m grid improves the athlete's expected drag by > 1 point
    (fresh draws, not the optimizer's 64: below a point is within their sampling noise), and
    the answer is reproducible."""
    res = optimize(7, road_width_m=6.0, position_error_m=0.15, maxiter=60)
    f = res.nominal.formation
    assert res.final_objective <= res.global_objective
    offs = np.random.default_rng(123).standard_normal((256, 8, 2))
    base = expected_drag_ratio(f.x_m, f.y_m, 0.15, offsets=offs)[0]
    gx, gy = np.meshgrid(np.arange(-3.0, 4.01, 0.5), np.arange(-2.8, 2.81, 0.4))
    for k in range(1, 8):
        xs = np.repeat(f.x_m[None, :], gx.size, axis=0)
        ys = np.repeat(f.y_m[None, :], gx.size, axis=0)
        xs[:, k], ys[:, k] = gx.ravel(), gy.ravel()
        ok = gap_violation(xs, ys, 0.8, 0.6) == 0
        r = expected_drag_ratio(xs[ok], ys[ok], 0.15, offsets=offs)[:, 0]
        assert r.min() > base - 0.01, (k, base, r.min())
    again = optimize(7, road_width_m=6.0, position_error_m=0.15, maxiter=60)
    np.testing.assert_array_equal(again.nominal.formation.x_m, f.x_m)
    np.testing.assert_array_equal(again.nominal.formation.y_m, f.y_m)
