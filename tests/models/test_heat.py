"""Heat models against their sources."""

import inspect

import numpy as np
import pytest

from paceline.models import heat


def test_bom_wbgt_approximation_by_hand():
    # BoM: WBGT = 0.567·Ta + 0.393·e + 3.94, e in hPa. By hand at 20 °C, 50 % RH:
    # e_s (Buck) = 6.1121·exp[(18.678 − 20/234.5)·20/277.14] = 23.3834 hPa, e = 11.6917 hPa;
    # WBGT = 11.34 + 4.59484 + 3.94 = 19.8748 °C. Tolerance: rounding of the hand value.
    assert float(heat.wbgt_from_temperature_humidity_c(20.0, 0.5)) == pytest.approx(
        19.8748, abs=1e-4)
    # dry air: only the temperature terms remain
    assert float(heat.wbgt_from_temperature_humidity_c(10.0, 0.0)) == pytest.approx(
        0.567 * 10.0 + 3.94)


def test_bom_wbgt_limitation_no_sun_no_wind():
    # BoM: the approximation does not account for sunshine intensity or wind speed, so the
    # function takes temperature and humidity only; the limitation is stated in the docstring.
    params = inspect.signature(heat.wbgt_from_temperature_humidity_c).parameters
    positional = [p for p, v in params.items() if v.kind is v.POSITIONAL_OR_KEYWORD]
    assert positional == ["temperature_c", "relative_humidity_frac"]
    doc = heat.wbgt_from_temperature_humidity_c.__doc__
    assert "sunshine" in doc and "wind" in doc


def test_bom_wbgt_nan_outside_validity():
    assert np.all(np.isnan(heat.wbgt_from_temperature_humidity_c([20.0, 60.0], [1.2, 0.5])))


@pytest.mark.parametrize(
    ("sex", "expected_pct"),
    [("men", [1.7, 2.5, 3.3, 4.5]), ("women", [3.2, 3.2, 3.8, 5.4])],
)
def test_ely2007_band_values_at_midpoints(sex, expected_pct):
    # Ely et al. 2007 (MSSE 39:487), top-3 finishers vs course record per WBGT band
    # 5.1–10 / 10.1–15 / 15.1–20 / 20.1–25 °C. ±0.01 percentage point (printed to 0.1).
    got = heat.slowdown_frac_ely2007(heat.ELY2007_BAND_MIDPOINTS_C, sex)
    np.testing.assert_allclose(100.0 * got, expected_pct, atol=0.01)


@pytest.mark.parametrize("sex", ["men", "women"])
def test_ely2007_monotonic_non_decreasing_0_to_30(sex):
    w = np.linspace(0.0, 30.0, 601)
    s = heat.slowdown_frac_ely2007(w, sex)
    assert np.all(np.isfinite(s))
    assert np.all(np.diff(s) >= 0.0)
    # flat below the first midpoint (El Helou 2012 optimum ≈ 3.8–9.9 °C)
    assert np.all(s[w <= 7.55] == s[0])


def test_ely2007_extrapolation_and_nan_above_30():
    # last segment extrapolated: men 4.5 % + (3.3→4.5 %/5 °C)·(30 − 22.55) = 6.288 %
    assert float(heat.slowdown_frac_ely2007(30.0)) == pytest.approx(0.06288, abs=1e-12)
    assert np.all(np.isnan(heat.slowdown_frac_ely2007([30.01, 35.0, np.nan])))


def test_ely2007_sex_array_and_unknown():
    s = heat.slowdown_frac_ely2007(12.55, np.array(["men", "women"]))
    np.testing.assert_allclose(s, [0.025, 0.032])
    with pytest.raises(ValueError, match="valid: 'men', 'women'"):
        heat.slowdown_frac_ely2007(10.0, "male")
    with pytest.raises(ValueError):
        heat.slowdown_frac_ely2007(10.0, ["men", "x"])


def test_heat_speed_factor_ely2007():
    w = np.linspace(0.0, 30.0, 61)
    np.testing.assert_allclose(heat.heat_speed_factor_ely2007(w, w), 1.0)
    # hotter than the reference → slower; men 22.55 vs 7.55 °C: 1.017/1.045
    f = heat.heat_speed_factor_ely2007(22.55, 7.55)
    assert float(f) == pytest.approx(1.017 / 1.045, rel=1e-12)
    assert float(f) < 1.0
    hotter = heat.heat_speed_factor_ely2007(w[w > 8.0], 7.55, sex="women")
    assert np.all(hotter <= 1.0) and np.all(np.diff(hotter) <= 0.0)
    assert float(heat.heat_speed_factor_ely2007(25.0, 15.0, "women")) < 1.0
    # broadcasts over (draw, class)
    assert heat.heat_speed_factor_ely2007(np.full((3, 1), 20.0), np.full(4, 10.0)).shape == (3, 4)


def test_heat_registry_default_and_an_unknown_name_lists_the_valid_ones():
    # DESIGN.md rule 1: a family of models has a registry, a dispatcher and a "none" model
    assert heat.DEFAULT_HEAT_MODEL == "ely2007"
    assert heat.heat_model_names() == ["ely2007", "none"]
    assert heat.get_heat_model(None).speed_factor is heat.heat_speed_factor_ely2007
    assert heat.get_heat_model("ely2007") is heat.get_heat_model(heat.HEAT_MODELS["ely2007"])
    with pytest.raises(KeyError, match="valid: ely2007, none"):
        heat.get_heat_model("elhelou2012")


def test_none_heat_model_is_one_and_nan_only_where_wbgt_is_not_finite():
    f = heat.get_heat_model("none").speed_factor([5.0, 25.0, 35.0, np.nan], 8.0, "women")
    np.testing.assert_array_equal(f[:3], 1.0)
    assert np.isnan(f[3])
    with pytest.raises(ValueError, match="unknown sex"):
        heat.heat_speed_factor_none(20.0, 8.0, "x")


def test_ely2007_constants_are_the_rows_of_the_data_file():
    # paceline/data/heat_ely2007.csv holds the rows the model uses with their provenance
    # (Ely et al. 2007, abstract's Results: top-3 mean ± SD per WBGT band); the model's
    # constants must be exactly those rows (DESIGN.md rule 5). The per-place rows (25th–300th)
    # are not in the file: the paper's table was not read (docs/model.md, "Heat by ability").
    import csv
    from importlib import resources

    text = resources.files("paceline").joinpath("data", "heat_ely2007.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert {r["place"] for r in rows} == {"top-3"}
    assert all(r["doi"] == "10.1249/mss.0b013e31802d3aba" and r["how_read"] for r in rows)
    for sex in ("men", "women"):
        mine = sorted((float(r["wbgt_lo_c"]), float(r["wbgt_hi_c"]), float(r["slowdown_pct"]))
                      for r in rows if r["sex"] == sex)
        assert [(lo, hi) for lo, hi, _ in mine] == list(heat.ELY2007_BAND_EDGES_C)
        np.testing.assert_allclose([p / 100 for *_, p in mine], heat.ELY2007_SLOWDOWN_FRAC[sex],
                                   atol=1e-12)
