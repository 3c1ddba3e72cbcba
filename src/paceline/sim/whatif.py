"""Sensitivity: what each factor is worth in seconds, by re-solving the race with one change.

Each factor is a small, named change to the race-day scenario; the athlete's calibration
(reference race) is untouched. Positive seconds = slower.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, replace

from paceline.course import Course
from paceline.models import atmosphere
from paceline.scenario import Scenario
from paceline.sim.race import RaceModel, shoe_mass_saving_frac, shoe_saving_frac

__all__ = ["Factor", "ShoeWorth", "shoe_worth", "whatif"]


@dataclass(frozen=True)
class ShoeWorth:
    """What the race shoes are worth against the reference shoe [s]; positive = faster.

    ``energy_return_s`` is the energy-return saving (``shoes.metabolic_saving``), ``mass_s``
    the mass difference from the reference shoe (Frederick 1984; 0 without masses);
    ``total_s`` = both = finish time in the reference shoe minus finish time in the race shoe.
    """

    energy_return_s: float
    mass_s: float
    total_s: float
    energy_return_frac: float  # saving by energy return [-]
    mass_frac: float  # saving by mass [-] (negative: the race shoe is heavier)


def shoe_worth(model: RaceModel) -> ShoeWorth:
    """Seconds the scenario's race shoes save, split into energy return and mass (even effort).

    Re-solves the race with the shoe's savings removed one after the other; the athlete's
    calibration (reference race, its own shoes) is untouched.
    """
    sc = model.scenario
    mass = shoe_mass_saving_frac(sc.shoes)
    er = sc.shoes.metabolic_saving

    def at(saving: float) -> float:
        m = copy.copy(model)
        m.saving = saving
        return m.solve(pacing="even-effort").finish_time_s

    t_full = at(er + mass)
    t_er_only = at(er)
    t_none = at(0.0)
    return ShoeWorth(energy_return_s=t_none - t_er_only, mass_s=t_er_only - t_full,
                     total_s=t_none - t_full, energy_return_frac=er, mass_frac=mass)


@dataclass(frozen=True)
class Factor:
    name: str
    change: str
    delta_s: float  # finish time with the change minus baseline [s]


def _update(sc: Scenario, section: str, **changes) -> Scenario:
    return sc.model_copy(update={section: getattr(sc, section).model_copy(update=changes)})


def whatif(
    scenario: Scenario,
    course: Course | None = None,
    reference_course: Course | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[float, list[Factor]]:
    """Baseline finish time [s] and the worth of each factor [s].

    Factors: +1 °C; a 1 m/s headwind on every segment; 1 % better economy; drafting on/off
    (the scenario's drafting against none, or 0.5 against none when the scenario has none);
    +100 g per shoe; +1000 m altitude.
    """
    sc = scenario

    def solve(s: Scenario, headwind_m_s: float = 0.0) -> float:
        m = RaceModel(s, course, reference_course)
        if headwind_m_s:
            m.segments = replace(m.segments, headwind_m_s=m.segments.headwind_m_s + headwind_m_s)
        return m.solve(pacing="even-effort").finish_time_s

    base = solve(sc)
    c = sc.conditions
    draft = sc.drafting.drag_reduction
    altitude = c.altitude_m if c.altitude_m is not None else (
        float(atmosphere.isa_altitude_m(c.pressure_hpa * 100.0)) if c.pressure_hpa else 0.0)
    # +100 g against the reference shoe (200 g when the scenario states no masses: only the
    # difference counts)
    ref_mass = sc.shoes.reference_mass_g if sc.shoes.reference_mass_g is not None else 200.0
    shoes_mass = (sc.shoes.mass_g if sc.shoes.mass_g is not None else ref_mass) + 100.0
    # 1 % better economy: the cost of running (not of the air) × 0.99 on race day, i.e. the
    # shoe factor (1 − s) × 0.99 — adding 0.01 to s would be 0.01/(1 − s) ≈ 1.04 %
    economy_saving = (1.0 - 0.99 * (1.0 - shoe_saving_frac(sc.shoes))
                      - shoe_mass_saving_frac(sc.shoes))
    cases: list[tuple[str, str, Callable[[], float]]] = [
        ("temperature", "+1 °C", lambda: solve(_update(sc, "conditions",
                                                       temperature_c=c.temperature_c + 1.0,
                                                       temperature_end_c=None if
                                                       c.temperature_end_c is None else
                                                       c.temperature_end_c + 1.0))),
        ("headwind", "1 m/s headwind everywhere", lambda: solve(sc, headwind_m_s=1.0)),
        ("economy", "1 % better economy", lambda: solve(_update(
            sc, "shoes", metabolic_saving=economy_saving))),
        ("drafting", f"drafting {draft or 0.5:.2f} → none" if draft else
         "drafting none → 0.50", lambda: solve(_update(
             sc, "drafting", drag_reduction=0.0 if draft else 0.5))),
        ("shoes", "+100 g per shoe", lambda: solve(_update(sc, "shoes", mass_g=shoes_mass,
                                                            reference_mass_g=ref_mass))),
        ("altitude", "+1000 m altitude", lambda: solve(_update(
            sc, "conditions", altitude_m=altitude + 1000.0, pressure_hpa=None))),
    ]
    factors = []
    for i, (name, change, run) in enumerate(cases):
        delta = run() - base
        factors.append(Factor(name, change, delta))
        if progress:
            progress(i + 1, len(cases))
    return base, factors
