"""The scenario: athlete, race, course, conditions, drafting and shoes — typed and strict.

A scenario is what a performance engineer writes in a TOML file (see docs/scenario.md). This
module validates it: unknown keys, missing keys and out-of-range values raise
:class:`paceline.errors.ScenarioError` naming the key, the value and what is valid. Human forms
("2:01:39", "marathon", "25km") are converted to SI here, once.
"""

from __future__ import annotations

import datetime
import os
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from paceline.errors import ScenarioError, UnitError
from paceline.models import drafting as drafting_model
from paceline.units import (
    check_race_time,
    format_duration,
    parse_distance_m,
    parse_duration_s,
    parse_pace_s_per_m,
)

__all__ = [
    "Conditions",
    "Drafting",
    "Shoes",
    "CourseSpec",
    "Reference",
    "Physiology",
    "Athlete",
    "Race",
    "Scenario",
    "Uncertainty",
    "PlanSpec",
    "ModelChoice",
    "scenario_from_dict",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


def _distance(value: Any, key: str) -> float:
    try:
        return parse_distance_m(value, where=key)
    except UnitError as exc:  # the key and the value are added by _format_errors
        raise ValueError(_bare(exc)) from None


def _bare(exc: UnitError) -> str:
    """A UnitError's message without its where/value (pydantic's error names them)."""
    text = str(exc)
    if exc.where and text.startswith(f"{exc.where}: "):
        text = text[len(exc.where) + 2:]
    if exc.value is not None:
        text = text.replace(f" (got {exc.value!r})", "", 1)
    return text


def _duration(value: Any, key: str) -> float:
    try:
        return parse_duration_s(value, where=key)
    except UnitError as exc:
        raise ValueError(_bare(exc)) from None


class Conditions(_Strict):
    """Weather and air: SI, °C, fractions."""

    temperature_c: float = Field(ge=-30, le=50, description="air temperature at the start [°C]")
    temperature_end_c: float | None = Field(
        default=None, ge=-30, le=50,
        description="air temperature at the finish [°C]; linear in distance between (optional)",
    )
    relative_humidity: float = Field(description="relative humidity as a fraction 0–1")
    altitude_m: float | None = Field(default=None, ge=-500, le=5000)
    pressure_hpa: float | None = Field(default=None, ge=500, le=1100)
    wind_speed_m_s: float = Field(default=0.0, ge=0, le=30)
    wind_from_deg: float = Field(default=0.0, ge=0, le=360)

    @field_validator("relative_humidity")
    @classmethod
    def _rh_fraction(cls, v: float) -> float:
        if not 0.0 <= v <= 1.0:
            hint = f"; write {v / 100:g} for {v:g} %" if 1.0 < v <= 100.0 else ""
            raise ValueError(f"must be a fraction from 0 to 1{hint}")
        return v

    @model_validator(mode="after")
    def _one_of_altitude_pressure(self) -> Conditions:
        if self.altitude_m is not None and self.pressure_hpa is not None:
            raise ValueError("give altitude_m or pressure_hpa, not both")
        return self


class Drafting(_Strict):
    """Drafting: a drag reduction fraction, or a pacer formation; optionally up to a distance.

    ``formation`` names a preset (``paceline formation show NAME``; e.g. "ineos-vienna-2019",
    "single-file-3") and ``positions`` gives the pacers as ``[[x_m, y_m], ...]`` relative to the
    athlete (x forward, y to the left). With either, the race model takes the athlete's drag
    from the formation model on every segment, following the course heading against the wind,
    and ``drag_reduction`` is filled in with the formation's reduction in still air (it is what
    the Monte Carlo draws around and what ``whatif`` switches off; do not give it yourself).

    **Sections.** ``drafting`` may also be a list of sections (TOML ``[[drafting]]``), each a
    drag reduction or a formation over ``from``–``until`` ("three abreast 1.3 m ahead to 25 km,
    then alone"). A section's ``from`` defaults to the end of the one before (0 for the first);
    only the last may leave ``until`` open (to the finish); after the last section's ``until``
    the athlete runs alone. Overlaps, gaps and unknown presets are refused, naming the section.
    The list is held in ``sections``; ``drag_reduction`` is then the largest still-air reduction
    of the sections (the what-if switch; 0 switches them all off).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    drag_reduction: float = Field(default=0.0, ge=0.0, le=0.95,
                                  description="fraction of the athlete's drag removed [0–0.95]")
    until_m: float | None = Field(default=None, alias="until",
                                  description='drafting ends at this distance ("25km")')
    from_m: float | None = Field(default=None, alias="from",
                                 description='drafting starts at this distance ("25km")')
    formation: str | None = None
    positions: tuple[tuple[float, float], ...] | None = Field(
        default=None, description="pacers' [x_m, y_m] relative to the athlete [m]")
    sections: tuple[Drafting, ...] | None = Field(
        default=None, description="a list of drafting sections over distance ranges")

    @model_validator(mode="before")
    @classmethod
    def _list_is_sections(cls, v: Any) -> Any:
        if isinstance(v, list | tuple):
            return {"sections": list(v)}
        return v

    @field_validator("until_m", mode="before")
    @classmethod
    def _until(cls, v: Any) -> float | None:
        return None if v is None else _distance(v, "drafting.until")

    @field_validator("from_m", mode="before")
    @classmethod
    def _from(cls, v: Any) -> float | None:
        if v is None:
            return None
        if isinstance(v, int | float) and not isinstance(v, bool) and v == 0:
            return 0.0  # the start
        return _distance(v, "drafting.from")

    @model_serializer(mode="wrap")
    def _as_input(self, handler) -> dict[str, Any]:
        """Dump as the input it validates from: no computed reduction, no empty keys."""
        data = handler(self)
        if self.sections is not None:
            return {"sections": data["sections"]}
        if self.formation is not None or self.positions is not None:
            data.pop("drag_reduction", None)
        return {k: v for k, v in data.items() if v is not None}

    @field_validator("positions", mode="before")
    @classmethod
    def _positions(cls, v: Any) -> Any:
        if v is None:
            return v
        if isinstance(v, list | tuple) and len(v) == 0:
            raise ValueError("positions is empty: give at least one [x_m, y_m] pair, e.g. "
                             "[[1.2, 0.0]], or drop drafting (drag_reduction = 0) to run alone")
        if not isinstance(v, list | tuple) or not all(
                isinstance(p, list | tuple) and len(p) == 2 for p in v):
            raise ValueError("give a list of [x_m, y_m] pairs, e.g. [[1.0, 0.0], [2.0, 0.5]]")
        return v

    @model_validator(mode="after")
    def _formation(self) -> Drafting:
        if self.sections is not None:
            return self._check_sections()
        if (self.from_m is not None and self.until_m is not None
                and abs(self.until_m - self.from_m) < 1e-9):
            raise ValueError(f"drafting starts and ends at {self.until_m / 1000:g} km (from = "
                             "until): it would cover no distance; give until > from or remove "
                             "the drafting")
        if (self.from_m is not None and self.until_m is not None
                and self.until_m <= self.from_m):
            raise ValueError(f"drafting ends (until = {self.until_m / 1000:g} km) before it "
                             f"starts (from = {self.from_m / 1000:g} km); give until > from")
        if self.formation is None and self.positions is None:
            return self
        if self.formation is not None and self.positions is not None:
            raise ValueError("give drafting.formation (a preset) or drafting.positions, not both")
        if "drag_reduction" in self.model_fields_set:
            raise ValueError("give drafting.drag_reduction or a formation, not both: with a "
                             "formation the model computes the athlete's drag reduction")
        if self.positions is not None:
            x, y = _check_positions(self.positions)
        else:
            x, y = _formation_positions(self.formation)
        # still-air reduction: used by the Monte Carlo and the what-if drafting switch
        ratio = float(drafting_model.drag_ratio(x, y)[0])
        object.__setattr__(self, "drag_reduction", min(max(1.0 - ratio, 0.0), 0.95))
        return self


    def _check_sections(self) -> Drafting:
        """Sections in order, no overlap, no gap; ``from`` filled in; the what-if value set."""
        given = self.model_fields_set - {"sections"}
        if given:
            raise ValueError("give drafting as a list of sections or as one table, not both "
                             f"(also given: {', '.join(sorted(given))})")
        if not self.sections:
            raise ValueError("an empty list of drafting sections; remove drafting for none")
        fixed: list[Drafting] = []
        end = 0.0
        for i, sec in enumerate(self.sections, start=1):
            if sec.sections is not None:
                raise ValueError(f"drafting section {i} has sections of its own; give a flat list")
            start = end if sec.from_m is None else sec.from_m
            km = lambda d: f"{d / 1000:g} km"  # noqa: E731
            if start < end - 1e-9:
                raise ValueError(f"drafting sections {i - 1} and {i} overlap: section {i} "
                                 f"starts at {km(start)}, before section {i - 1} ends at "
                                 f"{km(end)}; set section {i}'s from to {km(end)}")
            if start > end + 1e-9:
                raise ValueError(f"a gap between drafting sections {i - 1} and {i}: nothing "
                                 f"from {km(end)} to {km(start)}; add a section there "
                                 "(drag_reduction = 0 for running alone) or move the from")
            if sec.until_m is None and i < len(self.sections):
                raise ValueError(f"drafting section {i} runs to the finish (no until) but "
                                 f"section {i + 1} follows; give section {i} an until")
            if sec.until_m is not None and abs(sec.until_m - start) < 1e-9:
                raise ValueError(f"drafting section {i} starts and ends at {km(start)} (from = "
                                 "until): it covers no distance; give it an until after "
                                 f"{km(start)} or remove section {i}")
            if sec.until_m is not None and sec.until_m <= start:
                raise ValueError(f"drafting section {i} ends at {km(sec.until_m)}, not after "
                                 f"its start at {km(start)}")
            fixed.append(sec if sec.from_m is not None
                         else sec.model_copy(update={"from_m": start}))
            end = sec.until_m if sec.until_m is not None else float("inf")
        object.__setattr__(self, "sections", tuple(fixed))
        object.__setattr__(self, "drag_reduction", max(sec.drag_reduction for sec in fixed))
        return self


def check_drafting_within(drafting: Drafting, distance_m: float, key: str) -> None:
    """Refuse drafting (one table or a section) that starts or ends beyond the race's finish.

    Raises
    ------
    ValueError
        Naming the key, the section (1-based), the value in km, the race distance and the fix.
    """
    km = lambda d: f"{d / 1000:g} km"  # noqa: E731
    secs = drafting.sections if drafting.sections is not None else (drafting,)
    for i, sec in enumerate(secs, start=1):
        what = f"{key} section {i}" if drafting.sections is not None else key
        for name, v in (("until", sec.until_m), ("from", sec.from_m)):
            if v is not None and v > distance_m + 1e-6:
                raise ValueError(
                    f"{what}: {name} = {km(v)} is beyond the finish of this "
                    f"{km(distance_m)} race; valid: 0 to {km(distance_m)} (set {name} to at "
                    f"most {km(distance_m)}"
                    + (", or leave until out: to the finish)" if name == "until" else ")"))


#: Largest |x| or |y| of a pacer relative to the athlete the formation model is asked to rate
#: [m]. Not physics: a plausibility bound at the input edge. The widest published formations
#: (INEOS Vienna, Marro 2023) reach 3.2 m; past ~100 m the wake model has no meaning for the
#: athlete (and values like 1e300 overflow it into NaN).
MAX_POSITION_M = 100.0


def overlapping_pair(x, y):
    """The first pair of runners whose bodies overlap, as (i, j), or None.

    Bodies are rectangles :data:`~paceline.models.drafting.BODY_WIDTH_M` wide (side to side)
    and :data:`~paceline.models.drafting.MIN_DISTANCE_M` deep (fore-aft): two runners overlap
    when both |Δx| < depth and |Δy| < width. x, y: shape (n_runner,) [m].
    """
    import numpy as np

    x = np.asarray(x, float)
    y = np.asarray(y, float)
    dx = np.abs(x[:, None] - x[None, :])
    dy = np.abs(y[:, None] - y[None, :])
    clash = (dx < drafting_model.MIN_DISTANCE_M) & (dy < drafting_model.BODY_WIDTH_M - 1e-9)
    clash[np.diag_indices_from(clash)] = False
    if not clash.any():
        return None
    i, j = np.argwhere(clash)[0]
    return int(min(i, j)), int(max(i, j))


def overlap_message(x, y, i: int, j: int, name) -> str:
    """Why runners i and j overlap and how to fix it (for error messages)."""
    dx, dy = abs(float(x[j] - x[i])), abs(float(y[j] - y[i]))
    w, depth = drafting_model.BODY_WIDTH_M, drafting_model.MIN_DISTANCE_M
    return (f"{name(i)} and {name(j)} overlap: {dx:.2f} m apart fore-aft and {dy:.2f} m side "
            f"to side; runners less than {depth:g} m apart fore-aft need at least {w:g} m "
            f"(a body width) side to side; move one of them")


def position_range_message(x, y, name) -> str | None:
    """A message naming the first runner outside ±MAX_POSITION_M, or None."""
    import numpy as np

    far = (np.abs(np.asarray(x, float)) > MAX_POSITION_M) | (
        np.abs(np.asarray(y, float)) > MAX_POSITION_M)
    if not far.any():
        return None
    k = int(np.argmax(far))
    return (f"{name(k)} at ({x[k]:g}, {y[k]:g}) m is outside the range the formation model "
            f"rates: |x| and |y| ≤ {MAX_POSITION_M:g} m from the athlete; bring it closer")


def _check_positions(positions) -> tuple[Any, Any]:
    """Pacer positions → (x, y) arrays with the athlete first at (0, 0); refuse bad geometry."""
    import numpy as np

    xy = np.asarray(positions, dtype=float).reshape(-1, 2)
    if not np.all(np.isfinite(xy)):
        raise ValueError("every position must be a finite number of metres (NaN/inf given)")
    x = np.concatenate([[0.0], xy[:, 0]])
    y = np.concatenate([[0.0], xy[:, 1]])
    name = lambda k: "the athlete" if k == 0 else f"pacer {k}"  # noqa: E731
    msg = position_range_message(x, y, name)
    if msg:
        raise ValueError(msg)
    pair = overlapping_pair(x, y)
    if pair is not None:
        raise ValueError(overlap_message(x, y, *pair, name))
    return x, y


_SINGLE_FILE = re.compile(r"^single-file-(\d+)$")


def _formation_dir():
    return resources.files("paceline").joinpath("data", "formations")


def formation_preset_names() -> list[str]:
    """Names of the bundled formation presets (``single-file-N`` stands for N = 1…10)."""
    names = [p.name[: -len(".toml")] for p in _formation_dir().iterdir()
             if p.name.endswith(".toml")]
    return sorted(names + ["single-file-N"])


def user_formation_dirs() -> list[Path]:
    """Folders of the user's own formation files (``PACELINE_FORMATIONS``, ``os.pathsep``
    separated; ``paceline web`` saves its formation editor's files there)."""
    raw = os.environ.get("PACELINE_FORMATIONS", "")
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()]


