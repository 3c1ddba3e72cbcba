"""Endurance models against their sources."""

import numpy as np
import pytest

from paceline.models import endurance as end


def _s(h=0, m=0, s=0):
    return 3600 * h + 60 * m + s


def test_daniels_gilbert_vdot_5k():
    # Daniels' Running Formula (3rd ed.) table: 5 km 20:00 → VDOT 49.8; and 5 km 24:34 →
    # 39.11 (formula value to 2 decimals). ±0.05: the book prints one decimal.
    assert float(end.vdot_from_performance(5000.0, _s(m=20))) == pytest.approx(49.8, abs=0.05)
    assert float(end.vdot_from_performance(5000.0, _s(m=24, s=34))) == pytest.approx(
        39.11, abs=0.05)


def test_daniels_gilbert_components_by_hand():
    # 4 m/s = 240 m/min: VO2 = −4.60 + 0.182258·240 + 0.000104·240² = 45.13232 ml/kg/min
    assert float(end.vo2_daniels_gilbert(4.0)) == pytest.approx(45.13232, abs=1e-9)
    # 60 min: 0.8 + 0.1894393·e^(−0.76668) + 0.2989558·e^(−11.59563) = 0.888007
    assert float(end.fraction_vo2max_daniels_gilbert(3600.0)) == pytest.approx(0.888007,
                                                                               abs=1e-6)
    assert np.all(np.isnan(end.vo2_daniels_gilbert([0.0, -1.0])))
    assert np.all(np.isnan(end.fraction_vo2max_daniels_gilbert([0.0, -60.0])))
    assert np.all(np.isnan(end.vdot_from_performance([5000.0, 0.0], [0.0, 1200.0])))


# Daniels' Running Formula, 3rd ed., VDOT table: 5 km, 10 km, half marathon, marathon.
BOOK = {
    50: [_s(m=19, s=57), _s(m=41, s=21), _s(1, 31, 35), _s(3, 10, 49)],
    40: [_s(m=24, s=8), _s(m=50, s=3), _s(1, 50, 59), _s(3, 49, 45)],
    30: [_s(m=30, s=40), _s(m=63, s=46), _s(2, 21, 4), _s(4, 49, 17)],
}
DISTANCES_M = [5000.0, 10000.0, 21097.5, 42195.0]


@pytest.mark.parametrize("vdot", [50, 40])
def test_daniels_gilbert_book_table_rows(vdot):
    # ±10 s: the book rounds to whole seconds and was computed from the same equations;
    # gaps found: VDOT 50 −1, −1, −4, −9 s; VDOT 40 −2, −2, −5, −8 s.
    got = end.time_from_vdot_s(vdot, DISTANCES_M)
    np.testing.assert_allclose(got, BOOK[vdot], atol=10.0)


def test_daniels_gilbert_book_table_vdot30():
    # VDOT 30: 5 km and 10 km are within ±10 s (+1, +3 s), but the equations are slower than
    # the book at long durations: half marathon 2:21:17.2 vs 2:21:04 (+13.2 s, 0.16 %),
    # marathon 4:49:48.9 vs 4:49:17 (+31.9 s, 0.18 %). The book table evidently departs
    # from the published equations at the slow end (how, is not documented); tolerance
    # widened for those two cells to 0.25 % of the time (21 s, 43 s) so a regression in
    # the solver would still be caught.
    got = end.time_from_vdot_s(30, DISTANCES_M)
    np.testing.assert_allclose(got[:2], BOOK[30][:2], atol=10.0)
    np.testing.assert_allclose(got[2:], BOOK[30][2:], rtol=0.0025)
    assert got[2] - BOOK[30][2] == pytest.approx(13.2, abs=0.5)
    assert got[3] - BOOK[30][3] == pytest.approx(31.9, abs=0.5)


def test_time_from_vdot_inverts_vdot_and_vectorizes():
    vd = np.array([[30.0], [55.0], [85.0]])
    d = np.array([1609.344, 5000.0, 21097.5, 42195.0])
    t = end.time_from_vdot_s(vd, d)
    assert t.shape == (3, 4)
    np.testing.assert_allclose(end.vdot_from_performance(d, t), np.broadcast_to(vd, t.shape),
                               rtol=1e-10)
    # solver tolerance ≤ 0.01 s: VDOT at t ± 0.01 s brackets the target
    t0 = float(end.time_from_vdot_s(50.0, 42195.0))
    assert float(end.vdot_from_performance(42195.0, t0 - 0.01)) > 50.0
    assert float(end.vdot_from_performance(42195.0, t0 + 0.01)) < 50.0
    assert np.all(np.isnan(end.time_from_vdot_s([0.0, -5.0, 50.0], [5000.0, 5000.0, 0.0])))
    assert np.isnan(end.time_from_vdot_s(1000.0, 5000.0))   # needs > 12 m/s


