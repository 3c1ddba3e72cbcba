"""RaceModel: chain the models along a course and solve for the fastest sustainable finish.

An orchestrator: it configures and sequences :mod:`paceline.models` functions and returns an
immutable :class:`RaceResult`. It adds no physics of its own (see docs/model.md).

Array axis order follows DESIGN.md: (draw, segment, runner); a single race is (segment,).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from paceline.course import Course, preset
from paceline.errors import ImpossibleScenarioError, ScenarioError
from paceline.models import aerodynamics as aero
from paceline.models import air_cost, atmosphere, endurance, heat, hypoxia
from paceline.models import energetics as en
from paceline.scenario import Conditions, CourseSpec, Drafting, Scenario, Shoes

__all__ = ["RaceModel", "RaceResult", "Segments", "compile_segments", "drafting_per_segment",
           "shoe_mass_saving_frac", "shoe_saving_frac"]

MAX_SEGMENT_M = 10.0


def shoe_saving_frac(shoes: Shoes) -> float:
    """Total metabolic saving of a shoe spec [-]: energy return plus the mass difference.

    The mass term is Frederick's ≈ 1 % per 100 g per shoe for the race shoe against the
    reference shoe (0 when the scenario gives neither mass).
    """
    return shoes.metabolic_saving + shoe_mass_saving_frac(shoes)


def shoe_mass_saving_frac(shoes: Shoes) -> float:
    """Saving from the race shoe being lighter than the reference shoe [-] (negative: heavier)."""
    if shoes.mass_g is None or shoes.reference_mass_g is None:
        return 0.0
    return float(en.shoe_mass_saving_frac_frederick1984(
        shoes.mass_g, reference_mass_g=shoes.reference_mass_g))


@dataclass(frozen=True)
class Segments:
    """A course compiled for one set of conditions: one entry per segment (axis: segment)."""

    node_distance_m: np.ndarray
    length_m: np.ndarray
    grade_frac: np.ndarray
    curvature_1_m: np.ndarray
    heading_deg: np.ndarray
    headwind_m_s: np.ndarray
    crosswind_m_s: np.ndarray
    air_density_kg_m3: np.ndarray
    drag_reduction_frac: np.ndarray
    temperature_c: np.ndarray
    lap_marks_m: tuple[float, ...]

    @property
    def distance_m(self) -> float:
        return float(self.node_distance_m[-1])


def _altitude_m(conditions: Conditions) -> float:
    """Altitude of the race [m]: given, or from the given pressure by ISA, or sea level."""
    if conditions.altitude_m is not None:
        return conditions.altitude_m
    if conditions.pressure_hpa is not None:
        return float(atmosphere.isa_altitude_m(conditions.pressure_hpa * 100.0))
    return 0.0


def _pressure_pa(conditions: Conditions) -> float:
    if conditions.pressure_hpa is not None:
        return conditions.pressure_hpa * 100.0
    return float(atmosphere.isa_pressure_pa(conditions.altitude_m or 0.0))


#: Running speed used to set the angle of the air relative to a pacer formation [m/s] (the
#: drag *ratio* does not depend on speed, only the yaw of the air does): ≈ 2:00 marathon pace.
#: At 2 m/s of crosswind the yaw is 18.9° at 5.85 m/s and 20.0° at 5.5 m/s.
FORMATION_AIR_SPEED_M_S = 5.85


def _drafting_per_segment(drafting: Drafting, headwind_m_s, crosswind_m_s, shape) -> np.ndarray:
    """Athlete's drag reduction per segment: the fraction given, or the formation model's."""
    if drafting.formation is None and drafting.positions is None:
        return np.full(shape, drafting.drag_reduction)
    if drafting.drag_reduction == 0.0:  # a formation switched off (e.g. by whatif)
        return np.zeros(shape)
    from paceline.formation import athlete_drag_reduction

    head = np.broadcast_to(headwind_m_s, shape)
    cross = np.broadcast_to(crosswind_m_s, shape)
    return athlete_drag_reduction(drafting, head, cross, speed_m_s=FORMATION_AIR_SPEED_M_S)


def drafting_per_segment(drafting: Drafting, mid_m, headwind_m_s, crosswind_m_s) -> np.ndarray:
    """Athlete's drag reduction per segment [-] from a scenario's drafting.

    Parameters
    ----------
    drafting : Drafting
        One drafting table, or a list of sections (``drafting.sections``), each a fraction or a
        formation over [from, until).
    mid_m : ndarray, shape (segment,)
        Distance of each segment's midpoint [m].
    headwind_m_s, crosswind_m_s : array_like, broadcast to (segment,)
        Wind along and across each segment's heading [m/s] (formations only).
    """
    mid = np.asarray(mid_m, dtype=float)
    shape = mid.shape
    if drafting.sections is not None:
        if drafting.drag_reduction == 0.0:  # all switched off (e.g. by whatif)
            return np.zeros(shape)
        out = np.zeros(shape)
        for sec in drafting.sections:
            inside = _within(mid, sec)
            if inside.any():
                out[inside] = _drafting_per_segment(
                    sec, np.broadcast_to(headwind_m_s, shape)[inside],
                    np.broadcast_to(crosswind_m_s, shape)[inside], (int(inside.sum()),))
        return out
    draft = _drafting_per_segment(drafting, headwind_m_s, crosswind_m_s, shape)
    return np.where(_within(mid, drafting), draft, 0.0)


def _within(mid: np.ndarray, d: Drafting) -> np.ndarray:
    lo = 0.0 if d.from_m is None else d.from_m
    hi = np.inf if d.until_m is None else d.until_m
    return (mid > lo) & (mid <= hi)


def compile_segments(
    course: Course, distance_m: float, conditions: Conditions, drafting: Drafting
) -> Segments:
    """Fit the course to the race distance, cut it into ≤ 10 m segments, attach air and wind.

    With a pacer formation (``drafting.formation`` or ``drafting.positions``) the athlete's
    drag reduction on each segment comes from the formation model with the wind resolved
    along that segment's heading (a crosswind shifts the pacers' wakes sideways).
    """
    c = course.for_distance(distance_m).resample(MAX_SEGMENT_M)
    nodes = np.asarray(c.node_distance_m, dtype=float)
    length = np.diff(nodes)
    mid = 0.5 * (nodes[:-1] + nodes[1:])
    t_end = conditions.temperature_end_c
    if t_end is None:
        temp = np.full(length.shape, conditions.temperature_c)
    else:
        temp = conditions.temperature_c + (t_end - conditions.temperature_c) * mid / nodes[-1]
    rho = atmosphere.air_density_kg_m3(temp, conditions.relative_humidity, _pressure_pa(conditions))
    head, cross = aero.wind_components_m_s(
        conditions.wind_speed_m_s, conditions.wind_from_deg, c.heading_deg
    )
    draft = drafting_per_segment(drafting, mid, head, cross)
    return Segments(
        node_distance_m=nodes,
        length_m=length,
        grade_frac=np.asarray(c.grade_frac, dtype=float),
        curvature_1_m=np.asarray(c.curvature_1_m, dtype=float),
        heading_deg=np.asarray(c.heading_deg, dtype=float),
        headwind_m_s=np.broadcast_to(head, length.shape).copy(),
        crosswind_m_s=np.broadcast_to(cross, length.shape).copy(),
        air_density_kg_m3=np.broadcast_to(rho, length.shape).copy(),
        drag_reduction_frac=draft,
        temperature_c=temp,
        lap_marks_m=tuple(c.lap_marks_m),
    )


@dataclass(frozen=True)
class RaceResult:
    """Outcome of one race. Units: s, m, m/s, W/kg, N. Arrays are per segment or per node."""

    finish_time_s: float
    distance_m: float
    pacing: str
    node_distance_m: np.ndarray  # (n+1,) [m]
    elapsed_s: np.ndarray  # (n+1,) [s]
    speed_m_s: np.ndarray  # (n,) [m/s]
    metabolic_power_w_kg: np.ndarray  # (n,) [W/kg]
    drag_force_n: np.ndarray  # (n,) [N]
    breakdown_w_kg: dict[str, float]  # time-averaged power by cause [W/kg]
    capacity_w_kg: float  # sustainable power for this duration [W/kg]
    effort_frac: float  # time-averaged power / capacity [-]
    wbgt_c: float  # mean WBGT of the race [°C]
    heat_factor: float  # capacity factor from heat relative to the reference [-]
    air_density_kg_m3: float  # mean [kg/m³]
    lap_marks_m: tuple[float, ...] = field(default=())

    def elapsed_at(self, distance_m) -> np.ndarray:
        """Elapsed time [s] at any distance(s) [m] along the race (linear within a segment)."""
        return np.interp(distance_m, self.node_distance_m, self.elapsed_s)

    def splits(self, every_m: float) -> list[tuple[float, float]]:
        """(distance_m, elapsed_s) every ``every_m`` metres, and at the finish."""
        marks = list(np.arange(every_m, self.distance_m - 1e-6, every_m)) + [self.distance_m]
        return [(float(d), float(t)) for d, t in zip(marks, self.elapsed_at(marks), strict=True)]

    def lap_splits(self) -> list[tuple[float, float]]:
        marks = [m for m in self.lap_marks_m if 0 < m <= self.distance_m + 1e-6]
        return [(float(d), float(t)) for d, t in zip(marks, self.elapsed_at(marks), strict=True)]

    @property
    def half_way_s(self) -> float:
        return float(self.elapsed_at(self.distance_m / 2))

    @property
    def mean_drag_force_n(self) -> float:
        """Time-averaged drag force along the course [N]."""
        dt = np.diff(self.elapsed_s)
        return float(np.sum(self.drag_force_n * dt) / np.sum(dt))

    @property
    def air_share(self) -> float:
        """Fraction of metabolic power spent against the air (time-averaged) [-]."""
        total = sum(self.breakdown_w_kg.values())
        return self.breakdown_w_kg["air"] / total if total else math.nan


class RaceModel:
    """Solve a scenario: capacity from the reference race, then the fastest sustainable finish.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    course : Course, optional
        The race course; built from ``scenario.course`` when it names a preset.
    reference_course : Course, optional
        The reference race's course; built from its spec when it names a preset.
    """

    def __init__(
        self,
        scenario: Scenario,
        course: Course | None = None,
        reference_course: Course | None = None,
    ) -> None:
        self.scenario = scenario
        ath = scenario.athlete
        self.mass_kg = ath.mass_kg
        self.drag_area_m2 = (
            ath.drag_area_m2
            if ath.drag_area_m2 is not None
            else float(aero.drag_area_m2(ath.mass_kg, ath.height_m))
        )
        economy = ath.physiology.economy_ml_kg_km if ath.physiology else ath.economy_ml_kg_km
        # ml O2/kg/km × J/ml ÷ 1000 m/km → J/kg/m
        self.cost_ref_j_kg_m = economy * en.OXYGEN_ENERGY_J_PER_ML / 1000.0
        self.speed_ref_m_s = ath.economy_speed_m_s
        self.fraction_model = endurance.get_sustainable_fraction_model("daniels-gilbert")
        #: how drag turns into metabolic power (scenario ``[models] air_cost``)
        self.air_cost = air_cost.get_air_cost_model(scenario.models.air_cost)
        #: how WBGT slows the runner (scenario ``[models] heat``)
        self.heat_model = heat.get_heat_model(scenario.models.heat)
        self.course = course or _preset_course(scenario.course, "course")
        self.segments = compile_segments(
            self.course, scenario.race.distance_m, scenario.conditions, scenario.drafting
        )
        _check_grades(self.segments, "course")
        self.saving = shoe_saving_frac(scenario.shoes)
        self.wbgt_c = _mean_wbgt(self.segments, scenario.conditions)
        if ath.reference is not None:
            ref = ath.reference
            ref_course = reference_course or _preset_course(ref.course, "athlete.reference.course")
            self.reference_segments = compile_segments(
                ref_course, ref.distance_m, ref.conditions, ref.drafting
            )
            _check_grades(self.reference_segments, "athlete.reference.course")
            self.reference_saving = shoe_saving_frac(ref.shoes)
            self.reference_wbgt_c = _mean_wbgt(self.reference_segments, ref.conditions)
            self.reference_effort_w_kg = self._reference_effort(ref.time_s, ref.pacing)
            self.reference_time_s = ref.time_s
            ref_altitude = _altitude_m(ref.conditions)
        else:
            phys = ath.physiology
            assert phys is not None
            self.reference_segments = None
            self.reference_wbgt_c = float(heat.ELY2007_BAND_MIDPOINTS_C[0])
            self.reference_effort_w_kg = float(
                en.vo2_ml_kg_min_to_w_kg(phys.vo2max_ml_kg_min * phys.fraction_sustainable)
            )
            self.reference_time_s = None
            ref_altitude = 0.0  # physiology measured near sea level (assumed)
        self.heat_factor = self._heat_power_factor()
        #: capacity factor for hypoxia at the race's altitude vs the reference's [-]
        self.altitude_factor = float(
            hypoxia.vo2max_factor_wehrlin_hallen2006(_altitude_m(scenario.conditions))
            / hypoxia.vo2max_factor_wehrlin_hallen2006(ref_altitude))

    # --- capacity -------------------------------------------------------------------------
    def _model_inputs(self, seg: Segments, saving: float) -> dict:
        """Keyword arguments of the energetics model for a compiled course."""
        return dict(
            cost_ref_j_kg_m=self.cost_ref_j_kg_m, mass_kg=self.mass_kg,
            speed_ref_m_s=self.speed_ref_m_s, grade_frac=seg.grade_frac,
            curvature_1_m=seg.curvature_1_m, air_density_kg_m3=seg.air_density_kg_m3,
            drag_area_m2=self.drag_area_m2, headwind_m_s=seg.headwind_m_s,
            crosswind_m_s=seg.crosswind_m_s, drag_reduction_frac=seg.drag_reduction_frac,
            metabolic_saving_frac=saving, **self.air_cost_inputs,
        )

    @property
    def air_cost_inputs(self) -> dict:
        """The air-cost model's coefficients as energetics keyword arguments."""
        return dict(impeding_slope=self.air_cost.impeding_slope,
                    aiding_over_impeding=self.air_cost.aiding_over_impeding)

    def _power(self, speed, seg: Segments, saving: float):
        return en.metabolic_power_w_kg(speed, **self._model_inputs(seg, saving))

    def _speeds(self, power, seg: Segments, saving: float, guess=None, iterations=8):
        return en.speed_at_metabolic_power_m_s(
            power, initial_speed_m_s=guess, iterations=iterations,
            **self._model_inputs(seg, saving))

    def _time_at_effort(self, power, seg, saving, guess=None):
        v = self._speeds(power, seg, saving, guess, iterations=8 if guess is None else 4)
        return float(np.sum(seg.length_m / v)), v

    def _mean_power_even_pace(self, speed, seg, saving) -> float:
        p = self._power(speed, seg, saving)
        return float(np.sum(p * seg.length_m) / seg.distance_m)

    def _reference_effort(self, time_s: float, pacing: str) -> float:
        seg, saving = self.reference_segments, self.reference_saving
        if pacing == "even-pace":
            return self._mean_power_even_pace(seg.distance_m / time_s, seg, saving)
        # even effort: the constant power whose course time equals the reference time
        p = self._mean_power_even_pace(seg.distance_m / time_s, seg, saving)
        v = None
        for _ in range(30):
            t, v = self._time_at_effort(p, seg, saving, v)
            p_new = p * (t / time_s) ** 1.3  # dlnT/dlnP ≈ −1/1.3 near race speeds
            if abs(t - time_s) < 1e-4:
                break
            p = p_new
        return p

    def _heat_power_factor(self) -> float:
        """The heat model's speed factor for the race vs the reference WBGT, as a power
        factor."""
        speed_factor = float(
            self.heat_model.speed_factor(self.wbgt_c, self.reference_wbgt_c,
                                         sex=self.scenario.athlete.sex)
        )
        # convert a speed factor into a power factor with the model's own P–v elasticity
        v = self.segments.distance_m / 7200.0 if self.reference_time_s is None else (
            self.reference_segments.distance_m / self.reference_time_s)
        flat = dict(cost_ref_j_kg_m=self.cost_ref_j_kg_m, mass_kg=self.mass_kg,
                    speed_ref_m_s=self.speed_ref_m_s, drag_area_m2=self.drag_area_m2,
                    **self.air_cost_inputs)
        p1 = en.metabolic_power_w_kg(v, **flat)
        p2 = en.metabolic_power_w_kg(v * 1.001, **flat)
        #: d ln P / d ln v at race pace on the level in still air [-]
        self.elasticity = float(np.log(p2 / p1) / np.log(1.001))
        return speed_factor**self.elasticity

    def capacity_w_kg(self, duration_s) -> np.ndarray:
        """Sustainable metabolic power [W/kg] for a race lasting ``duration_s`` here."""
        base = self.reference_effort_w_kg * self.heat_factor * self.altitude_factor
        if self.reference_time_s is None:
            return np.broadcast_to(base, np.shape(duration_s)).astype(float)
        f = self.fraction_model
        return base * f(np.asarray(duration_s, float)) / f(self.reference_time_s)

    def check_heat_range(self) -> None:
        """Refuse a race or reference race whose WBGT the heat model does not rate.

        Raises
        ------
        ImpossibleScenarioError
            The race's (or the reference race's) mean WBGT is above the heat model's
            ``max_wbgt_c`` (ely2007: 30 °C; its data end at 25 °C). The message names the
            temperature and humidity keys, the WBGT computed, the valid range and the fix.
        """
        hm = self.heat_model
        if hm.max_wbgt_c is None:
            return
        checks = [("conditions", self.scenario.conditions, self.wbgt_c)]
        ref = self.scenario.athlete.reference
        if ref is not None:
            checks.append(("athlete.reference.conditions", ref.conditions,
                           self.reference_wbgt_c))
        for key, c, wbgt in checks:
            if wbgt <= hm.max_wbgt_c:
                continue
            ramp = "" if c.temperature_end_c is None else f"→{c.temperature_end_c:g}"
            raise ImpossibleScenarioError(
                f"temperature {c.temperature_c:g}{ramp} °C with {key}.relative_humidity "
                f"{c.relative_humidity:.0%} gives a WBGT of {wbgt:.1f} °C (estimated from "
                "temperature and humidity, mean over the course), hotter than the heat model "
                "rates", where=f"{key}.temperature_c", valid=hm.valid_range_text(),
                fix=f"choose a cooler hour or day (a lower {key}.temperature_c or "
                f"relative_humidity), or switch the heat effect off knowingly with "
                '[models] heat = "none" (the prediction then ignores heat)')

    # --- solve ----------------------------------------------------------------------------
    def solve(self, pacing: str | None = None) -> RaceResult:
        """The fastest finish the athlete can sustain (even effort or even pace).

        Raises
        ------
        ImpossibleScenarioError
            A WBGT outside the heat model's range (:meth:`check_heat_range`), or a target
            out of reach.
        """
        self.check_heat_range()
        sc = self.scenario
        pacing = pacing or sc.race.pacing
        seg = self.segments
        if sc.race.target_time_s is not None:
            return self._at_target(sc.race.target_time_s)
        if pacing == "even-pace":
            v = self._solve_even_pace()
            speed = np.full(seg.length_m.shape, v)
        else:
            t_guess = self.reference_time_s or seg.distance_m / 5.0
            p = float(self.capacity_w_kg(t_guess))
            speed = None
            for _ in range(20):  # fixed point P = capacity(T(P)); contracts ~50× per step
                t, speed = self._time_at_effort(p, seg, self.saving, speed)
                p_new = float(self.capacity_w_kg(t))
                if abs(p_new - p) < 1e-9 * p:
                    break
                p = p_new
            t, speed = self._time_at_effort(p, seg, self.saving, speed)
        return self._result(speed, pacing)

    def _solve_even_pace(self) -> float:
        seg = self.segments
        v = seg.distance_m / (self.reference_time_s or seg.distance_m / 5.0)
        for _ in range(40):  # Newton on ln Pbar(v) − ln C(D/v)
            p = self._mean_power_even_pace(v, seg, self.saving)
            c = float(self.capacity_w_kg(seg.distance_m / v))
            p2 = self._mean_power_even_pace(v * 1.0001, seg, self.saving)
            c2 = float(self.capacity_w_kg(seg.distance_m / (v * 1.0001)))
            g, g2 = math.log(p / c), math.log(p2 / c2)
            step = g / ((g2 - g) / math.log(1.0001))
            v *= math.exp(-step)
            if abs(step) < 1e-12:
                break
        return v

    def at_even_pace(self, finish_time_s: float) -> RaceResult:
        """The race run at the even pace of ``finish_time_s``, whether sustainable or not
        (``effort_frac`` > 1 says by how much it is not)."""
        seg = self.segments
        return self._result(np.full(seg.length_m.shape, seg.distance_m / finish_time_s),
                            "target")

    def at_effort(self, metabolic_power_w_kg: float) -> RaceResult:
        """The race run at a constant metabolic power [W/kg] (even effort), whether
        sustainable or not (``effort_frac`` > 1 says by how much it is not). Used by the
        live service to run the rest of the course at the effort shown so far."""
        _, speed = self._time_at_effort(float(metabolic_power_w_kg), self.segments,
                                        self.saving)
        return self._result(speed, "even-effort")

    def _at_target(self, target_s: float) -> RaceResult:
        seg = self.segments
        v = seg.distance_m / target_s
        need = self._mean_power_even_pace(v, seg, self.saving)
        cap = float(self.capacity_w_kg(target_s))
        if not math.isfinite(need) or need > cap * (1 + 1e-9):
            best = self._result(np.full(seg.length_m.shape, self._solve_even_pace()), "even-pace")
            from paceline.units import format_duration

            raise ImpossibleScenarioError(
                f"a target of {format_duration(target_s)} needs {need / cap:.1%} of the power "
                f"this athlete can sustain for that long; the model's fastest even-paced finish "
                f"is {format_duration(best.finish_time_s, decimals=1)}",
                where="race.target_time",
                value=format_duration(target_s),
                fix=f"set race.target_time slower than {format_duration(best.finish_time_s)} "
                "or remove it to get the fastest sustainable time",
            )
        return self.at_even_pace(target_s)

    def _result(self, speed: np.ndarray, pacing: str) -> RaceResult:
        seg = self.segments
        dt = seg.length_m / speed
        elapsed = np.concatenate([[0.0], np.cumsum(dt)])
        t = float(elapsed[-1])
        power = self._power(speed, seg, self.saving)
        drag = aero.drag_force_n(speed, seg.air_density_kg_m3, self.drag_area_m2,
                                 seg.headwind_m_s, seg.crosswind_m_s, seg.drag_reduction_frac)
        base = en.level_cost_batliner2018_j_kg_m(speed, self.cost_ref_j_kg_m,
                                                 self.speed_ref_m_s) * speed
        keep = 1.0 - self.saving
        level = base * keep
        grade = base * keep * (en.grade_cost_factor_minetti2002(seg.grade_frac) - 1.0)
        curves = base * keep * en.curve_cost_factor_taboga_kram2019(speed, seg.curvature_1_m)
        air = power - level - grade - curves

        def tavg(x):
            return float(np.sum(x * dt) / t)

        breakdown = {"level": tavg(level), "grade": tavg(grade), "curves": tavg(curves),
                     "air": tavg(air)}
        cap = float(self.capacity_w_kg(t))
        return RaceResult(
            finish_time_s=t, distance_m=seg.distance_m, pacing=pacing,
            node_distance_m=seg.node_distance_m, elapsed_s=elapsed, speed_m_s=speed,
            metabolic_power_w_kg=power, drag_force_n=drag, breakdown_w_kg=breakdown,
            capacity_w_kg=cap, effort_frac=tavg(power) / cap, wbgt_c=self.wbgt_c,
            heat_factor=self.heat_factor, air_density_kg_m3=tavg(seg.air_density_kg_m3),
            lap_marks_m=seg.lap_marks_m,
        )


