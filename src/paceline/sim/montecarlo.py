"""MonteCarlo: finish-time distribution over stated input spreads, vectorized over draws.

The course is compressed into classes of segments that share grade, curvature, heading,
drafting and temperature bucket (lengths summed), so that every draw is solved at once on a
(draw, class) array with no Python loop per race. Draws take an explicit
``numpy.random.Generator`` (never global seeding).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from paceline.models import aerodynamics as aero
from paceline.models import atmosphere, heat
from paceline.models import energetics as en
from paceline.sim.race import RaceModel, Segments, _pressure_pa

__all__ = ["MonteCarlo", "MonteCarloResult", "compress_segments"]


@dataclass(frozen=True)
class SegmentClasses:
    """Segments grouped by identical model inputs (axis: class)."""

    length_m: np.ndarray
    grade_frac: np.ndarray
    curvature_1_m: np.ndarray
    heading_deg: np.ndarray
    drafted: np.ndarray  # bool
    drag_reduction_frac: np.ndarray  # length-weighted mean drafting reduction [-]
    temperature_offset_c: np.ndarray  # temperature ramp relative to the start [°C]


def compress_segments(seg: Segments, start_temperature_c: float) -> SegmentClasses:
    """Group segments whose grade (0.1 %), curvature (1e-4 /m), heading (2°), drafting and
    temperature (0.25 °C) round to the same values; each class keeps the summed length and the
    length-weighted mean of its inputs."""
    keys = np.stack([
        np.round(seg.grade_frac / 0.001),
        np.round(seg.curvature_1_m / 1e-4),
        np.round((seg.heading_deg % 360.0) / 2.0) % 180,
        np.round(seg.drag_reduction_frac / 0.01),  # drafting sections, formations in wind
        np.round((seg.temperature_c - start_temperature_c) / 0.25),
    ], axis=1)
    _, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    n = int(inverse.max()) + 1
    w = seg.length_m
    total = np.bincount(inverse, weights=w, minlength=n)

    def wmean(x):
        return np.bincount(inverse, weights=w * x, minlength=n) / total

    # headings are averaged as unit vectors so 359° and 1° do not average to 180°
    hx = wmean(np.cos(np.deg2rad(seg.heading_deg)))
    hy = wmean(np.sin(np.deg2rad(seg.heading_deg)))
    return SegmentClasses(
        length_m=total,
        grade_frac=wmean(seg.grade_frac),
        curvature_1_m=wmean(seg.curvature_1_m),
        heading_deg=np.rad2deg(np.arctan2(hy, hx)) % 360.0,
        drafted=np.bincount(inverse, weights=(seg.drag_reduction_frac > 0) * w, minlength=n)
        > 0.5 * total,
        temperature_offset_c=wmean(seg.temperature_c - start_temperature_c),
        drag_reduction_frac=wmean(seg.drag_reduction_frac),
    )


@dataclass(frozen=True)
class MonteCarloResult:
    finish_time_s: np.ndarray  # (draw,) [s]
    classes: int

    def percentiles(self, q=(10, 50, 90)) -> dict[int, float]:
        return {int(k): float(v) for k, v in zip(q, np.percentile(self.finish_time_s, q),
                                                 strict=True)}


class MonteCarlo:
    """Run many draws of a RaceModel's scenario (even effort) with the scenario's spreads."""

    #: fixed-point steps on the effort, and Newton steps on the speeds per effort step; enough
    #: for 0.01 s from the deterministic warm start (test_iterations_converged)
    outer_iterations = 3
    newton_iterations = 2

    def __init__(self, model: RaceModel) -> None:
        self.model = model
        sc = model.scenario
        self.conditions = sc.conditions
        self.spreads = sc.uncertainty
        self.classes = compress_segments(model.segments, sc.conditions.temperature_c)
        det = model.solve(pacing="even-effort")
        self._det_time_s = det.finish_time_s
        # deterministic speed of each class at the deterministic effort (a warm start)
        self._det_class_speed = en.speed_at_metabolic_power_m_s(
            det.capacity_w_kg * det.effort_frac, cost_ref_j_kg_m=model.cost_ref_j_kg_m,
            mass_kg=model.mass_kg, speed_ref_m_s=model.speed_ref_m_s,
            grade_frac=self.classes.grade_frac, curvature_1_m=self.classes.curvature_1_m,
            air_density_kg_m3=float(np.mean(model.segments.air_density_kg_m3)),
            drag_area_m2=model.drag_area_m2,
            headwind_m_s=aero.wind_components_m_s(sc.conditions.wind_speed_m_s,
                                                  sc.conditions.wind_from_deg,
                                                  self.classes.heading_deg)[0],
            drag_reduction_frac=self.classes.drag_reduction_frac,
            metabolic_saving_frac=model.saving, **model.air_cost_inputs)

    def run(self, draws: int, rng: np.random.Generator, *, chunk: int = 20000,
            progress: Callable[[int, int], None] | None = None) -> MonteCarloResult:
        """Simulate ``draws`` races; ``progress(done, total)`` is called after each chunk."""
        out = np.empty(draws)
        done = 0
        while done < draws:
            n = min(chunk, draws - done)
            out[done:done + n] = self._chunk(n, rng)
            done += n
            if progress is not None:
                progress(done, draws)
        return MonteCarloResult(finish_time_s=out, classes=int(self.classes.length_m.size))

    def _chunk(self, n: int, rng: np.random.Generator) -> np.ndarray:
        s, sp = self.conditions, self.spreads
        # --- draws (axis 0) ---
        temp0 = s.temperature_c + sp.temperature_sd_c * rng.standard_normal(n)
        rh = np.clip(s.relative_humidity + sp.relative_humidity_sd * rng.standard_normal(n), 0, 1)
        wind = np.abs(s.wind_speed_m_s + sp.wind_speed_sd_m_s * rng.standard_normal(n))
        wind_from = s.wind_from_deg + sp.wind_from_sd_deg * rng.standard_normal(n)
        economy = 1.0 + sp.economy_sd_frac * rng.standard_normal(n)
        capacity = 1.0 + sp.capacity_sd_frac * rng.standard_normal(n)
        draft_offset = sp.drag_reduction_sd * rng.standard_normal(n)
        return self.finish_times(temperature_c=temp0, relative_humidity_frac=rh,
                                 wind_speed_m_s=wind, wind_from_deg=wind_from,
                                 economy_factor=economy, capacity_factor=capacity,
                                 drag_reduction_offset=draft_offset)

    def finish_times(self, *, temperature_c, relative_humidity_frac, wind_speed_m_s,
                     wind_from_deg, pressure_pa=None, economy_factor=1.0, capacity_factor=1.0,
                     drag_reduction_frac=None, drag_reduction_offset=None,
                     wbgt_c=None, reference_wbgt_c=None) -> np.ndarray:
        """Even-effort finish times [s], shape (n,), for n races given as arrays (axis: draw).

        Parameters
        ----------
        temperature_c, relative_humidity_frac, wind_speed_m_s, wind_from_deg : array_like (n,)
            Weather of each race at the start [°C, -, m/s, ° from]; the scenario's
            temperature ramp along the course is added to ``temperature_c``.
        pressure_pa : array_like (n,), optional
            Air pressure [Pa]; default the scenario's (given, or ISA at its altitude).
        economy_factor, capacity_factor : array_like (n,)
            Multipliers of the cost of running and of the sustainable power [-].
        drag_reduction_frac : array_like (n,), optional
            Drafting on drafted segments [-], the same on all; default each segment class's
            own reduction from the scenario (drafting sections, formations in the wind).
        drag_reduction_offset : array_like (n,), optional
            Added to each class's own reduction on drafted segments (clipped to 0–0.95) [-];
            the Monte Carlo's draw of ``uncertainty.drag_reduction_sd``.
        wbgt_c : array_like (n,), optional
            Race WBGT [°C] for the heat factor, when computed outside (e.g. from radiation and
            wind); default the model's estimate from temperature and humidity.
        reference_wbgt_c : float, optional
            The reference race's WBGT [°C] on the same scale as ``wbgt_c`` (the heat factor
            compares the two); default the model's own estimate.

        All n races are solved at once on an (n, class) array — no Python loop per race.
        """
        m, c, s = self.model, self.classes, self.conditions
        temp0 = np.asarray(temperature_c, dtype=float)
        n = temp0.size
        rh = np.broadcast_to(np.asarray(relative_humidity_frac, dtype=float), (n,))
        wind = np.broadcast_to(np.asarray(wind_speed_m_s, dtype=float), (n,))
        wind_from = np.broadcast_to(np.asarray(wind_from_deg, dtype=float), (n,))
        economy = np.broadcast_to(np.asarray(economy_factor, dtype=float), (n,))
        capacity = np.broadcast_to(np.asarray(capacity_factor, dtype=float), (n,))
        if drag_reduction_frac is not None:
            draft = np.broadcast_to(np.asarray(drag_reduction_frac, dtype=float), (n,))
            dr = np.where(c.drafted[None, :], draft[:, None], 0.0)
        else:
            off = (np.zeros(n) if drag_reduction_offset is None else
                   np.broadcast_to(np.asarray(drag_reduction_offset, dtype=float), (n,)))
            dr = np.where(c.drafted[None, :], np.clip(
                c.drag_reduction_frac[None, :] + off[:, None], 0.0, 0.95), 0.0)
        pressure = (_pressure_pa(s) if pressure_pa is None
                    else np.asarray(pressure_pa, dtype=float)[:, None])
        # --- (draw, class) inputs ---
        temp = temp0[:, None] + c.temperature_offset_c[None, :]
        rho = atmosphere.air_density_kg_m3(temp, rh[:, None], pressure)
        head, cross = aero.wind_components_m_s(wind[:, None], wind_from[:, None],
                                                c.heading_deg[None, :])
        if wbgt_c is None:
            wbgt = heat.wbgt_from_temperature_humidity_c(temp, rh[:, None])
            wbgt_mean = np.sum(wbgt * c.length_m, axis=1) / np.sum(c.length_m)
        else:
            wbgt_mean = np.broadcast_to(np.asarray(wbgt_c, dtype=float), (n,))
        ref_wbgt = m.reference_wbgt_c if reference_wbgt_c is None else reference_wbgt_c
        speed_factor = heat.heat_speed_factor_ely2007(wbgt_mean, ref_wbgt,
                                                      sex=m.scenario.athlete.sex)
        base = (m.reference_effort_w_kg * speed_factor**m.elasticity * m.altitude_factor
                * capacity / economy)
        f = m.fraction_model
        f_ref = f(m.reference_time_s) if m.reference_time_s is not None else None

        def cap(t):
            return base if f_ref is None else base * f(t) / f_ref

        kw = dict(cost_ref_j_kg_m=m.cost_ref_j_kg_m, mass_kg=m.mass_kg,
                  speed_ref_m_s=m.speed_ref_m_s, grade_frac=c.grade_frac[None, :],
                  curvature_1_m=c.curvature_1_m[None, :], air_density_kg_m3=rho,
                  drag_area_m2=m.drag_area_m2, headwind_m_s=head, crosswind_m_s=cross,
                  drag_reduction_frac=dr, metabolic_saving_frac=m.saving,
                  **m.air_cost_inputs)
        # Warm start from the deterministic race: each class's speed at the deterministic
        # effort, and its finish time; draws differ by a few % so Newton needs 2 steps.
        t = np.full(n, self._det_time_s)
        p = cap(t)
        v = np.broadcast_to(self._det_class_speed, (n, c.length_m.size))
        for _ in range(self.outer_iterations):  # fixed point P = C(T(P)), contracts ~50×/step
            v = en.speed_at_metabolic_power_m_s(p[:, None], initial_speed_m_s=v,
                                                iterations=self.newton_iterations, **kw)
            t = np.sum(c.length_m[None, :] / v, axis=1)
            p = cap(t)
        v = en.speed_at_metabolic_power_m_s(p[:, None], initial_speed_m_s=v,
                                            iterations=self.newton_iterations, **kw)
        return np.sum(c.length_m[None, :] / v, axis=1)