def test_riegel1981_formula_and_exponent():
    # Riegel 1981: T2 = T1·(D2/D1)^1.06. 10 km 27:00 → marathon
    # 1620·(4.2195)^1.06 = 7452.3 s = 2:04:12.3 (value of the formula; ±0.05 s rounding).
    assert float(end.riegel_time_s(1620.0, 10000.0, 42195.0)) == pytest.approx(7452.3, abs=0.05)
    # exponent behaviour: doubling the distance multiplies time by 2^1.06 = 2.0849
    assert float(end.riegel_time_s(100.0, 1000.0, 2000.0) / 100.0) == pytest.approx(2.0 ** 1.06)
    # exponent 1 is even pace; a larger exponent is slower going up in distance, faster down
    assert float(end.riegel_time_s(1620.0, 10000.0, 42195.0, 1.0)) == pytest.approx(6835.59,
                                                                                   abs=0.01)
    up = end.riegel_time_s(1620.0, 10000.0, 42195.0, np.array([1.04, 1.06, 1.08]))
    down = end.riegel_time_s(7452.3, 42195.0, 10000.0, np.array([1.04, 1.06, 1.08]))
    assert np.all(np.diff(up) > 0) and np.all(np.diff(down) < 0)
    # round trip
    assert float(end.riegel_time_s(7452.3, 42195.0, 10000.0)) == pytest.approx(1620.0, abs=0.02)
    assert np.all(np.isnan(end.riegel_time_s([0.0, 100.0], [1000.0, -1.0], 2000.0)))


def test_riegel_vs_vdot_up_to_marathon():
    # both agree to ~0.5 % up to the marathon (see docs), diverge beyond (ultra)
    vd = end.vdot_from_performance(10000.0, 2480.0)
    vdot_m = float(end.time_from_vdot_s(vd, 42195.0))
    riegel_m = float(end.riegel_time_s(2480.0, 10000.0, 42195.0))
    assert abs(riegel_m / vdot_m - 1.0) < 0.005


def test_leger_mercier1984_hand_value_and_range():
    # By hand at 18 km/h (5 m/s): 2.209 + 3.163·18 + 0.000525542·18³
    # = 2.209 + 56.934 + 3.06496 = 62.20796 ml/kg/min.
    assert float(end.vo2_leger_mercier1984(5.0)) == pytest.approx(62.20796, abs=1e-5)
    v = np.array([7.9, 8.0, 25.0, 25.1]) / 3.6
    out = end.vo2_leger_mercier1984(v)
    assert np.isnan(out[0]) and np.isnan(out[3])
    assert np.all(np.isfinite(out[1:3]))
    assert np.all(np.diff(end.vo2_leger_mercier1984(np.linspace(8, 25, 50) / 3.6)) > 0)


def test_peronnet_thibault1989_log_law():
    f = end.sustainable_fraction_peronnet_thibault1989
    # flat (MAP sustained) up to T_MAP = 420 s, then decreasing
    np.testing.assert_allclose(f([60.0, 300.0, 420.0]), 1.0)
    t = np.geomspace(421.0, 6 * 3600.0, 200)
    assert np.all(np.diff(f(t)) < 0)
    # log-linear (P&T 1989: P = MAP + E·ln(T/420 s)): each doubling of T loses the same
    # amount, |E|/MAP·ln 2
    d1 = float(f(1800.0) - f(3600.0))
    d2 = float(f(3600.0) - f(7200.0))
    assert d1 == pytest.approx(d2, rel=1e-12)
    assert d1 == pytest.approx(0.0531 * np.log(2.0), rel=1e-12)
    assert np.all(np.isnan(f([0.0, -1.0])))


def test_peronnet_thibault1989_1h_vs_2h():
    # Ratio f(2 h)/f(1 h) with the default E/MAP = −0.0531:
    # (1 − 0.0531·ln(7200/420)) / (1 − 0.0531·ln(3600/420)) = 0.84911/0.88592 = 0.9585.
    # The paper's own fitted E/MAP could not be confirmed while writing this (see the
    # docstring); the default is calibrated to Joyner 1991 (85 % VO2max for 7078 s). Checks:
    # the value itself (±0.0005, rounding), and agreement with the independent
    # Daniels–Gilbert curve (0.9469) within 1.5 %, the size of P&T's reported fit error
    # (~1 %) plus the slack of an uncalibrated slope.
    f = end.sustainable_fraction_peronnet_thibault1989
    ratio = float(f(7200.0) / f(3600.0))
    assert ratio == pytest.approx(0.9585, abs=5e-4)
    dg = end.fraction_vo2max_daniels_gilbert
    assert float(dg(7200.0) / dg(3600.0)) == pytest.approx(0.9469, abs=5e-4)
    assert ratio == pytest.approx(float(dg(7200.0) / dg(3600.0)), rel=0.015)
    # calibration anchor: Joyner 1991, 85 % at 1:57:58
    assert float(f(7078.0)) == pytest.approx(0.85, abs=5e-4)


def test_sustainable_fraction_registry():
    names = set(end.SUSTAINABLE_FRACTION_MODELS)
    assert names == {"daniels-gilbert", "peronnet-thibault", "none"}
    t = np.array([600.0, 3600.0, 7200.0])
    for name in names:
        model = end.get_sustainable_fraction_model(name)
        out = model(t)
        assert out.shape == t.shape and np.all(np.isfinite(out))
    np.testing.assert_allclose(end.get_sustainable_fraction_model("none")(t), 1.0)
    assert end.get_sustainable_fraction_model("daniels-gilbert") is (
        end.fraction_vo2max_daniels_gilbert)

    def custom(duration_s):
        return np.ones_like(np.asarray(duration_s, dtype=float))

    assert end.get_sustainable_fraction_model(custom) is custom
    with pytest.raises(ValueError, match="daniels-gilbert.*peronnet-thibault.*none"):
        end.get_sustainable_fraction_model("riegel")
    with pytest.raises(TypeError):
        end.get_sustainable_fraction_model(3)
