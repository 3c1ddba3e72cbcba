"""The race plan as one immutable result: ``build_plan(scenario) -> RacePlan`` (orchestration).

Sequences the models and programs that make a race plan — prediction and its uncertainty, what-if
factors, split tables, the pace-car program and its corrections, the drinks plan, the formation
and its laser layout, the crew rotation — and returns them in a frozen :class:`RacePlan`. No
physics here and no I/O: the edges read the scenario, courses and roster
(:func:`paceline.report.plan.write_plan`, ``paceline web``) and render the result (Jinja2
templates shared by the static report and the web pages; JSON/CSV/GPX writers in
:mod:`paceline.io.plan_files`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from paceline.course import Course, preset_info
from paceline.errors import ImpossibleScenarioError
from paceline.formation import evaluate, formation_for_drafting, load_preset
from paceline.program import (
    PaceSchedule,
    car_program,
    correct,
    laser_layout,
    plan_drinks,
    split_table,
)
from paceline.scenario import Scenario
from paceline.sim import MonteCarlo, RaceModel, whatif
from paceline.sim.whatif import ShoeWorth, shoe_worth
from paceline.units import format_duration

__all__ = ["RacePlan", "build_plan", "STEPS", "CAR_TOLERANCE_S", "SPLIT_EVERY"]

#: Progress steps :func:`build_plan` reports.
STEPS = 7
#: The pace car's set speed changes only when holding it would put the group more than this
#: far off schedule [s] (hysteresis; ASSUMED 0.5 s — a gap the crew cannot see on the road).
CAR_TOLERANCE_S = 0.5
#: The split tables every plan holds (plus "lap" on a lapped course).
SPLIT_EVERY = ("km", "mile", "5km")


@dataclass(frozen=True)
class RacePlan:
    """Everything a race plan holds. Units SI (s, m, m/s, W/kg, N); arrays read-only.

    ``result`` is the plan's schedule (the target, run at even pace, when the scenario sets one;
    otherwise the model's prediction); ``prediction`` the model's own best. ``track_*`` is the
    course resampled to ≤ 10 m (per node); ``track_lat_deg``/``track_lon_deg`` are None for
    courses without a geographic anchor.
    """

    scenario: Scenario
    model: RaceModel
    result: Any  # paceline.sim.RaceResult
    prediction: Any  # paceline.sim.RaceResult
    target_time_s: float | None
    target_key: str | None
    target_shortfall_frac: float | None
    draws: int
    seed: int
    percentiles_s: dict[int, float]
    whatif_base_s: float
    whatif_factors: tuple
    shoes: ShoeWorth  # what the race shoes save against the reference shoe [s]
    splits: dict[str, tuple]  # every -> tuple[SplitRow]
    car: Any  # paceline.program.CarProgram
    car_changes: tuple[tuple[float, float], ...]  # (distance_m, set speed km/h)
    corrections: tuple
    drinks: Any  # paceline.program.DrinksPlan
    formation: Any | None
    formation_from_plan: bool
    formation_result: Any | None  # paceline.formation.FormationResult at the mean speed
    laser: Any | None
    crew_plan: Any | None
    track_distance_m: np.ndarray
    track_east_m: np.ndarray
    track_north_m: np.ndarray
    track_elevation_m: np.ndarray
    track_elapsed_s: np.ndarray
    track_lat_deg: np.ndarray | None = None
    track_lon_deg: np.ndarray | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def finish_time_s(self) -> float:
        return float(self.result.finish_time_s)

    @property
    def prediction_s(self) -> float:
        return float(self.prediction.finish_time_s)

    @property
    def distance_m(self) -> float:
        return float(self.result.distance_m)


def _readonly(a) -> np.ndarray:
    a = np.array(a, dtype=float)
    a.setflags(write=False)
    return a


def _car_changes(car) -> tuple[tuple[float, float], ...]:
    return tuple((float(d), float(v)) for d, v in car.changes())


def build_plan(scenario: Scenario, *, course: Course, reference_course: Course | None = None,
               pacers: Sequence | None = None, draws: int = 20000, seed: int = 2019,
               force: bool = False, crew_time_limit_s: float = 4.0,
               car_tolerance_s: float = CAR_TOLERANCE_S,
               lat_lon: Callable | None = None, crew_plan=None,
               progress: Callable[[int, int, str], None] | None = None) -> RacePlan:
    """Run the models and programs of a race plan and return them as one :class:`RacePlan`.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario (``paceline.io.scenario_file.read_scenario``).
    course, reference_course : Course
        The race's and the reference race's courses (``load_courses``).
    pacers : sequence of paceline.crew.Pacer, optional
        The roster for the crew rotation (``read_roster``); None: no rotation.
    draws, seed : int
        Monte Carlo draws and the seed of its ``numpy.random.Generator``.
    force : bool
        Plan for a target beyond the model's capacity instead of raising.
    car_tolerance_s : float
        Schedule error the pace car's program accepts before changing speed [s].
    lat_lon : callable, optional
        ``(east_m, north_m, lat0_deg, lon0_deg) -> (lat_deg, lon_deg)`` for the map and GPX
        (the edge passes ``paceline.io.schedule_gpx.east_north_to_lat_lon``).
    crew_plan : paceline.crew.CrewPlan, optional
        A rotation already solved (read back from crew_plan.json): used as is, not re-solved.

    Raises
    ------
    ImpossibleScenarioError
        The target needs more than the athlete's sustainable power (unless ``force``).
    """
    sc = scenario
    step = 0

    def tick(label: str) -> None:
        nonlocal step
        step += 1
        if progress:
            progress(step, STEPS, label)

    target = sc.race.target_time_s or sc.plan.target_time_s
    target_key = None if target is None else (
        "race.target_time" if sc.race.target_time_s else "plan.target_time")
    # the athlete's own best (no target): for the uncertainty, what-if and the shortfall
    free_sc = sc.model_copy(update={"race": sc.race.model_copy(update={"target_time_s": None})})
    model = RaceModel(free_sc, course, reference_course)
    shortfall = None
    if target is not None:
        result = model.at_even_pace(target)
        if result.effort_frac > 1.0 + 1e-9:
            best = model.solve(pacing="even-pace").finish_time_s
            shortfall = best / target - 1.0
            if not force:
                raise ImpossibleScenarioError(
                    f"the target {format_duration(target)} is out of reach: the model's best "
                    f"even-paced time is {format_duration(best, decimals=1)}, {shortfall:.1%} "
                    f"slower ({result.effort_frac:.1%} of sustainable power needed)",
                    where=target_key, value=format_duration(target),
                    fix="set a slower target, or pass --force to write the plan for the "
                    "target anyway")
        prediction = model.solve()
    else:
        result = prediction = model.solve()
    tick("prediction")
    pct = MonteCarlo(model).run(draws, np.random.default_rng(seed)).percentiles()
    tick("uncertainty")
    base_s, factors = whatif(free_sc, course, reference_course)
    shoes = shoe_worth(model)
    tick("what-if")
    schedule = PaceSchedule(result.node_distance_m, result.elapsed_s, result.pacing)
    car = car_program(schedule, tolerance_s=car_tolerance_s)
    corrections = tuple(correct(schedule, 10000.0, d) for d in (+2.0, -2.0, +10.0))
    splits = {every: tuple(split_table(result.node_distance_m, result.elapsed_s, every,
                                       result.lap_marks_m))
              for every in SPLIT_EVERY + (("lap",) if result.lap_marks_m else ())}
    tick("pace car")
    drinks = plan_drinks(model, result)
    formation = formation_for_drafting(sc.drafting)
    from_plan = formation is None and sc.plan.formation is not None
    if from_plan:
        formation = load_preset(sc.plan.formation)
    laser = formation_result = None
    if formation is not None:
        laser = laser_layout(list(formation.runner_names), formation.x_m, formation.y_m,
                             offset_m=car.offset_m)
        formation_result = evaluate(formation, speed_m_s=result.distance_m / result.finish_time_s)
    tick("drinks and formation")
    if crew_plan is None and pacers is not None:
        from paceline.crew import CrewScheduler, problem_from_scenario

        problem = problem_from_scenario(
            free_sc, list(pacers), course=course, reference_course=reference_course,
            formation=sc.plan.crew_formation, exchange_every_m=sc.plan.exchange_every_m,
            safety_margin_frac=sc.plan.safety_margin, target_time_s_override=result.finish_time_s)
        crew_plan = CrewScheduler(problem, time_limit_s=crew_time_limit_s).solve("margin")
    tick("crew")
    track = model.course.for_distance(result.distance_m).resample(10.0)
    east, north = track.position_m()
    dist = np.concatenate([[0.0], np.cumsum(track.segment_length_m)])
    lat = lon = None
    info = preset_info(sc.course.preset) if sc.course.preset else {}
    if lat_lon is not None and "start_lat_deg" in info:
        lat, lon = lat_lon(east, north, info["start_lat_deg"], info["start_lon_deg"])
        lat, lon = _readonly(lat), _readonly(lon)
    notes = ()
    if lat is None:
        notes = ("No map coordinates and no GPX schedule: this course has no geographic anchor "
                 "(a GPX course, or a preset without start_lat_deg such as the straight and "
                 "track presets); the map draws the course in local metres.",)
    tick("course")
    return RacePlan(
        scenario=sc, model=model, result=result, prediction=prediction, target_time_s=target,
        target_key=target_key, target_shortfall_frac=shortfall, draws=draws, seed=seed,
        percentiles_s={k: float(pct[k]) for k in (10, 50, 90)}, whatif_base_s=float(base_s),
        whatif_factors=tuple(factors), shoes=shoes, splits=splits, car=car,
        car_changes=_car_changes(car),
        corrections=corrections, drinks=drinks, formation=formation, formation_from_plan=from_plan,
        formation_result=formation_result, laser=laser, crew_plan=crew_plan,
        track_distance_m=_readonly(dist), track_east_m=_readonly(east),
        track_north_m=_readonly(north), track_elevation_m=_readonly(track.elevation_m),
        track_elapsed_s=_readonly(result.elapsed_at(dist)), track_lat_deg=lat,
        track_lon_deg=lon, notes=notes)
