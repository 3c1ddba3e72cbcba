"""`paceline crew ...`: plan, check and re-plan pacer rotations; cooperative drafting."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from paceline.cli._console import CliConsole, json_text
from paceline.cli._paths import check_output_file, writing
from paceline.crew import (
    OBJECTIVES,
    CrewPlan,
    CrewScheduler,
    check_plan,
    cooperative_drafting,
    problem_from_scenario,
)
from paceline.crew.scheduler import DEFAULT_TIME_LIMIT_S
from paceline.errors import InputFileError, UnitError
from paceline.io.roster import plan_to_dict, read_plan, read_roster, write_plan
from paceline.io.scenario_file import load_courses, read_scenario
from paceline.units import format_duration, format_length, format_pace, parse_distance_m

app = typer.Typer(help="Crew: pacer rotation plans (who runs which stint, in which slot).",
                  no_args_is_help=True)
out = CliConsole()

JsonOpt = Annotated[bool, typer.Option("--json", help="Print a JSON object instead of tables.")]
SetOpt = Annotated[list[str] | None, typer.Option("--set", help="Override a scenario key.")]
TimeLimitOpt = Annotated[float, typer.Option(
    help="Solver limit [s]: deterministic work, about seconds on the reference machine "
         "(same input and seed → same plan; docs/crew.md).")]
SeedOpt = Annotated[int, typer.Option(help="Solver random seed (same seed → same plan).")]
WallClockOpt = Annotated[bool, typer.Option(
    "--wall-clock", help="Limit in wall-clock seconds with parallel search instead: faster on "
    "an idle machine, but the plan may differ run to run.")]


def _problem(scenario: Path, roster: Path, *, formation: str | None,
             exchange_every_m: float | None, exchange_points=None, margin: float | None,
             reserves: int, overrides=None, target_time_s=None, slot_drag: str = "model"):
    sc = read_scenario(scenario, overrides)
    course, ref = load_courses(sc, scenario.parent)
    from paceline.crew import get_crew_formation

    # what is not given comes from the scenario's [plan], as in `paceline plan`: the same
    # scenario and roster build the same problem on both paths
    formation = formation or sc.plan.crew_formation
    margin = sc.plan.safety_margin if margin is None else margin
    if exchange_points is None and exchange_every_m is None:
        exchange_every_m = sc.plan.exchange_every_m

    slots = get_crew_formation(formation).slots
    pacers, _ = read_roster(roster, slots=slots)
    if not 0.0 <= margin < 1.0:
        raise UnitError("safety margin must be a fraction 0–1", where="--margin", value=margin,
                        valid="e.g. 0.1 for 10 %")
    if reserves < 0:
        raise UnitError("the number of pacers held back cannot be negative",
                        where="--reserves", value=reserves, valid=f"0 … {len(pacers) - 1}",
                        fix="give --reserves 0 (none held back) or more")
    if reserves >= len(pacers):
        raise UnitError(f"reserves must leave pacers to run: the roster has {len(pacers)}",
                        where="--reserves", value=reserves, valid=f"0 … {len(pacers) - 1}",
                        fix=f"give --reserves {max(len(pacers) - 1, 0)} or fewer, or a larger "
                            "roster")
    return problem_from_scenario(
        sc, pacers, course=course, reference_course=ref, formation=formation,
        exchange_every_m=exchange_every_m, exchange_points_m=exchange_points,
        safety_margin_frac=margin, reserves=reserves, target_time_s_override=target_time_s,
        slot_drag=slot_drag)


def _print_plan(plan: CrewPlan) -> None:
    out.print(f"[bold]Crew plan[/bold] — {plan.formation}, target "
              f"{format_duration(plan.target_time_s, decimals=1)} "
              f"({format_pace(plan.speed_m_s, decimals=1)}), safety margin "
              f"{plan.safety_margin_frac:.0%}")
    if plan.drag_reduction_frac:
        red = ", ".join(f"{s} {r:.2f}" for s, r in zip(plan.slots, plan.drag_reduction_frac,
                                                        strict=True))
        out.print(f"Slot drag reduction ({plan.slot_drag}): {red}")
    gap = f"{plan.gap_frac:.1%}" if plan.gap_frac == plan.gap_frac else "—"
    out.print(f"objective {plan.objective}: {plan.objective_value:.4g} — [bold]{plan.status}"
              f"[/bold] (bound {plan.best_bound:.4g}, gap {gap}) in {plan.solve_time_s:.1f} s · "
              f"{plan.pacers_used} pacers used, {plan.n_exchanges} hand-overs")
    t = Table(title="Waves: who runs which slot, from km to km", padding=(0, 1))
    t.add_column("km", justify="right", no_wrap=True)
    for s in plan.slots:
        t.add_column(s, no_wrap=True, min_width=len(s))
    bounds = sorted({0.0, *plan.exchange_points_m, plan.distance_m})
    for a, b in zip(bounds, bounds[1:], strict=False):
        row = []
        for s in plan.slots:
            who = [x.pacer for x in plan.stints if x.slot == s and x.from_m <= a + 0.5
                   and x.to_m >= b - 0.5]
            row.append(who[0] if who else "[red]—[/red]")
        t.add_row(f"{a / 1000:.1f}–{b / 1000:.1f}", *row)
    out.print(t)
    m = Table(title="Pacers: lowest remaining capacity over the race")
    for c in ("pacer", "stints", "km run", "planned use", "lowest remaining"):
        m.add_column(c, justify="right" if c != "pacer" else "left")
    used = {a.pacer for a in plan.stints}
    for p in sorted(plan.pacers, key=lambda p: p.min_margin):
        if p.name in used:
            m.add_row(p.name, str(p.stints), f"{p.distance_m / 1000:.1f}",
                      f"{p.planned_use:.0%}", f"{p.min_margin:.0%}")
    out.print(m)
    if plan.reserves:
        out.print(f"Not used / reserves: {', '.join(plan.reserves)}")
    for n in plan.notes:
        out.print(f"[yellow]note:[/yellow] {n}")


def _distance(text: str, where: str) -> float:
    return parse_distance_m(text, where=where)


@app.command("plan")
def plan_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML (target pace from it).")],
    roster: Annotated[Path, typer.Option("--roster", help="Roster CSV or TOML.")],
    objective: Annotated[str, typer.Option(help="margin, pacers, exchanges or preferences")
                         ] = "margin",
    exchange_every: Annotated[str | None, typer.Option(
        help="Exchange spacing, e.g. 4.8km (default: the scenario's plan.exchange_every, "
             "else 4.8km).")] = None,
    formation: Annotated[str | None, typer.Option(
        help="vienna-2019 or breaking2-2017 (default: the scenario's plan.crew_formation).")
                         ] = None,
    margin: Annotated[float | None, typer.Option(
        help="Safety margin: capacity kept (0–1; default: the scenario's plan.safety_margin, "
             "else 0.10).")] = None,
    reserves: Annotated[int, typer.Option(help="Pacers held back for drop-outs.")] = 0,
    slot_drag: Annotated[str, typer.Option(
        help="Drag per slot: model (formation model) or table (stated table).")] = "model",
    time_limit: TimeLimitOpt = DEFAULT_TIME_LIMIT_S,
    seed: SeedOpt = 1,
    wall_clock: WallClockOpt = False,
    png: Annotated[Path | None, typer.Option("--png", help="Write a Gantt chart PNG.")] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write the plan JSON.")] = None,
    set_: SetOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Plan the rotation: every slot filled at every metre, nobody beyond his capacity."""
    check_output_file(png, where="--png", example="gantt.png", figure=True)
    check_output_file(out_file, where="--out", example="crew_plan.json")
    if objective not in OBJECTIVES:
        raise UnitError("unknown objective", where="--objective", value=objective,
                        valid=", ".join(OBJECTIVES))
    every = None if exchange_every is None else _distance(exchange_every, "--exchange-every")
    problem = _problem(scenario, roster, formation=formation, exchange_every_m=every,
                       margin=margin, reserves=reserves, overrides=set_, slot_drag=slot_drag)
    plan = CrewScheduler(problem, time_limit_s=time_limit, seed=seed,
                         deterministic=not wall_clock).solve(objective)
    paths = {"scenario": str(scenario.resolve()), "roster": str(roster.resolve())}
    if out_file is not None:
        with writing(out_file, where="--out"):
            write_plan(plan, out_file, **paths)
    if png is not None:
        from paceline.report.crew_plot import plot_crew_gantt

        with writing(png, where="--png"):
            plot_crew_gantt(plan, png)
    if json_:
        print(json_text(plan_to_dict(plan, **paths), indent=2))
        return
    _print_plan(plan)


