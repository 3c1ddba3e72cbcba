"""paceline.crew: turn a roster of pacers into a rotation plan (who, which slot, when).

Orchestration only: capacity physics lives in :mod:`paceline.models.capacity`.
"""

from paceline.crew.checker import check_plan
from paceline.crew.coop import CoopResult, cooperative_drafting
from paceline.crew.formations import (
    CREW_FORMATIONS,
    SLOT_DRAG_SOURCES,
    CrewFormation,
    crew_formation,
    get_crew_formation,
)
from paceline.crew.plan import Assignment, CheckReport, CrewPlan, PacerMargin, PacerTrace
from paceline.crew.problem import CourseConditions, CrewProblem, exchange_points_every
from paceline.crew.roster import Pacer, PacerCapacity, PersonalBest, pacer_capacity
from paceline.crew.scheduler import OBJECTIVES, CrewScheduler
from paceline.crew.setup import problem_from_scenario, target_time_s

__all__ = [
    "Assignment", "CheckReport", "CoopResult", "CourseConditions", "CREW_FORMATIONS",
    "CrewFormation", "CrewPlan", "CrewProblem", "CrewScheduler", "OBJECTIVES", "Pacer",
    "PacerCapacity", "PacerMargin", "PacerTrace", "PersonalBest", "check_plan",
    "cooperative_drafting", "crew_formation", "exchange_points_every", "get_crew_formation",
    "pacer_capacity", "SLOT_DRAG_SOURCES",
    "problem_from_scenario", "target_time_s",
]
