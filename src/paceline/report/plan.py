"""``paceline plan``: the whole race plan as one offline HTML report plus machine files.

Assembles (no physics here): the prediction and its uncertainty, split tables and a wristband
card, the power breakdown and what-if table, the pace-car program and its drift, the laser
layout (when the scenario names a formation), the drinks plan, and the assumptions. Figures are
PNG embedded as data URIs; no scripts, fonts or styles are fetched from anywhere.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from paceline.course import preset_info
from paceline.errors import ImpossibleScenarioError, InputFileError
from paceline.formation import evaluate, formation_for_drafting, load_preset
from paceline.io.scenario_file import load_courses, read_scenario
from paceline.io.schedule_gpx import east_north_to_lat_lon, write_schedule_gpx
from paceline.program import (
    PaceSchedule,
    car_program,
    correct,
    laser_layout,
    plan_drinks,
    split_table,
)
from paceline.sim import MonteCarlo, RaceModel, whatif
from paceline.units import format_distance, format_duration, format_pace

__all__ = ["PlanOutput", "write_plan"]

STEPS = 9


@dataclass
class PlanOutput:
    directory: Path
    files: list[Path] = field(default_factory=list)
    finish_time_s: float = float("nan")  # of the plan's schedule [s]
    prediction_s: float = float("nan")  # the model's own prediction [s]
    target_shortfall_frac: float | None = None  # > 0: the target needs more than capacity


def _png_data_uri(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _table(headers: list[str], rows: list[list[str]], cls: str = "") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>"
                   for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _assumed_lines(path: Path) -> list[str]:
    """The scenario file's lines marked ASSUMED, as "key = value — why" where a key is set."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if "ASSUMED" not in line or "each assumption" in line:
            continue
        code, _, comment = line.partition("#")
        code, comment = code.strip(), comment.strip()
        out.append(f"{code} — {comment}" if code else comment)
    return out


def _laser_figure(laser, plt) -> str:
    """The projected lines seen from above, car at the top."""
    fig, ax = plt.subplots(figsize=(4.6, 5.2), constrained_layout=True)
    ax.add_patch(plt.Rectangle((-1.0, -2.0), 2.0, 2.0, fc="0.3"))
    ax.text(0, -1.0, "car", color="white", ha="center", va="center")
    for ln in laser.lines:
        if ln.kind == "track":
            ax.plot([-ln.lateral_m] * 2, [ln.behind_from_m, ln.behind_to_m], color="#1db954",
                    lw=3)
            ax.text(-ln.lateral_m, ln.behind_from_m - 0.2, ln.label, ha="center", va="bottom",
                    fontsize=7, rotation=90)
        else:
            ax.plot([-ln.half_width_m, ln.half_width_m], [ln.behind_from_m] * 2,
                    color="#1db954", lw=2, ls="--")
            ax.text(ln.half_width_m + 0.15, ln.behind_from_m, ln.label, va="center", fontsize=8)
    ax.set_ylim(max(ln.behind_to_m for ln in laser.lines) + 1.5, -2.5)
    ax.set_xlim(-3.5, 4.5)
    ax.set_aspect("equal")
    ax.set_xlabel("left ← lateral [m] → right")
    ax.set_ylabel("metres behind the car")
    ax.set_title("Laser lines projected by the car", fontsize=10, loc="left")
    uri = _png_data_uri(fig)
    plt.close(fig)
    return uri


def _crew_section(crew_plan, crew_uri) -> str:
    if crew_plan is None:
        return ("<h2>Crew rotation</h2><p>No roster: set <code>[plan] roster = ...</code> in the "
                "scenario (or run <code>paceline crew plan</code>) for the rotation.</p>")
    p = crew_plan
    gap = f"{p.gap_frac:.1%}" if p.gap_frac == p.gap_frac else "—"
    used = {a.pacer for a in p.stints}
    lowest = min((m.min_margin for m in p.pacers if m.name in used), default=float("nan"))
    rows = [[a.pacer, a.slot, f"{a.from_m / 1000:.1f} km", f"{a.to_m / 1000:.1f} km"]
            for a in sorted(p.stints, key=lambda a: (a.from_m, a.slot))]
    return ("<h2>Crew rotation</h2>"
            f"<p>{len(used)} pacers used in the {html.escape(p.formation)} slots, exchanges at "
            f"{', '.join(f'{d / 1000:.1f}' for d in p.exchange_points_m)} km; safety margin "
            f"{p.safety_margin_frac:.0%}; lowest remaining capacity of any pacer {lowest:.0%}. "
            f"Solver: {html.escape(p.status)} (gap to bound {gap}).</p>"
            f'<img alt="crew rotation" src="{crew_uri}">'
            "<details><summary>Who runs where</summary>"
            + _table(["pacer", "slot", "from", "to"], rows) + "</details>")


