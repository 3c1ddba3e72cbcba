"""Build a CrewProblem from a scenario: target pace and the course's conditions."""

from __future__ import annotations

from collections.abc import Sequence

from paceline.course import Course
from paceline.crew.formations import crew_formation
from paceline.crew.problem import CourseConditions, CrewProblem, exchange_points_every
from paceline.crew.roster import Pacer
from paceline.scenario import Scenario
from paceline.sim import RaceModel

__all__ = ["target_time_s", "problem_from_scenario"]


def target_time_s(scenario: Scenario, course: Course | None = None,
                  reference_course: Course | None = None) -> tuple[float, RaceModel]:
    """The pace to hold: race.target_time, else plan.target_time (the pace car's even pace,
    which the pacers run — Vienna: 1:59:40, 2:50/km), else the race model's prediction."""
    model = RaceModel(scenario, course, reference_course)
    for t in (scenario.race.target_time_s, scenario.plan.target_time_s):
        if t is not None:
            return float(t), model
    return float(model.solve().finish_time_s), model


def problem_from_scenario(
    scenario: Scenario, pacers: Sequence[Pacer], *, course: Course | None = None,
    reference_course: Course | None = None, formation: str = "vienna-2019",
    exchange_every_m: float | None = 4800.0,
    exchange_points_m: Sequence[float] | None = None, safety_margin_frac: float = 0.10,
    reserves: int = 0, target_time_s_override: float | None = None, slot_drag: str = "model",
) -> CrewProblem:
    """Compile the crew problem for a scenario (even pace at the target or predicted time).

    ``slot_drag``: "model" (the formation model's drag per slot where the formation has a
    preset) or "table" (the stated table), see :mod:`paceline.crew.formations`.
    """
    t, model = target_time_s(scenario, course, reference_course)
    if target_time_s_override is not None:
        t = target_time_s_override
    # canonical to the millisecond: `paceline plan` passes its schedule's finish time
    # (7180.000000000317 s for 1:59:40), `crew plan` the scenario's 7180.0 — the same race
    # must compile to the same problem, or CP-SAT may pick another of the tied rotations
    t = round(float(t), 3)
    cond = CourseConditions.from_segments(model.segments)
    if exchange_points_m is None:
        exchange_points_m = exchange_points_every(cond.distance_m, exchange_every_m or 4800.0)
    speed = cond.distance_m / t
    return CrewProblem(
        pacers=tuple(pacers),
        formation=crew_formation(formation, slot_drag=slot_drag, speed_m_s=speed),
        speed_m_s=speed, conditions=cond,
        exchange_points_m=tuple(exchange_points_m), safety_margin_frac=safety_margin_frac,
        reserves=reserves,
    )
