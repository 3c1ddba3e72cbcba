"""Drag → metabolic power → time: each source's own figure, from that source's own inputs."""

from __future__ import annotations

import numpy as np
import pytest

from paceline.models import aerodynamics as aero
from paceline.models import air_cost as ac
from paceline.models import energetics as en


def test_registry_names_and_unknown_name_lists_valid():
    names = ac.air_cost_model_names()
    assert names[0] == ac.DEFAULT_AIR_COST_MODEL == "dasilva2022"
    for n in ("pugh1971", "li2025", "schickhofer-hanson2021", "beaumont2021", "marro2023",
              "kipp2025", "none"):
        assert n in names
    with pytest.raises(KeyError, match="valid: 'dasilva2022'|valid: dasilva2022"):
        ac.get_air_cost_model("dasilva")
    m = ac.get_air_cost_model("li2025")
    assert ac.get_air_cost_model(m) is m
    assert ac.get_air_cost_model(None).name == "dasilva2022"


def test_dasilva2022_slope():
    # da Silva, Kram & Hoogkamer 2022: +6.13 % metabolic power per 1 % BW (abstract). Exact.
    m = ac.get_air_cost_model("dasilva2022")
    assert float(ac.horizontal_force_cost_factor(0.01, m.impeding_slope)) == pytest.approx(0.0613)
    # the energetics module's own function is the same model
    assert float(en.horizontal_force_cost_factor_dasilva2022(-0.02)) == pytest.approx(
        float(ac.horizontal_force_cost_factor(-0.02, m.impeding_slope,
                                              m.aiding_over_impeding)))


def test_pugh1971_headwind_oxygen_and_track_air_share():
    # Pugh 1971 (J Physiol 213:255): 3.0 → 5.0 L/min O2 at 4.45 m/s against 18.5 m/s of air.
    # The slope is built from that measurement (65 kg; 1.75 m ASSUMED), so recomputing it is
    # exact to rounding; the held-out check is Pugh's other statement, that air costs ≈ 7.5–8 %
    # of the energy at middle-distance speed (≈ 6 m/s) on a track: the model gives 6.6 %.
    # Tolerance 1.5 points: Pugh's track figure came from a separate estimate of his
    # subjects' drag, and the subject's height is assumed.
    m = ac.get_air_cost_model("pugh1971")
    cda = float(aero.drag_area_m2(65.0, 1.75))
    f_tunnel = 0.5 * 1.2 * cda * 18.5**2 / (65 * 9.80665)
    vo2 = 3.0 * (1 + float(ac.horizontal_force_cost_factor(f_tunnel, m.impeding_slope)))
    assert vo2 == pytest.approx(5.0, abs=1e-9)
    f_track = 0.5 * 1.2 * cda * 6.0**2 / (65 * 9.80665)
    share = float(ac.air_share_frac(f_track, m.impeding_slope))
    assert share == pytest.approx(0.0775, abs=0.015)
    # Pugh's runners cost less per newton than da Silva's (documented disagreement)
    assert m.impeding_slope < ac.get_air_cost_model("dasilva2022").impeding_slope


@pytest.mark.parametrize("name", sorted(ac.PAPER_FIGURES))
def test_paper_conversion_reproduces_its_figure(name):
    # Each drafting paper's own figure (PAPER_FIGURES: reduction, baseline, athlete) through
    # the paper's own assumptions (constant metabolic power, constant cost of transport, air
    # power ∝ v³) with the registry's slope. Tolerance 0.5 s: the slope is derived from this
    # figure, so this checks the derivation and the data, not the paper.
    fig = ac.PAPER_FIGURES[name]
    pred = ac.figure_prediction(fig, ac.get_air_cost_model(name).impeding_slope)
    if np.isfinite(fig.time_saved_s):
        assert pred["time_saved_s"] == pytest.approx(fig.time_saved_s, abs=0.5)
    else:
        assert pred["speed_gain_frac"] == pytest.approx(fig.speed_gain_frac, abs=1e-6)


def test_li2025_89_percent_is_162_s():
    # Li 2025: a 4-runner V (−89 % drag) → 162 s at 1:59:40 pace (≈ 1.8 s per point).
    fig = ac.PAPER_FIGURES["li2025"]
    p = ac.figure_prediction(fig, ac.get_air_cost_model("li2025").impeding_slope)
    assert p["time_saved_s"] / 89 == pytest.approx(1.8, abs=0.05)


def test_schickhofer_hanson2021_75_6_percent_is_154_s():
    fig = ac.PAPER_FIGURES["schickhofer-hanson2021"]
    p = ac.figure_prediction(fig, ac.get_air_cost_model("schickhofer-hanson2021").impeding_slope)
    assert p["time_saved_s"] == pytest.approx(154.0, abs=0.5)


