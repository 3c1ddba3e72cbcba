"""MonteCarlo wiring: the fast path against the full per-segment solve and RaceModel,
re-calibration on drawn reference inputs, seeding, progress and the variance breakdown."""

from dataclasses import replace

import numpy as np
import pytest

from paceline.scenario import Uncertainty
from paceline.sim import MonteCarlo, RaceModel
from tests.sim.test_race import scenario

ZERO = {k: 0.0 for k, f in Uncertainty.model_fields.items() if f.annotation is float} | {
    "air_cost": "fixed"}


def test_zero_spread_matches_race_model():
    # no spread at all: every draw is the deterministic race (even-effort reference, wind,
    # a temperature ramp); tolerance 0.01 s (the solvers' convergence)
    sc = scenario(course__preset="vienna-2019", uncertainty=ZERO, conditions__wind_speed_m_s=1.0,
                  conditions__wind_from_deg=200, conditions__temperature_end_c=20,
                  athlete__reference__pacing="even-effort")
    m = RaceModel(sc)
    det = m.solve(pacing="even-effort").finish_time_s
    res = MonteCarlo(m).run(500, np.random.default_rng(0))
    np.testing.assert_allclose(res.finish_time_s, det, atol=0.01)


@pytest.mark.parametrize("change", [
    {"temperature_c": 20.0, "relative_humidity": 0.4},
    {"wind_speed_m_s": 3.0, "wind_from_deg": 90.0},
    {"drag_reduction_offset": -0.2},
    {"reference_relative_humidity": 0.2, "reference_temperature_c": 22.0},
    {"reference_drag_reduction_offset": -0.3},
])
def test_a_draw_is_the_race_model_of_its_inputs(change):
    # one draw with changed inputs = RaceModel on the scenario written with those inputs
    # (0.01 s): the Monte Carlo re-calibrates on the drawn reference race
    sc = scenario(course__preset="vienna-2019", uncertainty=ZERO)
    mc = MonteCarlo(RaceModel(sc))
    d = replace(mc.draw(1, np.random.default_rng(0), spread=False),
                **{k: np.array([v]) for k, v in change.items()})
    # the scenario drafts 0.3 everywhere in both races: an offset of −0.2 is 0.1, −0.3 is none
    over = {}
    for k, v in change.items():
        ref = k.startswith("reference_")
        key = k.removeprefix("reference_")
        where = "athlete__reference__" if ref else ""
        if key == "drag_reduction_offset":
            over[where + "drafting__drag_reduction"] = 0.3 + v
        else:
            over[where + "conditions__" + key] = v
    want = RaceModel(scenario(course__preset="vienna-2019", **over)).solve().finish_time_s
    assert mc.solve(d)[0] == pytest.approx(want, abs=0.01)


def test_vienna_fast_path_within_0_1_s_of_the_full_per_segment_solve(scenarios_dir):
    # the accuracy target: every race within 0.1 s of the full per-segment solve
    from paceline.io.scenario_file import load_courses, read_scenario

    sc = read_scenario(scenarios_dir / "vienna-2019.toml")
    mc = MonteCarlo(RaceModel(sc, *load_courses(sc, scenarios_dir)))
    res = mc.run(3000, np.random.default_rng(7))
    sample = np.random.default_rng(8).choice(3000, 60, replace=False)
    exact = mc.solve(res.draws.take(sample), exact=True)
    assert np.max(np.abs(exact - res.model_time_s[sample])) < 0.1


def test_seeded_and_spread():
    m = RaceModel(scenario(course__preset="vienna-2019"))
    a = MonteCarlo(m).run(3000, np.random.default_rng(42), chunk=1000)
    b = MonteCarlo(m).run(3000, np.random.default_rng(42), chunk=700)
    np.testing.assert_array_equal(a.finish_time_s, b.finish_time_s)
    p = a.percentiles()
    assert p[10] < p[50] < p[90]
    det = m.solve().finish_time_s
    assert p[50] == pytest.approx(det, abs=15)
    # the 1.12 % residual alone gives a P10–P90 of ≈ 2.56 × 1.12 % × T ≈ 210 s
    assert p[90] - p[10] > 180
    assert 0 < a.percentile_of(det) < 100


