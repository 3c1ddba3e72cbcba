"""`paceline formation ...` commands: show, optimize, compare, calibrate, worth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from paceline.errors import ScenarioError
from paceline.formation import (
    FormationResult,
    check_formation,
    evaluate,
    expected_drag_ratio,
    fit,
    formation_worth_s,
    load_preset,
    optimize,
    with_formation,
)
from paceline.formation.core import DEFAULT_SPEED_M_S
from paceline.io.scenario_file import load_courses, read_scenario
from paceline.sim import RaceModel
from paceline.units import format_duration, parse_wind

app = typer.Typer(help="Pacer formations: each runner's drag, optimization, calibration.",
                  no_args_is_help=True)
out = Console()

JsonOpt = Annotated[bool, typer.Option("--json", help="Print a JSON object instead of tables.")]
WindOpt = Annotated[str | None, typer.Option(
    "--wind", help='Wind "SPEED@FROM_DEG", e.g. 3@270 (3 m/s from the west).')]
HeadingOpt = Annotated[float, typer.Option(
    "--heading", help="Compass heading the formation runs [deg] (0 = north).")]
SpeedOpt = Annotated[float, typer.Option("--speed", help="Running speed [m/s].")]
PngOpt = Annotated[Path | None, typer.Option("--png", help="Draw the formation and wake field.")]


def _wind(text: str | None) -> tuple[float, float]:
    return (0.0, 0.0) if text is None else parse_wind(text, where="--wind")


def _result_json(r: FormationResult, **extra) -> dict:
    return {"formation": r.formation.name, "title": r.formation.title,
            "runners": r.runners(), "athlete_drag_reduction": r.athlete_drag_reduction,
            "speed_m_s": r.speed_m_s, "headwind_m_s": r.headwind_m_s,
            "crosswind_m_s": r.crosswind_m_s, "yaw_deg": r.yaw_deg,
            "sources": list(r.formation.sources),
            "assumptions": list(r.formation.assumptions), **extra}


def _runner_table(r: FormationResult, title: str, expected=None) -> Table:
    t = Table(title=title)
    for col in ("runner", "x [m]", "y [m]", "drag ratio"):
        t.add_column(col, justify="left" if col == "runner" else "right")
    if expected is not None:
        t.add_column("expected ±err", justify="right")
    for k, row in enumerate(r.runners()):
        cells = [row["name"], f"{row['x_m']:+.2f}", f"{row['y_m']:+.2f}",
                 f"{row['drag_ratio']:.3f}"]
        if expected is not None:
            cells.append(f"{expected[k]:.3f}")
        t.add_row(*cells)
    return t


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="Formation preset, e.g. ineos-vienna-2019.")],
    wind: WindOpt = None,
    heading: HeadingOpt = 0.0,
    speed: SpeedOpt = DEFAULT_SPEED_M_S,
    road_width: Annotated[float | None, typer.Option(
        "--road-width", help="Check every runner is on a road this wide [m].")] = None,
    png: PngOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Each runner's drag relative to running alone (and a map of the wake field)."""
    w_speed, w_from = _wind(wind)
    f = load_preset(name)
    check_formation(f, road_width_m=road_width)
    r = evaluate(f, speed_m_s=speed, wind_speed_m_s=w_speed, wind_from_deg=w_from,
                 heading_deg=heading)
    if png is not None:
        from paceline.report.formation_plot import plot_formation

        plot_formation(r, png)
    if json_:
        print(json.dumps(_result_json(r), indent=2))
        return
    out.print(f"[bold]{f.name}[/bold] — {f.title}")
    out.print(f"speed {speed:g} m/s, heading {heading:g}°, wind {w_speed:g} m/s from "
              f"{w_from:g}° (air yaw {r.yaw_deg:+.1f}°)")
    out.print(_runner_table(r, "Drag relative to running alone"))
    out.print(f"Athlete drag reduction: [bold green]{r.athlete_drag_reduction:.1%}[/bold green]")
    for a in f.assumptions:
        out.print(f"  assumed: {a}")
    if png is not None:
        out.print(f"figure written to {png}")


