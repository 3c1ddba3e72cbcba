"""Drinks plan: hand-offs from a bike on calm stretches, sized from sweat and carbohydrate.

Sweat rate from the heat balance of the athlete's metabolic heat against the weather
(:mod:`paceline.models.thermo`, ISO 7933 with bare skin, shade). Carbohydrate target: 60–90
g/h for races over 2.5 h with glucose–fructose mixtures, up to 60 g/h for 1–2.5 h (Jeukendrup
2014, Sports Med 44 Suppl 1:S25); INEOS 1:59's pre-race estimate was 60–100 g/h. Fluid: drink
to keep the body-mass loss from sweat within 2 % (ACSM, Sawka et al. 2007, MSSE 39:377) —
elite marathoners often finish with larger losses; the target is a guide, not a rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from paceline.errors import ImpossibleScenarioError
from paceline.models import aerodynamics as aero
from paceline.models import atmosphere, thermo
from paceline.sim import RaceModel, RaceResult

__all__ = ["Handoff", "DrinksPlan", "plan_drinks"]


@dataclass(frozen=True)
class Handoff:
    number: int
    distance_m: float
    elapsed_s: float
    volume_ml: float
    carbohydrate_g: float


@dataclass(frozen=True)
class DrinksPlan:
    handoffs: tuple[Handoff, ...]
    sweat_rate_l_h: float
    sweat_total_l: float
    uncompensable: bool  # E_req > E_max: the skin cannot shed the heat by sweating
    carbohydrate_g_h: float
    concentration_g_ml: float
    fluid_target_l: float
    metabolic_heat_w: float

    @property
    def total_volume_ml(self) -> float:
        return float(sum(h.volume_ml for h in self.handoffs))

    @property
    def total_carbohydrate_g(self) -> float:
        return float(sum(h.carbohydrate_g for h in self.handoffs))


def _calm(model: RaceModel, distance_m: float, window_m: float) -> bool:
    seg = model.segments
    mid = 0.5 * (seg.node_distance_m[:-1] + seg.node_distance_m[1:])
    near = np.abs(mid - distance_m) <= window_m
    return bool(np.all(seg.curvature_1_m[near] < 1e-3))


def plan_drinks(model: RaceModel, result: RaceResult, *, interval_m: float = 5000.0,
                carbohydrate_g_h: float = 75.0, concentration_g_ml: float = 0.16,
                max_loss_frac: float = 0.02, calm_window_m: float = 60.0,
                search_m: float = 500.0) -> DrinksPlan:
    """Hand-off points every ``interval_m`` moved to the nearest calm stretch (no turn within
    ``calm_window_m``), with volume and carbohydrate per bottle.

    Parameters
    ----------
    carbohydrate_g_h : float
        Target intake [g/h]; 75 = middle of Jeukendrup's 60–90 g/h.
    concentration_g_ml : float
        Carbohydrate per ml of drink [g/ml]; 0.16 ASSUMED (a hydrogel drink such as 80 g in
        500 ml, the kind used at INEOS 1:59).
    max_loss_frac : float
        Body-mass loss from sweat the plan accepts [-] (ACSM: 2 %).
    """
    sc = model.scenario
    mass = sc.athlete.mass_kg
    c = sc.conditions
    t = result.finish_time_s
    temp = float(np.mean(model.segments.temperature_c))
    pa = float(atmosphere.vapour_pressure_pa(temp, c.relative_humidity))
    dt = np.diff(result.elapsed_s)
    mean_power = float(np.sum(result.metabolic_power_w_kg * dt) / t) * mass
    work = float(np.sum(result.drag_force_n * result.speed_m_s * dt) / t)
    air_speed = float(np.sum(np.abs(result.speed_m_s + model.segments.headwind_m_s) * dt) / t)
    area = float(aero.body_surface_area_dubois_m2(mass, sc.athlete.height_m))
    e_req = thermo.required_evaporation_w(mean_power, work, area, air_speed, temp, pa)
    e_max = thermo.max_evaporation_w(area, air_speed, pa)
    rate_kg_s = float(thermo.sweat_rate_kg_s(e_req, e_max))
    sweat_l = rate_kg_s * t  # 1 kg ≈ 1 L
    fluid_target = max(0.0, sweat_l - max_loss_frac * mass)

    targets = np.arange(interval_m, result.distance_m - 1500.0, interval_m)
    if targets.size == 0:
        raise ImpossibleScenarioError("the race is too short for a drinks plan",
                                      where="race.distance", fix="drink before the start")
    points = []
    for target in targets:
        offsets = np.concatenate([[0.0], np.repeat(np.arange(10.0, search_m + 1, 10.0), 2)
                                  * np.tile([1.0, -1.0], int(search_m // 10))])
        for off in offsets:
            d = target + off
            if 0 < d < result.distance_m - 1000.0 and _calm(model, d, calm_window_m):
                points.append(d)
                break
        else:
            points.append(float(target))  # no calm stretch near: keep the target, flagged
    n = len(points)
    hours = t / 3600.0
    cho_per_bottle = carbohydrate_g_h * hours / n
    fluid_per_bottle_ml = 1000.0 * fluid_target / n
    volume = max(cho_per_bottle / concentration_g_ml, fluid_per_bottle_ml)
    handoffs = tuple(
        Handoff(i + 1, float(d), float(result.elapsed_at(d)), round(volume, 0),
                round(cho_per_bottle, 1)) for i, d in enumerate(points))
    return DrinksPlan(handoffs=handoffs, sweat_rate_l_h=rate_kg_s * 3600.0,
                      sweat_total_l=sweat_l, uncompensable=bool(e_req > e_max),
                      carbohydrate_g_h=carbohydrate_g_h, concentration_g_ml=concentration_g_ml,
                      fluid_target_l=fluid_target, metabolic_heat_w=mean_power)
