"""`paceline validate`: real races predicted out of sample; error per race, MAE, mean error."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from paceline.cli._console import CliConsole, json_text, progress_console
from paceline.cli._help import check_draws
from paceline.errors import ScenarioError
from paceline.io.validation_set import read_validation_set
from paceline.models.heat import HEAT_MODELS, heat_model_names
from paceline.sim.validation import ValidationResult, validate_races
from paceline.units import format_duration

__all__ = ["validate", "validation_json", "validation_markdown"]

out = CliConsole()

#: Share of actual times inside P10–P90 that makes the band honest (issue 15): 80 % ideally
#: (it is a P10–P90 band), 70–90 % given the few races of the validation set
COVERAGE_GOAL = (0.70, 0.90)


def coverage_met(coverage: float) -> bool:
    """Whether a P10–P90 coverage is inside :data:`COVERAGE_GOAL`."""
    return COVERAGE_GOAL[0] <= coverage <= COVERAGE_GOAL[1]


def _t(s: float) -> str:
    return format_duration(s, decimals=2 if s < 1000 else 1)


def validation_json(res: ValidationResult, heat_models: list[str] | None = None) -> dict:
    """The JSON of ``paceline validate --json`` (times in s; error = predicted − actual)."""
    def num(x):
        return None if not math.isfinite(x) else x
    out_ = {
        "races": [{
            "name": r.name, "athlete": r.athlete, "predicted_from": r.predicted_from,
            "distance_m": r.distance_m, "predicted_s": r.predicted_s, "actual_s": r.actual_s,
            "error_s": r.error_s, "error_frac": r.error_frac,
            "band": {"p10_s": num(r.p10_s), "p90_s": num(r.p90_s),
                     "within_p10_p90": r.within_p10_p90},
        } for r in res.rows],
        "summary": {
            "races": len(res.rows), "athletes": res.athletes,
            "mae_s": res.mae_s, "mean_error_s": res.mean_error_s,
            "mean_abs_error_frac": res.mean_abs_error_frac,
            "band_draws": res.band_draws, "seed": res.seed,
            "coverage_p10_p90": res.coverage_p10_p90,
            "coverage_goal": list(COVERAGE_GOAL),
            "coverage_goal_met": (None if res.coverage_p10_p90 is None
                                  else coverage_met(res.coverage_p10_p90)),
        },
    }
    if heat_models is not None:
        out_["summary"]["heat_models"] = heat_models
    return out_


def _with_heat(cases: list, heat: str | None) -> list:
    """The cases with ``[models] heat`` replaced (``--heat``); unknown names refused (exit 2)."""
    if heat is None:
        return cases
    if heat not in HEAT_MODELS:
        raise ScenarioError("unknown heat model", where="--heat", value=heat,
                            fix=f"use one of: {', '.join(heat_model_names())}")
    return [dataclasses.replace(c, scenario=c.scenario.model_copy(update={
        "models": c.scenario.models.model_copy(update={"heat": heat})})) for c in cases]


def validation_markdown(res: ValidationResult) -> str:
    """The table README shows (``paceline validate --markdown``)."""
    lines = ["| race | predicted from | predicted | actual | error |",
             "|---|---|---:|---:|---:|"]
    for r in res.rows:
        lines.append(f"| {r.name} | {r.predicted_from} | {_t(r.predicted_s)} | "
                     f"{_t(r.actual_s)} | {r.error_s:+.1f} s ({r.error_frac:+.2%}) |")
    lines.append(f"| **all {len(res.rows)}** | {len(res.athletes)} athletes | | | "
                 f"MAE {res.mae_s:.1f} s, mean error {res.mean_error_s:+.1f} s |")
    return "\n".join(lines)


def validate(
    directory: Annotated[Path, typer.Argument(
        help="Validation set: a folder with races.toml.")] = Path("scenarios/validation"),
    json_: Annotated[bool, typer.Option("--json", help="Print a JSON object.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown",
                                           help="Print README's Markdown table.")] = False,
    draws: Annotated[int, typer.Option("--draws",
                                       help="Monte Carlo draws per race for the P10–P90 "
                                       "band (0: no band; at most 100,000).")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the band's draws.")] = 1,
    heat: Annotated[str | None, typer.Option(
        "--heat", help="Heat model for every race, replacing each scenario's [models] heat: "
        + ", ".join(heat_model_names()) + ".")] = None,
) -> None:
    """Predict real races, each from another race of the same athlete: error, MAE, mean error."""
    check_draws(draws, lo=0, hi=100_000, what="Monte Carlo draws per race")
    cases = _with_heat(read_validation_set(directory), heat)
    heat_models = sorted({c.scenario.models.heat for c in cases})
    rng = np.random.default_rng(seed)
    if json_ or markdown:
        res = validate_races(cases, band_draws=draws, rng=rng, seed=seed)
    else:
        with Progress(TextColumn("Validating"), BarColumn(),
                      TextColumn("{task.completed}/{task.total}"), TimeRemainingColumn(),
                      console=progress_console(), transient=True) as prog:
            task = prog.add_task("v", total=len(cases))
            res = validate_races(cases, band_draws=draws, rng=rng, seed=seed,
                                 progress=lambda d, t: prog.update(task, completed=d))
    if json_:
        print(json_text(validation_json(res, heat_models), indent=2))
        return
    if markdown:
        print(validation_markdown(res))
        return
    t = Table(title=f"Validation: {len(res.rows)} races, {len(res.athletes)} athletes, "
              "each predicted from another race of the same athlete")
    # --draws 0: no band, so no P10–P90 column (it was an empty one)
    banded = any(r.within_p10_p90 is not None for r in res.rows)
    for col, just in (("race", "left"), ("predicted from", "left"), ("predicted", "right"),
                      ("actual", "right"), ("error", "right"), ("P10–P90", "right")):
        if col != "P10–P90" or banded:
            t.add_column(col, justify=just, overflow="fold")
    for r in res.rows:
        band = "—" if r.within_p10_p90 is None else (
            f"{_t(r.p10_s)}–{_t(r.p90_s)}" + ("" if r.within_p10_p90 else " ✗"))
        t.add_row(r.name, r.predicted_from, _t(r.predicted_s), _t(r.actual_s),
                  f"{r.error_s:+.1f} s ({r.error_frac:+.2%})", *([band] if banded else []))
    if not banded:
        out.print(t)
        out.print("No P10–P90 band: --draws 0 (give --draws 200 or more for one).")
        t = None
    if t is not None:
        out.print(t)
    cov = res.coverage_p10_p90
    out.print(f"MAE [bold]{res.mae_s:.1f} s[/bold] ({res.mean_abs_error_frac:.2%}) · mean error "
              f"[bold]{res.mean_error_s:+.1f} s[/bold] (goal: MAE ≤ 60 s, |mean| ≤ 20 s)"
              + (f" · actual inside P10–P90 in {cov:.0%} of races (goal "
                 f"{COVERAGE_GOAL[0]:.0%}–{COVERAGE_GOAL[1]:.0%}: "
                 + ("met" if coverage_met(cov) else "[bold]not met[/bold]") + ", ideal 80 %)"
                 if cov is not None else "") + f" · heat model {', '.join(heat_models)}")
