"""Energetics models against their published sources."""

import numpy as np
import pytest

from paceline.models import aerodynamics as aero
from paceline.models import energetics as en

KIPCHOGE = dict(mass_kg=52.0, drag_area_m2=float(aero.drag_area_m2(52.0, 1.67)),
                air_density_kg_m3=1.2, cost_ref_j_kg_m=3.8)


def test_minetti2002_polynomial():
    # Minetti et al. 2002, J Appl Physiol 93:1039, running fit (their Fig. 2 equation).
    # Tolerance 0.001 J/kg/m: the values are the polynomial evaluated to printed digits.
    grades = [0.0, 0.10, -0.20, 0.45]
    expected = [3.600, 5.968, 1.800, 19.426]
    got = en.cost_of_running_minetti2002_j_kg_m(grades)
    np.testing.assert_allclose(got, expected, atol=1e-3)


def test_minetti2002_fit_vs_measured_level_cost():
    # Measured level cost 3.40 ± 0.24 J/kg/m; the fit (3.6) lies within one SD of it, which is
    # why paceline uses the fit only as a ratio to the level.
    assert abs(float(en.cost_of_running_minetti2002_j_kg_m(0.0)) - 3.40) <= 0.24
    assert float(en.grade_cost_factor_minetti2002(0.0)) == pytest.approx(1.0)


def test_minetti2002_outside_range_is_nan():
    assert np.isnan(en.cost_of_running_minetti2002_j_kg_m(0.5))
    assert np.isnan(en.cost_of_running_minetti2002_j_kg_m(-0.46))


def test_batliner2018_cost_rises_9_6_percent():
    # Batliner et al. 2018: sub-elite energy cost of transport +9.6 % from 3.58 to 5.14 m/s.
    ratio = en.level_cost_batliner2018_j_kg_m(5.14, 1.0, speed_ref_m_s=3.58)
    assert float(ratio) == pytest.approx(1.096, abs=1e-9)


def _speed_gain(v1, saving, **kw):
    p = en.metabolic_power_w_kg(v1, **kw)
    v2 = en.speed_at_metabolic_power_m_s(p, metabolic_saving_frac=saving, **kw)
    return float(v2) / v1 - 1.0


def test_kipp2019_three_percent_economy_at_2_04_pace():
    # Kipp, Kram & Hoogkamer 2019 (Front Physiol 10:79): at 2:04 marathon pace a 3 % better
    # running economy → 1.97 % faster, 2:01:36. Tolerance ± 20 s (issue; their result is itself
    # the mean of five VO2–speed equations).
    v1 = 42195.0 / (2 * 3600 + 4 * 60)
    gain = _speed_gain(v1, 0.03, **KIPCHOGE)
    finish = 42195.0 / (v1 * (1 + gain))
    assert finish == pytest.approx(2 * 3600 + 60 + 36, abs=20)
    assert gain == pytest.approx(0.0197, abs=0.001)


def test_kipp2019_two_thirds_at_5_5_m_s():
    # Kipp et al. 2019: at 5.5 m/s the % speed gain ≈ 2/3 of the % metabolic saving
    # (small saving, 1 %). Tolerance 0.05 ("≈ 2/3" in the abstract).
    gain = _speed_gain(5.5, 0.01, **KIPCHOGE)
    assert gain / 0.01 == pytest.approx(2 / 3, abs=0.05)


def test_kipp2019_ratio_above_one_below_3_m_s():
    # Kipp et al. 2019: below ~3 m/s the % speed gain is *slightly greater* than the % saving.
    # With β = 0.2535 the model's level cost still rises with speed, so it gives < 1 there:
    # the model does not reproduce this low-speed statement (documented in docs/model.md).
    gain = _speed_gain(2.5, 0.01, **KIPCHOGE)
    assert 0.75 < gain / 0.01 < 1.0