def _formation_section(formation, formation_uri, laser, laser_uri, result, *,
                       from_plan: bool = False, drafting=None) -> str:
    if formation is None:
        return ("<h2>Formation and laser</h2><p>The scenario gives a drafting fraction "
                f"({result.pacing}), not a formation, so there is no formation to draw and no "
                "laser layout to project. Name one in <code>[drafting] formation = ...</code> "
                "(see <code>paceline formation show</code>).</p>")
    rows = [[ln.label, ln.kind, f"{ln.lateral_m:+.2f} m", f"{ln.behind_from_m:.2f} m",
             f"{ln.behind_to_m:.2f} m"] for ln in laser.lines]
    note = ""
    if from_plan and drafting is not None:
        note = (f" The prediction uses the scenario's drafting ({drafting.drag_reduction:.0%} "
                "drag reduction); the drawing shows what the formation model rates this shape "
                "(docs/formation.md explains where the two disagree).")
    return ("<h2>Formation and laser</h2>"
            f"<p>{html.escape(formation.title or formation.name)} — {formation.n_pacers} pacers."
            " Lateral offsets are + to the left of the car's centre line." + note + "</p>"
            f'<div class=cols><img alt="formation" style="max-width:48%" src="{formation_uri}">'
            f'<img alt="laser" style="max-width:40%" src="{laser_uri}"></div>'
            + _table(["line", "kind", "lateral", "behind car from", "to"], rows))


