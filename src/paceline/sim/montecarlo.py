"""MonteCarlo: finish-time distribution over everything uncertain, vectorized over draws.

Every draw (axis 0, DESIGN.md rule 7) gets its own race-day weather, drafting, race-shoe
saving, day-to-day form, drag area, drag-to-cost conversion, reference-race inputs (those the
scenario marks ASSUMED, each with its spread in ``[uncertainty]``) and model residual. The
athlete is re-calibrated on the drawn reference race in every draw, then the race is solved
at even effort.

Speed: the course's segments are collapsed into the few kinds that share grade (0.1 %),
curvature (1e-4 /m), heading (2°; bends: |curvature| 0.005 /m and 15°), drafting (0.01) and
temperature (0.25 °C), with their lengths summed; every draw is then solved at once on a
(draw, kind) array in float32 — the effort predicted from the deterministic race, two Newton
steps on the speeds, then the duration-capacity fixed point solved on ln T expanded to second
order in ln p about that solve (the draw's own slope, the deterministic race's curvature), so
the speeds are not solved again unless an effort step exceeds 0.5 %. Times are summed in
float64. :meth:`MonteCarlo.solve` with ``exact=True`` solves the same draws on every segment in
float64, iterated to convergence: the check that the kinds, float32 and the expansion lose
< 0.1 s (tests, benchmarks; Vienna: ≈ 0.003 s). Chunks of 4,096 draws are solved on two
threads (NumPy releases the GIL in its loops).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields, replace

import numpy as np

from paceline.errors import ImpossibleScenarioError
from paceline.models import aerodynamics as aero
from paceline.models import air_cost, atmosphere, heat
from paceline.models import energetics as en
from paceline.sim.race import RaceModel, Segments, _pressure_pa

__all__ = ["MonteCarlo", "MonteCarloResult", "Draws", "SegmentClasses", "compress_segments",
           "variance_breakdown"]


@dataclass(frozen=True)
class SegmentClasses:
    """Segments grouped by (nearly) identical model inputs (axis: kind)."""

    length_m: np.ndarray
    grade_factor: np.ndarray  # Minetti cost factor of the kind's mean grade [-]
    curvature_1_m: np.ndarray
    heading_deg: np.ndarray
    wind_factor: np.ndarray  # |mean heading vector| of the kind: scales its wind [-]
    drag_reduction_frac: np.ndarray  # the kind's own drafting reduction (mean) [-]
    temperature_offset_c: np.ndarray  # temperature ramp relative to the start [°C]

    @property
    def distance_m(self) -> float:
        return float(np.sum(self.length_m))


def compress_segments(seg: Segments, start_temperature_c: float, *,
                      exact: bool = False) -> SegmentClasses:
    """Group segments whose grade (0.1 %), curvature (1e-4 /m), heading (2°), drafting (0.01)
    and temperature (0.25 °C) round to the same values; each kind keeps the summed length and
    the length-weighted mean of its inputs. ``exact=True``: one kind per segment."""
    share = seg.drag_reduction_frac  # drafting sections, formations in the scenario's wind
    if exact:
        return SegmentClasses(
            length_m=seg.length_m.copy(),
            grade_factor=en.grade_cost_factor_minetti2002(seg.grade_frac),
            curvature_1_m=seg.curvature_1_m.copy(), heading_deg=seg.heading_deg % 360.0,
            wind_factor=np.ones_like(seg.length_m),
            drag_reduction_frac=share.copy(),
            temperature_offset_c=seg.temperature_c - start_temperature_c)
    # Bends (|κ| ≥ 1e-3 /m: radius ≤ 1 km) are short and many (a roundabout sweeps every
    # heading): they are grouped by |κ| in 0.005 /m and heading in 15° — the curve cost is
    # even in κ and kept by the kind's RMS curvature; the wind's mean along-course and
    # cross components by the heading vectors' mean (magnitude ``wind_factor`` ≤ 1).
    kappa = np.abs(seg.curvature_1_m)
    bend = kappa >= 1e-3
    heading_bin = np.where(bend, 15.0, 2.0)
    keys = np.stack([
        np.round(seg.grade_frac / 0.001),
        np.where(bend, 1000 + np.round(kappa / 0.005), np.round(kappa / 1e-4)),
        np.round((seg.heading_deg % 360.0) / heading_bin) % (360.0 / heading_bin),
        bend,
        np.round(share / 0.01),
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
        grade_factor=wmean(en.grade_cost_factor_minetti2002(seg.grade_frac)),
        curvature_1_m=np.sqrt(wmean(seg.curvature_1_m ** 2)),
        heading_deg=np.rad2deg(np.arctan2(hy, hx)) % 360.0,
        wind_factor=np.minimum(np.hypot(hx, hy), 1.0),
        drag_reduction_frac=wmean(share),
        temperature_offset_c=wmean(seg.temperature_c - start_temperature_c),
    )


@dataclass(frozen=True)
class Draws:
    """The drawn inputs, one value per draw (axis: draw). Factors are 1 at the scenario."""

    temperature_c: np.ndarray  # race start [°C]
    relative_humidity: np.ndarray
    wind_speed_m_s: np.ndarray
    wind_from_deg: np.ndarray
    drag_reduction_offset: np.ndarray  # added to each drafted kind's reduction [-]
    shoe_saving: np.ndarray  # race shoes' total saving [-]
    form_factor: np.ndarray  # day-to-day capacity ÷ economy [-]
    drag_area_factor: np.ndarray
    impeding_slope: np.ndarray  # drag-to-metabolic-cost conversion (air-cost model) [-]
    residual_frac: np.ndarray  # model residual on time [-]
    reference_temperature_c: np.ndarray
    reference_relative_humidity: np.ndarray
    reference_drag_reduction_offset: np.ndarray
    reference_shoe_saving: np.ndarray
    reference_time_s: np.ndarray
    #: air pressure of each race [Pa]; None = the scenario's (given, or ISA at its altitude)
    pressure_pa: np.ndarray | None = None
    #: one drafting reduction for all drafted kinds [-]; None = each kind's own + the offset
    drag_reduction_frac: np.ndarray | None = None
    #: race WBGT computed outside (e.g. from radiation and wind) [°C]; None = the model's
    #: estimate from temperature and humidity
    wbgt_c: np.ndarray | None = None
    #: the reference race's WBGT on the same scale as ``wbgt_c`` [°C]; None = the model's
    reference_wbgt_c: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.temperature_c.size)

    def take(self, index) -> Draws:
        return Draws(**{f.name: None if getattr(self, f.name) is None
                        else getattr(self, f.name)[index] for f in fields(self)})


#: Human names of the drawn inputs, for the variance breakdown (and what each stands for).
INPUT_LABELS = {
    "temperature_c": "race-day temperature",
    "relative_humidity": "race-day humidity",
    "wind_speed_m_s": "wind speed",
    "wind_from_deg": "wind direction",
    "drag_reduction_offset": "drafting",
    "shoe_saving": "race shoes",
    "form_factor": "day-to-day form",
    "drag_area_factor": "drag area",
    "impeding_slope": "drag-to-cost conversion",
    "residual_frac": "model residual",
    "reference_temperature_c": "reference race temperature",
    "reference_relative_humidity": "reference race humidity",
    "reference_drag_reduction_offset": "reference race drafting",
    "reference_shoe_saving": "reference race shoes",
    "reference_time_s": "reference race time",
}


@dataclass(frozen=True)
class MonteCarloResult:
    """Finish times of every draw and the draws themselves.

    ``finish_time_s`` includes the model residual; ``model_time_s`` is the model's own solve
    of each draw (what the exact check compares). A draw outside a model's validity (a race
    WBGT above the heat model's limit, …) has a NaN time: it is counted in
    :attr:`excluded` by reason and **left out** of the percentiles, the actual time's rank and
    the variance breakdown, so the band is conditional on the draws the models rate
    (docs/model.md, "Uncertainty").
    """

    finish_time_s: np.ndarray  # (draw,) [s]
    model_time_s: np.ndarray  # (draw,) [s]
    draws: Draws
    classes: int
    #: draws left out, by reason (human text → count); empty when every draw was solved
    excluded: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> np.ndarray:
        """(draw,) bool: the draws with a finite finish time."""
        return np.isfinite(self.finish_time_s)

    @property
    def used(self) -> int:
        """How many draws the band is computed from."""
        return int(np.count_nonzero(self.valid))

    def _times(self) -> np.ndarray:
        t = self.finish_time_s[self.valid]
        if t.size == 0:
            raise ImpossibleScenarioError(
                f"none of the {self.finish_time_s.size} Monte Carlo draws is inside the "
                "models' range (" + "; ".join(f"{k}: {v}" for k, v in self.excluded.items())
                + "), so there is no band", where="--uncertainty",
                fix="narrow the spreads in [uncertainty] or choose cooler conditions")
        return t

    def percentiles(self, q=(10, 50, 90)) -> dict[int, float]:
        """Percentiles of the finish time over the draws the models rate [s]."""
        return {int(k): float(v) for k, v in zip(q, np.percentile(self._times(), q),
                                                 strict=True)}

    def percentile_of(self, time_s: float) -> float:
        """Share of (valid) draws faster than ``time_s`` [%]: where a time falls in the band."""
        return float(100.0 * np.mean(self._times() < time_s))

    def variance_breakdown(self, bins: int = 20) -> dict[str, float]:
        ok = self.valid
        if ok.all():
            return variance_breakdown(self.finish_time_s, self.draws, bins=bins)
        return variance_breakdown(self.finish_time_s[ok], self.draws.take(ok), bins=bins)


def variance_breakdown(time_s: np.ndarray, draws: Draws, *, bins: int = 20) -> dict[str, float]:
    """Share of the finish-time variance each drawn input explains on its own [-].

    First-order (main-effect) Sobol index of each input, Var(E[T | x]) / Var(T), estimated by
    the variance of the mean finish time over ``bins`` bins of the input, cut at its
    quantiles (equal counts; equal values of x share a bin), which also catches a non-linear
    effect such as the wind direction's. Inputs not drawn are left out; the shares need not
    sum to 1 (the rest is interactions and binning noise, ≈ bins/draws). Sorted from the
    largest.
    """
    t = np.asarray(time_s, float)
    var = float(np.var(t))
    out: dict[str, float] = {}
    if var <= 0 or t.size < 2 * bins:
        return out
    tc = t - t.mean()
    cut = (np.arange(1, bins) * t.size) // bins  # where array_split would cut the sorted x
    for f in fields(draws):
        x = getattr(draws, f.name)
        if f.name not in INPUT_LABELS or x is None or np.ptp(x) == 0:
            continue
        # bin edges at the quantiles (a partial sort: O(n), not the O(n log n) of a sort)
        edges = np.partition(x, cut)[cut]
        b = np.searchsorted(edges, x, side="right")
        sizes = np.bincount(b, minlength=bins)
        sums = np.bincount(b, weights=tc, minlength=bins)
        full = sizes > 0
        share = float(np.sum(sums[full] ** 2 / sizes[full]) / t.size / var)
        out[INPUT_LABELS[f.name]] = share
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _worst(x) -> float:
    """Largest |x| over the finite entries (a race out of the models' range is NaN)."""
    a = np.abs(x)
    return float(np.max(a, initial=0.0, where=np.isfinite(a)))


class MonteCarlo:
    """Run many draws of a RaceModel's scenario (even effort) over the scenario's spreads."""

    #: Newton steps on the kinds' speeds at the predicted effort (more while a step is above
    #: newton_tolerance); enough for 0.01 s (test_iterations_converged)
    newton_iterations = 2
    #: 0: the last effort step on the expansion of ln T (no evaluation; effort_tolerance)
    final_iterations = 0
    #: draws per chunk: the fastest of 128–16,384 per CPU-second on Vienna (2 MB L2 cache);
    #: smaller chunks pay NumPy's per-call overhead more often, larger ones leave the cache
    chunk = 4096
    threads = 2
    #: the (draw, kind) arithmetic of the fast path; the exact path is float64
    dtype = np.float32


    def __init__(self, model: RaceModel) -> None:
        self.model = model
        self._cache: dict = {}
        sc = model.scenario
        self.conditions = sc.conditions
        self.spreads = sc.uncertainty
        self.classes = compress_segments(model.segments, sc.conditions.temperature_c)
        ref = sc.athlete.reference
        self.reference = ref
        if ref is not None:
            self.ref_classes = compress_segments(model.reference_segments,
                                                 ref.conditions.temperature_c)
        det = model.solve(pacing="even-effort")
        self._det_time_s = det.finish_time_s
        self._det_power = det.capacity_w_kg * det.effort_frac
        self._fraction_ref = (model.fraction_model(model.reference_time_s)
                              if model.reference_time_s is not None else None)
        # d² ln T/d (ln p)² of the deterministic race (central difference, ±1 % power):
        # the curvature of the expansion the last effort step is taken on
        lnt = [np.log(model._time_at_effort(self._det_power * np.exp(h), model.segments,
                                            model.saving)[0]) for h in (-0.01, 0.0, 0.01)]
        self._det_d2lnt_dlnp2 = (lnt[0] - 2.0 * lnt[1] + lnt[2]) / 0.01**2
        # warm start: every kind's speed in the race at the scenario's own inputs
        self._det_kind_speed = None
        self._det_dlnt_dlnp = None
        nominal = self.draw(1, np.random.default_rng(0), spread=False)
        self._det_kind_speed = self._solve_chunk(
            nominal, self.classes, self.reference and self.ref_classes, 8, 8, 4,
            return_speeds=True)[0]

    # --- draws ------------------------------------------------------------------------------
    def draw(self, n: int, rng: np.random.Generator, *, spread: bool = True) -> Draws:
        """Draw ``n`` sets of inputs (normal, 1 SD = the scenario's spreads; clipped to the
        valid ranges). ``spread=False``: the scenario's own values."""
        s, sp, m = self.conditions, self.spreads, self.model
        z = rng.standard_normal((16, n)) if spread else np.zeros((16, n))
        ref = self.reference
        if ref is not None:
            rc = ref.conditions
            r_temp = rc.temperature_c + sp.reference_temperature_sd_c * z[10]
            r_rh = np.clip(rc.relative_humidity + sp.reference_relative_humidity_sd * z[11], 0, 1)
            r_draft = sp.reference_drag_reduction_sd * z[12]
            r_shoe = m.reference_saving + sp.reference_shoe_saving_sd * z[13]
            r_time = np.maximum(ref.time_s + sp.reference_time_sd_s * z[14], 1.0)
        else:
            r_temp = r_rh = r_draft = r_shoe = r_time = np.zeros(n)
        return Draws(
            temperature_c=s.temperature_c + sp.temperature_sd_c * z[0],
            relative_humidity=np.clip(s.relative_humidity + sp.relative_humidity_sd * z[1], 0, 1),
            wind_speed_m_s=np.abs(s.wind_speed_m_s + sp.wind_speed_sd_m_s * z[2]),
            wind_from_deg=s.wind_from_deg + sp.wind_from_sd_deg * z[3],
            drag_reduction_offset=sp.drag_reduction_sd * z[4],
            shoe_saving=m.saving + sp.shoe_saving_sd * z[5],
            form_factor=(1.0 + sp.capacity_sd_frac * z[6])
            / (1.0 + sp.economy_sd_frac * z[15]),
            drag_area_factor=np.maximum(1.0 + sp.drag_area_sd_frac * z[7], 0.1),
            impeding_slope=(air_cost.draw_impeding_slope(rng, n)
                            if spread and sp.air_cost == "published"
                            else np.full(n, m.air_cost.impeding_slope)),
            residual_frac=sp.residual_sd_frac * z[9],
            reference_temperature_c=r_temp, reference_relative_humidity=r_rh,
            reference_drag_reduction_offset=r_draft, reference_shoe_saving=r_shoe,
            reference_time_s=r_time,
        )

    # --- run --------------------------------------------------------------------------------
    def run(self, draws: int, rng: np.random.Generator, *, chunk: int | None = None,
            progress: Callable[[int, int], None] | None = None) -> MonteCarloResult:
        """Simulate ``draws`` races; ``progress(done, total)`` is called after each chunk.

        Draws the models do not rate (NaN) are counted by reason in the result's
        ``excluded`` and left out of its percentiles.
        """
        d = self.draw(draws, rng)
        t = self.solve(d, chunk=chunk, progress=progress)
        return MonteCarloResult(finish_time_s=t * (1.0 + d.residual_frac), model_time_s=t,
                                draws=d, classes=int(self.classes.length_m.size),
                                excluded=self.excluded_reasons(d, t))

    def draw_wbgt_c(self, d: Draws) -> tuple[np.ndarray, np.ndarray | None]:
        """Mean WBGT [°C] of each draw's race and reference race (None without one), as the
        heat model sees them."""
        def mean_wbgt(temperature_c, rh, c):
            k = self._constants(c, np.float64)
            temp = np.asarray(temperature_c, float)[:, None] + k["offsets"][None, :]
            w = heat.wbgt_from_temperature_humidity_c(temp, np.asarray(rh, float)[:, None])
            return w @ k["offset_length_m"] / c.distance_m

        race = (d.wbgt_c if d.wbgt_c is not None
                else mean_wbgt(d.temperature_c, d.relative_humidity, self.classes))
        if d.reference_wbgt_c is not None:
            ref = d.reference_wbgt_c
        elif self.reference is not None:
            ref = mean_wbgt(d.reference_temperature_c, d.reference_relative_humidity,
                            self.ref_classes)
        else:
            ref = None
        return race, ref

    def excluded_reasons(self, d: Draws, time_s: np.ndarray) -> dict[str, int]:
        """Draws with no finite time, counted by reason (human text → count)."""
        bad = ~np.isfinite(time_s)
        if not bad.any():
            return {}
        out: dict[str, int] = {}
        hm = self.model.heat_model
        if hm.max_wbgt_c is not None:
            race, ref = self.draw_wbgt_c(d)
            hot = bad & ~(race <= hm.max_wbgt_c)
            if hot.any():
                out[f"race WBGT above {hm.max_wbgt_c:g} °C (heat model {hm.name})"] = int(
                    hot.sum())
            if ref is not None:
                ref_hot = bad & ~hot & ~(ref <= hm.max_wbgt_c)
                if ref_hot.any():
                    out[f"reference race WBGT above {hm.max_wbgt_c:g} °C (heat model "
                        f"{hm.name})"] = int(ref_hot.sum())
        rest = int(bad.sum()) - sum(out.values())
        if rest:
            out["no finite solve (other inputs outside the models' range)"] = rest
        return out

    def finish_times(self, *, temperature_c, relative_humidity_frac, wind_speed_m_s,
                     wind_from_deg, pressure_pa=None, economy_factor=1.0, capacity_factor=1.0,
                     drag_reduction_frac=None, drag_reduction_offset=None,
                     wbgt_c=None, reference_wbgt_c=None) -> np.ndarray:
        """Even-effort finish times [s], shape (n,), for n races given as arrays (axis: draw).

        Everything not given is the scenario's own value (no spread, no residual).

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
            Drafting on drafted segments [-], the same on all; default each segment kind's
            own reduction from the scenario (drafting sections, formations in the wind).
        drag_reduction_offset : array_like (n,), optional
            Added to each kind's own reduction on drafted segments (clipped to 0–0.95) [-].
        wbgt_c : array_like (n,), optional
            Race WBGT [°C] for the heat factor, when computed outside (e.g. from radiation and
            wind); default the model's estimate from temperature and humidity.
        reference_wbgt_c : float, optional
            The reference race's WBGT [°C] on the same scale as ``wbgt_c`` (the heat factor
            compares the two); default the model's own estimate.
        """
        temp = np.atleast_1d(np.asarray(temperature_c, dtype=float))
        n = temp.size
        nominal = self.draw(n, np.random.default_rng(0), spread=False)

        def arr(x):
            return np.broadcast_to(np.asarray(x, dtype=float), (n,)).copy()

        d = replace(
            nominal, temperature_c=temp, relative_humidity=arr(relative_humidity_frac),
            wind_speed_m_s=arr(wind_speed_m_s), wind_from_deg=arr(wind_from_deg),
            form_factor=arr(capacity_factor) / arr(economy_factor),
            drag_reduction_offset=(nominal.drag_reduction_offset
                                   if drag_reduction_offset is None
                                   else arr(drag_reduction_offset)),
            drag_reduction_frac=(None if drag_reduction_frac is None
                                 else arr(drag_reduction_frac)),
            pressure_pa=None if pressure_pa is None else arr(pressure_pa),
            wbgt_c=None if wbgt_c is None else arr(wbgt_c),
            reference_wbgt_c=None if reference_wbgt_c is None else arr(reference_wbgt_c))
        return self.solve(d)

    def solve(self, draws: Draws, *, exact: bool = False, chunk: int | None = None,
              progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """The model's finish time [s] of each draw (without the residual).

        ``exact=True`` solves every segment of the course (no grouping into kinds) and
        iterates to convergence: the reference the fast path is checked against.
        """
        n = len(draws)
        size = chunk or self.chunk
        out = np.empty(n)
        if exact:
            classes = compress_segments(self.model.segments, self.conditions.temperature_c,
                                        exact=True)
            ref_classes = (compress_segments(
                self.model.reference_segments, self.reference.conditions.temperature_c,
                exact=True)
                if self.reference is not None else None)
            iters = (8, 8, 4)
            dtype = np.float64
        else:
            classes = self.classes
            ref_classes = self.reference and self.ref_classes
            iters = (self.newton_iterations, self.final_iterations, 1)
            dtype = self.dtype
        starts = list(range(0, n, size))
        done = 0

        def work(i0: int) -> int:
            sl = slice(i0, min(i0 + size, n))
            out[sl] = self._solve_chunk(draws.take(sl), classes, ref_classes, *iters,
                                        dtype=dtype)
            return sl.stop - sl.start

        if self.threads > 1 and len(starts) > 1:
            with ThreadPoolExecutor(self.threads) as pool:
                for k in pool.map(work, starts):
                    done += k
                    if progress is not None:
                        progress(done, n)
        else:
            for i0 in starts:
                done += work(i0)
                if progress is not None:
                    progress(done, n)
        return out

    # --- the physics chain, per chunk ----------------------------------------------------------
    def _constants(self, c: SegmentClasses, dtype) -> dict:
        """What a chunk needs of the kinds, computed once per (kinds, dtype)."""
        key = (id(c), np.dtype(dtype).str)
        got = self._cache.get(key)
        if got is not None and got["classes"] is c:
            return got
        if len(self._cache) > 8:  # the exact path's kinds are built anew for each solve
            self._cache.clear()
        offsets, inv = np.unique(c.temperature_offset_c, return_inverse=True)
        h = np.deg2rad(c.heading_deg)
        drafted = c.drag_reduction_frac > 0
        got = dict(
            classes=c, offsets=offsets, inverse=inv.ravel(),
            # length at each temperature offset [m]: the mean WBGT without a (draw, kind) array
            offset_length_m=np.bincount(inv.ravel(), weights=c.length_m,
                                        minlength=offsets.size),
            cos=(c.wind_factor * np.cos(h)).astype(dtype)[None, :],
            sin=(c.wind_factor * np.sin(h)).astype(dtype)[None, :],
            drafted=drafted, all_drafted=bool(drafted.all()),
            drafted_mask=drafted.astype(dtype)[None, :],
            drag_reduction_frac=c.drag_reduction_frac.astype(dtype)[None, :],
            grade_factor=c.grade_factor.astype(dtype)[None, :],
            curvature_1_m=c.curvature_1_m.astype(dtype)[None, :],
            length_m=c.length_m.astype(dtype)[None, :])
        self._cache[key] = got
        return got

    def _course_inputs(self, d: Draws, c: SegmentClasses, conditions, temperature_c,
                       relative_humidity, drag_reduction, saving, wind: bool, dtype):
        """The energetics model's keyword arguments on (draw, kind) arrays of ``dtype`` (air
        drag ½·ρ·CdA·(1 − drafting), wind components, …) and the mean WBGT (draw,) [°C]."""
        m = self.model
        k = self._constants(c, dtype)
        offsets = k["offsets"]
        # a temperature not drawn (the reference race's, by default): one row, broadcast
        one = temperature_c[:1] if np.ptp(temperature_c) == 0 else temperature_c
        temp = one[:, None] + offsets[None, :]
        rh = relative_humidity[:, None]
        pressure = (d.pressure_pa[:, None] if wind and d.pressure_pa is not None
                    else _pressure_pa(conditions))
        rho = atmosphere.air_density_kg_m3(temp, rh, pressure).astype(dtype)
        wbgt = heat.wbgt_from_temperature_humidity_c(temp, rh)
        wbgt_mean = np.broadcast_to(wbgt @ k["offset_length_m"] / c.distance_m, (len(d),))
        if offsets.size > 1:  # a temperature ramp: one column per kind
            rho = rho[:, k["inverse"]]
        if wind and d.wbgt_c is not None:
            wbgt_mean = d.wbgt_c
        # the wind resolved on each kind's heading h: W·cos(θ − h) = W cos θ · cos h +
        # W sin θ · sin h (one product per element instead of a cosine and a sine)
        if wind:
            w_head, w_cross = aero.wind_components_m_s(d.wind_speed_m_s, d.wind_from_deg, 0.0)
        else:
            w_head, w_cross = aero.wind_components_m_s(
                np.full(len(d), conditions.wind_speed_m_s), conditions.wind_from_deg, 0.0)
        w_head = w_head.astype(dtype)[:, None]
        w_cross = w_cross.astype(dtype)[:, None]
        ch, sh = k["cos"], k["sin"]
        head = w_head * ch
        head += w_cross * sh
        cross = w_cross * ch
        cross -= w_head * sh
        # drafting: each kind's own reduction plus the draw's offset, on drafted kinds only
        # (or one reduction for all drafted kinds, when given)
        if wind and d.drag_reduction_frac is not None:
            dr = d.drag_reduction_frac.astype(dtype)[:, None] * k["drafted_mask"]
        else:
            dr = drag_reduction.astype(dtype)[:, None] + k["drag_reduction_frac"]
            own = c.drag_reduction_frac[k["drafted"]]
            if own.size and (own.min() + drag_reduction.min() < 0.0
                             or own.max() + drag_reduction.max() > 0.95):
                np.clip(dr, 0.0, 0.95, out=dr)  # (skipped when no drafted kind leaves 0–0.95)
            if not k["all_drafted"]:
                dr *= k["drafted_mask"]
        # ½·ρ·CdA·(1 − drafting) [kg/m], once per chunk rather than in every Newton step
        q = np.subtract(1.0, dr, out=dr)
        q *= rho
        q *= (0.5 * m.drag_area_m2 * d.drag_area_factor).astype(dtype)[:, None]
        kw = dict(cost_ref_j_kg_m=m.cost_ref_j_kg_m, mass_kg=m.mass_kg,
                  speed_ref_m_s=m.speed_ref_m_s, grade_factor=k["grade_factor"],
                  curvature_1_m=k["curvature_1_m"], air_drag_kg_m=q,
                  headwind_m_s=head, crosswind_m_s=cross,
                  metabolic_saving_frac=saving.astype(dtype)[:, None],
                  impeding_slope=d.impeding_slope.astype(dtype)[:, None],
                  aiding_over_impeding=m.air_cost.aiding_over_impeding)
        return kw, wbgt_mean

    #: Newton on the speeds goes on (up to 8 steps) while any step is above this fraction of
    #: the speed: the error left after a step of δ is ≈ 0.65·δ² of the speed (P ∝ v^≈2.3),
    #: 2e-3 → < 3e-6 of the time, < 0.02 s on a marathon
    newton_tolerance = 2e-3
    #: the last effort step x = ln(p/p0) is taken on the expansion of ln T in ln p (no
    #: re-solve) while every |x| of the chunk is within this; else the chunk is solved again
    #: at the new effort. The expansion's error is ≈ T·|k_draw − k|·x²/2 (the draw's own
    #: curvature against the deterministic race's): < 0.005 s at 0.5 % even with a 3 m/s wind
    #: spread (test_effort_expansion_within_0_01_s); Vienna's steps are ≤ 0.4 %
    effort_tolerance = 0.005

    def _speeds(self, p, v, kw, iterations):
        """Newton on every (draw, kind) speed at power ``p`` (draw,); returns v and dP/dv."""
        dtype = kw["air_drag_kg_m"].dtype
        p = p.astype(dtype)[:, None]
        v = np.array(v, dtype=dtype)  # a copy: updated in place
        k = 0
        while True:
            dv, dp = en.metabolic_power_and_slope_w_kg(v, **kw)
            dv -= p
            dv /= dp
            v -= dv
            k += 1
            # |δv| ≤ tol·min v bounds every |δv/v| (NaN, a race out of range, ignored)
            if k >= iterations and (k >= 8 or _worst(dv) <= self.newton_tolerance
                                    * np.fmin.reduce(v, axis=None)):
                return v, dp

    def _time_at_effort(self, p, v, kw, c, iterations):
        v, dp = self._speeds(p, v, kw, iterations)
        lv = self._constants(c, v.dtype)["length_m"] / v
        t = lv.sum(axis=1, dtype=np.float64)  # float64 sums: the time to 1e-4 s
        lv /= v
        lv /= dp
        dt_dp = -lv.sum(axis=1, dtype=np.float64)  # dT/dp = −Σ L/v²·dv/dp, dv/dp = 1/P'(v)
        return t, dt_dp, v

    def _reference_power(self, d: Draws, rc: SegmentClasses, iterations, dtype):
        """The power each draw's athlete held in the drawn reference race [W/kg] (draw,),
        and that race's mean WBGT [°C] (draw,)."""
        ref = self.reference
        kw, wbgt = self._course_inputs(
            d, rc, ref.conditions, d.reference_temperature_c, d.reference_relative_humidity,
            d.reference_drag_reduction_offset, d.reference_shoe_saving, wind=False, dtype=dtype)
        v_ref = rc.distance_m / d.reference_time_s
        shape = kw["headwind_m_s"].shape
        p, _ = en.metabolic_power_and_slope_w_kg(
            np.broadcast_to(v_ref.astype(dtype)[:, None], shape), **kw)
        p_even_pace = p.astype(np.float64) @ rc.length_m / rc.distance_m
        if ref.pacing == "even-pace":
            return p_even_pace, wbgt
        # even effort: Newton on ln p until the course time equals the reference time
        p = p_even_pace
        v = np.broadcast_to(v_ref[:, None], shape)
        for _ in range(iterations + 2):
            t, dt_dp, v = self._time_at_effort(p, v, kw, rc, 2)
            p = p - (t - d.reference_time_s) / dt_dp
        return p, wbgt

    def _solve_chunk(self, d: Draws, c: SegmentClasses, rc: SegmentClasses | None,
                     newton: int, final: int, outer: int, return_speeds: bool = False,
                     dtype=np.float64):
        m = self.model
        sex = m.scenario.athlete.sex
        kw, wbgt = self._course_inputs(
            d, c, self.conditions, d.temperature_c, d.relative_humidity,
            d.drag_reduction_offset, d.shoe_saving, wind=True, dtype=dtype)
        # --- capacity of each draw: reference power × heat × altitude × form ---
        if rc is not None:
            p_ref, ref_wbgt = self._reference_power(d, rc, outer, dtype)
            v_el = rc.distance_m / d.reference_time_s
        else:
            p_ref = np.full(len(d), m.reference_effort_w_kg)
            ref_wbgt = np.full(len(d), m.reference_wbgt_c)
            v_el = np.full(len(d), m.segments.distance_m / 7200.0)
        if d.reference_wbgt_c is not None:
            ref_wbgt = d.reference_wbgt_c
        speed_factor = m.heat_model.speed_factor(wbgt, ref_wbgt, sex=sex)
        # the model's P–v elasticity on the level in still air (as RaceModel), per draw
        flat = dict(cost_ref_j_kg_m=m.cost_ref_j_kg_m, mass_kg=m.mass_kg,
                    speed_ref_m_s=m.speed_ref_m_s, drag_area_m2=m.drag_area_m2
                    * d.drag_area_factor,
                    impeding_slope=d.impeding_slope,
                    aiding_over_impeding=m.air_cost.aiding_over_impeding)
        p1, _ = en.metabolic_power_and_slope_w_kg(v_el, **flat)
        p2, _ = en.metabolic_power_and_slope_w_kg(v_el * 1.001, **flat)
        elasticity = np.log(p2 / p1) / np.log(1.001)
        base = p_ref * speed_factor**elasticity * m.altitude_factor * d.form_factor
        f, f_ref = m.fraction_model, self._fraction_ref

        def cap(t):
            """Capacity for a race of duration t [W/kg] and its derivative d ln C/d ln t."""
            if f_ref is None:
                return base, 0.0
            ft = f(t)
            return base * ft / f_ref, np.log(f(t * 1.0001) / ft) / np.log(1.0001)

        # --- even effort: P = C(T(P)). Predict P from the deterministic race's T(P) slope
        # (a scalar fixed point per draw), then Newton on the kinds' speeds from a warm start
        # (each kind's deterministic speed scaled by the power ratio, P ∝ v^≈2.3)
        p = cap(np.full(len(d), self._det_time_s))[0]
        if self._det_dlnt_dlnp is not None:
            for _ in range(3):
                t_pred = self._det_time_s * (p / self._det_power) ** self._det_dlnt_dlnp
                c_t, dlnc = cap(t_pred)
                # Newton on ln p − ln C(T(p)): slope 1 − d ln C/d ln T · d ln T/d ln p
                p = p * np.exp(-np.log(p / c_t) / (1.0 - dlnc * self._det_dlnt_dlnp))
        ratio = (p / self._det_power) ** (1 / 2.3)
        if self._det_kind_speed is not None and self._det_kind_speed.size == c.length_m.size:
            v = ratio[:, None] * self._det_kind_speed[None, :]
        else:
            v = (c.distance_m / self._det_time_s) * np.broadcast_to(
                ratio[:, None], kw["headwind_m_s"].shape) / np.sqrt(c.grade_factor)[None, :]
        for _ in range(outer):
            p0 = p
            t0, dt_dp, v = self._time_at_effort(p, v, kw, c, newton)
            # the fixed point p = C(T(p)) on T(p) expanded in ln p about this solve:
            # ln T = ln t0 + e·x + ½·k·x², x = ln(p/p0), e = the draw's own d ln T/d ln p,
            # k = the deterministic race's second derivative (a few Newton steps per draw)
            e = dt_dp * p0 / t0
            k = self._det_d2lnt_dlnp2
            for _ in range(3):
                x = np.log(p / p0)
                t = t0 * np.exp(x * (e + 0.5 * k * x))
                c_t, dlnc = cap(t)
                p = p * np.exp(-np.log(p / c_t) / (1.0 - dlnc * (e + k * x)))
            newton = final
        x = np.log(p / p0)
        if final == 0 and _worst(x) <= self.effort_tolerance:
            # no re-solve at the last effort: the expansion leaves < 0.01 s (docstring)
            return t0 * np.exp(x * (e + 0.5 * k * x))
        final = final or 2
        t, dt_dp, v = self._time_at_effort(p, v, kw, c, final)
        if return_speeds:
            self._det_dlnt_dlnp = float(dt_dp[0] * p[0] / t[0])
            return v
        return t
