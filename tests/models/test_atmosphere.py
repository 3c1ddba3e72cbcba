"""Atmosphere models against their sources."""

import numpy as np
import pytest

from paceline.models import atmosphere as atm


def test_isa_1000m_vs_matlab_atmosisa():
    # MATLAB atmosisa(1000) → T 281.65 K, p 89,875 Pa (printed to 5 significant figures in
    # REFERENCES), ρ 1.1116 kg/m³. Tolerances: half a unit of the last printed digit for T
    # and p; for ρ one unit (1e-4), because MATLAB divides by R = 287.0531 and we by
    # R_d = 287.05 (REFERENCES), which gives 1.111654 instead of 1.111641.
    assert float(atm.isa_temperature_k(1000.0)) == pytest.approx(281.65, abs=0.005)
    assert float(atm.isa_pressure_pa(1000.0)) == pytest.approx(89875.0, abs=0.5)
    assert float(atm.isa_density_kg_m3(1000.0)) == pytest.approx(1.1116, abs=1e-4)


def test_isa_sea_level_and_inverse():
    assert float(atm.isa_temperature_k(0.0)) == 288.15
    assert float(atm.isa_pressure_pa(0.0)) == 101325.0
    h = np.array([-600.0, 0.0, 165.0, 1000.0, 2400.0, 10999.0])
    np.testing.assert_allclose(atm.isa_altitude_m(atm.isa_pressure_pa(h)), h, atol=1e-6)


def test_isa_nan_outside_troposphere():
    out = atm.isa_pressure_pa([-700.0, 11500.0])
    assert np.all(np.isnan(out))
    assert np.all(np.isnan(atm.isa_temperature_k([-611.0, 11001.0])))
    assert np.all(np.isnan(atm.isa_density_kg_m3([-611.0, 20000.0])))
    assert np.all(np.isnan(atm.isa_altitude_m([0.0, -5.0, 2.0e5, 1.0e3])))


def test_isa_monotonic_decreasing_with_altitude():
    h = np.linspace(-610.0, 11000.0, 500)
    for f in (atm.isa_temperature_k, atm.isa_pressure_pa, atm.isa_density_kg_m3):
        assert np.all(np.diff(f(h)) < 0)


def test_buck_saturation_vapour_pressure_20c():
    # Buck (1981) tables / WMO: e_s(20 °C) over water = 23.39 hPa. ±3 Pa: the equation is a
    # fit (Buck quotes fit errors of a few hundredths of a percent) and the table prints
    # 0.01 hPa; the formula gives 2338.3 Pa.
    assert float(atm.saturation_vapour_pressure_pa(20.0)) == pytest.approx(2339.0, abs=3.0)
    # 0 °C: 6.1121 hPa exactly (the equation's leading coefficient)
    assert float(atm.saturation_vapour_pressure_pa(0.0)) == pytest.approx(611.21, abs=1e-9)


def test_buck_monotonic_and_range():
    t = np.linspace(-80.0, 50.0, 300)
    assert np.all(np.diff(atm.saturation_vapour_pressure_pa(t)) > 0)
    assert np.all(np.isnan(atm.saturation_vapour_pressure_pa([-81.0, 51.0, np.nan])))


def test_dry_air_density_20c_sea_level():
    # REFERENCES: 20 °C, 101,325 Pa dry → 1.2041 kg/m³ (±0.0005: printed digits and the
    # ideal-gas approximation, which neglects compressibility ≈ 0.9996).
    assert float(atm.air_density_kg_m3(20.0, 0.0, 101325.0)) == pytest.approx(1.2041, abs=5e-4)


def test_humid_air_is_lighter():
    # REFERENCES: 50 % RH at 20 °C, 101,325 Pa ≈ 1.1989 kg/m³ (±0.001), ~0.4 % below dry.
    dry = float(atm.air_density_kg_m3(20.0, 0.0, 101325.0))
    wet = float(atm.air_density_kg_m3(20.0, 0.5, 101325.0))
    assert wet == pytest.approx(1.1989, abs=1e-3)
    assert (dry - wet) / dry == pytest.approx(0.0043, abs=0.0005)
    rh = np.linspace(0.0, 1.0, 11)
    assert np.all(np.diff(atm.air_density_kg_m3(20.0, rh, 101325.0)) < 0)


def test_air_density_monotonic_and_broadcasts():
    t = np.linspace(-10.0, 40.0, 51)
    rho = atm.air_density_kg_m3(t[:, None], np.array([0.0, 0.5, 0.9])[None, :], 101325.0)
    assert rho.shape == (51, 3)
    assert np.all(np.diff(rho, axis=0) < 0)            # warmer → lighter
    p = np.linspace(60000.0, 105000.0, 20)
    assert np.all(np.diff(atm.air_density_kg_m3(15.0, 0.5, p)) > 0)   # higher p → denser
    # ISA dry density agrees with air_density at the ISA temperature and pressure
    h = 1000.0
    t_c = float(atm.isa_temperature_k(h)) - 273.15
    assert float(atm.air_density_kg_m3(t_c, 0.0, atm.isa_pressure_pa(h))) == pytest.approx(
        float(atm.isa_density_kg_m3(h)), rel=1e-12)


def test_air_density_nan_outside_validity():
    out = atm.air_density_kg_m3([20.0, 20.0, 20.0, 60.0], [-0.1, 1.1, 0.5, 0.5],
                                [101325.0, 101325.0, 0.0, 101325.0])
    assert np.all(np.isnan(out))
