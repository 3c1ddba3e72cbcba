"""Drag → metabolic power → time: the named, selectable models of what air resistance costs.

Every model here answers one question: how much metabolic power does a horizontal force cost a
runner? paceline writes each as ΔP/P_level = s·F/(m·g) for an impeding force (s, the
*impeding slope*, is the fractional rise of metabolic power per fraction of body weight) and
s·a·F/(m·g) for an aiding one (a = saving per unit aiding force relative to the cost per unit
impeding force). The race model (:func:`paceline.models.energetics.metabolic_power_w_kg`) takes
``impeding_slope`` and ``aiding_over_impeding`` from the model chosen here.

The published sources disagree by a factor of ≈ 3 (docs/model.md, "What drafting is worth"):

* ``dasilva2022`` — measured: +6.13 % metabolic power per 1 % body weight of impeding force,
  runners on a treadmill at 12–16 km/h pulled back by a horizontal cable (da Silva, Kram &
  Hoogkamer 2022). Tailwind asymmetry from Davies (1980). **The default.**
* ``pugh1971`` — measured: Pugh's 65 kg runner at 4.45 m/s took 3.0 L/min O2 in still air and
  5.0 L/min against an 18.5 m/s wind (Pugh 1971); with paceline's drag area for that runner
  that is s = 4.8. Tailwind asymmetry from Davies (1980).
* ``li2025``, ``schickhofer-hanson2021``, ``beaumont2021``, ``marro2023``, ``kipp2025`` — each
  drafting paper's *own* conversion of a drag reduction into time, reduced to the one number
  paceline can carry: the impeding slope that makes paceline's drag (its 0.266·BSA·0.9 drag
  area, the paper's athlete, pace and reduction) reproduce the paper's published saving under
  the papers' common assumption (constant metabolic power; level cost proportional to speed;
  air power ∝ v³). The slope folds in the paper's drag area and its metabolic conversion —
  only their product reaches the finish time. The papers' figures are in
  :data:`PAPER_FIGURES`; :func:`implied_impeding_slope` derives the slope from them at import.
* ``none`` — air costs nothing (switches the effect off).

:func:`published_impeding_slopes` and :func:`draw_impeding_slope` expose the published spread
as data for the Monte Carlo (one source, one vote).

Pure functions, SI units; no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from paceline.models._registry import lookup, names_default_first
from paceline.models.aerodynamics import drag_area_m2

__all__ = [
    "AirCostModel",
    "PaperFigure",
    "PAPER_FIGURES",
    "AIR_COST_MODELS",
    "DEFAULT_AIR_COST_MODEL",
    "get_air_cost_model",
    "air_cost_model_names",
    "horizontal_force_cost_factor",
    "speed_ratio_at_constant_power",
    "air_share_frac",
    "implied_impeding_slope",
    "figure_prediction",
    "published_impeding_slopes",
    "draw_impeding_slope",
]

G_M_S2 = 9.80665

#: da Silva, Kram & Hoogkamer (2022): +6.13 % metabolic power per 1 % body weight.
DASILVA2022_IMPEDING_SLOPE = 6.13
#: Davies (1980): apparent efficiency +0.35 against a head wind, −1.2 with a following wind.
DAVIES1980_AIDING_OVER_IMPEDING = 0.35 / 1.2


@dataclass(frozen=True)
class AirCostModel:
    """One way to turn a horizontal force into metabolic power (see module docstring).

    Attributes
    ----------
    name : str
        Registry key.
    impeding_slope : float
        s: ΔP/P_level per fraction of body weight of impeding force [-].
    aiding_over_impeding : float
        a: saving per unit aiding force relative to the cost per unit impeding force [-].
    source : str
        Citation with DOI.
    basis : str
        "measured" (a metabolic measurement of horizontal forces) or "paper-conversion"
        (a drafting paper's published drag-reduction → time figure, reduced to a slope).
    note : str
        How the number was obtained, and its confidence.
    """

    name: str
    impeding_slope: float
    aiding_over_impeding: float
    source: str
    basis: str
    note: str


@dataclass(frozen=True)
class PaperFigure:
    """A drafting paper's own published drag-reduction → time (or speed) figure, with the inputs
    paceline reads it with.

    Attributes
    ----------
    drag_reduction_frac : float
        The formation's reduction of the athlete's drag [-].
    distance_m, baseline_time_s : float
        The race and the undrafted time the saving is counted from [m], [s].
    mass_kg, height_m : float
        The athlete (sets paceline's drag area 0.266·BSA·0.9 and body weight).
    air_density_kg_m3 : float
        Air density [kg/m³] (1.2 unless the paper states otherwise).
    time_saved_s : float
        Published saving [s] (NaN when the paper gives a speed gain).
    speed_gain_frac : float
        Published speed gain v'/v − 1 [-] (NaN when the paper gives a time).
    check : tuple
        Further published (drag_reduction_frac, time_saved_s) pairs of the same paper that the
        slope was *not* derived from: held-out checks.
    confidence : str
        "paper" (read in the paper), "abstract", or "secondary" (read in a report about it).
    reading : str
        How the figure and its inputs were read; what is ASSUMED.
    """

    drag_reduction_frac: float
    distance_m: float
    baseline_time_s: float
    mass_kg: float
    height_m: float
    time_saved_s: float
    speed_gain_frac: float
    confidence: str
    reading: str
    air_density_kg_m3: float = 1.2
    check: tuple[tuple[float, float], ...] = ()

    @property
    def speed_m_s(self) -> float:
        """Undrafted speed [m/s]."""
        return self.distance_m / self.baseline_time_s

    @property
    def target_speed_ratio(self) -> float:
        """v'/v the paper publishes [-]."""
        if np.isfinite(self.speed_gain_frac):
            return 1.0 + self.speed_gain_frac
        return self.baseline_time_s / (self.baseline_time_s - self.time_saved_s)


_MARATHON_M = 42195.0
_MILE_M = 1609.344

#: Each drafting paper's own conversion, as published. Kipchoge: 52 kg, 1.67 m (commonly
#: reported); Kipyegon: 42 kg, 1.57 m (commonly reported; ASSUMED).
PAPER_FIGURES: dict[str, PaperFigure] = {
    "li2025": PaperFigure(
        drag_reduction_frac=0.89, distance_m=_MARATHON_M, baseline_time_s=7180.2,
        mass_kg=52.0, height_m=1.67, time_saved_s=162.0, speed_gain_frac=float("nan"),
        confidence="secondary",
        reading="CFD of the INEOS formation (−63 %) and a 4-runner V (−89 %); the V's −89 % "
        "is converted to 162 s at 1:59:40 pace. Read from issue 12's summary of the paper; "
        "the baseline (1:59:40.2) is ASSUMED."),
    "schickhofer-hanson2021": PaperFigure(
        drag_reduction_frac=0.756, distance_m=_MARATHON_M, baseline_time_s=7299.0,
        mass_kg=52.0, height_m=1.67, time_saved_s=154.0, speed_gain_frac=float("nan"),
        confidence="secondary",
        reading="CFD (J Biomech 2021): best formation −75.6 % drag → 154 s over a marathon. "
        "Read from issue 12's summary; baseline ASSUMED Kipchoge's 2:01:39 (Berlin 2018)."),
    "beaumont2021": PaperFigure(
        drag_reduction_frac=0.633, distance_m=_MARATHON_M, baseline_time_s=7299.0,
        mass_kg=52.0, height_m=1.67, time_saved_s=float("nan"), speed_gain_frac=0.029,
        confidence="secondary", check=((0.633, 208.0),),
        reading="CFD of the INEOS V: −63.3 % drag → +2.9 % speed, 3:28 saved. The slope is "
        "derived from the speed gain; 3:28 is checked (baseline ASSUMED 2:01:39, which "
        "makes 2.9 % worth 3:26 — the rounding of 2.9 % spans ±7 s)."),
    "marro2023": PaperFigure(
        drag_reduction_frac=0.50, distance_m=_MARATHON_M, baseline_time_s=7180.2,
        mass_kg=52.0, height_m=1.67, time_saved_s=210.0, speed_gain_frac=float("nan"),
        confidence="abstract", check=((0.60, 262.0),),
        reading="Wind tunnel, 1:10 manikins (Proc R Soc A 2023): the Vienna formation ≈ −50 % "
        "→ ≈ 3.5 min; a better formation −60 % → 262 s. Slope from the 50 % point; the 60 % "
        "point is held out. Baseline ASSUMED 1:59:40.2."),
    "kipp2025": PaperFigure(
        drag_reduction_frac=0.76, distance_m=_MILE_M, baseline_time_s=247.64,
        mass_kg=42.0, height_m=1.57, time_saved_s=247.64 - 239.37,
        speed_gain_frac=float("nan"), confidence="secondary",
        reading="Breaking4 case (R Soc Open Sci 2025; bioRxiv 10.1101/2024.08.15.608172): "
        "the abstract's own answer — Kipyegon's 4:07.64 mile becomes ~3:59.37 with one pacer "
        "in front and one behind, changing out at 800 m — paired with the −76 % drag that "
        "press reports (particle.news, NPR 2025-02) give for that front-and-back drafting "
        "(secondary). The abstract's 3.19 % is what sub-4 *needs* (4:07.64 → 4:00.00), not "
        "the paper's result: the earlier 76 % → 3.19 % pairing mixed the two. "
        "Kipyegon's 42 kg, 1.57 m ASSUMED."),
}


def horizontal_force_cost_factor(force_frac_body_weight, impeding_slope,
                                 aiding_over_impeding=DAVIES1980_AIDING_OVER_IMPEDING):
    """Relative rise in metabolic power from a horizontal force, ΔP/P_level [-].

    Parameters
    ----------
    force_frac_body_weight : array_like
        F/(m·g) [-]; positive impedes, negative aids.
    impeding_slope : float
        s [-] (6.13 for da Silva et al. 2022).
    aiding_over_impeding : float
        a [-] (0.29 for Davies 1980).

    Returns
    -------
    ndarray
        s·F/(mg) for F ≥ 0, s·a·F/(mg) for F < 0.

    Examples
    --------
    >>> round(float(horizontal_force_cost_factor(0.01, 6.13)), 4)
    0.0613
    """
    f = np.asarray(force_frac_body_weight, dtype=float)
    return np.where(f >= 0, impeding_slope * f, impeding_slope * aiding_over_impeding * f)


def air_share_frac(force_frac_body_weight, impeding_slope):
    """Share of metabolic power spent against an impeding force, s·f/(1 + s·f) [-]."""
    x = impeding_slope * np.asarray(force_frac_body_weight, dtype=float)
    return x / (1.0 + x)


def speed_ratio_at_constant_power(drag_reduction_frac, air_share, level_exponent=0.0,
                                  iterations=30):
    """Speed gain v'/v at the same metabolic power when drag falls by ``drag_reduction_frac``.

    Parameters
    ----------
    drag_reduction_frac : array_like
        r: fraction of the drag removed [-], 0–1.
    air_share : array_like
        φ: share of metabolic power spent against the air before the reduction [-], 0–1.
    level_exponent : float
        β: level cost of running ∝ v^β (0 = constant cost of transport, the drafting papers'
        assumption; 0.2535 = Batliner et al. 2018, paceline's race model).

    Returns
    -------
    ndarray
        x = v'/v [-], solving (1 − φ)·x^(1+β) + φ·(1 − r)·x³ = 1 (still air, level course).
        NaN outside 0 ≤ r ≤ 1, 0 ≤ φ < 1.

    Notes
    -----
    Metabolic power = level part ∝ v^(1+β) + air part ∝ F·v ∝ v³ (drag ∝ v²), held constant.
    Newton iterations from x = 1; the function is increasing and convex in x.

    Examples
    --------
    >>> round(float(speed_ratio_at_constant_power(0.5, 0.08)), 4)
    1.0383
    """
    r = np.asarray(drag_reduction_frac, dtype=float)
    phi = np.asarray(air_share, dtype=float)
    b = 1.0 + level_exponent
    x = np.ones(np.broadcast(r, phi).shape)
    for _ in range(iterations):
        g = (1.0 - phi) * x**b + phi * (1.0 - r) * x**3 - 1.0
        dg = b * (1.0 - phi) * x ** (b - 1.0) + 3.0 * phi * (1.0 - r) * x**2
        x = x - g / dg
    ok = (r >= 0) & (r <= 1) & (phi >= 0) & (phi < 1)
    return np.where(ok, x, np.nan)


def _force_frac_body_weight(fig: PaperFigure) -> float:
    cda = float(drag_area_m2(fig.mass_kg, fig.height_m))
    force = 0.5 * fig.air_density_kg_m3 * cda * fig.speed_m_s**2
    return force / (fig.mass_kg * G_M_S2)


def implied_impeding_slope(fig: PaperFigure) -> float:
    """The impeding slope s that reproduces a paper's published figure with paceline's drag.

    Parameters
    ----------
    fig : PaperFigure
        The paper's reduction, baseline, athlete and published saving.

    Returns
    -------
    float
        s [-]: φ/((1 − φ)·f), where φ is the air share that makes
        :func:`speed_ratio_at_constant_power` (β = 0) give the published speed ratio and
        f = F/(m·g) is paceline's drag (0.266·BSA·0.9 drag area) on the athlete at the
        undrafted speed.

    Notes
    -----
    With β = 0 the published ratio x gives φ in closed form: (1 − φ)x + φ(1 − r)x³ = 1 ⇒
    φ = (x − 1)/(x − (1 − r)x³).
    """
    x = fig.target_speed_ratio
    r = fig.drag_reduction_frac
    phi = (x - 1.0) / (x - (1.0 - r) * x**3)
    return float(phi / ((1.0 - phi) * _force_frac_body_weight(fig)))


def figure_prediction(fig: PaperFigure, impeding_slope: float, drag_reduction_frac=None,
                      level_exponent=0.0) -> dict[str, float]:
    """What a slope predicts for a paper's case: speed gain [-] and time saved [s].

    ``drag_reduction_frac`` defaults to the paper's; give another to check a held-out point.
    """
    r = fig.drag_reduction_frac if drag_reduction_frac is None else drag_reduction_frac
    phi = float(air_share_frac(_force_frac_body_weight(fig), impeding_slope))
    x = float(speed_ratio_at_constant_power(r, phi, level_exponent))
    return {"speed_gain_frac": x - 1.0,
            "time_saved_s": fig.baseline_time_s * (1.0 - 1.0 / x),
            "air_share_frac": phi}


def _pugh1971_slope(mass_kg=65.0, height_m=1.75, air_speed_m_s=18.5, vo2_still_l_min=3.0,
                    vo2_wind_l_min=5.0, air_density_kg_m3=1.2) -> float:
    """Pugh (1971)'s treadmill-in-wind-tunnel measurement as an impeding slope [-].

    3.0 → 5.0 L/min O2 against 18.5 m/s of air at 4.45 m/s; the drag from paceline's drag area
    for a 65 kg runner of 1.75 m (height ASSUMED: not in the sources held), air 1.2 kg/m³.
    """

    force = 0.5 * air_density_kg_m3 * float(drag_area_m2(mass_kg, height_m)) * air_speed_m_s**2
    return (vo2_wind_l_min / vo2_still_l_min - 1.0) / (force / (mass_kg * G_M_S2))


_DAVIES = "Davies CTM (1980) J Appl Physiol 48:702, doi:10.1152/jappl.1980.48.4.702"
_SOURCES = {
    "li2025": "Li et al. (2025), CFD of the INEOS 1:59 pacer formation",
    "schickhofer-hanson2021": "Schickhofer L, Hanson H (2021). Aerodynamic effects and "
    "performance improvements of running in drafting formations. J Biomech 122:110457, "
    "doi:10.1016/j.jbiomech.2021.110457",
    "beaumont2021": "Beaumont F, Taiar R, Polidori G, et al. (2021). Aerodynamic study of "
    "time-trial running for the INEOS 1:59 Challenge (CFD)",
    "marro2023": "Marro M, Leinss J, Cloutier L, et al. (2023). On the 1:59 marathon: drafting "
    "formations in a wind tunnel. Proc R Soc A 479:20220836, doi:10.1098/rspa.2022.0836",
    "kipp2025": "da Silva ES, Hoogkamer W, Kipp S, Kram R (2025). Could a female athlete run a "
    "4-minute mile with improved aerodynamic drafting? R Soc Open Sci; "
    "bioRxiv doi:10.1101/2024.08.15.608172",
}


def _registry() -> dict[str, AirCostModel]:
    reg = {
        "dasilva2022": AirCostModel(
            "dasilva2022", DASILVA2022_IMPEDING_SLOPE, DAVIES1980_AIDING_OVER_IMPEDING,
            "da Silva ES, Kram R, Hoogkamer W (2022). J Appl Physiol 133:766-776, "
            "doi:10.1152/japplphysiol.00086.2022; tailwinds: " + _DAVIES,
            "measured", "metabolic power of runners pulled back by a horizontal cable at "
            "12–16 km/h: +6.13 % per 1 % body weight"),
        "pugh1971": AirCostModel(
            "pugh1971", _pugh1971_slope(), DAVIES1980_AIDING_OVER_IMPEDING,
            "Pugh LGCE (1971). J Physiol 213:255-276, doi:10.1113/jphysiol.1971.sp009381; "
            "tailwinds: " + _DAVIES,
            "measured", "O2 uptake against a wind in a wind tunnel (3.0 → 5.0 L/min at "
            "18.5 m/s), drag from paceline's drag area for the 65 kg runner (1.75 m ASSUMED)"),
    }
    for name, fig in PAPER_FIGURES.items():
        reg[name] = AirCostModel(name, implied_impeding_slope(fig),
                                 DAVIES1980_AIDING_OVER_IMPEDING, _SOURCES[name],
                                 "paper-conversion", f"{fig.confidence}: {fig.reading}")
    reg["none"] = AirCostModel("none", 0.0, 0.0, "-", "none",
                               "the air costs nothing: switches the effect off")
    return reg


#: The registry: name → :class:`AirCostModel`.
AIR_COST_MODELS: dict[str, AirCostModel] = _registry()

#: The default: the only direct metabolic measurement of a horizontal force on runners at
#: marathon-relevant speeds (docs/model.md gives the reason in full).
DEFAULT_AIR_COST_MODEL = "dasilva2022"


def air_cost_model_names() -> list[str]:
    """The registry's names, default first."""
    return names_default_first(AIR_COST_MODELS, DEFAULT_AIR_COST_MODEL)


def get_air_cost_model(name_or_model: str | AirCostModel | Callable | None = None
                       ) -> AirCostModel:
    """Look up an air-cost model by name (None → the default); a model passes through.

    Raises
    ------
    KeyError
        For an unknown name; the message lists the valid ones.
    """
    return lookup(AIR_COST_MODELS, name_or_model, default=DEFAULT_AIR_COST_MODEL,
                  kind=AirCostModel, what="air-cost model")


def published_impeding_slopes() -> dict[str, float]:
    """The published spread, as data: each source's impeding slope s [-] (``none`` excluded).

    For the Monte Carlo (issue 15): draw a source, not a slope between sources, so that every
    draw is a conversion someone published. See :func:`draw_impeding_slope`.
    """
    return {k: m.impeding_slope for k, m in AIR_COST_MODELS.items() if m.basis != "none"}


def draw_impeding_slope(rng: np.random.Generator, size) -> np.ndarray:
    """Draw impeding slopes [-] from the published sources, each source equally likely.

    Parameters
    ----------
    rng : numpy.random.Generator
        The caller's generator (no global seeding).
    size : int or tuple
        Output shape (axis 0 = draw).
    """
    slopes = np.array(list(published_impeding_slopes().values()))
    return rng.choice(slopes, size=size)
