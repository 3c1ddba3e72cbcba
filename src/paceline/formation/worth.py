"""What a formation is worth over a race: solve with it and without it.

``paceline.formation`` sits below ``paceline.sim`` in the layers, so the race solver is passed
in (``solve_time_s``: scenario → finish time [s], e.g. ``RaceModel(s, course, ref).solve()``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError

from paceline.errors import ScenarioError
from paceline.scenario import Drafting, Scenario

__all__ = ["FormationWorth", "with_formation", "formation_worth_s", "has_formation"]


@dataclass(frozen=True)
class FormationWorth:
    with_formation_s: float  # finish time behind the formation [s]
    alone_s: float  # finish time with no drafting at all [s]
    still_air_drag_reduction: float  # the athlete's reduction in calm air [-], as the race
    # model applies it (not Drafting.drag_reduction, which is capped at 0.95 for the what-if)

    #: per drafting section (scenario given as ``[[drafting]]``): (from_m, until_m or None,
    #: still-air reduction [-]); empty for a single drafting table
    sections: tuple[tuple[float, float | None, float], ...] = ()

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
    if formation is not None:
        from paceline.formation.presets import load_preset

        load_preset(formation)  # an unknown name: the message lists the valid presets
    try:
        new = Drafting.model_validate(data)
    except ValidationError as exc:
        msg = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
        raise ScenarioError(msg, where="drafting", value=formation or positions) from None
    return scenario.model_copy(update={"drafting": new})


def formation_worth_s(scenario: Scenario, solve_time_s: Callable[[Scenario], float],
                      ) -> FormationWorth:
    """Finish time behind the scenario's formation and alone (drafting off) [s]."""
    from paceline.formation.core import athlete_drag_reduction

    d = scenario.drafting
    if not has_formation(d):
        raise ScenarioError("this scenario's drafting has no formation", where="drafting",
                            fix='set drafting.formation (e.g. "ineos-vienna-2019") or pass '
                            "--formation")
    alone = scenario.model_copy(update={"drafting": Drafting()})
    # the same (uncapped) reduction `formation show` prints and the race model applies
    if d.sections is None:
        still = float(athlete_drag_reduction(d, 0.0, 0.0))
        secs: tuple = ()
    else:
        secs = tuple((s.from_m, s.until_m, float(athlete_drag_reduction(s, 0.0, 0.0)))
                     for s in d.sections)
        still = max(r for *_, r in secs)
    return FormationWorth(solve_time_s(scenario), solve_time_s(alone), still, secs)


def has_formation(d: Drafting) -> bool:
    """Whether drafting (or any of its sections) is a formation (preset or positions)."""
    if d.sections is not None:
        return any(has_formation(s) for s in d.sections)
    return d.formation is not None or d.positions is not None