def test_progress_callback():
    m = RaceModel(scenario())
    calls = []
    mc = MonteCarlo(m)
    mc.threads = 1
    mc.run(2500, np.random.default_rng(1), chunk=1000, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]


def test_iterations_converged():
    # wide spreads: the fast path against the same draws iterated to convergence, 0.1 s
    wide = ZERO | {"economy_sd_frac": 0.05, "capacity_sd_frac": 0.05, "wind_speed_sd_m_s": 3.0,
                   "temperature_sd_c": 4.0, "drag_area_sd_frac": 0.15}
    m = RaceModel(scenario(course__preset="vienna-2019", uncertainty=wide))
    mc = MonteCarlo(m)
    d = mc.draw(200, np.random.default_rng(3))
    fast = mc.solve(d)
    mc.newton_iterations = mc.final_iterations = 6
    slow = mc.solve(d)
    np.testing.assert_allclose(fast, slow, atol=0.1)


def test_variance_breakdown_names_the_one_input_drawn():
    only_temp = ZERO | {"temperature_sd_c": 3.0}
    m = RaceModel(scenario(uncertainty=only_temp))
    shares = MonteCarlo(m).run(4000, np.random.default_rng(2)).variance_breakdown()
    assert list(shares) == ["race-day temperature"]
    assert shares["race-day temperature"] > 0.95
    both = ZERO | {"temperature_sd_c": 3.0, "residual_sd_frac": 0.02}
    shares = MonteCarlo(RaceModel(scenario(uncertainty=both))).run(
        4000, np.random.default_rng(2)).variance_breakdown()
    assert list(shares)[0] == "model residual"  # 2 % of time ≫ 3 °C (≈ 0.4 %/°C at 16 °C)


def test_residual_default_is_the_validation_rms():
    # the default residual spread is the RMS relative error of `paceline validate`'s real races
    # (scenarios/validation); 0.001 = the default's printed digits. When the model changes,
    # this fails until the default is re-measured.
    from pathlib import Path

    from paceline.io.validation_set import read_validation_set
    from paceline.sim.validation import validate_races

    root = Path(__file__).resolve().parents[2]
    res = validate_races(read_validation_set(root / "scenarios" / "validation"))
    rms = float(np.sqrt(np.mean([((r.predicted_s - r.actual_s) / r.actual_s) ** 2
                                 for r in res.rows])))
    assert Uncertainty().residual_sd_frac == pytest.approx(rms, abs=0.001)


def test_effort_expansion_within_0_01_s():
    # the fast path takes its last effort step x = ln(p/p0) on ln T expanded to second order
    # in x (the draw's own slope, the deterministic race's curvature) instead of solving the
    # speeds again; at the largest step it does that for (MonteCarlo.effort_tolerance), with
    # spreads far wider than any scenario's, the expansion is within 0.01 s of the solve
    wide = ZERO | {"wind_speed_sd_m_s": 3.0, "temperature_sd_c": 4.0,
                   "drag_area_sd_frac": 0.15, "drag_reduction_sd": 0.1}
    mc = MonteCarlo(RaceModel(scenario(course__preset="vienna-2019", uncertainty=wide)))
    d = mc.draw(200, np.random.default_rng(5))
    kw, _ = mc._course_inputs(d, mc.classes, mc.conditions, d.temperature_c,
                              d.relative_humidity, d.drag_reduction_offset, d.shoe_saving,
                              wind=True, dtype=np.float64)
    p0 = np.full(len(d), mc._det_power)
    v0 = np.broadcast_to(mc._det_kind_speed, kw["headwind_m_s"].shape)
    t0, dt_dp, _ = mc._time_at_effort(p0, v0, kw, mc.classes, 8)
    e, k = dt_dp * p0 / t0, mc._det_d2lnt_dlnp2
    for x in (-mc.effort_tolerance, mc.effort_tolerance):
        solved, _, _ = mc._time_at_effort(p0 * np.exp(x), v0, kw, mc.classes, 8)
        expanded = t0 * np.exp(x * (e + 0.5 * k * x))
        ok = np.isfinite(solved)
        assert ok.sum() > 190
        err = np.max(np.abs(expanded - solved)[ok])
        assert err < 0.01
        # the curvature term matters: without it the error is 2.5× (0.0102 s against 0.0041 s)
        assert np.max(np.abs(t0 * np.exp(x * e) - solved)[ok]) > 2 * err