def _check_grades(seg: Segments, key: str) -> None:
    """Refuse courses steeper than the cost-of-running model covers (Minetti: ±45 %)."""
    bad = np.abs(seg.grade_frac) > 0.45
    if bad.any():
        i = int(np.argmax(np.abs(seg.grade_frac)))
        raise ImpossibleScenarioError(
            f"the course is steeper than the running-cost model covers (±45 %, Minetti et al. "
            f"2002): {seg.grade_frac[i]:+.0%} at {seg.node_distance_m[i] / 1000:.2f} km, "
            f"{int(bad.sum())} segments in all", where=key,
            fix="check the GPX elevations (spikes?) or cut the course; this is not a "
            "running course at race pace")


def _mean_wbgt(seg: Segments, conditions: Conditions) -> float:
    w = heat.wbgt_from_temperature_humidity_c(seg.temperature_c, conditions.relative_humidity)
    return float(np.sum(w * seg.length_m) / seg.distance_m)


def _preset_course(spec: CourseSpec, key: str) -> Course:
    if spec.preset is None:
        raise ScenarioError(
            "a GPX course must be loaded before the race model runs",
            where=key, value=spec.gpx,
            fix="load it with paceline.io.load_course(spec, base_dir) and pass it to RaceModel",
        )
    course = preset(spec.preset)
    if spec.laps > 1:
        raise ScenarioError("laps apply to GPX courses; presets carry their own laps",
                            where=f"{key}.laps", value=spec.laps, fix="remove laps")
    return course
