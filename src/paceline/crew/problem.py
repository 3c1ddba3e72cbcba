"""The crew problem: target pace, course conditions, formation, roster and exchange points,
compiled into each pacer's capacity use per slot along the course."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from paceline.crew.formations import CrewFormation
from paceline.crew.roster import Pacer, PacerCapacity, pacer_capacity
from paceline.errors import ScenarioError
from paceline.models import capacity as cap

__all__ = ["CourseConditions", "CrewProblem", "exchange_points_every"]


@dataclass(frozen=True)
class CourseConditions:
    """Per-segment conditions along the race (axis: segment), SI units."""

    node_distance_m: np.ndarray  # (n+1,) [m]
    grade_frac: np.ndarray
    curvature_1_m: np.ndarray
    headwind_m_s: np.ndarray
    crosswind_m_s: np.ndarray
    air_density_kg_m3: np.ndarray

    @property
    def distance_m(self) -> float:
        return float(self.node_distance_m[-1])

    @classmethod
    def from_segments(cls, seg) -> CourseConditions:
        """From a :class:`paceline.sim.race.Segments` (the race model's compiled course)."""
        return cls(np.asarray(seg.node_distance_m, float), np.asarray(seg.grade_frac, float),
                   np.asarray(seg.curvature_1_m, float), np.asarray(seg.headwind_m_s, float),
                   np.asarray(seg.crosswind_m_s, float),
                   np.asarray(seg.air_density_kg_m3, float))

    @classmethod
    def flat(cls, distance_m: float, air_density_kg_m3: float = 1.225,
             segment_m: float = 100.0) -> CourseConditions:
        """A level, windless course of the given length (still air)."""
        n = max(1, int(np.ceil(distance_m / segment_m)))
        z = np.zeros(n)
        return cls(np.linspace(0.0, distance_m, n + 1), z, z, z, z,
                   np.full(n, air_density_kg_m3))


def exchange_points_every(distance_m: float, every_m: float) -> tuple[float, ...]:
    """Exchange points every ``every_m`` metres, strictly inside the race."""
    if every_m <= 0:
        raise ScenarioError("exchange spacing must be positive", where="--exchange-every",
                            value=every_m)
    pts = np.arange(every_m, distance_m - 1e-6, every_m)
    return tuple(float(p) for p in pts)


@dataclass
class CrewProblem:
    """Everything the scheduler and the checker need, compiled once.

    Parameters
    ----------
    pacers : sequence of Pacer
    formation : CrewFormation
    speed_m_s : float
        Target (even) pace [m/s].
    conditions : CourseConditions
    exchange_points_m : sequence of float
        Course distances where waves may hand over [m], strictly inside the race.
    safety_margin_frac : float
        Capacity every pacer must keep at all times [-] (0.10 → never below 10 %).
    reserves : int
        Pacers to hold back unused for drop-outs.
    """

    pacers: tuple[Pacer, ...]
    formation: CrewFormation
    speed_m_s: float
    conditions: CourseConditions
    exchange_points_m: tuple[float, ...]
    safety_margin_frac: float = 0.10
    reserves: int = 0
    capacities: tuple[PacerCapacity, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.pacers = tuple(self.pacers)
        self.exchange_points_m = tuple(sorted(float(x) for x in self.exchange_points_m))
        d = self.conditions.distance_m
        if any(x <= 0 or x >= d for x in self.exchange_points_m):
            raise ScenarioError("exchange points must lie strictly inside the race",
                                where="exchange points", value=self.exchange_points_m,
                                valid=f"0 < d < {d:g} m")
        self.capacities = tuple(pacer_capacity(p) for p in self.pacers)
        self._compile()

    # ---------------------------------------------------------------------------------
    @property
    def distance_m(self) -> float:
        return self.conditions.distance_m

    @property
    def boundaries_m(self) -> np.ndarray:
        """Stint boundaries [m]: 0, the exchange points, the finish."""
        return np.array([0.0, *self.exchange_points_m, self.distance_m])

    @property
    def n_stints(self) -> int:
        return len(self.exchange_points_m) + 1

    def _compile(self) -> None:
        c = self.conditions
        length = np.diff(c.node_distance_m)
        dt = length / self.speed_m_s
        self._reductions = tuple(sorted(set(self.formation.drag_reduction_frac)))
        n_p, n_r = len(self.pacers), len(self._reductions)
        mass = np.array([p.mass_kg for p in self.pacers])[:, None, None]
        cda = np.array([p.drag_area_m2 for p in self.pacers])[:, None, None]
        r = np.array(self._reductions)[None, :, None]
        v_eq = cap.still_air_equivalent_speed_m_s(
            self.speed_m_s, r, mass_kg=mass, drag_area_m2=cda,
            air_density_kg_m3=c.air_density_kg_m3[None, None, :],
            headwind_m_s=c.headwind_m_s[None, None, :],
            crosswind_m_s=c.crosswind_m_s[None, None, :],
            grade_frac=c.grade_frac[None, None, :], curvature_1_m=c.curvature_1_m[None, None, :],
        )
        cs = np.array([q.cs_m_s for q in self.capacities])[:, None, None]
        dp = np.array([q.d_prime_m for q in self.capacities])[:, None, None]
        k = np.array([q.riegel_exponent for q in self.capacities])[:, None, None]
        total, dpart = cap.capacity_use_frac(v_eq, dt[None, None, :], cs, dp, riegel_exponent=k)
        zeros = np.zeros((n_p, n_r, 1))
        #: cumulative use from the start (pacer, reduction, node) [-]
        self.cum_use = np.concatenate([zeros, np.cumsum(total, axis=-1)], axis=-1)
        self.cum_dprime = np.concatenate([zeros, np.cumsum(dpart, axis=-1)], axis=-1)
        #: distance-weighted still-air-equivalent speed (pacer, reduction) [m/s]
        self.v_eq_mean_m_s = np.sum(v_eq * length, axis=-1) / c.distance_m
        b = self.boundaries_m
        self.use = np.empty((n_p, self.n_stints, len(self.formation.slots)))
        for j, slot_r in enumerate(self.formation.drag_reduction_frac):
            ri = self._reductions.index(slot_r)
            for p in range(n_p):
                u = np.interp(b, c.node_distance_m, self.cum_use[p, ri])
                self.use[p, :, j] = np.diff(u)

    def use_between(self, pacer_index: int, slot: str, from_m: float, to_m: float
                    ) -> tuple[float, float]:
        """(total, D′ part) of the capacity a pacer uses in a slot from→to [-]."""
        ri = self._reductions.index(self.formation.reduction(slot))
        x = self.conditions.node_distance_m
        tot = np.interp([from_m, to_m], x, self.cum_use[pacer_index, ri])
        dpr = np.interp([from_m, to_m], x, self.cum_dprime[pacer_index, ri])
        return float(tot[1] - tot[0]), float(dpr[1] - dpr[0])

    def eligible(self) -> np.ndarray:
        """(pacer, stint) availability mask from earliest/latest km."""
        b = self.boundaries_m
        out = np.zeros((len(self.pacers), self.n_stints), bool)
        for i, p in enumerate(self.pacers):
            out[i] = (b[:-1] >= p.earliest_m - 1e-6) & (b[1:] <= p.latest_m + 1e-6)
        return out

    def index_of(self, name: str) -> int:
        for i, p in enumerate(self.pacers):
            if p.name == name:
                return i
        raise ScenarioError("no pacer of that name in the roster", where="--dropped",
                            value=name, valid=", ".join(p.name for p in self.pacers))
