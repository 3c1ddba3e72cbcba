"""What a formation is worth over a race: solve with it and without it.

``paceline.formation`` sits below ``paceline.sim`` in the layers, so the race solver is passed
in (``solve_time_s``: scenario → finish time [s], e.g. ``RaceModel(s, course, ref).solve()``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from paceline.errors import ScenarioError
from paceline.scenario import Drafting, Scenario

__all__ = ["FormationWorth", "with_formation", "formation_worth_s"]


@dataclass(frozen=True)
class FormationWorth:
    with_formation_s: float  # finish time behind the formation [s]
    alone_s: float  # finish time with no drafting at all [s]
    still_air_drag_reduction: float  # the athlete's reduction in calm air [-], as the race
    # model applies it (not Drafting.drag_reduction, which is capped at 0.95 for the what-if)

    @property
    def worth_s(self) -> float:
        """Seconds the formation saves (alone − with) [s]."""
        return self.alone_s - self.with_formation_s


def with_formation(scenario: Scenario, formation: str | None = None,
                   positions=None) -> Scenario:
    """The scenario with its race-day drafting replaced by a preset or by pacer positions."""
    d = scenario.drafting
    data: dict = {} if d.until_m is None else {"until": d.until_m}
    if formation is not None:
        data["formation"] = formation
    elif positions is not None:
        data["positions"] = [list(p) for p in positions]
    try:
        new = Drafting.model_validate(data)
    except ValueError as exc:
        raise ScenarioError(str(exc).splitlines()[-1].strip(), where="drafting",
                            value=formation or positions) from None
    return scenario.model_copy(update={"drafting": new})


def formation_worth_s(scenario: Scenario, solve_time_s: Callable[[Scenario], float],
                      ) -> FormationWorth:
    """Finish time behind the scenario's formation and alone (drafting off) [s]."""
    d = scenario.drafting
    if d.formation is None and d.positions is None:
        raise ScenarioError("this scenario's drafting has no formation", where="drafting",
                            fix='set drafting.formation (e.g. "ineos-vienna-2019") or pass '
                            "--formation")
    from paceline.formation.core import athlete_drag_reduction

    alone = scenario.model_copy(update={"drafting": Drafting()})
    # the same (uncapped) reduction `formation show` prints and the race model applies
    still = float(athlete_drag_reduction(d, 0.0, 0.0))
    return FormationWorth(solve_time_s(scenario), solve_time_s(alone), still)
