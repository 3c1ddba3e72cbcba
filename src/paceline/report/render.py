"""Render a :class:`paceline.plan.RacePlan` with the Jinja2 templates shared by the static report
(``paceline plan`` → report.html) and the web app's Plan page (``paceline web``).

:func:`plan_view` turns the plan into display values (human units, table rows, the crew Gantt as
SVG geometry); the templates only lay them out. Static figures (matplotlib PNG as data URIs) are
made by :func:`static_figures`; the web page draws interactive charts from the same view instead.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import jinja2

from paceline.plan import RacePlan
from paceline.units import format_distance, format_duration, format_length, format_pace

__all__ = ["environment", "plan_view", "static_figures", "render_report", "read_assumptions",
           "pacer_colours", "stint_conflicts", "shoes_text", "drafting_text",
           "toml_sentence", "PALETTE", "colour_note"]

_ENV: jinja2.Environment | None = None


def environment() -> jinja2.Environment:
    """The Jinja2 environment over ``paceline/report/templates`` (autoescaped)."""
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(loader=jinja2.PackageLoader("paceline.report", "templates"),
                                  autoescape=True, undefined=jinja2.StrictUndefined,
                                  trim_blocks=True, lstrip_blocks=True)
        _ENV.filters["duration"] = lambda s, d=0: format_duration(s, decimals=d)
        _ENV.filters["distance"] = format_distance
    return _ENV


# --- assumptions from the scenario file ---------------------------------------------------------

_SECTION = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+")


def read_assumptions(path: str | Path) -> list[dict]:
    """The scenario file's ASSUMED notes: ``[{section, text, reference}]``.

    A comment paragraph (consecutive ``#`` lines) is one note, so a sentence that runs over two
    lines is kept whole; a key with an inline comment gives "key = value — comment". Notes under
    ``[athlete.reference]`` describe the *reference* race the capacity is calibrated on
    (``reference`` True), not the race planned.
    """
    section = ""
    out: list[dict] = []
    para: list[str] = []
    para_section = ""

    def flush() -> None:
        text = " ".join(para).strip()
        if "ASSUMED" in text and "each assumption" not in text:
            out.append({"section": para_section, "text": text,
                        "reference": para_section.startswith("athlete.reference")})
        para.clear()

    for line in Path(path).read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            if not para:
                para_section = section
            para.append(stripped.lstrip("#").strip())
            continue
        m = _SECTION.match(line)
        if m:
            section = m.group(1)
            para_section = section  # a comment right above a [section] header describes it
            flush()
            continue
        flush()
        code, _, comment = line.partition("#")
        if "ASSUMED" in comment:
            key_section = section
            out.append({"section": key_section,
                        "text": f"{toml_sentence(code)} — {comment.strip()}",
                        "reference": key_section.startswith("athlete.reference")})
    flush()
    return out


_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_UNITS = (("_m_s", " m/s"), ("_c", " °C"), ("_kg", " kg"), ("_km", " km"), ("_m", " m"),
          ("_deg", "°"), ("_s", " s"), ("_g", " g"))
_FRACTIONS = ("metabolic_saving", "relative_humidity", "drag_reduction")


def _count(n: int, word: str) -> str:
    return f"{_NUMBERS[n] if n < len(_NUMBERS) else n} {word}{'' if n == 1 else 's'}"


def _distance_words(v) -> str:
    if isinstance(v, str):
        import re as _re

        m = _re.fullmatch(r"\s*([\d.]+)\s*(km|m)\s*", v)
        return f"{m.group(1)} {m.group(2)}" if m else v
    return f"{v:g} m"


def _positions_words(pos) -> str:
    """[[x_m, y_m], ...] (x forward, y to the LEFT) → "two pacers 1.3 m ahead, 0.4 m to the
    left and 0.4 m to the right"."""
    def ahead(x: float) -> str:
        return f"{x:g} m ahead" if x > 0 else f"{-x:g} m behind" if x < 0 else "level"

    def side(y: float) -> str:
        return f"{y:g} m to the left" if y > 0 else f"{-y:g} m to the right" if y < 0 else ""

    xs = {float(x) for x, _ in pos}
    if len(xs) == 1:
        sides = [side(float(y)) for _, y in pos if y]
        where = ahead(xs.pop()) + (", " + " and ".join(sides) if sides else "")
        return f"{_count(len(pos), 'pacer')} {where}"
    each = "; ".join(ahead(float(x)) + (f" {side(float(y))}" if y else "") for x, y in pos)
    return f"{_count(len(pos), 'pacer')} ({each})"


def _value_words(key: str, value) -> str:
    if isinstance(value, dict):
        return _table_words(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if key in _FRACTIONS:
        return f"{value:.0%}".replace("%", " %")
    for suffix, unit in _UNITS:
        if key.endswith(suffix):
            return f"{value:g}{unit}"
    return f"{value:g}"


def _table_words(t: dict) -> str:
    parts = []
    if "positions" in t:
        parts.append(_positions_words(t["positions"]))
    if "formation" in t:
        parts.append(f"the {t['formation']} formation")
    if "drag_reduction" in t:
        parts.append(f"{t['drag_reduction']:.0%} drag reduction".replace("%", " %"))
    if "from" in t:
        parts.append(f"from {_distance_words(t['from'])}")
    if "until" in t:
        parts.append(f"until {_distance_words(t['until'])}")
    rest = [f"{_key_words(k, v)} {_value_words(k, v)}" for k, v in t.items()
            if k not in ("positions", "formation", "drag_reduction", "from", "until")]
    sep = ", " if any("," in x for x in parts) else " "
    return sep.join(parts + rest)


def toml_sentence(code: str) -> str:
    """A TOML line of a scenario in words, for the report's assumptions.

    ``{ positions = [[1.3, 0.0]], until = "25km" },`` → "one pacer 1.3 m ahead until 25 km";
    ``wind_speed_m_s = 0.5`` → "wind speed 0.5 m/s"; ``course = "straight"`` → "course
    straight". Positions follow the scenario's convention (x forward, y to the left). A line
    that is not valid TOML on its own is returned as it is."""
    import tomllib

    code = code.strip().rstrip(",").strip()
    try:
        if code.startswith("{"):
            return _table_words(tomllib.loads(f"v = {code}")["v"])
        data = tomllib.loads(code)
    except tomllib.TOMLDecodeError:
        return code
    if len(data) != 1:
        return code
    (key, value), = data.items()
    return f"{_key_words(key, value)} {_value_words(key, value)}"


def _key_words(key: str, value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        for suffix, _ in _UNITS:
            if key.endswith(suffix) and key not in _FRACTIONS:
                key = key[: -len(suffix)]
                break
    return key.replace("_", " ")


# --- display values ------------------------------------------------------------------------------

# Paul Tol's colour-blind-safe "muted" scheme (9) plus three of his "vibrant"/grey colours
# that stay apart from it (https://personal.sron.nl/~pault/): the Gantt tells pacers apart by
# the name on each bar; the colours only keep neighbouring bars apart.
PALETTE = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99",
           "#999933", "#AA4499", "#EE7733", "#0077BB", "#BBBBBB")


def _ink(fill: str) -> str:
    r, g, b = (int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if lum > 0.45 else "#ffffff"


def stint_conflicts(stints) -> set[frozenset[str]]:
    """Pairs of pacers whose Gantt bars must not share a colour: they run at the same time, or
    one hands over to the other (bars that touch end to start)."""
    out: set[frozenset[str]] = set()
    st = list(stints)
    for i, a in enumerate(st):
        for b in st[i + 1:]:
            if a.pacer == b.pacer:
                continue
            overlap = min(a.to_m, b.to_m) - max(a.from_m, b.from_m)
            if overlap > 1.0 or (a.slot == b.slot and abs(overlap) <= 1.0):
                out.add(frozenset((a.pacer, b.pacer)))
    return out


def pacer_colours(names: list[str], conflicts: set[frozenset[str]] | None = None
                  ) -> dict[str, tuple[str, str]]:
    """A fill per pacer from the colour-blind-safe :data:`PALETTE` and a readable text colour
    for it: ``{name: (fill_hex, text_hex)}``.

    Pacers in ``conflicts`` (see :func:`stint_conflicts`) get different colours (DSatur greedy
    graph colouring); others may share one, so a chart labels every bar with the name. When a
    pacer has more conflicting neighbours than the palette has colours, he gets the colour
    least used among them."""
    names = sorted(names)
    nbrs: dict[str, set[str]] = {n: set() for n in names}
    for pair in conflicts or ():
        a, b = tuple(pair)
        if a in nbrs and b in nbrs:
            nbrs[a].add(b)
            nbrs[b].add(a)
    colour: dict[str, int] = {}
    while len(colour) < len(names):
        n = max((n for n in names if n not in colour),
                key=lambda n: (len({colour[m] for m in nbrs[n] if m in colour}), len(nbrs[n]),
                               -names.index(n)))
        used = [colour[m] for m in nbrs[n] if m in colour]
        free = [k for k in range(len(PALETTE)) if k not in used]
        # among the free colours, the least used so far (spreads the palette over the chart)
        counts = {k: list(colour.values()).count(k) for k in range(len(PALETTE))}
        colour[n] = (min(free, key=lambda k: (counts[k], k)) if free
                     else min(range(len(PALETTE)), key=lambda k: (used.count(k), k)))
    return {n: (PALETTE[k].lower(), _ink(PALETTE[k])) for n, k in colour.items()}


def colour_note(n_pacers: int) -> str:
    """What the Gantt's colours mean when there are more pacers than colours (issue 14
    review: 41 pacers cannot each have a colour that a colour-blind reader tells apart)."""
    if n_pacers <= len(PALETTE):
        return "each pacer has his own colour"
    return (f"{n_pacers} pacers share {len(PALETTE)} colour-blind-safe colours (Paul Tol's), "
            "so a colour repeats: pacers running together or handing over never share one — "
            "read the name on each bar")


def _gantt(crew) -> dict:
    """SVG geometry of the crew Gantt (one row per slot; viewBox units)."""
    names = sorted({a.pacer for a in crew.stints})
    colours = pacer_colours(names, stint_conflicts(crew.stints))
    margin = {p.name: p for p in crew.pacers}
    slots = list(crew.slots)
    left, width, row_h, top = 90.0, 900.0, 34.0, 26.0
    km = crew.distance_m / 1000.0
    bars = []
    for a in crew.stints:
        x = left + width * a.from_m / crew.distance_m
        w = width * (a.to_m - a.from_m) / crew.distance_m
        y = top + row_h * slots.index(a.slot)
        pm = margin.get(a.pacer)
        rem = pm.min_margin if pm else float("nan")
        fill, ink = colours[a.pacer]
        bars.append({
            "x": round(x, 1), "y": round(y + 3, 1), "w": round(w, 1), "h": row_h - 6,
            "fill": fill, "ink": ink, "pacer": a.pacer, "slot": a.slot,
            "label": a.pacer, "small": w < 34, "cx": round(x + w / 2, 1),
            "cy": round(y + row_h / 2, 1), "remaining": f"{rem:.0%}",
            "from_km": f"{a.from_m / 1000:.1f}", "to_km": f"{a.to_m / 1000:.1f}",
            "title": f"{a.pacer} — {a.slot}, {a.from_m / 1000:.1f}–{a.to_m / 1000:.1f} km; "
                     f"lowest remaining capacity {rem:.0%}"
                     + (f" after {pm.stints} stint(s), {pm.distance_m / 1000:.1f} km"
                        if pm else "")})
    ticks = [{"x": round(left + width * k / km, 1), "label": f"{k:g}"}
             for k in range(0, int(km) + 1, 5)]
    exch = [round(left + width * d / crew.distance_m, 1) for d in crew.exchange_points_m]
    return {"bars": bars, "slots": [{"name": s, "y": top + row_h * i + row_h / 2}
                                    for i, s in enumerate(slots)],
            "ticks": ticks, "exchanges": exch, "height": top + row_h * len(slots) + 40,
            "axis_y": top + row_h * len(slots), "left": left, "right": left + width}


def _split_rows(rows) -> list[dict]:
    return [{"label": r.label, "distance_m": round(r.distance_m, 1),
             "elapsed_s": round(r.elapsed_s, 2),
             "elapsed": format_duration(r.elapsed_s, decimals=1),
             "segment": format_duration(r.segment_s, decimals=1),
             "pace": format_duration(r.pace_s_per_km, decimals=1)} for r in rows]


def shoes_text(worth, shoes) -> str:
    """What the race shoes are worth, split into energy return and mass, in one line.

    ``worth`` is a :class:`paceline.sim.whatif.ShoeWorth` (seconds, + = faster), ``shoes`` the
    scenario's :class:`paceline.scenario.Shoes`. E.g. "save 178.3 s: +187.9 s from energy return
    (4.0 %), −9.6 s from mass (250 g vs 200 g reference)".
    """
    if shoes.mass_g is not None:
        mass = (f"{worth.mass_s:+.1f} s from mass ({shoes.mass_g:g} g vs "
                f"{shoes.reference_mass_g:g} g reference, {-worth.mass_frac:+.1%} metabolic "
                "cost; Frederick 1984)")
    else:
        verb = "save" if worth.total_s >= 0 else "cost"
        return (f"{verb} {abs(worth.total_s):.1f} s, all from energy return "
                f"({worth.energy_return_frac:.1%}); shoe masses not stated, so no mass effect "
                "is counted").replace(" -", " −")
    verb = "save" if worth.total_s >= 0 else "cost"
    return (f"{verb} {abs(worth.total_s):.1f} s: {worth.energy_return_s:+.1f} s from energy "
            f"return ({worth.energy_return_frac:.1%}), {mass}").replace("+-", "−").replace(
                " -", " −")


def drafting_text(d) -> str:
    """What the race model uses for drafting, in words, for a
    :class:`paceline.scenario.Drafting`: the wake model of a formation (preset or positions),
    a drag fraction, sections of either, or none."""
    if d.sections:
        parts = []
        for s in d.sections:
            span = (f"{(s.from_m or 0) / 1000:g}–{s.until_m / 1000:g} km"
                    if s.until_m is not None else f"from {(s.from_m or 0) / 1000:g} km")
            parts.append(f"{span}: {drafting_text(s)}")
        return "drafting in sections (" + "; ".join(parts) + "; then alone)"
    if d.formation or d.positions:
        what = (f"formation {d.formation}" if d.formation
                else f"{len(d.positions)} pacer position(s)")
        return (f"drafting from the wake model of the {what} (the athlete's drag on each segment "
                "from the pacers' wakes against the course heading and the wind; "
                f"{d.drag_reduction:.0%} drag reduction in still air)")
    if d.drag_reduction > 0:
        return f"drafting as a drag fraction ({d.drag_reduction:.0%} of the athlete's drag removed)"
    return "no drafting (the athlete runs alone)"


def plan_view(plan: RacePlan, *, assumptions: list[dict] | None = None,
              roster_note: str | None = None) -> dict:
    """Display values of a plan for the templates (strings in human units, table rows)."""
    sc, r, p, car, drinks = plan.scenario, plan.result, plan.prediction, plan.car, plan.drinks
    target = plan.target_time_s
    summary = []
    if target is not None:
        summary.append(("Target (this plan's schedule)", format_duration(target, decimals=1)
                        + f" ({format_pace(r.distance_m / target, decimals=2)}, even pace; "
                        f"{r.effort_frac:.1%} of the power the model says he can sustain)"))
    summary += [
        ("Model's prediction", format_duration(p.finish_time_s, decimals=1)
         + f" ({format_pace(p.distance_m / p.finish_time_s, decimals=1)}, {p.pacing})"),
        ("Half way (schedule)", format_duration(r.half_way_s, decimals=1)),
        ("Uncertainty of the prediction (P10 / P50 / P90)",
         " / ".join(format_duration(plan.percentiles_s[k]) for k in (10, 50, 90))
         + f" ({plan.draws} draws, seed {plan.seed})"),
    ]
    summary.append(("Shoes vs the reference shoe (even effort)", shoes_text(plan.shoes, sc.shoes)))
    if sc.race.actual_time_s:
        summary.append(("Actual", format_duration(sc.race.actual_time_s, decimals=1)))
    if plan.target_shortfall_frac is not None:
        summary.append(("Target", f"{format_duration(target)} is beyond the model's capacity by "
                        f"{plan.target_shortfall_frac:.1%} of time (--force)"))
    c = sc.conditions
    cond = (f"{c.temperature_c:g} °C" + (f" → {c.temperature_end_c:g} °C"
                                        if c.temperature_end_c is not None else "")
            + f", RH {c.relative_humidity:.0%}, wind {c.wind_speed_m_s:g} m/s from "
            f"{c.wind_from_deg:g}°, drafting {sc.drafting.drag_reduction:.0%}, shoes: "
            f"energy return {sc.shoes.metabolic_saving:.1%}"
            + (f", {sc.shoes.mass_g:g} g vs {sc.shoes.reference_mass_g:g} g reference"
               if sc.shoes.mass_g is not None else ", mass not stated"))
    total = sum(r.breakdown_w_kg.values())
    final = float(car.drift_s[-1])
    finish = (f"finishes {final:+.2f} s from it" if abs(final) >= 0.005
              else "finishes on schedule to within 0.01 s")
    crew = None
    if plan.crew_plan is not None:
        cp = plan.crew_plan
        used = {a.pacer for a in cp.stints}
        lowest = min((m.min_margin for m in cp.pacers if m.name in used), default=float("nan"))
        crew = {"formation": cp.formation, "used": len(used),
                "exchanges": ", ".join(f"{d / 1000:.1f}" for d in cp.exchange_points_m),
                "safety": f"{cp.safety_margin_frac:.0%}", "lowest": f"{lowest:.0%}",
                "status": cp.status,
                "gap": f"{cp.gap_frac:.1%}" if cp.gap_frac == cp.gap_frac else "—",
                "gantt": _gantt(cp),
                "colours": colour_note(cp.pacers_used),
                "rows": [(a.pacer, a.slot, f"{a.from_m / 1000:.1f} km", f"{a.to_m / 1000:.1f} km")
                         for a in sorted(cp.stints, key=lambda a: (a.from_m, a.slot))],
                "pacers": [{"name": m.name, "remaining": f"{m.min_margin:.0%}",
                            "stints": m.stints, "km": f"{m.distance_m / 1000:.1f}"}
                           for m in cp.pacers if m.name in used]}
    formation = None
    if plan.formation is not None:
        f = plan.formation
        formation = {"title": f.title or f.name, "n_pacers": f.n_pacers,
                     "from_plan": plan.formation_from_plan,
                     "drag_reduction": f"{sc.drafting.drag_reduction:.0%}",
                     "laser": [(ln.label, ln.kind, f"{ln.lateral_m:+.2f} m",
                                f"{ln.behind_from_m:.2f} m", f"{ln.behind_to_m:.2f} m")
                               for ln in plan.laser.lines]}
    model = ("docs/model.md — even effort under a time-averaged power budget; heat through WBGT "
             f"(shade); {drafting_text(sc.drafting)}; no acceleration costs.")
    carb_ml = drinks.carbohydrate_g_h * r.finish_time_s / 3600.0 / drinks.concentration_g_ml
    assumptions = assumptions or []
    return {
        "title": sc.name or plan.model.course.name,
        "athlete": sc.athlete.name,
        "distance": format_distance(r.distance_m),
        "course": plan.model.course.name,
        "conditions": cond,
        "pacing": r.pacing,
        "summary": summary,
        "chart_title": ("the plan's schedule" if target is not None else "predicted")
        + f" {format_duration(r.finish_time_s, decimals=1)}",
        "splits": {k: _split_rows(v) for k, v in plan.splits.items()},
        "card": [(x.label.replace(" km", ""), format_duration(x.elapsed_s))
                 for x in plan.splits["km"]],
        "power": [(k, f"{v:.3f}", f"{v / total:.2%}") for k, v in r.breakdown_w_kg.items()],
        "drag_n": f"{r.mean_drag_force_n:.2f}", "air_share": f"{r.air_share:.2%}",
        "wbgt": f"{r.wbgt_c:.1f}",
        "heat": f"heat model {sc.models.heat}, power capacity × {r.heat_factor:.4f} against "
                f"the reference race's WBGT {plan.model.reference_wbgt_c:.1f} °C",
        "whatif": [(f.name, f.change, f"{f.delta_s:+.1f} s") for f in plan.whatif_factors],
        "whatif_base": format_duration(plan.whatif_base_s, decimals=1),
        "car": {"offset": f"{car.offset_m:g}", "resolution": f"{car.resolution_kmh:g}",
                "max_drift": f"{car.max_abs_drift_s:.2f}", "finish": finish,
                "naive": f"{car.naive_drift_s[-1]:+.1f}", "n_changes": len(plan.car_changes),
                "changes": [(format_length(d) if d else "start", f"{v:.1f} km/h")
                            for d, v in plan.car_changes]},
        "corrections": [(f"{x.delta_s:+.0f} s at {x.at_m / 1000:g} km", f"{x.over_m / 1000:g} km",
                         f"{x.speed_change_m_s * 3.6:+.2f} km/h ({x.speed_change_frac:+.2%})",
                         f"{x.ramp_m:.0f} m") for x in plan.corrections],
        "drinks": {"sweat_rate": f"{drinks.sweat_rate_l_h:.2f}",
                   "heat_w": f"{drinks.metabolic_heat_w:.0f}",
                   "uncompensable": drinks.uncompensable,
                   "sweat_total": f"{drinks.sweat_total_l:.2f}",
                   "fluid_min": f"{drinks.fluid_target_l:.2f}",
                   "loss_ok": drinks.fluid_target_l <= 0.0,
                   "cho_g_h": f"{drinks.carbohydrate_g_h:g}",
                   "conc": f"{drinks.concentration_g_ml * 100:.0f}",
                   "carb_ml": f"{carb_ml:.0f}",
                   "total_ml": f"{drinks.total_volume_ml:.0f}",
                   "total_cho": f"{drinks.total_carbohydrate_g:.0f}",
                   "rows": [(h.number, format_distance(h.distance_m), format_duration(h.elapsed_s),
                             f"{h.volume_ml:.0f} ml", f"{h.carbohydrate_g:.1f} g")
                            for h in drinks.handoffs]},
        "formation": formation,
        "crew": crew,
        "roster_note": roster_note,
        "assumptions_race": [a for a in assumptions if not a["reference"]],
        "assumptions_reference": [a for a in assumptions if a["reference"]],
        "notes": list(plan.notes),
        "model": model,
    }


# --- static figures ------------------------------------------------------------------------------

def _uri(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def static_figures(plan: RacePlan) -> dict[str, str | None]:
    """PNG data URIs for the offline report: prediction, drift, formation, laser."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from paceline.report.prediction_plot import plot_prediction

    buf = io.BytesIO()
    title = None
    if plan.target_time_s is not None:
        title = (f"{plan.scenario.name or plan.model.course.name}: the plan's schedule "
                 f"{format_duration(plan.finish_time_s, decimals=1)} (target, even pace)")
    plot_prediction(plan.model, plan.result, buf, title=title)
    figs: dict[str, str | None] = {
        "prediction": "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")}
    car = plan.car
    fig, ax = plt.subplots(figsize=(10, 3.2), constrained_layout=True)
    km = car.node_distance_m[1:] / 1000.0
    ax.plot(km, car.naive_drift_s, color="0.6", lw=1, label="each block rounded alone")
    ax.plot(km, car.drift_s, color="#1f5fa8", lw=1.4, label="this program")
    ax.axhline(0, color="0.3", lw=0.6)
    ax.set_xlabel("distance [km]")
    ax.set_ylabel("behind schedule [s]")
    ax.set_title(f"Pace car at {car.resolution_kmh:g} km/h resolution, {len(plan.car_changes)} "
                 "set speeds: schedule drift", loc="left", fontsize=10)
    ax.legend(fontsize=8)
    figs["drift"] = _uri(fig)
    plt.close(fig)
    figs["formation"] = figs["laser"] = None
    if plan.formation_result is not None:
        from paceline.report.formation_plot import plot_formation, plot_laser

        buf = io.BytesIO()
        plot_formation(plan.formation_result, buf)
        figs["formation"] = "data:image/png;base64," + base64.b64encode(
            buf.getvalue()).decode("ascii")
        figs["laser"] = plot_laser(plan.laser)
    return figs


def render_report(plan: RacePlan, *, files: list[Path], assumptions: list[dict],
                  roster_note: str | None = None,
                  figures: dict[str, str | None] | None = None) -> str:
    """The offline report.html: one file, figures embedded, no scripts or fonts fetched.

    The report names the plan by :func:`plan_id` of its machine files, not by the time it was
    written: the same input and seed give the same report byte for byte (a minute-stamped
    "generated" line made two runs differ)."""
    view = plan_view(plan, assumptions=assumptions, roster_note=roster_note)
    return environment().get_template("report.html").render(
        plan=view, figures=figures if figures is not None else static_figures(plan),
        files=[f.name for f in files] + ["report.html"], files_base="",
        plan_id=plan_id(files))


def plan_id(files: list[Path]) -> str:
    """The first 12 hex digits of the SHA-256 of the plan's machine files (names and bytes, in
    name order): two plan folders with the same id hold the same plan."""
    import hashlib

    h = hashlib.sha256()
    for f in sorted(files, key=lambda p: Path(p).name):
        h.update(Path(f).name.encode() + b"\0" + Path(f).read_bytes() + b"\0")
    return h.hexdigest()[:12]