def test_hoogkamer2017_sub2_saving_differs_from_model():
    # Hoogkamer, Kram & Arellano 2017 (Sports Med 47:1739): 5.72 → 5.86 m/s (2:02:57 → sub-2)
    # needs ≈ 2.7 % lower metabolic cost, assuming a near-linear VO2–speed relation
    # (Léger & Mercier). With the curvilinear relation Kipp et al. 2019 adopted, the model needs
    # ≈ 3.7 %: the 2019 paper revised the 2017 estimate. This test pins the model's answer.
    from scipy.optimize import brentq

    p = en.metabolic_power_w_kg(5.72, **KIPCHOGE)

    def gap(s):
        return float(en.speed_at_metabolic_power_m_s(p, metabolic_saving_frac=s, **KIPCHOGE)) - 5.86

    need = brentq(gap, 0.0, 0.2)
    assert need == pytest.approx(0.037, abs=0.003)
    assert need > 0.027 + 0.005  # clearly more than Hoogkamer 2017's 2.7 %


def test_dasilva2022_air_share_at_two_hour_pace():
    # da Silva, Kram & Hoogkamer 2022: air resistance ≈ 8.52 % of gross metabolic power at
    # ~2-hour marathon pace in calm air. Tolerance ± 0.5 percentage points (their CdA and
    # density assumptions are not ours exactly).
    v = 42195.0 / 7200.0
    total = en.metabolic_power_w_kg(v, **KIPCHOGE)
    still = en.metabolic_power_w_kg(v, **{**KIPCHOGE, "drag_area_m2": 0.0})
    share = float((total - still) / total)
    assert share == pytest.approx(0.0852, abs=0.005)


def test_horizontal_force_slope_dasilva2022():
    # +6.13 % metabolic power per 1 % body weight of impeding force (da Silva et al. 2022).
    assert float(en.horizontal_force_cost_factor_dasilva2022(0.01)) == pytest.approx(0.0613)


def test_tailwind_helps_less_than_headwind_hurts_davies1980():
    # Davies 1980 (J Appl Physiol 48:702): apparent efficiency +0.35 against a head wind and
    # −1.2 with a following wind → an aiding force saves 0.29 of what the same impeding force
    # costs. Check with the full model: ±3 m/s of wind at 5.8 m/s.
    kw = dict(KIPCHOGE)
    p0 = en.metabolic_power_w_kg(5.8, **kw)
    p_head = en.metabolic_power_w_kg(5.8, headwind_m_s=3.0, **kw)
    p_tail = en.metabolic_power_w_kg(5.8, headwind_m_s=-3.0, **kw)
    assert p_head - p0 > p0 - p_tail > 0
    ratio = float(en.horizontal_force_cost_factor_dasilva2022(-0.01)
                  / en.horizontal_force_cost_factor_dasilva2022(0.01))
    assert ratio == pytest.approx(-0.35 / 1.2, abs=1e-12)


def test_pugh1971_headwind_oxygen_uptake():
    # Pugh 1971 (J Physiol 213:255): a 65 kg runner at 4.45 m/s on a treadmill in a wind tunnel
    # took 3.0 L/min O2 in still air and 5.0 L/min against an 18.5 m/s wind. On a treadmill the
    # air speed is the wind speed. Pugh's subject's height is not given in what we hold: 1.75 m
    # is assumed (CdA 0.429 m² by the 0.266·BSA and Cd 0.9 rule), air 1.2 kg/m³.
    # The model (da Silva's slope) gives ≈ 5.5 L/min: 11 % high. Tolerance 12 %, reason:
    # unknown subject size, and Davies 1980 saw runners lean into winds above 15 m/s,
    # lowering the cost — the model has no such posture change. Pugh himself found direct
    # wind-pressure measurements higher than his O2 data implied.
    cda = float(aero.drag_area_m2(65.0, 1.75))
    force = float(aero.drag_force_n(0.0, 1.2, cda, headwind_m_s=18.5))
    vo2 = 3.0 * (1.0 + float(en.horizontal_force_cost_factor_dasilva2022(force / (65 * 9.80665))))
    assert vo2 == pytest.approx(5.0, rel=0.12)
    assert vo2 > 5.0  # the sign of the residual is part of the documented finding


