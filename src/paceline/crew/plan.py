"""Immutable results: the crew plan and the checker's report."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Assignment", "PacerMargin", "CrewPlan", "PacerTrace", "CheckReport"]


@dataclass(frozen=True)
class Assignment:
    """A pacer in a slot from one course distance to another [m]."""

    pacer: str
    slot: str
    from_m: float
    to_m: float


@dataclass(frozen=True)
class PacerMargin:
    """A pacer's outcome: lowest remaining capacity [0–1] and planned use [-]."""

    name: str
    min_margin: float
    planned_use: float
    stints: int
    distance_m: float


@dataclass(frozen=True)
class CrewPlan:
    """A rotation plan. Distances in m, times in s, fractions 0–1.

    ``status`` is "optimal" (proved by CP-SAT) or "feasible" (best found; then
    ``best_bound`` bounds the objective and ``gap_frac`` = |objective − bound| / |objective|).
    ``pacers`` lists every pacer of the roster; unused ones have min_margin 1.
    """

    stints: tuple[Assignment, ...]
    pacers: tuple[PacerMargin, ...]
    formation: str
    slots: tuple[str, ...]
    distance_m: float
    target_time_s: float
    exchange_points_m: tuple[float, ...]
    safety_margin_frac: float
    objective: str
    status: str
    objective_value: float
    best_bound: float
    gap_frac: float
    solve_time_s: float
    reserves: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())
    #: where the slot drag came from: "model" (formation model) or "table"
    slot_drag: str = "table"
    drag_reduction_frac: tuple[float, ...] = field(default=())

    @property
    def speed_m_s(self) -> float:
        return self.distance_m / self.target_time_s

    @property
    def n_exchanges(self) -> int:
        """Hand-overs: a slot changing pacer at a boundary."""
        by_slot: dict[str, list[Assignment]] = {}
        for a in self.stints:
            by_slot.setdefault(a.slot, []).append(a)
        return sum(max(0, len(v) - 1) for v in by_slot.values())

    @property
    def pacers_used(self) -> int:
        return len({a.pacer for a in self.stints})

    @property
    def min_margin(self) -> float:
        used = {a.pacer for a in self.stints}
        return min((p.min_margin for p in self.pacers if p.name in used), default=1.0)


@dataclass(frozen=True)
class PacerTrace:
    """Remaining capacity of one pacer over the race (checker). Arrays are (point,)."""

    name: str
    distance_m: np.ndarray  # [m]
    remaining_frac: np.ndarray  # [0–1]
    min_remaining_frac: float
    stints: int


@dataclass(frozen=True)
class CheckReport:
    """The checker's verdict on a plan: ok when ``problems`` is empty."""

    pacers: tuple[PacerTrace, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def margins(self) -> dict[str, float]:
        return {p.name: p.min_remaining_frac for p in self.pacers}
