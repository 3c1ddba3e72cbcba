"""``paceline`` commands: predict, whatif, equivalent, courses."""

from __future__ import annotations

import atexit
import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from paceline.cli._console import CliConsole, json_text, progress_console
from paceline.cli._help import HelpGroup, check_draws
from paceline.cli._paths import check_output_file, check_output_folder, writing
from paceline.errors import ImpossibleScenarioError, PacelineError, UnitError
from paceline.units import (
    check_race_time,
    format_distance,
    format_duration,
    format_length,
    format_pace,
    parse_distance_m,
    parse_duration_s,
    parse_race_time_s,
)

# The scenario model, course readers and simulator (~0.3 s of CPU with pydantic) are imported
# inside the commands that use them, and the other command groups load on first use
# (_help.LazyCommands): `paceline log fitness` pays for neither.
if TYPE_CHECKING:
    from paceline.sim import RaceModel, RaceResult
    from paceline.sim.whatif import ShoeWorth


class _Root(HelpGroup):
    """The ``paceline`` group: its own commands below, the other groups from their modules."""

    lazy = {
        "formation": "paceline.cli.formation:app",
        "crew": "paceline.cli.crew:app",
        "log": "paceline.cli.log:app",
        "weather": "paceline.cli.weather:app",
        "venue": "paceline.cli.venue:venue",
        "web": "paceline.cli.web:web",
        "live": "paceline.cli.live:app",
        "validate": "paceline.cli.validate:validate",
    }


app = typer.Typer(
    help="paceline — race engineering for paced record attempts in distance running.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain Click help for every command and group (the setting is inherited by every sub-app):
    # Rich markup would eat "[m/s]" and the Rich panels cut long help with "…" when piped.
    rich_markup_mode=None,
    cls=_Root,
)
out = CliConsole()


def _version(value: bool) -> None:
    if value:
        from paceline import __version__

        print(f"paceline {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="Print paceline's version and exit.")] = False) -> None:
    """paceline — race engineering for paced record attempts in distance running."""


SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a scenario key, e.g. --set conditions.temperature_c=22"),
]
#: --draws of predict and plan: below 100 the P10/P90 are a handful of draws; above 1,000,000
#: the run takes minutes and the percentiles no longer move (sampling error ∝ 1/√draws)
MIN_DRAWS, MAX_DRAWS = 100, 1_000_000
JsonOpt = Annotated[bool, typer.Option("--json", help="Print a JSON object instead of tables.")]


def _progress(label: str) -> Progress:
    return Progress(TextColumn(label), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeRemainingColumn(), console=progress_console(), transient=True)


def _model(path: Path, overrides: list[str] | None,
           athlete: Path | None = None) -> tuple[RaceModel, list[str]]:
    """The race model of a scenario file and the course readers' notes (points dropped, …)."""
    from paceline.io.scenario_file import load_courses, read_scenario
    from paceline.sim import RaceModel

    scenario = read_scenario(path, overrides, athlete=athlete)
    course, ref_course = load_courses(scenario, path.parent)
    notes = list(course.notes) + (list(ref_course.notes) if ref_course is not None else [])
    return RaceModel(scenario, course, ref_course), notes


def _print_notes(notes: list[str]) -> None:
    for n in notes:
        out.print(f"[yellow]note:[/yellow] {escape(n)}", highlight=False)


def shoes_json(w: ShoeWorth) -> dict:
    """What the shoes are worth against the reference shoe (seconds saved; + = faster)."""
    return {"saved_s": w.total_s, "energy_return_s": w.energy_return_s, "mass_s": w.mass_s,
            "energy_return_frac": w.energy_return_frac, "mass_frac": w.mass_frac}


