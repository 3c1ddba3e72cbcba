"""Aerodynamics models against their sources."""

import numpy as np
import pytest

from paceline.models import aerodynamics as aero


def test_dubois1916_bsa():
    # Du Bois & Du Bois 1916: the textbook case 70 kg, 170 cm → 1.81 m² (± 0.005: printed
    # to two decimals).
    assert float(aero.body_surface_area_dubois_m2(70, 1.70)) == pytest.approx(1.81, abs=5e-3)
    assert np.isnan(aero.body_surface_area_dubois_m2(-1, 1.8))


def test_kipchoge_drag_area_and_solo_drag_about_8_n():
    # REFERENCES: A = 0.266·BSA (Pugh 1971), Cd 0.9 → CdA ≈ 0.38 m² for 52 kg, 1.67 m;
    # CFD puts drag on a solo elite near marathon pace at ≈ 8 N. Tolerance ± 0.5 N: "≈ 8".
    cda = float(aero.drag_area_m2(52, 1.67))
    assert cda == pytest.approx(0.38, abs=0.005)
    assert float(aero.drag_force_n(5.9, 1.2, cda)) == pytest.approx(8.0, abs=0.5)


def test_drag_quadratic_and_drafting():
    f1 = aero.drag_force_n(3.0, 1.2, 0.4)
    f2 = aero.drag_force_n(6.0, 1.2, 0.4)
    assert float(f2 / f1) == pytest.approx(4.0)
    assert float(aero.drag_force_n(6.0, 1.2, 0.4, drag_reduction_frac=0.6)) == pytest.approx(
        0.4 * float(f2))


def test_wind_components_convention():
    # wind FROM the north, runner heading north → pure headwind; heading south → tailwind
    head, cross = aero.wind_components_m_s(3.0, 0.0, [0.0, 180.0, 90.0])
    np.testing.assert_allclose(head, [3.0, -3.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(np.abs(cross), [0.0, 0.0, 3.0], atol=1e-12)


def test_crosswind_raises_along_course_drag():
    still = aero.drag_force_n(5.8, 1.2, 0.38)
    cross = aero.drag_force_n(5.8, 1.2, 0.38, crosswind_m_s=3.0)
    assert cross > still


def test_tailwind_faster_than_runner_pushes():
    assert float(aero.drag_force_n(5.0, 1.2, 0.38, headwind_m_s=-8.0)) < 0