def _problem_for_plan(plan_path: Path, scenario: Path | None, roster: Path | None):
    plan, raw = read_plan(plan_path)
    sc = scenario or (Path(raw["scenario"]) if raw.get("scenario") else None)
    ro = roster or (Path(raw["roster"]) if raw.get("roster") else None)
    if sc is None or ro is None:
        raise InputFileError("the plan does not name its scenario and roster",
                             where=str(plan_path), fix="pass --scenario and --roster")
    problem = _problem(sc, ro, formation=plan.formation, exchange_every_m=None,
                       exchange_points=plan.exchange_points_m, margin=plan.safety_margin_frac,
                       reserves=0, target_time_s=plan.target_time_s, slot_drag=plan.slot_drag)
    return plan, problem, {"scenario": str(sc), "roster": str(ro)}


@app.command("check")
def check_cmd(
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN", help="Plan JSON.")],
    scenario: Annotated[Path | None, typer.Option(help="Scenario (default: the plan's).")
                        ] = None,
    roster: Annotated[Path | None, typer.Option(help="Roster (default: the plan's).")] = None,
    json_: JsonOpt = False,
) -> None:
    """Replay a plan through the capacity model: every pacer's remaining capacity."""
    plan, problem, _ = _problem_for_plan(plan_file, scenario, roster)
    rep = check_plan(problem, plan.stints)
    used = {a.pacer for a in plan.stints}
    if json_:
        print(json_text({
            "ok": rep.ok, "problems": list(rep.problems),
            "pacers": [{"name": t.name, "min_margin": t.min_remaining_frac, "stints": t.stints,
                        "trace": [{"distance_m": float(d), "remaining": float(r)} for d, r in
                                  zip(t.distance_m[::25], t.remaining_frac[::25], strict=False)]}
                       for t in rep.pacers if t.name in used]}, indent=2))
        return
    t = Table(title=f"Check of {plan_file.name}: remaining capacity")
    for c in ("pacer", "stints", "lowest remaining", "at finish"):
        t.add_column(c)
    for tr in sorted(rep.pacers, key=lambda x: x.min_remaining_frac):
        if tr.name in used:
            t.add_row(tr.name, str(tr.stints), f"{tr.min_remaining_frac:.0%}",
                      f"{tr.remaining_frac[-1]:.0%}")
    out.print(t)
    if rep.ok:
        out.print("[green]OK[/green]: every slot filled, nobody in two places, every pacer "
                  f"above the {plan.safety_margin_frac:.0%} margin.")
    else:
        for p in rep.problems:
            out.print(f"[red]problem:[/red] {p}")
        raise typer.Exit(1)


