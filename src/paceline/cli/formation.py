"""`paceline formation ...` commands: show, optimize, compare, calibrate, worth."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from paceline.cli._console import CliConsole
from paceline.cli._paths import check_output_file
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
out = CliConsole()

#: Prose under the tables wraps at this many columns (tables keep their natural width).
NOTE_WIDTH = 100


def _note(text: str) -> None:
    """A paragraph under a table, wrapped at :data:`NOTE_WIDTH` columns."""
    out.print(text, width=NOTE_WIDTH)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print a JSON object instead of tables.")]
WindOpt = Annotated[str | None, typer.Option(
    "--wind", help='Wind "SPEED@FROM_DEG", e.g. 3@270 (3 m/s from the west).')]
HeadingOpt = Annotated[float, typer.Option(
    "--heading", help="Compass heading the formation runs [deg] (0 = north).")]
SpeedOpt = Annotated[float, typer.Option("--speed", help="Running speed [m/s].")]
PngOpt = Annotated[Path | None, typer.Option("--png", help="Draw the formation and wake field.")]


def _check_png(path: Path | None, where: str = "--png") -> None:
    """Refuse, before any work, a figure path that is a folder, in a missing folder or not a
    .png (the check of every command: :func:`paceline.cli._paths.check_output_file`)."""
    check_output_file(path, where=where, example="formation.png", figure=True)


def _plot(result: FormationResult, path: Path, where: str = "--png") -> None:
    from paceline.report.formation_plot import plot_formation

    try:
        plot_formation(result, path)
    except OSError as exc:  # e.g. no permission, disk full
        raise ScenarioError(f"cannot write the figure ({exc.strerror or exc})", where=where,
                            value=str(path), fix="pick a path you can write to") from None


def _check_heading(heading: float) -> None:
    if not (math.isfinite(heading) and 0.0 <= heading <= 360.0):
        raise ScenarioError("heading out of range", where="--heading", value=heading,
                            valid="a compass heading from 0 to 360° (0 = north, 90 = east)")


def _r(v, digits: int = 6):
    """A float for JSON without float noise (-5.5e-16 → 0.0), or None."""
    if v is None:
        return None
    v = round(float(v), digits)
    return 0.0 if v == 0 else v


def _signed(v: float, decimals: int) -> str:
    """"+1.5" / "−0.3" / "+0.0": never "-0.0" from a rounded tiny negative."""
    v = round(float(v), decimals)
    return f"{0.0 if v == 0 else v:+.{decimals}f}"


#: Crosswind at which `optimize` rates the result's robustness to wind (both sides) [m/s].
ROBUST_CROSSWIND_M_S = 3.0

#: Wind and crosswind speeds the commands accept [m/s] (as a scenario's wind).
MAX_WIND_M_S = 30.0


def _check_crosswind(crosswind: float) -> None:
    if not (math.isfinite(crosswind) and abs(crosswind) <= MAX_WIND_M_S):
        raise ScenarioError("crosswind out of range", where="--crosswind", value=crosswind,
                            valid=f"-{MAX_WIND_M_S:g} to {MAX_WIND_M_S:g} m/s (+ from the "
                            "runners' right, − from their left)",
                            fix="e.g. --crosswind 3")


def _check_speed(speed: float) -> None:
    if not (math.isfinite(speed) and 0.0 < speed < 15.0):
        raise ScenarioError("running speed out of range", where="--speed", value=speed,
                            valid="more than 0 and less than 15 m/s (e.g. 5.85 for 2:00 "
                                  "marathon pace)")


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
    for col in ("runner", "x (m)", "y (m)", "drag ratio"):
        t.add_column(col, justify="left" if col == "runner" else "right")
    if expected is not None:
        t.add_column("expected ±err", justify="right")
    for k, row in enumerate(r.runners()):
        cells = [row["name"], _signed(row["x_m"], 2), _signed(row["y_m"], 2),
                 f"{row['drag_ratio']:.3f}"]
        if expected is not None:
            cells.append(f"{expected[k]:.3f}")
        t.add_row(*cells)
    return t


PositionsOpt = Annotated[str | None, typer.Option(
    "--positions", help='Pacers\' positions instead of a preset: "x,y x,y ..." in metres, x '
    'forward, y to the left, the athlete at 0,0; e.g. "1.2,0 2.1,0.75 2.1,-0.75".')]


def _formation_arg(name: str | None, positions: str | None, where: str = "formation"):
    """A preset by name or a formation from --positions (exactly one of them)."""
    from paceline.formation import formation_from_positions, preset_names
    from paceline.units import parse_positions

    if (name is None) == (positions is None):
        raise ScenarioError("give a formation preset or --positions, not both" if name
                            else "give a formation preset or --positions", where=where,
                            value=name, valid="presets: " + ", ".join(preset_names()),
                            fix='e.g. "paceline formation show ineos-vienna-2019" or '
                                '--positions "1.2,0 2.1,0.75 2.1,-0.75"')
    if name is not None:
        return load_preset(name)
    pts = parse_positions(positions, where="--positions")
    return formation_from_positions(pts, name="positions",
                                    title=f"{len(pts)} pacer(s) at --positions {positions}")


@app.command()
def show(
    name: Annotated[str | None, typer.Argument(
        help="Formation preset, e.g. ineos-vienna-2019 (or use --positions).")] = None,
    positions: PositionsOpt = None,
    wind: WindOpt = None,
    heading: HeadingOpt = 0.0,
    speed: SpeedOpt = DEFAULT_SPEED_M_S,
    road_width: Annotated[float | None, typer.Option(
        "--road-width", help="Check every runner is on a road this wide (m).")] = None,
    png: PngOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Each runner's drag relative to running alone (and a map of the wake field)."""
    _check_png(png)
    _check_heading(heading)
    w_speed, w_from = _wind(wind)
    f = _formation_arg(name, positions)
    check_formation(f, road_width_m=road_width,
                    where="--positions" if positions is not None else "formation")
    if not (speed > 0 and speed < 15):
        raise ScenarioError("running speed out of range", where="--speed", value=speed,
                            valid="more than 0 and less than 15 m/s (e.g. 5.85 for 2:00 "
                                  "marathon pace)")
    r = evaluate(f, speed_m_s=speed, wind_speed_m_s=w_speed, wind_from_deg=w_from,
                 heading_deg=heading)
    if png is not None:
        _plot(r, png)
    if json_:
        print(json.dumps(_result_json(r), indent=2))
        return
    out.print(f"[bold]{f.name}[/bold] — {f.title}")
    out.print(f"speed {speed:g} m/s, heading {heading:g}°, wind {w_speed:g} m/s from "
              f"{w_from:g}° (air yaw {r.yaw_deg:+.1f}°)")
    out.print(_runner_table(r, "Drag relative to running alone"))
    along = r.speed_m_s + r.headwind_m_s
    if abs(along) < 0.5:
        _note(f"[yellow]note[/yellow]: a wind from behind about as fast as the runners "
              f"({along:+.4f} m/s of air along the course relative to them): the air they "
              "feel is nearly still along the course, so the wakes lie across it or ahead; "
              "the model still works in the relative air, and a small change of wind or "
              "speed moves the wakes a lot." if r.crosswind_m_s != 0 or along != 0 else
              "[yellow]note[/yellow]: a wind from behind exactly as fast as the runners: "
              "there is no air relative to them, so no wakes and no drag to reduce; the "
              "ratios shown are the still-air ones (the limit of a light relative wind from "
              "ahead), and they change abruptly once the wind is faster than the runners.")
    out.print(f"Athlete drag reduction: [bold green]{r.athlete_drag_reduction:.1%}[/bold green]")
    for a in f.assumptions:
        out.print(f"  assumed: {a}")
    if png is not None:
        out.print(f"figure written to {png}")