def result_json(model: RaceModel, r: RaceResult, shoes: ShoeWorth | None = None) -> dict:
    """The JSON form of a prediction (keys documented in docs/cli.md)."""
    from paceline.sim.whatif import shoe_worth

    sc = model.scenario
    return {
        "scenario": sc.name,
        "athlete": sc.athlete.name,
        "course": model.course.name,
        "distance_m": r.distance_m,
        "pacing": r.pacing,
        "finish_time_s": r.finish_time_s,
        "finish_time": format_duration(r.finish_time_s, decimals=1),
        "half_way_s": r.half_way_s,
        "splits": [{"distance_m": d, "elapsed_s": t} for d, t in r.splits(1000.0)],
        "splits_5k": [{"distance_m": d, "elapsed_s": t} for d, t in r.splits(5000.0)],
        "laps": [{"distance_m": d, "elapsed_s": t} for d, t in r.lap_splits()],
        "drag_force_n": r.mean_drag_force_n,
        "air_share": r.air_share,
        "power_breakdown_w_kg": r.breakdown_w_kg,
        "capacity_w_kg": r.capacity_w_kg,
        "effort_frac": r.effort_frac,
        "wbgt_c": r.wbgt_c,
        "heat_factor": r.heat_factor,
        "heat_model": sc.models.heat,
        "air_density_kg_m3": r.air_density_kg_m3,
        "drag_area_m2": model.drag_area_m2,
        "shoes": shoes_json(shoes or shoe_worth(model)),
    }


def _drafting_text(d) -> str:
    """One line for a scenario's drafting: "66% to 25 km", sections joined by ", then "."""
    def one(sec) -> str:
        what = sec.formation or ("positions" if sec.positions is not None else None)
        text = f"{sec.drag_reduction:.0%}" + (f" ({what})" if what else "")
        if sec.from_m:
            text += f" from {format_distance(sec.from_m)}"
        if sec.until_m:
            text += f" to {format_distance(sec.until_m)}"
        return text
    if d.sections is not None:
        return ", then ".join(one(sec) for sec in d.sections)
    return one(d)


def _print_prediction(model: RaceModel, r: RaceResult, *, all_km: bool) -> None:
    from paceline.sim.whatif import shoe_worth

    sc = model.scenario
    c = sc.conditions
    title = sc.name or model.course.name
    out.print(f"[bold]{title}[/bold]" + (f" — {sc.athlete.name}" if sc.athlete.name else ""))
    alt = (f"{c.altitude_m:g} m" if c.altitude_m is not None
           else f"{c.pressure_hpa:g} hPa" if c.pressure_hpa is not None else "sea level")
    out.print(
        f"{format_distance(r.distance_m)} on {model.course.name} · {c.temperature_c:g} °C"
        + (f"→{c.temperature_end_c:g} °C" if c.temperature_end_c is not None else "")
        + f", RH {c.relative_humidity:.0%}, {alt}, wind {c.wind_speed_m_s:g} m/s from "
        f"{c.wind_from_deg:g}° · drafting {_drafting_text(sc.drafting)}"
        + f" · air cost {sc.models.air_cost} · heat {sc.models.heat} · pacing {r.pacing}"
    )
    from paceline.report.render import shoes_text

    out.print(f"Shoes {shoes_text(shoe_worth(model), sc.shoes)}", highlight=False)
    out.print(f"\nPredicted finish: [bold green]{format_duration(r.finish_time_s, decimals=1)}"
              f"[/bold green]  ({format_pace(r.distance_m / r.finish_time_s, decimals=2)}), "
              f"half way {format_duration(r.half_way_s, decimals=1)}\n")
    every = 1000.0 if all_km else 5000.0
    t = Table(title="Splits" + (" per km" if all_km else " per 5 km"))
    t.add_column("distance", justify="right")
    t.add_column("elapsed", justify="right")
    t.add_column("segment", justify="right")
    t.add_column("pace", justify="right")
    prev_d, prev_t = 0.0, 0.0
    for d, el in r.splits(every):
        seg = el - prev_t
        t.add_row(format_distance(d) if d != r.distance_m else "finish",
                  format_duration(el, decimals=1), format_duration(seg, decimals=1),
                  format_pace((d - prev_d) / seg, decimals=1))
        prev_d, prev_t = d, el
    out.print(t)
    laps = r.lap_splits()
    if 1 < len(laps) <= 60:
        lt = Table(title="Laps")
        lt.add_column("lap", justify="right")
        lt.add_column("at", justify="right")
        lt.add_column("elapsed", justify="right")
        lt.add_column("lap time", justify="right")
        prev = 0.0
        starts = [0.0] + [d for d, _ in laps[:-1]]
        lengths = [d - s0 for (d, _), s0 in zip(laps, starts, strict=True)]
        for i, (d, el) in enumerate(laps, 1):
            # a last stretch shorter than the lap before it is the run-in, not a lap
            short = i == len(laps) and i > 1 and lengths[-1] < 0.9 * lengths[-2]
            label = "to finish" if short else str(i)
            lt.add_row(label, format_distance(d), format_duration(el, decimals=1),
                       format_duration(el - prev, decimals=1))
            prev = el
        out.print(lt)
    total = sum(r.breakdown_w_kg.values())
    b = Table(title="Metabolic power breakdown (time-averaged)")
    b.add_column("cause")
    b.add_column("W/kg", justify="right")
    b.add_column("share", justify="right")
    for k, v in r.breakdown_w_kg.items():
        b.add_row(k, f"{v:.3f}", f"{v / total:.2%}")
    b.add_row("[bold]total[/bold]", f"{total:.3f}", "100%")
    out.print(b)
    out.print(
        f"Mean drag force {r.mean_drag_force_n:.2f} N (CdA {model.drag_area_m2:.3f} m², "
        f"air {r.air_density_kg_m3:.4f} kg/m³) · air share {r.air_share:.2%} · "
        f"WBGT {r.wbgt_c:.1f} °C (heat factor on power {r.heat_factor:.4f}) · "
        f"sustainable {r.capacity_w_kg:.2f} W/kg, effort {r.effort_frac:.1%}"
    )