def test_beaumont2021_speed_gain_and_held_out_time():
    # Beaumont 2021: −63.3 % → +2.9 % speed and 3:28 saved. The slope comes from the speed
    # gain; the 3:28 is held out: 3:26 with the ASSUMED 2:01:39 baseline. Tolerance 7 s: the
    # printed 2.9 % spans 2.85–2.95 %, i.e. ±7 s.
    fig = ac.PAPER_FIGURES["beaumont2021"]
    slope = ac.get_air_cost_model("beaumont2021").impeding_slope
    (r, t), = fig.check
    assert ac.figure_prediction(fig, slope, r)["time_saved_s"] == pytest.approx(t, abs=7.0)


def test_marro2023_held_out_60_percent():
    # Marro 2023: the Vienna formation (−50 %) ≈ 3.5 min; a −60 % formation → 262 s. The slope
    # comes from the 50 % point; the 60 % point, held out, comes out at 255 s. Tolerance 10 s:
    # "≈ 3.5 min" is printed to ±15 s.
    fig = ac.PAPER_FIGURES["marro2023"]
    slope = ac.get_air_cost_model("marro2023").impeding_slope
    (r, t), = fig.check
    got = ac.figure_prediction(fig, slope, r)["time_saved_s"]
    assert got == pytest.approx(t, abs=10.0)


def test_kipp2025_breaking4_and_dasilva_disagree():
    # da Silva, Hoogkamer, Kipp & Kram 2025 (Breaking4), abstract: Kipyegon's 4:07.64 mile
    # → ~3:59.37 with one pacer ahead and one behind (changing at 800 m); press reports give
    # −76 % drag for that drafting. The abstract's "3.19 % faster" is what sub-4 needs
    # (4:07.64 → 4:00.00), not the paper's answer — the pairing used before this fix.
    # (3.18 % to 4:00.00, 3.19 % to 3:59.99: tolerance 0.1 point)
    assert 247.64 / 240.0 - 1 == pytest.approx(0.0319, abs=1e-3)
    fig = ac.PAPER_FIGURES["kipp2025"]
    kipp = ac.figure_prediction(fig, ac.get_air_cost_model("kipp2025").impeding_slope)
    assert kipp["time_saved_s"] == pytest.approx(247.64 - 239.37, abs=1e-6)
    assert kipp["speed_gain_frac"] == pytest.approx(0.0345, abs=1e-4)
    # With paceline's drag area the same group's 6.13 slope gives 6.9 % (with Batliner's
    # curvature): the paper's drag area for Kipyegon must be ≈ 1/3 of 0.266·BSA·0.9, or the
    # secondary 76 % is not the reduction the paper used. Documented in docs/model.md.
    silva = ac.figure_prediction(fig, 6.13, level_exponent=en.BATLINER2018_EXPONENT)
    assert silva["speed_gain_frac"] == pytest.approx(0.0684, abs=0.003)


def test_speed_ratio_closed_form_and_nan_outside():
    # (1 − φ)x + φ(1 − r)x³ = 1 at the solution
    x = float(ac.speed_ratio_at_constant_power(0.5, 0.08))
    assert 0.92 * x + 0.04 * x**3 == pytest.approx(1.0, abs=1e-12)
    assert float(ac.speed_ratio_at_constant_power(0.0, 0.08)) == pytest.approx(1.0)
    assert np.isnan(ac.speed_ratio_at_constant_power(1.5, 0.08))
    assert np.isnan(ac.speed_ratio_at_constant_power(0.5, 1.0))


def test_published_spread_and_draws():
    slopes = ac.published_impeding_slopes()
    assert "none" not in slopes and len(slopes) == 7
    # the spread spans a factor of ≈ 3.6 (Li 2025's 1.7 to da Silva's 6.13)
    assert max(slopes.values()) / min(slopes.values()) == pytest.approx(3.6, abs=0.2)
    d = ac.draw_impeding_slope(np.random.default_rng(1), (2000,))
    assert set(np.unique(d)) <= set(slopes.values())
    assert len(np.unique(d)) == len(set(slopes.values()))


def test_slope_order_matches_papers_seconds_per_point():
    # issue 12: Li ≈ 1.8 s/point < S&H ≈ 2.0 < Beaumont ≈ 3.3 < Marro ≈ 4.2–4.4 < da Silva
    s = ac.published_impeding_slopes()
    assert (s["li2025"] < s["schickhofer-hanson2021"] < s["beaumont2021"] < s["marro2023"]
            < s["pugh1971"] < s["dasilva2022"])
