"""``paceline plan``: the whole race plan as one offline HTML report plus machine files.

The edge around :func:`paceline.plan.build_plan`: reads the scenario, its courses and roster,
builds the plan, writes the machine files (:mod:`paceline.io.plan_files`) and renders report.html
from the Jinja2 templates the web app shares (:mod:`paceline.report.render`). Figures are PNG
embedded as data URIs; no scripts, fonts or styles are fetched from anywhere.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from paceline.errors import InputFileError
from paceline.io.plan_files import (
    MANIFEST,
    PLAN_FILE_NAMES,
    plan_folder_files,
    write_manifest,
    write_plan_files,
)
from paceline.io.scenario_file import load_courses, read_scenario
from paceline.io.schedule_gpx import east_north_to_lat_lon
from paceline.plan import STEPS as BUILD_STEPS
from paceline.plan import RacePlan, build_plan
from paceline.report.render import read_assumptions, render_report, static_figures

__all__ = ["PlanOutput", "check_plan_folder", "load_plan", "write_plan"]

STEPS = BUILD_STEPS + 2


@dataclass
class PlanOutput:
    directory: Path
    files: list[Path] = field(default_factory=list)
    finish_time_s: float = float("nan")  # of the plan's schedule [s]
    prediction_s: float = float("nan")  # the model's own prediction [s]
    target_shortfall_frac: float | None = None  # > 0: the target needs more than capacity
    plan: RacePlan | None = None


def load_plan(scenario_path: str | Path, *, overrides: list[str] | None = None,
              draws: int = 20000, seed: int = 2019, force: bool = False,
              crew_time_limit_s: float = 4.0, crew_plan=None,
              progress: Callable[[int, int, str], None] | None = None
              ) -> tuple[RacePlan, dict]:
    """Read a scenario file (and its courses and roster) and build its plan.

    Returns the plan and what the renderers need beside it: ``{"assumptions", "scenario_path",
    "roster_path"}``."""
    scenario_path = Path(scenario_path)
    sc = read_scenario(scenario_path, overrides)
    course, ref_course = load_courses(sc, scenario_path.parent)
    pacers = roster_path = None
    if sc.plan.roster is not None and crew_plan is None:
        from paceline.crew import get_crew_formation
        from paceline.io.roster import read_roster

        roster_path = Path(sc.plan.roster)
        if not roster_path.is_absolute():
            roster_path = scenario_path.parent / roster_path
        pacers, _ = read_roster(roster_path, slots=get_crew_formation(sc.plan.crew_formation).slots)
    plan = build_plan(sc, course=course, reference_course=ref_course, pacers=pacers, draws=draws,
                      seed=seed, force=force, crew_time_limit_s=crew_time_limit_s,
                      lat_lon=east_north_to_lat_lon, crew_plan=crew_plan, progress=progress)
    return plan, {"assumptions": read_assumptions(scenario_path),
                  "roster_note": None if roster_path is None else roster_note(roster_path),
                  "scenario_path": str(scenario_path),
                  "roster_path": None if roster_path is None else str(roster_path)}


def roster_note(path: str | Path) -> str | None:
    """The roster file's leading comment when it says the roster is ILLUSTRATIVE (made-up PBs),
    for the report to say so; None for a real roster."""
    lines = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    text = " ".join(lines)
    if "illustrative" not in text.lower():
        return None
    # the first sentences, up to the one that says the numbers are not real
    end = text.find(". ", text.lower().find("not the real")) if "not the real" in text.lower() \
        else -1
    text = text[: end + 1] if end > 0 else text
    # the report's own label says "Illustrative roster": the file's shouted prefix and the
    # capitals a plain-text file uses for emphasis are not repeated under it
    text = re.sub(r"^illustrative roster\s*[:—-]\s*", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(ILLUSTRATIVE|NOT|LOOK LIKE|ONLY|MADE UP)\b",
                  lambda m: m.group(0).lower(), text)
    return text[:1].upper() + text[1:]


def _names(names: list[str], most: int = 8) -> str:
    return ", ".join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most
                                      else "")


def check_plan_folder(out: Path, *, overwrite: bool, where: str | None = None) -> list[str]:
    """Refuse a folder ``paceline plan`` must not write into; return the names of an earlier
    plan's files in it (replaced with ``overwrite``).

    Refused: a file of that name; a folder holding anything paceline did not write (named:
    ``--overwrite`` never deletes those — it deleted the whole folder, ``.git`` and a thesis
    included, review of issue 14); an earlier plan without ``overwrite``; a folder whose
    parent does not exist (the plan's own folder is created, its parents are not).

    Raises
    ------
    InputFileError
        As above.
    """
    if out.exists() and not out.is_dir():
        raise InputFileError(f"{out} is a file, not a folder", where=where,
                             fix="give a folder for the plan: a new one (it is created) or "
                                 "an empty one")
    if not out.exists():
        if not out.parent.is_dir():
            raise InputFileError(f"the folder {out.parent} does not exist", where=where,
                                 value=str(out), fix=f"create it first (mkdir -p "
                                 f"{shlex.quote(str(out.parent))}) or give a folder whose "
                                 "parent exists")
        return []
    try:
        ours, other = plan_folder_files(out)
    except OSError as exc:
        raise InputFileError(f"cannot read the folder {out}: {exc.strerror or exc}", where=where,
                             fix="give a folder you can read and write") from None
    shown = out.resolve() if out.name in ("", ".", "..") else out  # "-o ." names the folder
    new = f"{where} {out / 'plan'}" if where else str(out / "plan")
    if other:
        raise InputFileError(
            f"the folder {shown} holds {len(other)} file(s) paceline plan did not write: "
            f"{_names(other)}; the plan is written only into a new or empty folder (or over an "
            "earlier plan), and --overwrite never deletes other files", where=where,
            fix=f"choose a new or empty folder (it is created), e.g. {new}")
    if ours and not overwrite:
        raise InputFileError(f"the folder {shown} holds an earlier plan "
                             f"({_names([n for n in ours if n != MANIFEST])})",
                             where=where, fix="pass --overwrite to replace it (only its files "
                             "are replaced), or choose a new folder")
    return ours


def write_plan(scenario_path: str | Path, out_dir: str | Path, *,
               overrides: list[str] | None = None, draws: int = 20000, seed: int = 2019,
               force: bool = False, overwrite: bool = False, crew_time_limit_s: float = 4.0,
               progress: Callable[[int, int, str], None] | None = None,
               where: str | None = None) -> PlanOutput:
    """Write report.html, plan.json, CSV tables and a GPX schedule into ``out_dir``.

    ``out_dir`` is a new folder (created; its parent must exist), an empty one, or one an
    earlier plan was written into: with ``overwrite`` its files are replaced — and those the
    new plan does not have (a laser.csv) removed — listed in the folder's manifest
    (:data:`paceline.io.plan_files.MANIFEST`); nothing else in the folder is ever deleted, and
    a folder holding anything else is refused (:func:`check_plan_folder`). ``where`` names the
    option in messages (``-o``).

    Raises InputFileError for such a folder; nothing is written before the plan is built, so a
    failing scenario leaves the folder untouched."""
    out = Path(out_dir)
    check_plan_folder(out, overwrite=overwrite, where=where)
    plan, extra = load_plan(scenario_path, overrides=overrides, draws=draws, seed=seed,
                            force=force, crew_time_limit_s=crew_time_limit_s, progress=progress)
    figures = static_figures(plan)
    if progress:
        progress(BUILD_STEPS + 1, STEPS, "figures")
    # again: the folder may have changed while the plan was built
    old = check_plan_folder(out, overwrite=overwrite, where=where)
    try:
        out.mkdir(exist_ok=True)
        # listed first, so that a write cut short leaves a folder a re-run recognises as its own
        write_manifest(out, [*old, *PLAN_FILE_NAMES])
        files = write_plan_files(plan, out, scenario_path=extra["scenario_path"],
                                 roster_path=extra["roster_path"],
                                 source={"scenario_file": str(Path(scenario_path).resolve()),
                                         "overrides": list(overrides or [])})
        report = out / "report.html"
        report.write_text(render_report(plan, files=files, assumptions=extra["assumptions"],
                                        roster_note=extra["roster_note"], figures=figures),
                          encoding="utf-8")
        files.append(report)
        for name in set(old) - {f.name for f in files} - {MANIFEST}:  # e.g. an earlier laser.csv
            (out / name).unlink(missing_ok=True)
        write_manifest(out, [f.name for f in files])
    except OSError as exc:  # permission denied, disk full
        raise InputFileError(f"cannot write the plan into {out}: {exc.strerror or exc}",
                             where=where, fix="give a folder you can write to (check "
                             "permissions and free space)") from None
    if progress:
        progress(STEPS, STEPS, "report")
    return PlanOutput(directory=out, files=files, finish_time_s=plan.finish_time_s,
                      prediction_s=plan.prediction_s,
                      target_shortfall_frac=plan.target_shortfall_frac, plan=plan)