@app.command("optimize")
def optimize_cmd(
    pacers: Annotated[int, typer.Option("--pacers", help="Number of pacers (1–10).")] = 7,
    road_width: Annotated[float, typer.Option("--road-width", help="Road width (m).")] = 6.0,
    position_error: Annotated[float, typer.Option(
        "--position-error", help="SD of each runner's position error (m).")] = 0.15,
    wind: WindOpt = None,
    heading: HeadingOpt = 0.0,
    seed: Annotated[int, typer.Option(help="Seed of the draws and the optimizer.")] = 0,
    compare_with: Annotated[str, typer.Option(
        "--against", help="Preset to compare the result with.")] = "ineos-vienna-2019",
    png: PngOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Best positions for N pacers, robust to each runner being off by a position error."""
    import numpy as np

    from paceline.formation.optimize import check_optimize_inputs
    from paceline.models import aerodynamics as aero
    from paceline.models.drafting import BODY_WIDTH_M

    _check_png(png)
    _check_heading(heading)
    check_optimize_inputs(pacers, road_width, position_error)
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
                                  rng=np.random.default_rng(seed + 1),
                                  headwind_m_s=head, crosswind_m_s=cross)
    ref_width = 2 * float(np.max(np.abs(ref.y_m))) + BODY_WIDTH_M
    comparison = {
        "preset": ref.name,
        "road_width_needed_m": _r(ref_width, 3),
        "fits_road": ref_width <= road_width + 1e-9,
        "athlete_drag_reduction": ref_nom.athlete_drag_reduction,
        "expected_athlete_drag_reduction": 1.0 - float(ref_exp[0]),
    }
    # crosswind robustness (review-12 doubt C): the shape is optimized for the given wind only
    from paceline.models import drafting as dm

    def worse_side(f) -> float:
        r = dm.drag_ratio(f.x_m[None, :], f.y_m[None, :], DEFAULT_SPEED_M_S, head,
                          np.array([-ROBUST_CROSSWIND_M_S, ROBUST_CROSSWIND_M_S]))[:, 0]
        return float(1.0 - np.max(r))

    opt_cross = worse_side(res.nominal.formation)
    comparison["crosswind_worse_side_reduction"] = _r(worse_side(ref))
    if png is not None:
        _plot(res.nominal, png)
    if json_:
        print(json.dumps(_result_json(
            res.nominal,
            crosswind_check_m_s=ROBUST_CROSSWIND_M_S,
            crosswind_worse_side_reduction=_r(opt_cross),
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
    t.add_column(f"crosswind {ROBUST_CROSSWIND_M_S:g} m/s\n(exact, worse side)", justify="right")
    t.add_row("optimized", f"{res.nominal.athlete_drag_reduction:.1%}",
              f"{res.expected.athlete_drag_reduction:.1%}", f"{opt_cross:.1%}")
    fits = comparison["fits_road"]
    ref_cross = comparison["crosswind_worse_side_reduction"]
    t.add_row(ref.name + ("" if fits else " *"), f"{comparison['athlete_drag_reduction']:.1%}",
              f"{comparison['expected_athlete_drag_reduction']:.1%}", f"{ref_cross:.1%}")
    out.print(t)
    if opt_cross < ref_cross - 0.005:
        _note(f"[yellow]note[/yellow]: the shape is optimized for the wind given "
              f"({'calm' if wind is None else wind}); in a {ROBUST_CROSSWIND_M_S:g} m/s "
              f"crosswind from its worse side, exact positions, it keeps {opt_cross:.1%} "
              f"against {ref.name}'s {ref_cross:.1%}: less robust to wind. Optimize with "
              "--wind for the expected wind, or keep pacers free to move across.")
    if not fits:
        _note(f"* {ref.name} does not fit a {road_width:g} m road (it needs {ref_width:.1f} m: "
              "its widest pacers' centres plus a body width); it is shown for reference only.")
    if png is not None:
        out.print(f"figure written to {png}")


@app.command()
def compare(
    a: Annotated[str | None, typer.Argument(
        help="Formation preset (or use --positions).")] = None,
    b: Annotated[str | None, typer.Argument(
        help="Second preset; default: one pacer straight ahead at the distance of the "
             "first formation's nearest pacer ahead.")] = None,
    positions: PositionsOpt = None,
    crosswind: Annotated[float, typer.Option(
        "--crosswind", help="Crosswind of the crosswind conditions (m/s, from the right).")
    ] = 3.0,
    position_error: Annotated[float, typer.Option(
        "--position-error", help="SD of each runner's x and y error (m).")] = 0.3,
    scenario: Annotated[Path | None, typer.Option(
        "--scenario", help="Scenario whose race turns each drag reduction into a finish time "
                           "(e.g. scenarios/vienna-2019.toml).")] = None,
    speed: Annotated[float | None, typer.Option(
        "--speed", help="Running speed that sets the air's yaw in the crosswind [m/s]; "
        "default: the --scenario race's pace (actual or target time), else 5.85.")] = None,
    json_: JsonOpt = False,
) -> None:
    """A formation against one pacer at the same distance (or another preset): athlete's drag
    in still air, in a crosswind, with position error and with both; seconds over the race of
    --scenario."""
    import numpy as np

    from paceline.formation.compare import compare_formations, single_pacer_at_same_distance
    from paceline.scenario import Drafting

    _check_crosswind(crosswind)
    if speed is not None:
        _check_speed(speed)
    if positions is not None and b is None and a is not None:
        a, b = None, a  # "compare --positions ... PRESET": the preset is the second one
    fa = _formation_arg(a, positions)
    check_formation(fa, where="--positions" if positions is not None else "formation")
    fb = load_preset(b) if b is not None else single_pacer_at_same_distance(fa)
    check_formation(fb)
    solve = None
    clipped: list[float] = []
    speed_from = "given with --speed" if speed is not None else "default"
    if scenario is not None:
        sc = read_scenario(scenario)
        course, ref_course = load_courses(sc, scenario.parent)

        def solve(red: float) -> float:
            r = min(max(red, 0.0), 0.95)
            if r != red:
                clipped.append(red)
            s = sc.model_copy(update={"drafting": Drafting(drag_reduction=r)})
            return RaceModel(s, course, ref_course).solve().finish_time_s

        race_time = sc.race.actual_time_s or sc.race.target_time_s
        if speed is None and race_time:
            speed = sc.race.distance_m / race_time
            speed_from = (f"{scenario.name}'s "
                          + ("actual" if sc.race.actual_time_s else "target") + " pace")
    if speed is None:
        speed = DEFAULT_SPEED_M_S

    res = compare_formations(fa, fb, crosswind_m_s=crosswind, position_error_m=position_error,
                             speed_m_s=speed, solve_time_s=solve)
    worth = res.worth_s()
    se_s = res.difference_se_s()
    if json_:
        rows = []
        for j, f in enumerate(res.formations):
            rows.append({
                "formation": f.name, "title": f.title, "pacers": f.n_pacers,
                "runners": [{"name": n, "x_m": float(x), "y_m": float(y)}
                            for n, x, y in zip(f.runner_names, f.x_m, f.y_m, strict=True)],
                "athlete_drag_reduction": _r(res.athlete_drag_reduction[0, j]),
                "conditions": [{
                    "condition": c, "crosswind_m_s": res.crosswind_m_s[i],
                    "position_error_m": res.position_error_m[i],
                    **({"moved_to_y_m": _r(res.b_moved_y_m[i])} if j == 1 else {}),
                    "athlete_drag_reduction": _r(res.athlete_drag_reduction[i, j]),
                    "finish_time_s": None if worth is None else _r(res.finish_time_s[i, j]),
                    "worth_s": None if worth is None else _r(worth[i, j])}
                    for i, c in enumerate(res.conditions)]})
        print(json.dumps({
            "formations": rows, "crosswind_m_s": crosswind, "position_error_m": position_error,
            "speed_m_s": _r(res.speed_m_s), "n_draws": res.n_draws,
            "scenario": None if scenario is None else str(scenario),
            "alone_s": None if res.alone_s is None else _r(res.alone_s),
            "conditions": list(res.conditions),
            "difference_a_minus_b": [_r(v) for v in np.diff(
                res.athlete_drag_reduction[:, ::-1], axis=1)[:, 0]],
            "difference_standard_error": [_r(v) for v in res.difference_se],
            "seconds_a_minus_b": None if worth is None else [
                _r(v) for v in res.finish_time_s[:, 0] - res.finish_time_s[:, 1]],
            "seconds_standard_error": None if se_s is None else [_r(v) for v in se_s],
        }, indent=2))
        return
    na, nb = fa.name, fb.name
    t = Table(title="Athlete's drag reduction, A against B"
              + ("" if worth is None else f", and seconds saved over {scenario.name}"))
    t.add_column("condition")
    for col in ("A", "B", "A − B (pt)"):
        t.add_column(col, justify="right")
    if worth is not None:
        for col in ("A saved\n(s)", "B saved\n(s)", "A − B (s)"):
            t.add_column(col, justify="right")
    short = ["still air", f"crosswind {crosswind:g} m/s", f"pos. error {position_error:g} m",
             "crosswind + pos. error", "crosswind, B moved", "crosswind + error,\nB moved"]
    for i in range(len(res.conditions)):
        ra, rb = res.athlete_drag_reduction[i]
        band = f" ± {100 * res.difference_se[i]:.1f}" if res.position_error_m[i] else ""
        cells = [short[i], f"{ra:.1%}", f"{rb:.1%}", f"{_signed(100 * (ra - rb), 1)}{band}"]
        if worth is not None:
            band_s = f" ± {se_s[i]:.0f}" if res.position_error_m[i] else ""
            cells += [f"{worth[i, 0]:.0f}", f"{worth[i, 1]:.0f}",
                      f"{_signed(worth[i, 0] - worth[i, 1], 0)}{band_s}"]
        t.add_row(*cells)
    out.print(t)
    side = "right" if crosswind >= 0 else "left"
    yaw = math.degrees(math.atan2(abs(crosswind), res.speed_m_s))
    _note(f"A: {na} — {fa.title}.")
    _note(f"B: {nb} — {fb.title}.")
    if any(y is not None for y in res.b_moved_y_m):
        y = next(y for y in res.b_moved_y_m if y is not None)
        _note(f"\"B moved\": B's pacer moved sideways to y {y:+.2f} m, where the model "
                  "shelters the athlete most in this crosswind (A held as it is). The other "
                  "crosswind rows hold every pacer where it stands: robustness when pacers "
                  "cannot adjust.")
    wind_txt = ("no crosswind" if crosswind == 0 else
                f"crosswind {abs(crosswind):g} m/s from the runners' {side}, running at "
                f"{res.speed_m_s:.3g} m/s ({speed_from}): air yaw {yaw:.1f}°")
    if position_error > 0:
        err_txt = (f"position error: every runner (athlete included) off by independent normal "
                   f"errors of SD {position_error:g} m in x and y, {res.n_draws} draws common "
                   "to A and B; ± is the Monte Carlo standard error of A − B")
    else:
        err_txt = "no position error (exact positions, no draws)"
    _note(f"{wind_txt}; {err_txt}.")
    if worth is None:
        _note("Add --scenario scenarios/vienna-2019.toml for seconds over that race.")
    else:
        _note(f"Seconds: the race of {scenario} solved with each reduction applied over the "
                  f"whole race, against {format_duration(res.alone_s, decimals=1)} alone.")
    if clipped:
        _note(f"[yellow]note[/yellow]: reductions outside 0–95 % were clipped for the race "
                  f"model: {', '.join(f'{v:.1%}' for v in clipped)}")


@app.command()
def calibrate(
    superposition: Annotated[str, typer.Option(
        "--superposition", help="Wake superposition rule: linear (default), rss, max.")
    ] = "linear",
    wake: Annotated[str | None, typer.Option(
        "--wake", help="Wake shape: finite-height (3-D) or planar (2-D); default: the "
        "model's.")] = None,
    turbulence: Annotated[str | None, typer.Option(
        "--turbulence", help="Wake-added turbulence: none (every wake grows at the fitted "
        "rate) or crespo-hernandez (a waked runner's wake grows faster); default: the "
        "model's.")] = None,
    near_wake: Annotated[str | None, typer.Option(
        "--near-wake", help="Near wake: none (the far-wake Gaussian from the runner on) or "
        "recirculation (a bubble 1.25 body widths long, the far wake from its closure); "
        "default: the model's.")] = None,
    blockage: Annotated[str | None, typer.Option(
        "--blockage", help="Blockage (air pushed aside, not fitted): planar (a 2-D doublet, "
        "an infinitely tall cylinder) or finite-height (a line of 3-D doublets of the "
        "runner's height on the ground); default: the model's.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Fit the drafting model to the published cases; residual of each, in sample and held out.

    Held out = leave one source out: refit without every case of that publication, predict it.
    """
    from paceline.formation.calibration import leave_one_source_out
    from paceline.models.drafting import (
        BLOCKAGE_MODELS,
        DEFAULT_BLOCKAGE,
        DEFAULT_NEAR_WAKE,
        DEFAULT_TURBULENCE,
        DEFAULT_WAKE,
        NEAR_WAKE_MODELS,
        SUPERPOSITION_MODELS,
        TURBULENCE_MODELS,
        WAKE_MODELS,
    )

    if superposition not in SUPERPOSITION_MODELS or superposition == "none":
        raise ScenarioError("unknown wake superposition rule", where="--superposition",
                            value=superposition, valid="linear, rss, max")
    wake = DEFAULT_WAKE if wake is None else wake
    if wake not in WAKE_MODELS:
        raise ScenarioError("unknown wake shape", where="--wake", value=wake,
                            valid=", ".join(WAKE_MODELS))
    turbulence = DEFAULT_TURBULENCE if turbulence is None else turbulence
    if turbulence not in TURBULENCE_MODELS:
        raise ScenarioError("unknown wake-added turbulence model", where="--turbulence",
                            value=turbulence, valid=", ".join(TURBULENCE_MODELS))
    near_wake = DEFAULT_NEAR_WAKE if near_wake is None else near_wake
    if near_wake not in NEAR_WAKE_MODELS:
        raise ScenarioError("unknown near-wake model", where="--near-wake",
                            value=near_wake, valid=", ".join(NEAR_WAKE_MODELS))
    blockage = DEFAULT_BLOCKAGE if blockage is None else blockage
    if blockage not in BLOCKAGE_MODELS:
        raise ScenarioError("unknown blockage model", where="--blockage",
                            value=blockage, valid=", ".join(BLOCKAGE_MODELS))
    res = fit(superposition=superposition, wake=wake, turbulence=turbulence,
              near_wake=near_wake, blockage=blockage)
    if json_:
        held = leave_one_source_out(superposition=superposition, wake=wake,
                                    turbulence=turbulence, near_wake=near_wake,
                                    blockage=blockage)
    else:
        with Progress(TextColumn("leave-one-source-out refits"), BarColumn(),
                      TextColumn("{task.completed}/{task.total} sources"),
                      console=Console(stderr=True), transient=True) as prog:
            task = prog.add_task("loso", total=1)
            held = leave_one_source_out(superposition=superposition, wake=wake,
                                        turbulence=turbulence, near_wake=near_wake,
                                        blockage=blockage,
                                        progress=lambda d, t:
                                        prog.update(task, completed=d, total=t))
    out_of = {c.case.case_id: c for c in held.cases}

    def nan_none(v):
        return None if v != v else v

    if json_:
        print(json.dumps({
            "superposition": superposition, "wake": wake, "turbulence": turbulence,
            "near_wake": near_wake, "blockage": blockage,
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
    t = Table(title="Drafting model vs published cases: athlete's drag reduction (%) "
                    "(res = model − published, points)")
    for col in ("case", "method", "confidence", "geometry", "w", "pub.", "model", "res",
                "held out", "res"):
        t.add_column(col, justify="left" if col in ("case", "method", "confidence",
                                                     "geometry") else "right")
    for c in res.cases:
        h = out_of.get(c.case.case_id)
        fitted = c.case.weight > 0
        t.add_row(c.case.case_id, "tunnel" if c.case.method == "wind tunnel" else c.case.method,
                  c.case.confidence, c.case.geometry, f"{c.case.weight:.2f}",
                  f"{100 * c.case.published_reduction:.1f}",
                  f"{100 * c.model_reduction:.1f}" if fitted else "—",
                  f"{100 * c.residual:+.1f}" if fitted else "—",
                  f"{100 * h.model_reduction:.1f}" if h else "—",
                  f"{100 * h.residual:+.1f}" if h else "—")
    out.print(t)
    p = res.parameters
    out.print(f"wake {wake}, superposition {superposition}, added turbulence {turbulence}, "
              f"near wake {near_wake}; fitted: "
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
    from paceline.formation.worth import has_formation

    sc = read_scenario(scenario)
    if formation is not None:
        sc = with_formation(sc, formation)
    elif not has_formation(sc.drafting):
        raise ScenarioError("this scenario's drafting has no formation (only drag_reduction "
                            "fractions)", where=str(scenario),
                            fix='pass --formation NAME or set drafting.formation')
    course, ref_course = load_courses(sc, scenario.parent)
    w = formation_worth_s(sc, lambda s: RaceModel(s, course, ref_course).solve().finish_time_s)
    d = sc.drafting

    def label(x) -> str:
        if x.formation is not None:
            return x.formation
        return "positions" if x.positions is not None else f"{x.drag_reduction:.0%} fraction"

    name = ("sections: " + ", ".join(label(s) for s in d.sections) if d.sections is not None
            else label(d))
    km = lambda m: "finish" if m is None else f"{m / 1000:g} km"  # noqa: E731
    if json_:
        print(json.dumps({"formation": name, "with_formation_s": w.with_formation_s,
                          "alone_s": w.alone_s, "worth_s": w.worth_s,
                          "still_air_drag_reduction": w.still_air_drag_reduction,
                          "sections": [{"from_m": a, "until_m": b,
                                        "still_air_drag_reduction": r}
                                       for a, b, r in w.sections]}, indent=2))
        return
    what = ("largest section's still-air drag reduction" if w.sections
            else "still-air drag reduction")
    out.print(f"{name}: {format_duration(w.with_formation_s, decimals=1)} behind the formation, "
              f"{format_duration(w.alone_s, decimals=1)} alone → worth "
              f"[bold green]{w.worth_s:.0f} s[/bold green] ({what} "
              f"{w.still_air_drag_reduction:.1%})")
    for (a, b, r), s in zip(w.sections, d.sections or (), strict=False):
        out.print(f"  {km(a)}–{km(b)}: {label(s)}, still-air drag reduction {r:.1%}")
    if d.sections is not None and d.sections[-1].until_m is not None:
        out.print(f"  {km(d.sections[-1].until_m)}–finish: alone")