@app.command("replan")
def replan_cmd(
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN", help="Plan JSON.")],
    dropped: Annotated[str, typer.Option(help="Name of the pacer who dropped out.")],
    at: Annotated[str, typer.Option(help="Where, e.g. 23.4km.")],
    time_limit: TimeLimitOpt = 1.0,
    seed: SeedOpt = 1,
    wall_clock: WallClockOpt = False,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write the new plan JSON.")
                        ] = None,
    png: Annotated[Path | None, typer.Option("--png", help="Write a Gantt chart PNG.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Re-plan the rest of the race after a drop-out, starting from the old plan.

    The limit (default 1) is solver work, about seconds on an idle 2-core machine; on a busy
    one the same plan takes longer (docs/crew.md §5)."""
    check_output_file(png, where="--png", example="gantt.png", figure=True)
    check_output_file(out_file, where="--out", example="crew_plan.json")
    at_m = _distance(at, "--at")
    plan, problem, paths = _problem_for_plan(plan_file, None, None)
    if not 0.0 < at_m < problem.distance_m:
        raise UnitError(f"the drop-out must be inside the race ({format_length(at_m)} is "
                        f"{'past the finish' if at_m >= problem.distance_m else 'at the start'})",
                        where="--at", value=at,
                        valid=f"more than 0 and less than {format_length(problem.distance_m)}",
                        fix="give where the pacer left, e.g. --at 23.4km")
    new = CrewScheduler(problem, time_limit_s=time_limit, seed=seed,
                        deterministic=not wall_clock).replan(plan, dropped, at_m)
    if out_file is not None:
        with writing(out_file, where="--out"):
            write_plan(new, out_file, **paths)
    if png is not None:
        from paceline.report.crew_plot import plot_crew_gantt

        with writing(png, where="--png"):
            plot_crew_gantt(new, png)
    if json_:
        print(json_text(plan_to_dict(new, **paths), indent=2))
        return
    _print_plan(new)


@app.command("coop")
def coop_cmd(
    roster: Annotated[Path, typer.Argument(help="The team (roster CSV or TOML).")],
    distance: Annotated[str, typer.Option(help="Race distance.")] = "marathon",
    follower_reduction: Annotated[float, typer.Option(
        help="Drag removed for runners not leading (Beaumont et al. 2019: 0.33).")] = 0.33,
    turn: Annotated[str, typer.Option(help="Length of a turn at the front.")] = "1km",
    json_: JsonOpt = False,
) -> None:
    """Cooperative drafting: the team shares the lead; fastest finish of its best finisher."""
    pacers, _ = read_roster(roster)
    if not 0.0 <= follower_reduction < 1.0:
        raise UnitError("drag reduction must be a fraction 0–1", where="--follower-reduction",
                        value=follower_reduction)
    d = _distance(distance, "--distance")
    r = cooperative_drafting(pacers, d, follower_drag_reduction_frac=follower_reduction,
                             turn_m=_distance(turn, "--turn"))
    if json_:
        print(json_text({"finisher": r.finisher, "finish_time_s": r.finish_time_s,
                          "speed_m_s": r.speed_m_s, "solo_times_s": r.solo_times_s,
                          "dropped_at_m": r.dropped_at_m,
                          "leads": [{"runner": a, "from_m": b, "to_m": c} for a, b, c in r.leads],
                          "follower_drag_reduction": r.follower_drag_reduction_frac,
                          "turn_m": r.turn_m}, indent=2))
        return
    best_solo = min(r.solo_times_s.values())
    out.print(f"Cooperative drafting, {len(pacers)} runners, followers −"
              f"{r.follower_drag_reduction_frac:.0%} drag, turns of {r.turn_m:g} m")
    out.print(f"[bold green]{r.finisher} finishes in {format_duration(r.finish_time_s, 1)}"
              f"[/bold green] ({format_pace(r.speed_m_s, decimals=1)}); best solo "
              f"{format_duration(best_solo, 1)} ({best_solo - r.finish_time_s:+.0f} s saved)")
    for name, at_m in sorted(r.dropped_at_m.items(), key=lambda x: x[1]):
        out.print(f"  {name} leaves the group at {at_m / 1000:.1f} km")