def excluded_note(mc) -> str | None:
    """One line on the draws left out of the band (None when every draw was solved)."""
    if not mc.excluded:
        return None
    n = mc.finish_time_s.size
    left = n - mc.used
    why = "; ".join(f"{k}: {v:,}" for k, v in mc.excluded.items())
    return (f"{left:,} of {n:,} draws ({left / n:.1%}) are outside the models' range and left "
            f"out — {why}. The band is conditional on the {mc.used:,} draws the models rate, "
            "and optimistic: the draws left out are the hottest, slowest races "
            "(docs/model.md, \"Uncertainty\").")


def point_vs_band(model: RaceModel, mc, point_s: float) -> tuple[str, dict]:
    """Why the point prediction and the band's P50 differ: one line, and its JSON."""
    from paceline.models import air_cost

    name = model.air_cost.name
    where = mc.percentile_of(point_s)
    data = {"point_s": point_s, "point_percentile": where, "point_air_cost": name,
            "band_air_cost": model.scenario.uncertainty.air_cost}
    if model.scenario.uncertainty.air_cost != "published":
        return (f"The point prediction sits at P{where:.0f} of the band (both use air cost "
                f"{name}).", data)
    slopes = air_cost.published_impeding_slopes()
    steep = sorted(slopes.values(), reverse=True)
    rank = steep.index(slopes[name]) + 1 if name in slopes else None
    which = ("" if rank is None else
             " (the steepest published impeding slope)" if rank == 1 else
             f" (impeding slope {rank}. steepest of {len(slopes)})")
    return (f"The point prediction uses one drag-to-cost conversion, air cost {name}{which}; "
            f"the band samples all {len(slopes)} published conversions (their spread), so the "
            f"point sits at P{where:.0f} of the band.", data)


