"""Heat balance of a runner and the sweat rate it requires (for the drinks plan).

Pure, vectorized, SI: W, m², °C, Pa, m/s, kg/s.
"""

from __future__ import annotations

import numpy as np

from paceline.models.atmosphere import saturation_vapour_pressure_pa

__all__ = [
    "LATENT_HEAT_SWEAT_J_KG",
    "convective_coefficient_kerslake_w_m2k",
    "respiratory_heat_loss_w",
    "required_evaporation_w",
    "max_evaporation_w",
    "sweat_rate_kg_s",
]

#: Latent heat of evaporation of sweat at skin temperature [J/kg] (2.43 MJ/kg; ISO 7933:2004).
LATENT_HEAT_SWEAT_J_KG = 2.43e6


def convective_coefficient_kerslake_w_m2k(air_speed_m_s):
    """Convective heat-transfer coefficient of the whole body, h_c = 8.3·√v [W/(m²·K)].

    Parameters
    ----------
    air_speed_m_s : array_like
        Air speed relative to the body [m/s] (running speed plus headwind); valid 0.2–10 m/s.

    Notes
    -----
    Kerslake (1972), *The Stress of Hot Environments*, for a person in forced convection,
    as used by Parsons (2014) *Human Thermal Environments*, 3rd ed. Values below 0.2 m/s are
    raised to 0.2 m/s (natural convection floor, ≈ 3.7 W/m²K).

    Examples
    --------
    >>> round(float(convective_coefficient_kerslake_w_m2k(4.0)), 1)
    16.6
    """
    v = np.maximum(np.asarray(air_speed_m_s, dtype=float), 0.2)
    return 8.3 * np.sqrt(v)


def respiratory_heat_loss_w(metabolic_power_w, temperature_c, vapour_pressure_pa):
    """Heat lost by breathing (convective + evaporative) [W].

    Notes
    -----
    C_res + E_res = 0.0014·M·(34 − t_a) + 1.73e-5·M·(5867 − p_a), M in W, p_a in Pa
    (Fanger 1970, *Thermal Comfort*; ASHRAE Handbook of Fundamentals, ch. 9, eqs. for
    respiratory losses with p_a in kPa: 0.0173·M·(5.87 − p_a)).

    Examples
    --------
    >>> round(float(respiratory_heat_loss_w(1000.0, 20.0, 1500.0)), 1)
    95.1
    """
    m = np.asarray(metabolic_power_w, dtype=float)
    return 0.0014 * m * (34.0 - np.asarray(temperature_c, float)) + 1.73e-5 * m * (
        5867.0 - np.asarray(vapour_pressure_pa, float))


def required_evaporation_w(metabolic_power_w, external_work_w, area_m2, air_speed_m_s,
                           temperature_c, vapour_pressure_pa, skin_temperature_c=32.0,
                           radiative_coefficient_w_m2k=4.7):
    """Evaporative heat loss needed for heat balance, E_req [W] (≥ 0).

    Parameters
    ----------
    metabolic_power_w : array_like
        Metabolic heat production M [W].
    external_work_w : array_like
        Mechanical power leaving the body W [W] (work against the air, F·v).
    area_m2 : array_like
        Skin area A_D [m²] (Du Bois).
    air_speed_m_s : array_like
        Air speed over the body [m/s].
    temperature_c, vapour_pressure_pa : array_like
        Air temperature [°C] and water vapour pressure [Pa]; mean radiant temperature is taken
        equal to the air's (shade: no sun term).
    skin_temperature_c : float
        Mean skin temperature [°C]; 32 °C ASSUMED for a runner (runners' mean skin temperature
        is ~30–33 °C across cool to warm conditions).
    radiative_coefficient_w_m2k : float
        Linear radiative coefficient h_r [W/(m²·K)]; 4.7 (ASHRAE Fundamentals typical value).

    Notes
    -----
    Heat balance of ISO 7933:2004 with bare skin: E_req = M − W − (C + R) − (C_res + E_res),
    C + R = (h_c + h_r)·A_D·(t_sk − t_a), h_c from Kerslake (1972).
    """
    m = np.asarray(metabolic_power_w, float)
    dry = (convective_coefficient_kerslake_w_m2k(air_speed_m_s) + radiative_coefficient_w_m2k) * (
        np.asarray(area_m2, float) * (skin_temperature_c - np.asarray(temperature_c, float)))
    resp = respiratory_heat_loss_w(m, temperature_c, vapour_pressure_pa)
    return np.maximum(m - np.asarray(external_work_w, float) - dry - resp, 0.0)


def max_evaporation_w(area_m2, air_speed_m_s, vapour_pressure_pa, skin_temperature_c=32.0,
                      lewis_k_pa=16.5e-3):
    """Largest evaporative heat loss the air allows from fully wet skin, E_max [W].

    Notes
    -----
    E_max = h_e·A_D·(p_sk,s − p_a), with h_e = LR·h_c and the Lewis relation LR = 16.5 K/kPa
    (ISO 7933:2004; Parsons 2014), p_sk,s the saturation pressure at skin temperature.
    """
    h_e = lewis_k_pa * convective_coefficient_kerslake_w_m2k(air_speed_m_s)  # W/(m²·Pa)
    p_skin = saturation_vapour_pressure_pa(skin_temperature_c)
    return np.maximum(h_e * np.asarray(area_m2, float) * (p_skin - np.asarray(
        vapour_pressure_pa, float)), 0.0)


def sweat_rate_kg_s(required_w, maximum_w, latent_heat_j_kg=LATENT_HEAT_SWEAT_J_KG):
    """Sweat rate needed to evaporate E_req [kg/s], allowing for sweat that drips.

    Notes
    -----
    ISO 7933:2004: required wettedness w = E_req/E_max, evaporative efficiency of sweating
    r = 1 − w²/2 (Candas et al. 1979); sweat rate = E_req/(λ·r). Where E_req > E_max the skin
    cannot lose the heat by evaporation; the rate is computed at w = 1 (r = 0.5) and the
    caller should flag uncompensable heat (NaN is not returned: the rate is still a floor).
    """
    req = np.asarray(required_w, float)
    mx = np.asarray(maximum_w, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.clip(np.where(mx > 0, req / mx, 1.0), 0.0, 1.0)
    r = 1.0 - 0.5 * w * w
    return req / (latent_heat_j_kg * r)