def user_formation_file(name: str) -> Path | None:
    """The user's formation file NAME.toml, if a PACELINE_FORMATIONS folder has it."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", name):
        return None
    for d in user_formation_dirs():
        p = d / f"{name}.toml"
        if p.is_file():
            return p
    return None


def preset_suggestion(name: str) -> str | None:
    """The preset a mistyped name most likely meant ("INEOS-Vienna-2019" → "ineos-vienna-2019"),
    or None. Names are matched exactly (they are file names); this only suggests."""
    import difflib

    low = str(name).strip().lower()
    if _SINGLE_FILE.match(low):
        return low
    names = formation_preset_names()
    by_lower = {n.lower(): n for n in names}
    if low in by_lower:
        return by_lower[low]
    close = difflib.get_close_matches(low, list(by_lower), n=1, cutoff=0.75)
    return by_lower[close[0]] if close else None


def _formation_positions(name: str) -> tuple[Any, Any]:
    """(x, y) of a formation preset (bundled, or a user file in PACELINE_FORMATIONS), athlete
    first; ValueError listing the valid names."""
    import numpy as np

    m = _SINGLE_FILE.match(name)
    if m:
        n = int(m.group(1))
        if not 1 <= n <= 10:
            raise ValueError(f"single-file-N takes N = 1 to 10 pacers (got {n})")
        x, y = drafting_model.single_file_positions_m(n + 1, 1.0, athlete_index=n)
        return x, y
    path = _formation_dir().joinpath(f"{name}.toml")
    if not path.is_file():
        path = user_formation_file(name)
    if path is None:
        hint = preset_suggestion(name)
        raise ValueError(f"unknown formation preset {name!r}"
                         + (f" (did you mean {hint}?)" if hint else "") + "; valid: "
                         + ", ".join(formation_preset_names())
                         + " (or a NAME.toml in a PACELINE_FORMATIONS folder)")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    runners = data["runner"]
    return (np.array([float(r["x_m"]) for r in runners]),
            np.array([float(r["y_m"]) for r in runners]))


class Shoes(_Strict):
    """Shoes: an energy-return saving fraction and, optionally, their mass against a reference.

    ``metabolic_saving`` is what the shoe saves through its midsole (energy return, measured
    against a reference shoe of about the same mass, as Hoogkamer et al. 2018 did). Mass is
    counted only as a difference: ``mass_g`` (the race shoe, one shoe) against
    ``reference_mass_g`` (the shoe the athlete's economy was stated in), Frederick's ≈ 1 % per
    100 g per shoe. Give both or neither.
    """

    metabolic_saving: float = Field(default=0.0, ge=-0.10, le=0.15,
                                    description="fraction of metabolic power saved by energy "
                                    "return (0.04 = 4 %)")
    mass_g: float | None = Field(default=None, gt=0, le=1000,
                                 description="mass of one race shoe [g]")
    reference_mass_g: float | None = Field(
        default=None, gt=0, le=1000,
        description="mass of one reference shoe (the one economy is stated in) [g]")

    @model_validator(mode="after")
    def _both_masses(self) -> Shoes:
        if (self.mass_g is None) != (self.reference_mass_g is None):
            given = "mass_g" if self.mass_g is not None else "reference_mass_g"
            raise ValueError(
                f"give both shoes.mass_g (race shoe, g per shoe) and shoes.reference_mass_g "
                f"(the shoe the athlete's economy was stated in), or neither: only {given} "
                "was given, and mass counts only as a difference from a reference shoe "
                "(Frederick 1984: ≈ 1 % per 100 g per shoe)")
        return self


class CourseSpec(_Strict):
    """A course preset name or a GPX file (path relative to the scenario file), with laps."""

    preset: str | None = None
    gpx: str | None = None
    laps: int = Field(default=1, ge=1, le=1000)

    @model_validator(mode="after")
    def _one_source(self) -> CourseSpec:
        if (self.preset is None) == (self.gpx is None):
            raise ValueError('give exactly one of course.preset (e.g. "vienna-2019") or course.gpx')
        return self


def _course_spec(value: Any) -> Any:
    """A reference course may be written as a bare string: a preset name or a .gpx path."""
    if isinstance(value, str):
        return {"gpx": value} if value.lower().endswith(".gpx") else {"preset": value}
    return value


def _paces_to_times(data: Any, keys: tuple[str, ...], where: str) -> Any:
    """A time written as a pace ("2:50/km") becomes the finish time at the table's distance.

    Before validation (mode="before"): the distance is read here too; if it cannot be read,
    the pace is left alone and the distance's own error is the one reported.
    """
    if not isinstance(data, dict):
        return data
    paces = [k for k in keys if isinstance(data.get(k), str) and "/" in data[k]]
    if not paces:
        return data
    d = data.get("distance", data.get("distance_m"))
    try:
        distance_m = parse_distance_m(d, where=f"{where}.distance")
    except UnitError:
        return data
    out = dict(data)
    for k in paces:
        try:
            out[k] = parse_pace_s_per_m(data[k], where=f"{where}.{k}") * distance_m
        except UnitError as exc:
            raise ValueError(f"{k} {data[k]!r}: " + _bare(exc)
                             + ' (or a time, "h:mm:ss")') from None
    return out


class Reference(_Strict):
    """A race the athlete ran, in its own conditions: calibrates his sustainable power."""

    distance_m: float = Field(alias="distance")
    time_s: float = Field(alias="time")
    course: CourseSpec = CourseSpec(preset="straight")
    conditions: Conditions
    drafting: Drafting = Drafting()
    shoes: Shoes = Shoes()
    pacing: Literal["even-effort", "even-pace"] = "even-pace"

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _pace(cls, data: Any) -> Any:
        return _paces_to_times(data, ("time", "time_s"), "athlete.reference")

    @field_validator("distance_m", mode="before")
    @classmethod
    def _d(cls, v: Any) -> float:
        return _distance(v, "athlete.reference.distance")

    @field_validator("time_s", mode="before")
    @classmethod
    def _t(cls, v: Any) -> float:
        return _duration(v, "athlete.reference.time")

    @field_validator("course", mode="before")
    @classmethod
    def _c(cls, v: Any) -> Any:
        return _course_spec(v)

    @model_validator(mode="after")
    def _plausible(self) -> Reference:
        _plausible_time(self.time_s, self.distance_m, "athlete.reference.time")
        check_drafting_within(self.drafting, self.distance_m, "athlete.reference.drafting")
        return self


def _plausible_time(time_s: float | None, distance_m: float, key: str, *,
                    what: str | None = None) -> None:
    """A time no human can run for the distance is a misreading ("2:50" for a marathon).

    ``what``: the time is tied to the scenario's distance (the time actually run, the
    attempt's target); a distance changed with --set leaves it behind, and the fix says how to
    drop it or give it for the new distance.
    """
    if time_s is None:
        return
    try:
        check_race_time(time_s, distance_m, where=key, given=format_duration(time_s, decimals=1))
    except UnitError as exc:
        if what is None or (exc.fix or "").startswith("did you mean"):
            raise ValueError(str(exc)) from None
        text = str(exc).split(" Fix: ")[0]
        raise ValueError(
            f"{text} {key} is {what} and does not fit this distance. Fix: give the time for "
            f"this distance (--set {key}=h:mm:ss) or drop it (--set {key}= with nothing "
            "after =, or delete the line)") from None


class Physiology(_Strict):
    """Capacity from physiology (Joyner 1991): VO2max × sustainable fraction ÷ economy."""

    vo2max_ml_kg_min: float = Field(ge=30, le=95)
    fraction_sustainable: float = Field(ge=0.5, le=1.0,
                                        description="fraction of VO2max held for the race")
    economy_ml_kg_km: float = Field(ge=120, le=300,
                                    description="O2 cost of level running in still air")


class Athlete(_Strict):
    name: str = ""
    mass_kg: float = Field(ge=30, le=150)
    height_m: float = Field(ge=1.2, le=2.3)
    drag_area_m2: float | None = Field(default=None, ge=0.05, le=1.5)
    sex: Literal["men", "women"] = "men"
    economy_ml_kg_km: float = Field(
        default=200.0, ge=120, le=300,
        description="O2 cost of level running in still air at economy_speed_m_s "
        "(only its ratio matters when capacity comes from a reference race)")
    economy_speed_m_s: float = Field(default=4.47, gt=1.0, le=8.0)
    reference: Reference | None = None
    physiology: Physiology | None = None

    @model_validator(mode="after")
    def _capacity(self) -> Athlete:
        if (self.reference is None) == (self.physiology is None):
            raise ValueError(
                "give exactly one of [athlete.reference] (a race the athlete ran) or "
                "[athlete.physiology] (vo2max_ml_kg_min, fraction_sustainable, economy_ml_kg_km)"
            )
        return self


class Race(_Strict):
    distance_m: float = Field(alias="distance")
    pacing: Literal["even-effort", "even-pace"] = "even-effort"
    target_time_s: float | None = Field(default=None, alias="target_time")
    start: datetime.datetime | None = Field(
        default=None, description="start date and time with its UTC offset "
        "(TOML: 2019-10-12T08:15:00+02:00); used to time-stamp exported schedules")
    actual_time_s: float | None = Field(
        default=None, alias="actual_time",
        description="the time actually run, when the scenario replays a real race")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _pace(cls, data: Any) -> Any:
        return _paces_to_times(data, ("target_time", "target_time_s", "actual_time",
                                      "actual_time_s"), "race")

    @field_validator("actual_time_s", mode="before")
    @classmethod
    def _a(cls, v: Any) -> float | None:
        return None if v is None else _duration(v, "race.actual_time")

    @field_validator("distance_m", mode="before")
    @classmethod
    def _d(cls, v: Any) -> float:
        return _distance(v, "race.distance")

    @field_validator("target_time_s", mode="before")
    @classmethod
    def _t(cls, v: Any) -> float | None:
        return None if v is None else _duration(v, "race.target_time")

    @model_validator(mode="after")
    def _plausible(self) -> Race:
        _plausible_time(self.target_time_s, self.distance_m, "race.target_time")
        _plausible_time(self.actual_time_s, self.distance_m, "race.actual_time",
                        what="the time run in the race this scenario replays")
        return self


class Uncertainty(_Strict):
    """Spreads (one standard deviation) of the inputs for the Monte Carlo (``--uncertainty``).

    Race day: a forecast good to ±1.5 °C and ±5 % RH a day out, wind ±0.5 m/s and ±30°,
    drafting ±0.05 (a formation that is not always held), the race shoes' energy return.
    The athlete: the drag area ±5 % (Pugh's frontal area from height and mass, ASSUMED). The
    model: the drag-to-cost conversion drawn from the published ones
    (``paceline.models.air_cost``), and the residual error of the whole model, 1.12 % of time
    (RMS of ``paceline validate``'s 13 real races). Day-to-day form (``capacity_sd_frac``,
    ``economy_sd_frac``) defaults to 0: race-to-race variation of the same athlete is already in
    that measured residual (drawing both counted it twice: 100 % coverage). The reference
    race: each input the scenario ASSUMED gets its own spread (``reference_*``; 0 = known).
    Defaults are documented in docs/model.md.
    """

    temperature_sd_c: float = Field(default=1.5, ge=0, le=10)
    relative_humidity_sd: float = Field(default=0.05, ge=0, le=0.5)
    wind_speed_sd_m_s: float = Field(default=0.5, ge=0, le=10)
    wind_from_sd_deg: float = Field(default=30.0, ge=0, le=180)
    economy_sd_frac: float = Field(default=0.0, ge=0, le=0.2)
    capacity_sd_frac: float = Field(default=0.0, ge=0, le=0.2)
    drag_reduction_sd: float = Field(default=0.05, ge=0, le=0.5)
    shoe_saving_sd: float = Field(default=0.0, ge=0, le=0.1,
                                  description="race shoes' energy-return saving [fraction]")
    drag_area_sd_frac: float = Field(default=0.05, ge=0, le=0.5)
    air_cost: Literal["published", "fixed"] = Field(
        default="published",
        description='"published": each draw takes one published drag-to-cost conversion '
        "(paceline.models.air_cost, each source equally likely); \"fixed\": the scenario's")
    residual_sd_frac: float = Field(
        default=0.0112, ge=0, le=0.2,
        description="the model's own residual error on finish time [fraction]")
    reference_temperature_sd_c: float = Field(default=0.0, ge=0, le=10)
    reference_relative_humidity_sd: float = Field(default=0.0, ge=0, le=0.5)
    reference_drag_reduction_sd: float = Field(default=0.0, ge=0, le=0.5)
    reference_shoe_saving_sd: float = Field(default=0.0, ge=0, le=0.1)
    reference_time_sd_s: float = Field(default=0.0, ge=0, le=600,
                                       description="timing of the reference race [s]")


class PlanSpec(_Strict):
    """What ``paceline plan`` adds to the race: the formation the pace car's lasers lay out,
    and the pacer roster to rotate. Neither changes the prediction (drafting does that)."""

    formation: str | None = Field(
        default=None, description="formation preset for the laser layout and drawing when "
        "[drafting] gives a drag_reduction rather than a formation")
    roster: str | None = Field(default=None,
                               description="pacer roster CSV/TOML, relative to the scenario")
    crew_formation: str = Field(default="vienna-2019",
                                description="slot layout of the rotation: vienna-2019 (5+2) or "
                                "breaking2-2017")
    exchange_every_m: float = Field(default=4800.0, alias="exchange_every")
    safety_margin: float = Field(default=0.10, ge=0.0, lt=1.0)
    target_time_s: float | None = Field(
        default=None, alias="target_time",
        description="the attempt's target: the pace car, splits and drinks run at this even "
        "pace while the prediction stays the model's own")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("target_time_s", mode="before")
    @classmethod
    def _target(cls, v: Any) -> float | None:
        return None if v is None else _duration(v, "plan.target_time")

    @field_validator("formation")
    @classmethod
    def _known_formation(cls, v: str | None) -> str | None:
        if v is not None:
            _formation_positions(v)  # ValueError listing the valid names
        return v

    @field_validator("exchange_every_m", mode="before")
    @classmethod
    def _every(cls, v: Any) -> float:
        return _distance(v, "plan.exchange_every")


class ModelChoice(_Strict):
    """Which named model a scenario uses where the sources disagree (docs/model.md).

    ``air_cost``: how drag turns into metabolic power (``paceline.models.air_cost``):
    "dasilva2022" (default), "pugh1971", "li2025", "schickhofer-hanson2021", "beaumont2021",
    "marro2023", "kipp2025" or "none".
    ``heat``: how WBGT slows the runner (``paceline.models.heat``): "ely2007" (default: the
    top-3 finishers' rows of Ely et al. 2007) or "none".
    """

    air_cost: str = Field(default="dasilva2022",
                          description="drag → metabolic power model (paceline.models.air_cost)")
    heat: str = Field(default="ely2007",
                      description="WBGT → slowdown model (paceline.models.heat)")

    @field_validator("air_cost")
    @classmethod
    def _known_air_cost(cls, v: str) -> str:
        from paceline.models.air_cost import AIR_COST_MODELS, air_cost_model_names

        if v not in AIR_COST_MODELS:
            raise ValueError(f"unknown air-cost model; valid: {', '.join(air_cost_model_names())}")
        return v

    @field_validator("heat")
    @classmethod
    def _known_heat(cls, v: str) -> str:
        from paceline.models.heat import HEAT_MODELS, heat_model_names

        if v not in HEAT_MODELS:
            raise ValueError(f"unknown heat model; valid: {', '.join(heat_model_names())} "
                             "(docs/model.md, \"Heat\")")
        return v


class Scenario(_Strict):
    """A whole scenario. Build it with :func:`scenario_from_dict` for readable errors."""

    name: str = ""
    description: str = ""
    athlete: Athlete
    race: Race
    course: CourseSpec = CourseSpec(preset="straight")
    conditions: Conditions
    drafting: Drafting = Drafting()
    shoes: Shoes = Shoes()
    uncertainty: Uncertainty = Uncertainty()
    plan: PlanSpec = PlanSpec()
    models: ModelChoice = ModelChoice()

    @model_validator(mode="after")
    def _plausible(self) -> Scenario:
        _plausible_time(self.plan.target_time_s, self.race.distance_m, "plan.target_time",
                        what="the attempt's target for the race distance")
        check_drafting_within(self.drafting, self.race.distance_m, "drafting")
        return self


_UNITS = (("_m_s", "m/s"), ("_m2", "m²"), ("_hpa", "hPa"), ("_deg", "°"), ("_kg", "kg"),
          ("_c", "°C"), ("_m", "m"), ("_s", "s"), ("_frac", "fraction"))


def _field(loc: tuple) -> Any:
    """The pydantic FieldInfo of a scenario key (aliases as in the TOML), or None."""
    import typing

    model: Any = Scenario
    info = None
    for part in loc:
        if model is None:
            return None
        fields = dict(model.model_fields)
        fields.update({f.alias: f for f in model.model_fields.values() if f.alias})
        info = fields.get(str(part))
        if info is None:
            return None
        ann = info.annotation
        model = next((a for a in (ann, *typing.get_args(ann))
                      if isinstance(a, type) and issubclass(a, BaseModel)), None)
    return info


def _valid_range(loc: tuple) -> str | None:
    """"-30 to 50 °C (air temperature at the start)" from a field's bounds and name."""
    info = _field(loc)
    if info is None:
        return None
    lo = hi = None
    for m in info.metadata:
        for attr, side in (("ge", "lo"), ("gt", "lo"), ("le", "hi"), ("lt", "hi")):
            v = getattr(m, attr, None)
            if v is not None:
                text = f"{v:g}" if attr in ("ge", "le") else f"{'>' if side == 'lo' else '<'} {v:g}"
                lo, hi = (text, hi) if side == "lo" else (lo, text)
    name = str(loc[-1])
    unit = next((u for suffix, u in _UNITS if name.endswith(suffix)), "")
    if lo and hi and not lo.startswith(">") and not hi.startswith("<"):
        rng = f"{lo} to {hi}"
    else:
        rng = " and ".join(x if x[0] in "<>" else (f"≥ {x}" if x is lo else f"≤ {x}")
                           for x in (lo, hi) if x)
    if not rng:
        return None
    desc = f" ({info.description})" if info.description else ""
    if unit == "fraction" or "[" in desc:
        unit = ""
    return f"{rng}{' ' + unit if unit else ''}{desc}"


def _one_based_sections(loc: str) -> str:
    """"drafting.sections.0.until" → "drafting section 1, until" (sections count from 1)."""
    return re.sub(r"drafting\.sections\.(\d+)(?:\.(\w+))?",
                  lambda m: f"drafting section {int(m.group(1)) + 1}"
                  + (f", {m.group(2)}" if m.group(2) else ""), loc)


def _keys_of(loc: tuple) -> list[str]:
    """The keys a table of the scenario takes (TOML names, aliases first), [] if unknown."""
    import typing

    model: Any = Scenario
    for part in loc:
        info = _field((*loc[: loc.index(part)], part)) if model is not None else None
        if info is None:
            return []
        ann = info.annotation
        model = next((a for a in (ann, *typing.get_args(ann))
                      if isinstance(a, type) and issubclass(a, BaseModel)), None)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _unknown_key(parts: tuple, given: Any) -> str:
    """"conditions.temprature_c: unknown key in [conditions]; did you mean temperature_c?"

    A table's or a list's contents are not repeated (a wrong file's tables would fill the
    screen); a scalar value is shown, short.
    """
    import difflib

    loc = _one_based_sections(".".join(str(p) for p in parts))
    parent = (_one_based_sections("[" + ".".join(str(p) for p in parts[:-1]) + "]")
              if len(parts) > 1 else "the top level")
    what = "table" if isinstance(given, dict) else "key"
    text = f"{loc}: unknown {what} in {parent}"
    if not isinstance(given, dict | list):
        shown = repr(given)
        text += f" (got {shown if len(shown) <= 40 else shown[:37] + '...'})"
    known = _keys_of(tuple(parts[:-1]))
    close = difflib.get_close_matches(str(parts[-1]), known, n=1, cutoff=0.6)
    if close:
        text += f"; did you mean {close[0]}?"
    elif known:
        text += f"; {parent} takes: {', '.join(known)}"
    return text


def _format_errors(exc: ValidationError, data: dict[str, Any]) -> str:
    """Pydantic's errors in paceline's words: the key, the value given, what is valid."""
    lines = []
    for err in exc.errors():
        parts = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
        loc = _one_based_sections(".".join(str(p) for p in parts))
        kind = err["type"]
        msg = err["msg"].removeprefix("Value error, ")
        given = err.get("input")
        if kind == "missing":
            lines.append(f"{loc}: required key is missing")
        elif kind == "extra_forbidden":
            lines.append(_unknown_key(parts, given))
        elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            valid = _valid_range(parts)
            lines.append(f"{loc} = {given!r} is out of range" +
                         (f"; valid: {valid}" if valid else f" ({msg.lower()})"))
        elif kind.endswith("_parsing") or kind.endswith("_type"):
            want = kind.split("_")[0]
            want = {"float": "a number", "int": "a whole number", "bool": "true or false",
                    "string": "text in quotes", "dict": "a table", "model": "a table",
                    "list": "a list"}.get(
                        want, msg.removeprefix("Input should be ").lower())
            valid = _valid_range(parts)
            lines.append(f"{loc} = {given!r} is not {want}" +
                         (f"; valid: {valid}" if valid else ""))
        elif msg.startswith(f"{loc}: ") or (parts and msg.startswith(f"{parts[-1]}: ")):
            lines.append(msg)  # our own message (units), already names the key and value
        elif re.match(r"^[a-z_]+(\.[a-z_]+)+: ", msg) or re.match(
                r"^(athlete\.reference\.)?drafting( section \d+)?: ", msg):
            lines.append(msg)  # a model-level check naming its own key
        elif isinstance(given, dict):
            lines.append(f"{loc or '(top level)'}: {msg}")
        else:
            lines.append(f"{loc}: {msg.replace('Input should be', 'must be')} (got {given!r})")
    return "; ".join(lines)


def scenario_from_dict(data: dict[str, Any], *, where: str = "scenario") -> Scenario:
    """Validate a scenario mapping (as read from TOML); raise ScenarioError naming every bad key."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        text = _format_errors(exc, data)
        # one "Fix:" per message: a key's own message may already name its fix
        raise ScenarioError(text, where=where,
                            fix=None if "Fix:" in text else
                            "correct the key named (docs/scenario.md lists every key)"
                            if text.count("; ") == 0 else
                            "correct the keys named (docs/scenario.md lists every key)"
                            ) from None