@app.command()
def predict(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")],
    set_: SetOpt = None,
    json_: JsonOpt = False,
    pacing: Annotated[str | None, typer.Option(
        metavar="<even-effort|even-pace>",
        help="Even effort (power) or even pace (default: the scenario's).")] = None,
    km: Annotated[bool, typer.Option("--km", help="Show every km split.")] = False,
    uncertainty: Annotated[bool, typer.Option(help="Monte Carlo over the input spreads.")] = False,
    draws: Annotated[int, typer.Option(
        help=f"Monte Carlo draws ({MIN_DRAWS:,}–{MAX_DRAWS:,}).")] = 20000,
    seed: Annotated[int, typer.Option(help="Seed of the Monte Carlo generator.")] = 2019,
    png: Annotated[Path | None, typer.Option(help="Write a figure (pace, elevation, splits).")]
    = None,
    athlete: Annotated[Path | None, typer.Option(
        help="TOML file whose [athlete] replaces the scenario's (paceline log profile writes "
             "one).")] = None,
) -> None:
    """Predict finish time, splits and the power breakdown for a scenario."""
    check_output_file(png, where="--png", example="prediction.png", figure=True)
    if uncertainty:
        check_draws(draws, lo=MIN_DRAWS, hi=MAX_DRAWS)
    if pacing is not None and pacing not in ("even-effort", "even-pace"):
        raise UnitError("unknown pacing", where="--pacing", value=pacing,
                        valid="even-effort, even-pace")
    model, notes = _model(scenario, set_, athlete)
    r = model.solve(pacing)
    if not np.isfinite(r.finish_time_s):
        raise ImpossibleScenarioError(
            "the race model gives no finite finish time for this scenario", where=str(scenario),
            value=r.finish_time_s, fix="check drafting, conditions and the athlete for values "
            "outside what the models rate (e.g. pacers far from the athlete)")
    mc = None
    if uncertainty:
        from paceline.sim import MonteCarlo

        runner = MonteCarlo(model)
        rng = np.random.default_rng(seed)
        if json_:
            mc = runner.run(draws, rng)
        else:
            with _progress("Monte Carlo") as prog:
                task = prog.add_task("mc", total=draws)
                mc = runner.run(draws, rng,
                                progress=lambda done, total: prog.update(task, completed=done))
    if png is not None:
        from paceline.report.prediction_plot import plot_prediction

        with writing(png, where="--png"):
            plot_prediction(model, r, png)
    if json_:
        data = result_json(model, r)
        data["notes"] = notes
        if mc is not None:
            pct = mc.percentiles()
            actual = model.scenario.race.actual_time_s
            data["uncertainty"] = {
                "draws": draws, "seed": seed,
                "p10_s": pct[10], "p50_s": pct[50], "p90_s": pct[90],
                "actual_percentile": None if actual is None else mc.percentile_of(actual),
                "draws_used": mc.used,
                "excluded": {"count": draws - mc.used, "reasons": mc.excluded},
                "conditional": bool(mc.excluded),
                "note": excluded_note(mc),
                **point_vs_band(model, mc, r.finish_time_s)[1],
                "variance_breakdown": mc.variance_breakdown(),
                "spreads": model.scenario.uncertainty.model_dump()}
        try:  # NaN/inf is not JSON: refuse rather than write an invalid file
            text = json_text(data, indent=2, allow_nan=False)
        except ValueError:
            raise ImpossibleScenarioError(
                "the prediction has non-finite numbers (NaN or infinity) and cannot be "
                "written as JSON", where=str(scenario),
                fix="check the scenario for values outside what the models rate") from None
        print(text)
        return
    _print_notes(notes)
    _print_prediction(model, r, all_km=km)
    if png is not None:
        out.print(f"figure written to {png}")
    if mc is not None:
        pct = mc.percentiles()
        sp = model.scenario.uncertainty
        actual = model.scenario.race.actual_time_s
        out.print(
            f"\nUncertainty ({draws} draws, seed {seed}, even effort"
            + ("" if not mc.excluded else f", {mc.used:,} used, conditional") + "): "
            f"P10 {format_duration(pct[10], decimals=1)} · "
            f"[bold]P50 {format_duration(pct[50], decimals=1)}[/bold] · "
            f"P90 {format_duration(pct[90], decimals=1)}"
            + ("" if actual is None else
               f"\nactual {format_duration(actual, decimals=1)} falls at "
               f"P{mc.percentile_of(actual):.0f} of the band")
        )
        note = excluded_note(mc)
        if note is not None:
            out.print(f"[yellow]note:[/yellow] {escape(note)}", highlight=False)
        out.print(point_vs_band(model, mc, r.finish_time_s)[0], highlight=False)
        vt = Table(title="What the spread comes from (share of variance, each input alone)")
        vt.add_column("input")
        vt.add_column("share", justify="right")
        for name, share in mc.variance_breakdown().items():
            if share >= 0.001:
                vt.add_row(name, f"{share:.1%}")
        out.print(vt)
        out.print(
            f"spreads (1 SD): temperature {sp.temperature_sd_c:g} °C, "
            f"RH {sp.relative_humidity_sd:g}, "
            f"wind {sp.wind_speed_sd_m_s:g} m/s and {sp.wind_from_sd_deg:g}°, economy "
            f"{sp.economy_sd_frac:.1%}, capacity {sp.capacity_sd_frac:.1%}, drafting "
            f"{sp.drag_reduction_sd:g}, drag area {sp.drag_area_sd_frac:.0%}, air cost "
            f"{sp.air_cost}, model residual {sp.residual_sd_frac:.2%}; reference race: "
            f"RH {sp.reference_relative_humidity_sd:g}, drafting "
            f"{sp.reference_drag_reduction_sd:g}, temperature {sp.reference_temperature_sd_c:g} "
            f"°C; shoes {sp.shoe_saving_sd:g}"
        )


