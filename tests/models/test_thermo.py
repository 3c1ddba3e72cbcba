"""Heat balance and sweat rate."""

import numpy as np
import pytest

from paceline.models import aerodynamics as aero
from paceline.models import atmosphere, thermo
from paceline.models import energetics as en


def test_kerslake_convective_coefficient():
    # h_c = 8.3·√v (Kerslake 1972): 4 m/s → 16.6 W/m²K
    assert float(thermo.convective_coefficient_kerslake_w_m2k(4.0)) == pytest.approx(16.6)


def test_metabolic_heat_of_a_2_10_marathoner_about_1400_kcal_per_hour():
    # REFERENCES: a 2:10 marathon makes ≈ 1400 kcal/h of heat. Model: 65 kg, 1.75 m, calm air,
    # economy 200 ml/kg/km at 4.47 m/s, running alone at 2:10 pace. Tolerance 10 % ("≈";
    # economy varies ± 5–10 % between elite runners).
    v = 42195.0 / (2 * 3600 + 10 * 60)
    p = en.metabolic_power_w_kg(v, cost_ref_j_kg_m=200 * 20.9 / 1000, mass_kg=65.0,
                                drag_area_m2=float(aero.drag_area_m2(65, 1.75)),
                                air_density_kg_m3=1.2)
    kcal_h = float(p) * 65.0 * 3600 / 4184.0
    assert kcal_h == pytest.approx(1400, rel=0.10)


def test_sweat_rate_within_acsm_range_in_cool_marathon_weather():
    # Sawka et al. 2007 (ACSM position stand, MSSE 39:377): sweat rates of runners range
    # ≈ 0.4–1.8 L/h. A 52 kg elite at 27 W/kg, 5.9 m/s, 9–16 °C must fall inside.
    area = float(aero.body_surface_area_dubois_m2(52, 1.67))
    rates = []
    for t, rh in [(9, 0.9), (12, 0.7), (16, 0.6)]:
        pa = float(atmosphere.vapour_pressure_pa(t, rh))
        e = thermo.required_evaporation_w(27 * 52, 25, area, 5.9, t, pa)
        rates.append(float(thermo.sweat_rate_kg_s(e, thermo.max_evaporation_w(area, 5.9, pa)))
                     * 3600)
    assert all(0.4 <= r <= 1.8 for r in rates)
    assert np.all(np.diff(rates) > 0)  # warmer → more sweat


def test_uncompensable_heat_flagged_by_emax():
    area = 1.6
    pa = float(atmosphere.vapour_pressure_pa(32, 0.8))
    e = thermo.required_evaporation_w(1500, 25, area, 5.9, 32, pa)
    assert e > thermo.max_evaporation_w(area, 5.9, pa)