def test_taboga_kram2019_curve_factor_zero_on_straight_and_grows_with_speed():
    assert float(en.curve_cost_factor_taboga_kram2019(6.0, 0.0)) == 0.0
    slow, fast = en.curve_cost_factor_taboga_kram2019([4.0, 6.0], 1 / 17.2)
    assert 0 < slow < fast


def test_hoogkamer2018_shoe_saving_speed_effect():
    # Hoogkamer et al. 2018 (Sports Med 48:1009): the prototype shoe saved 4.0–4.2 % of
    # metabolic power; by Kipp et al. 2019 that is worth ≈ 2/3 × 4 % ≈ 2.6–2.8 % speed at
    # marathon pace. Tolerance: the 2/3 rule's ± 0.05 on the ratio.
    saving = (17.16 - 16.45) / 17.16  # their Table: W/kg, prototype vs Adidas Adizero
    assert saving == pytest.approx(0.0414, abs=0.001)
    gain = _speed_gain(5.7, saving, **KIPCHOGE)
    assert gain / saving == pytest.approx(2 / 3, abs=0.05)


def test_frederick1984_one_percent_per_100g():
    assert float(en.shoe_mass_saving_frac_frederick1984(300, reference_mass_g=200)) == -0.01


def test_speed_inverse_roundtrip_vectorized():
    v = np.linspace(2.0, 7.0, 50)
    kw = dict(KIPCHOGE, grade_frac=np.linspace(-0.05, 0.05, 50), curvature_1_m=0.02,
              headwind_m_s=1.0, crosswind_m_s=2.0, drag_reduction_frac=0.3,
              metabolic_saving_frac=0.04)
    p = en.metabolic_power_w_kg(v, **kw)
    back = en.speed_at_metabolic_power_m_s(p, **kw)
    np.testing.assert_allclose(back, v, rtol=1e-9)


def test_power_and_slope_float32_and_tailwind_branch():
    # the Monte Carlo's kernel: dP/dv equals the numerical derivative of metabolic_power_w_kg,
    # with wind from behind faster than the runner on some elements (the aiding-force branch,
    # Davies 1980) and not on others; float32 inputs stay float32 (the Monte Carlo's chunks)
    # and agree with float64 to float32's precision (1e-6 relative)
    rng = np.random.default_rng(0)
    n = 400
    v = rng.uniform(3.0, 7.0, n)
    grade = rng.uniform(-0.05, 0.05, n)
    kw = dict(cost_ref_j_kg_m=3.8, mass_kg=52.0, curvature_1_m=rng.uniform(0, 0.05, n),
              headwind_m_s=rng.uniform(-9.0, 3.0, n), crosswind_m_s=rng.uniform(-2, 2, n),
              metabolic_saving_frac=0.04)
    q = 0.5 * 1.2 * 0.35 * 0.7
    assert (v + kw["headwind_m_s"] < 0).any() and (v + kw["headwind_m_s"] > 0).any()
    p, dp = en.metabolic_power_and_slope_w_kg(
        v, grade_factor=en.grade_cost_factor_minetti2002(grade), air_drag_kg_m=q, **kw)
    ref = dict(kw, grade_frac=grade, air_density_kg_m3=1.2, drag_area_m2=0.35,
               drag_reduction_frac=0.3)
    np.testing.assert_allclose(p, en.metabolic_power_w_kg(v, **ref), rtol=1e-12)
    h = 1e-6
    num = (en.metabolic_power_w_kg(v + h, **ref) - en.metabolic_power_w_kg(v - h, **ref)) / 2 / h
    np.testing.assert_allclose(dp, num, rtol=1e-6)
    f32 = {k: np.asarray(x, np.float32) if np.ndim(x) else x for k, x in kw.items()}
    p32, dp32 = en.metabolic_power_and_slope_w_kg(
        v.astype(np.float32), grade_factor=en.grade_cost_factor_minetti2002(grade).astype(
            np.float32), air_drag_kg_m=np.float32(q) * np.ones(n, np.float32), **f32)
    assert p32.dtype == dp32.dtype == np.float32
    np.testing.assert_allclose(p32, p, rtol=1e-6)
    np.testing.assert_allclose(dp32, dp, rtol=1e-6)