@app.command("whatif")
def whatif_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")],
    set_: SetOpt = None,
    json_: JsonOpt = False,
) -> None:
    """What each factor is worth in seconds (heat, wind, economy, drafting, shoes, altitude)."""
    from paceline.io.scenario_file import load_courses, read_scenario
    from paceline.sim import whatif

    sc = read_scenario(scenario, set_)
    course, ref_course = load_courses(sc, scenario.parent)
    if json_:
        base, factors = whatif(sc, course, ref_course)
    else:
        with _progress("What-if") as prog:
            task = prog.add_task("w", total=6)
            base, factors = whatif(sc, course, ref_course,
                                   progress=lambda d, t: prog.update(task, completed=d))
    if json_:
        print(json_text({"finish_time_s": base, "heat_model": sc.models.heat, "factors": [
            {"name": f.name, "change": f.change, "delta_s": f.delta_s} for f in factors]},
            indent=2))
        return
    t = Table(title=f"What-if — baseline {format_duration(base, decimals=1)} (even effort, "
              f"heat model {sc.models.heat})")
    t.add_column("factor")
    t.add_column("change")
    t.add_column("seconds", justify="right")
    for f in factors:
        t.add_row(f.name, f.change, f"{f.delta_s:+.1f}")
    out.print(t)
    out.print("Positive = slower. Each row changes one thing on race day; "
              "the athlete's calibration stays as it is.")


@app.command()
def equivalent(
    performance: Annotated[str, typer.Argument(help='A performance, e.g. 10k=27:00.')],
    to: Annotated[list[str], typer.Option("--to", help="Target distance(s), e.g. marathon.")],
    riegel_exponent: Annotated[float, typer.Option(help="Riegel's exponent.")] = 1.06,
    json_: JsonOpt = False,
) -> None:
    """Equivalent performances by VDOT (Daniels–Gilbert) and Riegel, side by side."""
    from paceline.models import endurance

    if "=" not in performance:
        raise UnitError("expected DISTANCE=TIME", where="PERFORMANCE", value=performance,
                        fix="write e.g. 10k=27:00 or half=59:00")
    d_txt, t_txt = performance.split("=", 1)
    d1 = parse_distance_m(d_txt, where="PERFORMANCE distance")
    t1 = parse_race_time_s(t_txt, d1, where="PERFORMANCE time")
    vdot = float(endurance.vdot_from_performance(d1, t1))
    rows = []
    for target in to:
        d2 = parse_distance_m(target, where="--to")
        rows.append({
            "distance_m": d2,
            "vdot_time_s": float(endurance.time_from_vdot_s(vdot, d2)),
            "riegel_time_s": float(endurance.riegel_time_s(t1, d1, d2, riegel_exponent)),
        })
    if json_:
        print(json_text({"distance_m": d1, "time_s": t1, "vdot": vdot,
                          "riegel_exponent": riegel_exponent, "equivalents": rows}, indent=2))
        return
    t = Table(title=f"{format_distance(d1)} in {format_duration(t1, decimals=1)} — VDOT {vdot:.1f}")
    t.add_column("distance")
    t.add_column("VDOT (Daniels–Gilbert)", justify="right")
    t.add_column(f"Riegel (^{riegel_exponent:g})", justify="right")
    t.add_column("difference", justify="right")
    for r in rows:
        t.add_row(format_distance(r["distance_m"]), format_duration(r["vdot_time_s"], decimals=1),
                  format_duration(r["riegel_time_s"], decimals=1),
                  f"{round(r['riegel_time_s'] - r['vdot_time_s']):+d} s")  # no '-0 s'
    out.print(t)


@app.command()
def courses(json_: JsonOpt = False) -> None:
    """List the course presets."""
    from paceline.course import preset, preset_names

    rows = []
    for name in preset_names():
        c = preset(name)
        rows.append({"name": name, "length_m": c.length_m, "laps": len(c.lap_marks_m),
                     "loop": c.loop, "source": c.source})
    if json_:
        print(json_text(rows, indent=2))
        return
    t = Table(title="Course presets")
    for col in ("name", "length", "laps", "loop", "source"):
        t.add_column(col)
    for r in rows:
        t.add_row(r["name"], format_length(r["length_m"]), str(r["laps"]),
                  "yes" if r["loop"] else "no", r["source"])
    out.print(t)