def write_plan(scenario_path: str | Path, out_dir: str | Path, *,
               overrides: list[str] | None = None, draws: int = 20000, seed: int = 2019,
               force: bool = False, overwrite: bool = False, crew_time_limit_s: float = 4.0,
               progress: Callable[[int, int, str], None] | None = None) -> PlanOutput:
    """Write report.html, plan.json, CSV tables and a GPX schedule into ``out_dir``."""
    scenario_path = Path(scenario_path)
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        if not overwrite:
            raise InputFileError("the output directory exists and is not empty",
                                 where=str(out), fix="choose a new directory or pass --overwrite")
    step = 0

    def tick(label: str) -> None:
        nonlocal step
        step += 1
        if progress:
            progress(step, STEPS, label)

    sc = read_scenario(scenario_path, overrides)
    course, ref_course = load_courses(sc, scenario_path.parent)
    target = sc.race.target_time_s or sc.plan.target_time_s
    target_key = "race.target_time" if sc.race.target_time_s else "plan.target_time"
    # the athlete's own best (no target): for the uncertainty, what-if and the shortfall
    free_sc = sc.model_copy(update={"race": sc.race.model_copy(update={"target_time_s": None})})
    model = RaceModel(free_sc, course, ref_course)
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
    mc = MonteCarlo(model).run(draws, np.random.default_rng(seed))
    pct = mc.percentiles()
    tick("uncertainty")
    base_s, factors = whatif(free_sc, course, ref_course)
    tick("what-if")
    schedule = PaceSchedule(result.node_distance_m, result.elapsed_s, result.pacing)
    car = car_program(schedule)
    corr = [correct(schedule, 10000.0, d) for d in (+2.0, -2.0, +10.0)]
    tick("pace car")
    drinks = plan_drinks(model, result)
    formation = formation_for_drafting(sc.drafting)
    formation_from_plan = formation is None and sc.plan.formation is not None
    if formation_from_plan:
        formation = load_preset(sc.plan.formation)
    laser = None
    if formation is not None:
        laser = laser_layout(list(formation.runner_names), formation.x_m, formation.y_m,
                             offset_m=car.offset_m)
    tick("drinks")
    crew_plan = None
    if sc.plan.roster is not None:
        from paceline.crew import CrewScheduler, get_crew_formation, problem_from_scenario
        from paceline.io.roster import read_roster

        roster_path = Path(sc.plan.roster)
        if not roster_path.is_absolute():
            roster_path = scenario_path.parent / roster_path
        slots = get_crew_formation(sc.plan.crew_formation).slots
        pacers, _ = read_roster(roster_path, slots=slots)
        problem = problem_from_scenario(
            free_sc, pacers, course=course, reference_course=ref_course,
            formation=sc.plan.crew_formation, exchange_every_m=sc.plan.exchange_every_m,
            safety_margin_frac=sc.plan.safety_margin, target_time_s_override=result.finish_time_s)
        crew_plan = CrewScheduler(problem, time_limit_s=crew_time_limit_s).solve("margin")
    tick("crew")

    if out.exists() and overwrite:
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []

    # --- machine-readable files ---------------------------------------------------------
    def write_csv(name: str, headers: list[str], rows: list[list]) -> None:
        p = out / name
        with p.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(headers)
            w.writerows(rows)
        files.append(p)

    tables = {}
    for every in ("km", "mile", "5km") + (("lap",) if result.lap_marks_m else ()):
        rows = split_table(result.node_distance_m, result.elapsed_s, every, result.lap_marks_m)
        tables[every] = rows
        write_csv(f"splits_{every}.csv",
                  ["label", "distance_m", "elapsed_s", "segment_s", "pace_s_per_km"],
                  [[r.label, f"{r.distance_m:.1f}", f"{r.elapsed_s:.2f}", f"{r.segment_s:.2f}",
                    f"{r.pace_s_per_km:.2f}"] for r in rows])
    changes = car.changes()
    write_csv("car_program.csv", ["group_distance_m", "set_speed_kmh", "drift_s_at_change"],
              [[f"{d:.1f}", f"{v:.1f}",
                f"{float(np.interp(d, car.node_distance_m[1:], car.drift_s)):.3f}"]
               for d, v in changes])
    write_csv("drinks.csv", ["handoff", "distance_m", "elapsed_s", "volume_ml", "carbohydrate_g",
                             "taken_ml", "notes"],
              [[h.number, f"{h.distance_m:.0f}", f"{h.elapsed_s:.0f}", f"{h.volume_ml:.0f}",
                f"{h.carbohydrate_g:.1f}", "", ""] for h in drinks.handoffs])
    if crew_plan is not None:
        from paceline.io.roster import write_plan as write_crew_plan

        write_crew_plan(crew_plan, out / "crew_plan.json", scenario=str(scenario_path),
                        roster=str(roster_path))
        files.append(out / "crew_plan.json")
    if laser is not None:
        write_csv("laser.csv", ["kind", "label", "lateral_m", "behind_car_from_m",
                                "behind_car_to_m", "half_width_m"],
                  [[ln.kind, ln.label, f"{ln.lateral_m:.2f}", f"{ln.behind_from_m:.2f}",
                    f"{ln.behind_to_m:.2f}", f"{ln.half_width_m:.2f}"] for ln in laser.lines])
    info = preset_info(sc.course.preset) if sc.course.preset else {}
    gpx_note = ""
    if "start_lat_deg" in info:
        c = model.course.for_distance(result.distance_m).resample(10.0)
        east, north = c.position_m()
        lat, lon = east_north_to_lat_lon(east, north, info["start_lat_deg"],
                                         info["start_lon_deg"])
        start = sc.race.start or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        when = ("the race's start" if sc.race.start else
                "a nominal start at 2000-01-01T00:00Z (set race.start for real times)")
        files.append(write_schedule_gpx(out / "schedule.gpx", lat, lon, c.elevation_m,
                                        result.elapsed_s, start=start,
                                        name=sc.name or c.name,
                                        description=f"paceline target schedule; times from "
                                        f"{when}; preset geometry is approximate"))
    else:
        gpx_note = ("No GPX schedule: this course has no geographic anchor "
                    "(presets without start_lat_deg, or the straight/track presets).")
    plan = {
        "scenario": sc.name, "athlete": sc.athlete.name, "course": model.course.name,
        "finish_time_s": result.finish_time_s, "pacing": result.pacing,
        "prediction_s": prediction.finish_time_s, "target_time_s": target,
        "target_shortfall_frac": shortfall,
        "uncertainty": {"draws": draws, "seed": seed, "p10_s": pct[10], "p50_s": pct[50],
                        "p90_s": pct[90]},
        "splits": {k: [{"label": r.label, "distance_m": r.distance_m, "elapsed_s": r.elapsed_s}
                       for r in v] for k, v in tables.items()},
        "power_breakdown_w_kg": result.breakdown_w_kg, "air_share": result.air_share,
        "drag_force_n": result.mean_drag_force_n,
        "whatif": [{"name": f.name, "change": f.change, "delta_s": f.delta_s} for f in factors],
        "car_program": {"resolution_kmh": car.resolution_kmh, "offset_m": car.offset_m,
                        "max_abs_drift_s": car.max_abs_drift_s,
                        "final_drift_s": float(car.drift_s[-1]),
                        "changes": [{"distance_m": d, "speed_kmh": v} for d, v in changes]},
        "laser": None if laser is None else [ln.__dict__ for ln in laser.lines],
        "drinks": {"sweat_rate_l_h": drinks.sweat_rate_l_h, "sweat_total_l": drinks.sweat_total_l,
                   "fluid_target_l": drinks.fluid_target_l,
                   "carbohydrate_g_h": drinks.carbohydrate_g_h,
                   "handoffs": [h.__dict__ for h in drinks.handoffs]},
    }
    p = out / "plan.json"
    p.write_text(json.dumps(plan, indent=2), encoding="utf-8")
    files.append(p)
    tick("files")

    # --- figures -------------------------------------------------------------------------
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from paceline.report.prediction_plot import plot_prediction

    buf = io.BytesIO()
    plot_prediction(model, result, buf)
    pred_uri = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
    fig, ax = plt.subplots(figsize=(10, 3.2), constrained_layout=True)
    km = car.node_distance_m[1:] / 1000.0
    ax.plot(km, car.naive_drift_s, color="0.6", lw=1, label="each block rounded alone")
    ax.plot(km, car.drift_s, color="#1f5fa8", lw=1.4, label="error diffusion (this program)")
    ax.axhline(0, color="0.3", lw=0.6)
    ax.set_xlabel("distance [km]")
    ax.set_ylabel("behind schedule [s]")
    ax.set_title(f"Pace car at {car.resolution_kmh:g} km/h resolution: schedule drift",
                 loc="left", fontsize=10)
    ax.legend(fontsize=8)
    drift_uri = _png_data_uri(fig)
    plt.close(fig)
    formation_uri = laser_uri = None
    if formation is not None:
        from paceline.report.formation_plot import plot_formation

        mean_speed = result.distance_m / result.finish_time_s
        fr = evaluate(formation, speed_m_s=mean_speed)
        tmp = out / ".formation.png"
        plot_formation(fr, tmp)
        formation_uri = "data:image/png;base64," + base64.b64encode(
            tmp.read_bytes()).decode("ascii")
        tmp.unlink()
        laser_uri = _laser_figure(laser, plt)
    crew_uri = None
    if crew_plan is not None:
        from paceline.report.crew_plot import plot_crew_gantt

        tmp = out / ".crew.png"
        plot_crew_gantt(crew_plan, tmp)
        crew_uri = "data:image/png;base64," + base64.b64encode(tmp.read_bytes()).decode("ascii")
        tmp.unlink()
    tick("figures")

    # --- HTML ----------------------------------------------------------------------------
    c = sc.conditions
    summary_rows = []
    if target is not None:
        summary_rows.append(
            ["Target (this plan's schedule)", format_duration(target, decimals=1)
             + f" ({format_pace(result.distance_m / target, decimals=2)}, even pace; "
             f"{result.effort_frac:.1%} of the power the model says he can sustain)"])
    summary_rows += [
        ["Model's prediction", format_duration(prediction.finish_time_s, decimals=1)
         + f" ({format_pace(prediction.distance_m / prediction.finish_time_s, decimals=1)}, "
         f"{prediction.pacing})"],
        ["Half way (schedule)", format_duration(result.half_way_s, decimals=1)],
        ["Uncertainty (P10 / P50 / P90)", " / ".join(format_duration(pct[k], decimals=0)
                                                     for k in (10, 50, 90))
         + f"  ({draws} draws, seed {seed})"],
    ]
    if sc.race.actual_time_s:
        summary_rows.append(["Actual", format_duration(sc.race.actual_time_s, decimals=1)])
    if shortfall is not None:
        summary_rows.append(["Target", f"{format_duration(target)} is beyond the model's "
                             f"capacity by {shortfall:.1%} of time (--force)"])
    cond = (f"{c.temperature_c:g} °C" + (f" → {c.temperature_end_c:g} °C"
                                        if c.temperature_end_c is not None else "")
            + f", RH {c.relative_humidity:.0%}, wind {c.wind_speed_m_s:g} m/s from "
            f"{c.wind_from_deg:g}°, drafting {sc.drafting.drag_reduction:.0%}, shoes saving "
            f"{sc.shoes.metabolic_saving:.0%}")

    def split_rows(rows):
        return [[r.label, format_duration(r.elapsed_s, decimals=1),
                 format_duration(r.segment_s, decimals=1),
                 format_duration(r.pace_s_per_km, decimals=1)] for r in rows]

    card = "".join(
        f'<div class="cell"><b>{html.escape(r.label.replace(" km", ""))}</b> '
        f"{format_duration(r.elapsed_s, decimals=0)}</div>" for r in tables["km"])
    total = sum(result.breakdown_w_kg.values())
    power_rows = [[k, f"{v:.3f}", f"{v / total:.2%}"] for k, v in result.breakdown_w_kg.items()]
    whatif_rows = [[f.name, f.change, f"{f.delta_s:+.1f} s"] for f in factors]
    change_rows = [[format_distance(d) if d else "start", f"{v:.1f} km/h"] for d, v in changes]
    corr_rows = [[f"{x.delta_s:+.0f} s at {x.at_m / 1000:g} km", f"{x.over_m / 1000:g} km",
                  f"{x.speed_change_m_s * 3.6:+.2f} km/h ({x.speed_change_frac:+.2%})",
                  f"{x.ramp_m:.0f} m"] for x in corr]
    drink_rows = [[h.number, format_distance(h.distance_m), format_duration(h.elapsed_s),
                   f"{h.volume_ml:.0f} ml", f"{h.carbohydrate_g:.1f} g", "", ""]
                  for h in drinks.handoffs]
    assumed = _assumed_lines(scenario_path)
    sections = [
        f"<h1>{html.escape(sc.name or model.course.name)}</h1>",
        f"<p class=sub>{html.escape(sc.athlete.name)} · {format_distance(result.distance_m)} on "
        f"{html.escape(model.course.name)} · {html.escape(cond)} · pacing "
        f"{html.escape(result.pacing)}</p>",
        _table(["", ""], summary_rows, "summary"),
        f'<img alt="pace and elevation" src="{pred_uri}">',
        "<h2>Splits</h2><div class=cols><div><h3>Every 5 km</h3>"
        + _table(["at", "elapsed", "segment", "pace /km"], split_rows(tables["5km"]))
        + "</div>"
        + ("<div><h3>Laps</h3>" + _table(["lap", "elapsed", "segment", "pace /km"],
                                         split_rows(tables["lap"])) + "</div>"
           if "lap" in tables else "")
        + "</div><details><summary>Every km</summary>"
        + _table(["at", "elapsed", "segment", "pace /km"], split_rows(tables["km"]))
        + "</details><h3>Wristband card</h3><div class=card>" + card + "</div>",
        "<h2>Where the power goes</h2><div class=cols><div>"
        + _table(["cause", "W/kg", "share"], power_rows)
        + f"<p>Mean drag {result.mean_drag_force_n:.2f} N; air {result.air_share:.2%} of "
        f"metabolic power; WBGT {result.wbgt_c:.1f} °C.</p></div><div>"
        + _table(["factor", "change", "worth"], whatif_rows)
        + f"<p>What-if baseline {format_duration(base_s, decimals=1)} (even effort).</p>"
        "</div></div>",
        "<h2>Pace car</h2>"
        f"<p>The car drives {car.offset_m:g} m ahead of the front row at the group's target "
        f"speed, set in steps of {car.resolution_kmh:g} km/h, changed at most every 100 m. "
        f"Following it exactly, the group is never more than {car.max_abs_drift_s:.2f} s off "
        f"schedule and finishes {car.drift_s[-1]:+.2f} s from it; rounding each block alone "
        f"would drift {car.naive_drift_s[-1]:+.1f} s.</p>"
        f'<img alt="drift" src="{drift_uri}">'
        "<h3>Correction rule</h3><p>At a checkpoint the crew reads the gap; the car changes its "
        "speed by a constant step for the next stretch, reached at 0.02 m/s² at most and never "
        "more than 2 % of the pace (lengthening the stretch when needed).</p>"
        + _table(["checkpoint gap", "over", "speed change", "ramp"], corr_rows)
        + f"<details><summary>Set speeds ({len(changes)} changes)</summary>"
        + _table(["group at", "set speed"], change_rows) + "</details>",
        _formation_section(formation, formation_uri, laser, laser_uri, result,
                           from_plan=formation_from_plan, drafting=sc.drafting),
        _crew_section(crew_plan, crew_uri),
        "<h2>Drinks by bike</h2>"
        f"<p>Sweat rate {drinks.sweat_rate_l_h:.2f} L/h from the heat balance (metabolic heat "
        f"{drinks.metabolic_heat_w:.0f} W against the weather; shade, bare skin)"
        + (" — <b>uncompensable heat</b>: sweating cannot shed it" if drinks.uncompensable
           else "")
        + f"; {drinks.sweat_total_l:.2f} L over the race. Fluid target (keep the loss under 2 % "
        f"of body mass, ACSM 2007): {drinks.fluid_target_l:.2f} L. Carbohydrate "
        f"{drinks.carbohydrate_g_h:g} g/h (Jeukendrup 2014: 60–90 g/h over 2.5 h) at "
        f"{drinks.concentration_g_ml * 100:.0f} g per 100 ml. Hand-offs on straight stretches "
        f"(no turn within 60 m). Totals: {drinks.total_volume_ml:.0f} ml, "
        f"{drinks.total_carbohydrate_g:.0f} g carbohydrate.</p>"
        + _table(["#", "at", "time", "volume", "CHO", "taken (ml)", "notes"], drink_rows,
                 "drinks"),
        "<h2>Assumptions</h2><ul>"
        + "".join(f"<li>{html.escape(a)}</li>" for a in assumed)
        + "<li>Model: docs/model.md — even effort under a time-averaged power budget; heat "
        "through WBGT (shade); drafting as a drag fraction; no acceleration costs.</li>"
        + (f"<li>{html.escape(gpx_note)}</li>" if gpx_note else "")
        + "</ul>",
        "<h2>Files</h2><ul>" + "".join(f"<li>{html.escape(f.name)}</li>" for f in files)
        + "<li>report.html</li></ul>",
    ]
    css = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;
