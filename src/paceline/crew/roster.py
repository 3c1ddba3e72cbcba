"""Pacers and their capacity parameters (critical speed, D′, fatigue exponent) from PBs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from paceline.models import aerodynamics as aero
from paceline.models import capacity as cap

__all__ = ["PersonalBest", "Pacer", "PacerCapacity", "pacer_capacity", "PB_DISTANCES_M"]

#: Personal-best distances a roster may give: column key → metres.
PB_DISTANCES_M: dict[str, float] = {
    "1500m": 1500.0,
    "mile": 1609.344,
    "3000m": 3000.0,
    "5000m": 5000.0,
    "10000m": 10000.0,
    "15km": 15000.0,
    "half": 21097.5,
    "marathon": 42195.0,
}


@dataclass(frozen=True)
class PersonalBest:
    """A best performance: distance [m], time [s], date (ISO text, optional)."""

    distance_m: float
    time_s: float
    date: str | None = None


@dataclass(frozen=True)
class Pacer:
    """One pacer of a roster. Distances in m; availability as course distances [m]."""

    name: str
    personal_bests: tuple[PersonalBest, ...]
    mass_kg: float
    height_m: float
    earliest_m: float = 0.0
    latest_m: float = float("inf")
    max_stints: int | None = None
    preferred_slots: tuple[str, ...] = field(default=())

    @property
    def drag_area_m2(self) -> float:
        """Drag area alone [m²] (Pugh 1971 frontal area × Cd 0.9; docs/model.md §2)."""
        return float(aero.drag_area_m2(self.mass_kg, self.height_m))

    def best(self, distance_m: float) -> float | None:
        """PB time [s] over a distance, or None."""
        for pb in self.personal_bests:
            if abs(pb.distance_m - distance_m) < 1e-6:
                return pb.time_s
        return None


@dataclass(frozen=True)
class PacerCapacity:
    """A pacer's capacity parameters: CS [m/s], D′ [m], Riegel exponent k [-]."""

    cs_m_s: float
    d_prime_m: float
    riegel_exponent: float

    def sustainable_speed_m_s(self, duration_s):
        return cap.sustainable_speed_m_s(duration_s, self.cs_m_s, self.d_prime_m,
                                         riegel_exponent=self.riegel_exponent)

    def performance_time_s(self, distance_m):
        return cap.performance_time_s(distance_m, self.cs_m_s, self.d_prime_m,
                                      riegel_exponent=self.riegel_exponent)


def pacer_capacity(pacer: Pacer) -> PacerCapacity:
    """CS and D′ from the PBs lasting 2–40 min; k from the longest PB beyond 40 min.

    NaN parameters when fewer than two PBs fall in 2–40 min (the roster reader refuses such
    a pacer with a clear message).
    """
    d = np.array([pb.distance_m for pb in pacer.personal_bests], float)
    t = np.array([pb.time_s for pb in pacer.personal_bests], float)
    cs, dp = cap.critical_speed_hill1993(d, t)
    cs, dp = float(cs), float(dp)
    k = cap.RIEGEL_EXPONENT
    long = t > cap.CS_MAX_DURATION_S
    if np.isfinite(cs) and long.any():
        i = int(np.argmax(np.where(long, d, -1.0)))
        anchor_d = (cs + dp / cap.CS_MAX_DURATION_S) * cap.CS_MAX_DURATION_S
        k = float(cap.riegel_exponent_from_anchor(cap.CS_MAX_DURATION_S, anchor_d, t[i], d[i]))
    return PacerCapacity(cs, dp, k)