def _track_m(text: str) -> float:
    """--track as metres: "400m", "0.4km" or a bare number of metres; 400 or 200 only."""
    try:
        track = float(text)  # the help says metres: a bare 400 is 400 m
    except ValueError:
        track = parse_distance_m(text, where="--track")
    if track not in (200.0, 400.0):
        raise UnitError(f"no standard track has a {format_length(track)} lap", where="--track",
                        value=text, valid="400m (outdoor) or 200m (indoor), measured on lane 1",
                        fix="give --track 400m or --track 200m")
    return track


@app.command()
def lights(
    track: Annotated[str, typer.Option(
        help="Lap length on lane 1: 400m (outdoor) or 200m (indoor); a bare number is metres.")
    ] = "400m",
    distance: Annotated[str, typer.Option(help="Race distance: mile, 1500m, 5k, metres.")] = "mile",
    target: Annotated[str | None, typer.Option(help="Finish time, e.g. 3:59.0.")] = None,
    laps: Annotated[str | None, typer.Option(help="Lap split times, e.g. 60,60,60,59.")] = None,
    negative_split: Annotated[float, typer.Option(
        help="Second half this fraction faster (with --target).")] = 0.0,
    spacing: Annotated[float, typer.Option(help="Distance between lights [m].")] = 1.0,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write position,lap,on_s CSV.")]
    = None,
    json_: JsonOpt = False,
) -> None:
    """Pacing-light program for a track race: on-time of every light on every lap."""
    check_output_file(csv_out, where="--csv", example="lights.csv")
    from paceline.program import lights_program

    track = _track_m(track)
    d = parse_distance_m(distance, where="--distance")
    lap_list = None
    if laps is not None:
        try:
            lap_list = [parse_duration_s(x.strip(), where="--laps") for x in laps.split(",")]
        except UnitError:
            raise UnitError("cannot read the lap list", where="--laps", value=laps,
                            fix="give lap times separated by commas, e.g. 60,60,60,59") from None
        for x in lap_list:
            check_race_time(x, float(track), where="--laps", given=format_duration(x, decimals=1))
    t = parse_race_time_s(target, d, where="--target") if target is not None else None
    prog = lights_program(track_m=track, distance_m=d, target_s=t, laps_s=lap_list,
                          negative_split_frac=negative_split, spacing_m=spacing)
    lap_rows = [{"lap": i + 1, "distance_m": float(dd), "elapsed_s": float(tt)}
                for i, (dd, tt) in enumerate(zip(prog.lap_distance_m, prog.lap_elapsed_s,
                                                 strict=True))]
    if csv_out is not None:
        import csv

        with writing(csv_out, where="--csv"), csv_out.open("w", newline="",
                                                           encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["position_m", "pass", "on_s"])
            for pos, times in zip(prog.light_position_m, prog.on_s, strict=True):
                for k, ts in enumerate(times, 1):
                    w.writerow([f"{pos:g}", k, f"{ts:.3f}"])
    if json_:
        print(json_text({
            "track_m": track, "distance_m": d, "spacing_m": spacing,
            "start_position_m": prog.start_position_m, "laps": lap_rows,
            "lights": [{"position_m": float(p), "on_s": [round(float(x), 3) for x in ts]}
                       for p, ts in zip(prog.light_position_m, prog.on_s, strict=True)]}))
        return
    t_ = Table(title=f"Pacing lights: {format_distance(d)} on a {track:g} m track, "
               f"{len(prog.light_position_m)} lights every {spacing:g} m")
    for col in ("lap", "at", "elapsed", "lap time", "pace"):
        t_.add_column(col, justify="right")
    prev_d = prev_t = 0.0
    for row in lap_rows:
        lt = row["elapsed_s"] - prev_t
        t_.add_row(str(row["lap"]), f"{round(row['distance_m'], 1):g} m",
                   format_duration(row["elapsed_s"], decimals=2), format_duration(lt, decimals=2),
                   format_pace((row["distance_m"] - prev_d) / lt, decimals=1))
        prev_d, prev_t = row["distance_m"], row["elapsed_s"]
    out.print(t_)
    out.print(f"The start is {prog.start_position_m:g} m past the finish line along lane 1. "
              + (f"Light program written to {csv_out}." if csv_out else
                 "Use --csv or --json for the light controller."))


