"""Formation slots for crew planning and the drag reduction each slot gives its pacer.

These tables are PROVISIONAL: the formation model (paceline.formation, being written) will
replace them. Every number says where it comes from; where no measurement exists for a slot
the conservative choice (no reduction) is made and said.

* Front slots (running in the open air ahead of the athlete): 0.0 — the small benefit of the
  pace car ~6 m ahead and of neighbours abreast is ignored (conservative).
* Slots behind others: 0.33 — Beaumont et al. (2019, Math Model Eng Probl 6(1):129-135):
  CFD of a runner drafting behind two pacemakers, drag area −33 %. Pugh (1971) found
  drafting ~1 m behind removed most of the air cost in his wind tunnel (as reported
  secondhand), so 0.33 is probably low for a pacer tucked behind a group; kept as the one
  measured number for a comparable geometry.
"""

from __future__ import annotations

from dataclasses import dataclass

from paceline.errors import ScenarioError

__all__ = ["CrewFormation", "CREW_FORMATIONS", "get_crew_formation",
           "BEAUMONT2019_DRAFT_REDUCTION"]

#: Beaumont et al. (2019): drafting behind two pacers lowers drag area by 33 %.
BEAUMONT2019_DRAFT_REDUCTION = 0.33


@dataclass(frozen=True)
class CrewFormation:
    """Named slots and each slot's drag reduction for the pacer in it [-]."""

    name: str
    slots: tuple[str, ...]
    drag_reduction_frac: tuple[float, ...]
    source: str

    def reduction(self, slot: str) -> float:
        return self.drag_reduction_frac[self.slots.index(slot)]


CREW_FORMATIONS: dict[str, CrewFormation] = {
    "vienna-2019": CrewFormation(
        name="vienna-2019",
        slots=("front-1", "front-2", "front-3", "front-4", "front-5", "back-1", "back-2"),
        drag_reduction_frac=(0.0, 0.0, 0.0, 0.0, 0.0,
                             BEAUMONT2019_DRAFT_REDUCTION, BEAUMONT2019_DRAFT_REDUCTION),
        source="INEOS 1:59 (Vienna 2019): 5 ahead in an inverted V, 2 behind (REFERENCES.md). "
               "Front 0.0 (conservative); behind 0.33 (Beaumont et al. 2019).",
    ),
    "breaking2-2017": CrewFormation(
        name="breaking2-2017",
        slots=("tip", "second-left", "second-right", "third-left", "third-centre",
               "third-right"),
        drag_reduction_frac=(0.0, 0.0, 0.0, BEAUMONT2019_DRAFT_REDUCTION,
                             BEAUMONT2019_DRAFT_REDUCTION, BEAUMONT2019_DRAFT_REDUCTION),
        source="Breaking2 (Monza 2017): 6-runner arrowhead ahead of the athlete (REFERENCES.md). "
               "Tip and second row 0.0 (conservative: offset diagonally); third row, behind "
               "two, 0.33 (Beaumont et al. 2019).",
    ),
}


def get_crew_formation(name: str) -> CrewFormation:
    """Look up a crew formation; an unknown name lists the valid ones."""
    try:
        return CREW_FORMATIONS[name]
    except KeyError:
        raise ScenarioError("unknown crew formation", where="--formation", value=name,
                            valid=", ".join(CREW_FORMATIONS)) from None