@app.command("optimize")
def optimize_cmd(
    pacers: Annotated[int, typer.Option("--pacers", help="Number of pacers (1–10).")] = 7,
    road_width: Annotated[float, typer.Option("--road-width", help="Road width [m].")] = 6.0,
    position_error: Annotated[float, typer.Option(
        "--position-error", help="SD of each runner's position error [m].")] = 0.15,
    wind: WindOpt = None,
    heading: HeadingOpt = 0.0,
    seed: Annotated[int, typer.Option(help="Seed of the draws and the optimizer.")] = 0,
    compare_with: Annotated[str, typer.Option(
        "--against", help="Preset to compare the result with.")] = "ineos-vienna-2019",
    png: PngOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Best positions for N pacers, robust to each runner being off by a position error."""
    from paceline.models import aerodynamics as aero

    w_speed, w_from = _wind(wind)
    head, cross = (float(v) for v in aero.wind_components_m_s(w_speed, w_from, heading))
    ref = load_preset(compare_with)
    kw = dict(road_width_m=road_width, position_error_m=position_error, headwind_m_s=head,
              crosswind_m_s=cross, seed=seed)
    if json_:
        res = optimize(pacers, **kw)
    else:
        with Progress(TextColumn("optimizing"), BarColumn(),
                      TextColumn("{task.completed}/{task.total} generations"),
                      console=Console(stderr=True), transient=True) as prog:
            task = prog.add_task("opt", total=1)
            res = optimize(pacers, **kw, progress=lambda d, t: prog.update(
                task, completed=d, total=t))
    ref_nom = evaluate(ref, wind_speed_m_s=w_speed, wind_from_deg=w_from, heading_deg=heading)
    ref_exp = expected_drag_ratio(ref.x_m, ref.y_m, position_error, n_draws=1024,
                                  rng=__import__("numpy").random.default_rng(seed + 1),
                                  headwind_m_s=head, crosswind_m_s=cross)
    comparison = {
        "preset": ref.name,
        "athlete_drag_reduction": ref_nom.athlete_drag_reduction,
        "expected_athlete_drag_reduction": 1.0 - float(ref_exp[0]),
    }
    if png is not None:
        from paceline.report.formation_plot import plot_formation

        plot_formation(res.nominal, png)
    if json_:
        print(json.dumps(_result_json(
            res.nominal,
            expected_athlete_drag_reduction=res.expected.athlete_drag_reduction,
            expected_drag_ratio=[float(v) for v in res.expected.drag_ratio],
            position_error_m=position_error, road_width_m=road_width,
            min_fore_aft_gap_m=res.min_fore_aft_gap_m, min_lateral_gap_m=res.min_lateral_gap_m,
            generations=res.generations, evaluations=res.evaluations,
            compared_with=comparison), indent=2))
        return
    out.print(f"[bold]{res.nominal.formation.title}[/bold]")
    out.print(_runner_table(res.nominal, "Optimized formation",
                            expected=res.expected.drag_ratio))
    t = Table(title=f"Athlete drag reduction (position error SD {position_error:g} m)")
    t.add_column("formation")
    t.add_column("exact positions", justify="right")
    t.add_column("with position error", justify="right")
    t.add_row("optimized", f"{res.nominal.athlete_drag_reduction:.1%}",
              f"{res.expected.athlete_drag_reduction:.1%}")
    t.add_row(ref.name, f"{comparison['athlete_drag_reduction']:.1%}",
              f"{comparison['expected_athlete_drag_reduction']:.1%}")
    out.print(t)
    if png is not None:
        out.print(f"figure written to {png}")


@app.command()
def compare(
    a: Annotated[str, typer.Argument(help="First preset.")],
    b: Annotated[str, typer.Argument(help="Second preset.")],
    wind: WindOpt = None,
    heading: HeadingOpt = 0.0,
    position_error: Annotated[float, typer.Option(
        "--position-error", help="SD of each runner's position error [m].")] = 0.15,
    json_: JsonOpt = False,
) -> None:
    """Two presets side by side: athlete's drag, exact and with position error."""
    import numpy as np

    from paceline.models import aerodynamics as aero

    w_speed, w_from = _wind(wind)
    head, cross = (float(v) for v in aero.wind_components_m_s(w_speed, w_from, heading))
    rows = []
    for name in (a, b):
        f = load_preset(name)
        check_formation(f)
        r = evaluate(f, wind_speed_m_s=w_speed, wind_from_deg=w_from, heading_deg=heading)
        e = expected_drag_ratio(f.x_m, f.y_m, position_error, n_draws=1024,
                                rng=np.random.default_rng(1), headwind_m_s=head,
                                crosswind_m_s=cross)
        rows.append({"formation": name, "pacers": f.n_pacers,
                     "athlete_drag_reduction": r.athlete_drag_reduction,
                     "expected_athlete_drag_reduction": 1.0 - float(e[0]),
                     "mean_pacer_drag_ratio": float(np.mean(r.drag_ratio[1:]))
                     if f.n_pacers else None,
                     "runners": r.runners()})
    diff = rows[1]["athlete_drag_reduction"] - rows[0]["athlete_drag_reduction"]
    if json_:
        print(json.dumps({"formations": rows, "position_error_m": position_error,
                          "wind_speed_m_s": w_speed, "wind_from_deg": w_from,
                          "heading_deg": heading,
                          "difference_b_minus_a": diff}, indent=2))
        return
    t = Table(title=f"{a} vs {b}")
    for col in ("formation", "pacers", "athlete reduction", f"±{position_error:g} m error",
                "mean pacer drag"):
        t.add_column(col, justify="left" if col == "formation" else "right")
    for r in rows:
        mp = r["mean_pacer_drag_ratio"]
        t.add_row(r["formation"], str(r["pacers"]), f"{r['athlete_drag_reduction']:.1%}",
                  f"{r['expected_athlete_drag_reduction']:.1%}",
                  "—" if mp is None else f"{mp:.3f}")
    out.print(t)
    out.print(f"{b} − {a}: {diff:+.1%} of the athlete's solo drag removed")


@app.command()
def calibrate(
    superposition: Annotated[str, typer.Option(
        "--superposition", help="Wake superposition rule: linear (default), rss, max.")
    ] = "linear",
    json_: JsonOpt = False,
) -> None:
    """Fit the drafting model to the published cases; residual of each, in sample and held out.

    Held out = leave one source out: refit without every case of that publication, predict it.
    """
    from paceline.formation.calibration import leave_one_source_out
    from paceline.models.drafting import SUPERPOSITION_MODELS

    if superposition not in SUPERPOSITION_MODELS or superposition == "none":
        raise ScenarioError("unknown wake superposition rule", where="--superposition",
                            value=superposition, valid="linear, rss, max")
    res = fit(superposition=superposition)
    if json_:
        held = leave_one_source_out(superposition=superposition)
    else:
        with Progress(TextColumn("leave-one-source-out refits"), BarColumn(),
                      TextColumn("{task.completed}/{task.total} sources"),
                      console=Console(stderr=True), transient=True) as prog:
            task = prog.add_task("loso", total=1)
            held = leave_one_source_out(superposition=superposition, progress=lambda d, t:
                                        prog.update(task, completed=d, total=t))
    out_of = {c.case.case_id: c for c in held.cases}

    def nan_none(v):
        return None if v != v else v

    if json_:
        print(json.dumps({
            "superposition": superposition,
            "parameters": res.parameters, "rms_residual": res.rms_residual,
            "weighted_rms_residual": res.weighted_rms_residual,
            "held_out_rms_residual": held.rms_residual,
            "held_out_rms_by_source": held.rms_by_source(),
            "cases": [{"case_id": c.case.case_id, "source_id": c.case.source_id,
                       "source": c.case.source, "doi": c.case.doi, "method": c.case.method,
                       "confidence": c.case.confidence, "geometry": c.case.geometry,
                       "weight": c.case.weight,
                       "published_reduction": c.case.published_reduction,
                       "model_reduction": nan_none(c.model_reduction),
                       "residual": nan_none(c.residual),
                       "held_out_model_reduction": out_of[c.case.case_id].model_reduction
                       if c.case.case_id in out_of else None,
                       "held_out_residual": out_of[c.case.case_id].residual
                       if c.case.case_id in out_of else None,
                       "in_fit": c.case.weight > 0, "geometry_read": c.case.geometry_read}
                      for c in res.cases]}, indent=2))
        return
    t = Table(title="Drafting model vs published cases: athlete's drag reduction [%] "
                    "(res = model − published, points)")
    for col in ("case", "method", "conf.", "geometry", "w", "pub.", "model", "res",
                "held out", "res"):
        t.add_column(col, justify="left" if col in ("case", "method", "conf.",
                                                     "geometry") else "right")
    for c in res.cases:
        h = out_of.get(c.case.case_id)
        fitted = c.case.weight > 0
        t.add_row(c.case.case_id, "tunnel" if c.case.method == "wind tunnel" else c.case.method,
                  c.case.confidence[:4] + ".", c.case.geometry, f"{c.case.weight:.2f}",
                  f"{100 * c.case.published_reduction:.1f}",
                  f"{100 * c.model_reduction:.1f}" if fitted else "—",
                  f"{100 * c.residual:+.1f}" if fitted else "—",
                  f"{100 * h.model_reduction:.1f}" if h else "—",
                  f"{100 * h.residual:+.1f}" if h else "—")
    out.print(t)
    p = res.parameters
    out.print(f"superposition {superposition}; fitted: "
              + ", ".join(f"{k} = {v:.4g}" for k, v in p.items()))
    out.print(f"RMS residual in sample {100 * res.rms_residual:.1f} points (weighted "
              f"{100 * res.weighted_rms_residual:.1f}); held out, leave one source out: "
              f"[bold]{100 * held.rms_residual:.1f} points[/bold]")
    out.print("held out by source: " + ", ".join(
        f"{k} {100 * v:.1f}" for k, v in held.rms_by_source().items()))
    out.print("The sources disagree (same geometry, CFD vs wind tunnel; Marro's tunnel vs Li's "
              "CFD on the INEOS shape): residuals above ~5 points are disagreement, not noise. "
              "See docs/formation.md.")


@app.command()
def worth(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")],
    formation: Annotated[str | None, typer.Option(
        "--formation", help="Preset to use instead of the scenario's drafting.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Seconds a formation is worth for a scenario (solve with it and with no drafting)."""
    sc = read_scenario(scenario)
    if formation is not None:
        sc = with_formation(sc, formation)
    elif sc.drafting.formation is None and sc.drafting.positions is None:
        raise ScenarioError("this scenario's drafting has no formation", where=str(scenario),
                            fix='pass --formation NAME or set drafting.formation')
    course, ref_course = load_courses(sc, scenario.parent)
    w = formation_worth_s(sc, lambda s: RaceModel(s, course, ref_course).solve().finish_time_s)
    name = sc.drafting.formation or "positions"
    if json_:
        print(json.dumps({"formation": name, "with_formation_s": w.with_formation_s,
                          "alone_s": w.alone_s, "worth_s": w.worth_s,
                          "still_air_drag_reduction": w.still_air_drag_reduction}, indent=2))
        return
    out.print(f"{name}: {format_duration(w.with_formation_s, decimals=1)} behind the formation, "
              f"{format_duration(w.alone_s, decimals=1)} alone → worth "
              f"[bold green]{w.worth_s:.0f} s[/bold green] (still-air drag reduction "
              f"{w.still_air_drag_reduction:.1%})")