@app.command()
def splits(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")],
    every: Annotated[str, typer.Option(help="km, mile, 5km, lap, or distances like 10k,21.1k")]
    = "5km",
    set_: SetOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Split table of the predicted schedule: cumulative and segment times."""
    from paceline.program import split_table

    model, notes = _model(scenario, set_)
    r = model.solve()
    spec: str | list[float] = every
    if every not in ("km", "mile", "5km", "lap"):
        spec = [parse_distance_m(x.strip(), where="--every") for x in every.split(",")]
    rows = split_table(r.node_distance_m, r.elapsed_s, spec, r.lap_marks_m)
    if json_:
        print(json_text([row.__dict__ for row in rows], indent=2))
        return
    _print_notes(notes)
    t = Table(title=f"Splits ({every}) — finish {format_duration(r.finish_time_s, decimals=1)}")
    for col in ("split", "elapsed", "segment", "pace"):
        t.add_column(col, justify="right")
    for row in rows:
        t.add_row(row.label, format_duration(row.elapsed_s, decimals=1),
                  format_duration(row.segment_s, decimals=1),
                  format_duration(row.pace_s_per_km, decimals=1) + "/km")
    out.print(t)


@app.command()
def plan(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")],
    output: Annotated[Path, typer.Option(
        "-o", "--output", help="Output folder: a new one (created; its parent must exist), an "
        "empty one, or an earlier plan's (with --overwrite).")],
    set_: SetOpt = None,
    draws: Annotated[int, typer.Option(
        help=f"Monte Carlo draws ({MIN_DRAWS:,}–{MAX_DRAWS:,}).")] = 20000,
    seed: Annotated[int, typer.Option(help="Seed of the Monte Carlo generator.")] = 2019,
    force: Annotated[bool, typer.Option(help="Write the plan even for a target out of reach.")]
    = False,
    overwrite: Annotated[bool, typer.Option(
        help="Replace the files of an earlier plan in the folder (listed in its "
             ".paceline-plan.json); nothing else is deleted, and a folder holding other files "
             "is refused.")] = False,
) -> None:
    """Write the whole race plan: HTML report, JSON, CSV tables and a GPX schedule."""
    check_draws(draws, lo=MIN_DRAWS, hi=MAX_DRAWS)
    check_output_folder(output, where="-o")
    from paceline.report.plan import STEPS, check_plan_folder, write_plan

    check_plan_folder(output, overwrite=overwrite, where="-o")  # before the ~10 s of work

    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"),
                  console=progress_console(), transient=True) as prog:
        task = prog.add_task("plan", total=STEPS)
        res = write_plan(scenario, output, overrides=set_, draws=draws, seed=seed, force=force,
                         overwrite=overwrite, where="-o",
                         progress=lambda d, t, label: prog.update(task, completed=d,
                                                                  description=label))
    same = abs(res.finish_time_s - res.prediction_s) < 0.05
    out.print(f"Plan written to [bold]{res.directory}[/bold]: schedule "
              f"{format_duration(res.finish_time_s, decimals=1)}"
              + ("" if same else f" (the model predicts "
                 f"{format_duration(res.prediction_s, decimals=1)})"))
    if res.target_shortfall_frac is not None:
        out.print(f"[yellow]The target is out of reach by {res.target_shortfall_frac:.1%} "
                  "of time; the plan was written for it because of --force.[/yellow]")
    for f in res.files:
        out.print(f"  {f}")


def main() -> None:
    """Entry point: PacelineError → message on stderr and exit code 2, no traceback.

    Usage errors (unknown option, missing argument) are Typer's: usage text and exit code 2.

    At exit the objects still alive are frozen (:func:`gc.freeze`, registered with
    :mod:`atexit`, so only when the process ends): the interpreter's last garbage collections
    then skip the ~130,000 objects of NumPy, SQLAlchemy, Typer and Matplotlib, which took
    0.15–0.3 s after ``paceline log fitness`` had finished. Nothing is lost: the commands close
    their files and the log, atexit handlers run, the streams are flushed; only cyclic garbage
    still uncollected at exit is left to the operating system.
    """
    atexit.register(gc.freeze)
    try:
        app()
    except PacelineError as exc:
        from rich.markup import escape

        # escaped: messages hold brackets ("[[x_m, y_m], ...]") that rich took for markup
        Console(stderr=True).print(f"[bold red]error:[/bold red] {escape(str(exc))}",
                                   highlight=False,
                                   soft_wrap=True)
        sys.exit(2)
