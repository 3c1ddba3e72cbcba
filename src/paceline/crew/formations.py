"""Formation slots for crew planning and the drag reduction each slot gives its pacer.

Two sources of slot drag:

* ``model`` (default where the geometry exists): the formation model
  (:func:`paceline.formation.evaluate`, body-wide Gaussian wakes calibrated on 15
  published cases, docs/formation.md) on the matching preset at the target speed in still
  air; each reduction is rounded DOWN to 0.01 (never more shelter than the model gives), which
  also groups near-equal slots into one class for the scheduler. Vienna: the front centre
  gets 0.05 (model 5.7 %: the athlete's blockage and the middle pair's wakes), the four
  other front slots 0.00 (the middle pair feels 1.3 % *more* drag than alone: side
  acceleration), the two behind 0.58 (model 58.2 %).
* ``table``: the stated two-number table below. Every number says where it comes from; where
  no measurement exists for a slot the conservative choice (no reduction) is made and said.

The sources disagree for the slots behind: the model gives 0.58 for Vienna's back pair
(1.2 m behind the athlete, in the wake of the six ahead), Beaumont et al. (2019) measured
0.33 for a runner behind two pacers. The model is the default because it sees the actual
geometry; ``--slot-drag table`` keeps the smaller, measured number (more conservative).

* Front slots (running in the open air ahead of the athlete): 0.0 — the small benefit of the
  pace car ~6 m ahead and of neighbours abreast is ignored (conservative).
* Slots behind others: 0.33 — Beaumont et al. (2019, Math Model Eng Probl 6(1):129-135):
  CFD of a runner drafting behind two pacemakers, drag area −33 %. Pugh (1971) found
  drafting ~1 m behind removed most of the air cost in his wind tunnel (as reported
  secondhand), so 0.33 is probably low for a pacer tucked behind a group; kept as the one
  measured number for a comparable geometry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from paceline.errors import ScenarioError

__all__ = ["CrewFormation", "CREW_FORMATIONS", "get_crew_formation", "crew_formation",
           "SLOT_DRAG_SOURCES", "BEAUMONT2019_DRAFT_REDUCTION"]

#: Beaumont et al. (2019): drafting behind two pacers lowers drag area by 33 %.
BEAUMONT2019_DRAFT_REDUCTION = 0.33


@dataclass(frozen=True)
class CrewFormation:
    """Named slots and each slot's drag reduction for the pacer in it [-].

    ``model_preset`` / ``model_runners``: the formation-model preset with the same geometry
    and, per slot, the preset's runner in that place (None: no such preset).
    """

    name: str
    slots: tuple[str, ...]
    drag_reduction_frac: tuple[float, ...]
    source: str
    model_preset: str | None = None
    model_runners: tuple[str, ...] | None = None
    slot_drag: str = "table"

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
        model_preset="ineos-vienna-2019",
        # front-1 … front-5 from left to right, front-3 the tip of the V ahead of the athlete
        model_runners=("outer left", "middle left", "front centre", "middle right",
                       "outer right", "back left", "back right"),
    ),
    "breaking2-2017": CrewFormation(
        name="breaking2-2017",
        slots=("tip", "second-left", "second-right", "third-left", "third-centre",
               "third-right"),
        drag_reduction_frac=(0.0, 0.0, 0.0, BEAUMONT2019_DRAFT_REDUCTION,
                             BEAUMONT2019_DRAFT_REDUCTION, BEAUMONT2019_DRAFT_REDUCTION),
        source="Breaking2 (Monza 2017): 6-runner arrowhead ahead of the athlete (REFERENCES.md). "
               "Tip and second row 0.0 (conservative: offset diagonally); third row, behind "
               "two, 0.33 (Beaumont et al. 2019). The formation-model preset "
               "breaking2-monza-2017 has pacers beside and behind the athlete, another "
               "geometry: this formation keeps the table.",
    ),
}


SLOT_DRAG_SOURCES = ("model", "table")


def crew_formation(name: str, *, slot_drag: str = "model",
                   speed_m_s: float | None = None) -> CrewFormation:
    """A crew formation with its slot drag from the formation model or from the table.

    ``slot_drag="model"`` evaluates the matching formation preset at ``speed_m_s`` [m/s] in
    still air (:func:`paceline.formation.evaluate`) and rounds each reduction down to 0.01;
    a formation without a matching preset keeps its table (its ``slot_drag`` says which).
    """
    base = get_crew_formation(name)
    if slot_drag not in SLOT_DRAG_SOURCES:
        raise ScenarioError("unknown slot drag source", where="--slot-drag", value=slot_drag,
                            valid=", ".join(SLOT_DRAG_SOURCES))
    if slot_drag == "table" or base.model_preset is None:
        return base
    if speed_m_s is None or not speed_m_s > 0:
        raise ScenarioError("the formation model needs the target speed", where="speed_m_s",
                            value=speed_m_s, valid="> 0 m/s")
    from paceline.formation import evaluate, load_preset

    preset = load_preset(base.model_preset)
    ratio = dict(zip(preset.runner_names, evaluate(preset, speed_m_s=speed_m_s).drag_ratio,
                     strict=True))
    red = tuple(max(0.0, math.floor((1.0 - float(ratio[r])) * 100.0 + 1e-9) / 100.0)
                for r in base.model_runners)
    text = ", ".join(f"{s} {r:.2f}" for s, r in zip(base.slots, red, strict=True))
    return replace(base, drag_reduction_frac=red, slot_drag="model",
                   source=f"formation model, preset {base.model_preset} at "
                          f"{speed_m_s:.2f} m/s, still air, rounded down to 0.01: {text}")


def get_crew_formation(name: str) -> CrewFormation:
    """Look up a crew formation; an unknown name lists the valid ones."""
    try:
        return CREW_FORMATIONS[name]
    except KeyError:
        raise ScenarioError("unknown crew formation", where="--formation", value=name,
                            valid=", ".join(CREW_FORMATIONS)) from None
