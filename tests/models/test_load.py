"""paceline.models.load: each model against its source's equation and a hand computation."""

import numpy as np
import pytest

from paceline.models import load


def test_trimp_banister_morton1990_weighting():
    # Morton et al. 1990 eq.: TRIMP = t[min]·HRr·0.64·e^(1.92·HRr); 30 min at HRr 0.5:
    # 30 × 0.5 × 0.64 × e^0.96 = 9.6 × 2.61170 = 25.072 (hand computation).
    assert load.trimp_banister(1800.0, 0.5) == pytest.approx(25.072, abs=1e-3)
    a, b = load.TRIMP_COEFFICIENTS_MORTON1990["women"]
    assert (a, b) == (0.86, 1.67)
    assert load.trimp_banister(1800.0, 0.5, a=a, b=b) == pytest.approx(
        30 * 0.5 * 0.86 * np.exp(0.835), rel=1e-12)
    assert np.isnan(load.trimp_banister(60.0, 1.2))


def test_trimp_from_histogram_equals_sample_sum():
    rng = np.random.default_rng(1)
    hr = rng.integers(90, 190, 3600)
    hist = np.bincount(hr, minlength=256)
    direct = load.trimp_banister(1.0, load.heart_rate_reserve_frac(hr, 50, 200)).sum()
    assert load.trimp_from_hr_histogram(hist, 50, 200) == pytest.approx(direct, rel=1e-12)
    assert np.isnan(load.heart_rate_reserve_frac(150, 60, 60))


def test_speed_tss_one_hour_at_threshold_is_100():
    # Coggan's definition: one hour at threshold = 100 TSS.
    v = 4.5
    assert load.speed_load_tss(v**2 * 3600, v) == pytest.approx(100.0)
    assert load.speed_load_tss((0.9 * v) ** 2 * 1800, v) == pytest.approx(50 * 0.81)


def test_fitness_fatigue_impulse_response():
    # A single load L on day 0 decays as L·α·e^(−n/τ)... exactly C_n = α L (1−α)^n.
    daily = np.zeros(100)
    daily[0] = 100.0
    ctl, atl, tsb = load.fitness_fatigue_banister(daily)
    a42, a7 = 1 - np.exp(-1 / 42), 1 - np.exp(-1 / 7)
    n = np.arange(100)
    np.testing.assert_allclose(ctl, 100 * a42 * (1 - a42) ** n, rtol=1e-12)
    np.testing.assert_allclose(atl, 100 * a7 * (1 - a7) ** n, rtol=1e-12)
    np.testing.assert_allclose(tsb, ctl - atl)
    # constant load: CTL → load (steady state of dC/dt = (L − C)/τ)
    ctl, _, _ = load.fitness_fatigue_banister(np.full(2000, 50.0))
    assert ctl[-1] == pytest.approx(50.0, rel=1e-9)


def test_best_effort_times_interpolate():
    # steady 4 m/s for 1000 s with a 1-s 8 m/s burst at t=500
    t = np.arange(0, 1001.0)
    v = np.full(t.size, 4.0)
    v[500] = 8.0
    d = np.concatenate([[0.0], np.cumsum(v[:-1])])
    best = load.best_effort_times_s(t, d, [8.0, 400.0, 5000.0])
    assert best[0] == pytest.approx(1.0)
    assert best[1] == pytest.approx(99.0)   # 4 s fewer... 400 m with the 8 m burst: 99 s
    assert np.isnan(best[2])


def test_critical_speed_hill1993_recovers_line():
    cs, dp = 5.0, 200.0
    t = np.array([150.0, 300.0, 600.0, 900.0])
    got = load.critical_speed_hill1993(cs * t + dp, t)
    assert got == pytest.approx((cs, dp))
    assert np.isnan(load.critical_speed_hill1993([1000.0], [200.0])[0])
