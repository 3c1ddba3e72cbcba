import numpy as np
import pytest

from paceline.sim import MonteCarlo, RaceModel
from tests.sim.test_race import scenario


def test_zero_spread_matches_deterministic():
    zero = {k: 0.0 for k in ("temperature_sd_c", "relative_humidity_sd", "wind_speed_sd_m_s",
                             "wind_from_sd_deg", "economy_sd_frac", "capacity_sd_frac",
                             "drag_reduction_sd")}
    sc = scenario(course__preset="vienna-2019", uncertainty=zero, conditions__wind_speed_m_s=1.0,
                  conditions__wind_from_deg=200)
    m = RaceModel(sc)
    det = m.solve(pacing="even-effort").finish_time_s
    res = MonteCarlo(m).run(500, np.random.default_rng(0))
    # tolerance 0.5 s: segments are grouped into classes (grade 0.1 %, heading 2°)
    np.testing.assert_allclose(res.finish_time_s, det, atol=0.5)


def test_seeded_and_spread():
    m = RaceModel(scenario(course__preset="vienna-2019"))
    a = MonteCarlo(m).run(3000, np.random.default_rng(42), chunk=1000)
    b = MonteCarlo(m).run(3000, np.random.default_rng(42), chunk=1000)
    np.testing.assert_array_equal(a.finish_time_s, b.finish_time_s)
    p = a.percentiles()
    assert p[10] < p[50] < p[90]
    det = m.solve().finish_time_s
    assert p[50] == pytest.approx(det, abs=15)
    # 1 % capacity and economy spreads → roughly 1 % (≈ 70 s) P10–P90 half-width or more
    assert p[90] - p[10] > 60


def test_progress_callback():
    m = RaceModel(scenario())
    calls = []
    MonteCarlo(m).run(2500, np.random.default_rng(1), chunk=1000,
                      progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]


def test_iterations_converged():
    # wide spreads, then the same draws solved with many more iterations: ≤ 0.01 s apart
    wide = {"economy_sd_frac": 0.05, "capacity_sd_frac": 0.05, "wind_speed_sd_m_s": 3.0,
            "temperature_sd_c": 6.0}
    m = RaceModel(scenario(course__preset="vienna-2019", uncertainty=wide))
    fast = MonteCarlo(m).run(2000, np.random.default_rng(3))
    slow_mc = MonteCarlo(m)
    slow_mc.outer_iterations, slow_mc.newton_iterations = 12, 8
    slow = slow_mc.run(2000, np.random.default_rng(3))
    np.testing.assert_allclose(fast.finish_time_s, slow.finish_time_s, atol=0.01)