margin:24px auto;padding:0 16px;color:#1b1f24}
h1{font-size:26px;margin:0}h2{border-bottom:2px solid #1f5fa8;padding-bottom:2px;margin-top:32px}
.sub{color:#555;margin-top:4px}img{max-width:100%}
table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #ddd;padding:3px 10px;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f2f5f9}
table.summary td{font-size:17px}.cols{display:flex;gap:32px;flex-wrap:wrap}
.card{display:grid;grid-template-columns:repeat(6,auto);gap:2px 10px;border:2px solid #222;
padding:6px;width:max-content;font:12px/1.2 ui-monospace,monospace}
table.drinks td:nth-child(6),table.drinks td:nth-child(7){min-width:80px;
border-bottom:1px solid #999}
@media print{details{display:block}details>*{display:block}h2{break-after:avoid}}
"""
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    doc = ("<!doctype html><html lang=en><head><meta charset=utf-8>"
           f"<title>{html.escape(sc.name or 'paceline plan')}</title><style>{css}</style></head>"
           "<body>" + "\n".join(sections)
           + f"<p class=sub>paceline plan · {generated}</p></body></html>")
    report = out / "report.html"
    report.write_text(doc, encoding="utf-8")
    files.append(report)
    tick("report")
    return PlanOutput(directory=out, files=files, finish_time_s=result.finish_time_s,
                      prediction_s=prediction.finish_time_s,
                      target_shortfall_frac=shortfall)
