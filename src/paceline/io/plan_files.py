"""A race plan's machine-readable files: plan.json, CSV tables, crew_plan.json, schedule.gpx.

The race-day service (``paceline.live``) and spreadsheets read these; their names and columns are
a contract: ``plan.json``, ``crew_plan.json``, ``car_program.csv``, ``drinks.csv``,
``laser.csv``, ``schedule.gpx``, ``splits_{km,mile,5km,lap}.csv``.

Beside them ``.paceline-plan.json`` (:data:`MANIFEST`) lists the files paceline wrote, so that
``paceline plan --overwrite`` replaces those and never deletes anything else
(:func:`plan_folder_files`).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np

from paceline.io.roster import write_plan as write_crew_plan
from paceline.io.schedule_gpx import write_schedule_gpx
from paceline.plan import RacePlan

__all__ = ["plan_to_dict", "write_plan_files", "plan_folder_files", "write_manifest",
           "MANIFEST", "PLAN_FILE_NAMES"]

#: The list of the files ``paceline plan`` wrote into its folder (hidden; JSON).
MANIFEST = ".paceline-plan.json"
#: Every name a plan folder can hold (report.html is written by :mod:`paceline.report.plan`).
#: Only these are ever replaced or removed, whatever a manifest says.
PLAN_FILE_NAMES = frozenset({
    "report.html", "plan.json", "crew_plan.json", "car_program.csv", "drinks.csv", "laser.csv",
    "schedule.gpx", *(f"splits_{k}.csv" for k in ("km", "mile", "5km", "lap"))})


def _is_own_file(path: Path) -> bool:
    return path.name in PLAN_FILE_NAMES and path.is_file() and not path.is_symlink()


def _legacy_plan(folder: Path) -> bool:
    """A plan folder written before the manifest: its plan.json is paceline's."""
    try:
        data = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and {"finish_time_s", "splits", "car_program"} <= data.keys()


def plan_folder_files(folder: Path) -> tuple[list[str], list[str]]:
    """What an existing folder holds: (names of the files an earlier ``paceline plan`` wrote,
    names of everything else — folders end in "/").

    The earlier plan's files are those its manifest (:data:`MANIFEST`) lists, or, in a folder
    written before the manifest, the plan file names beside a plan.json that paceline wrote;
    only names in :data:`PLAN_FILE_NAMES` that are regular files count, whatever the manifest
    says. The manifest itself counts as paceline's when it reads as one.
    """
    folder = Path(folder)
    entries = sorted(folder.iterdir(), key=lambda p: p.name)
    listed: set[str] = set()
    manifest = folder / MANIFEST
    if manifest.is_file() and not manifest.is_symlink():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            listed = {str(n) for n in data["files"]} | {MANIFEST}
        except (OSError, ValueError, KeyError, TypeError):
            listed = set()
    elif _legacy_plan(folder):
        listed = set(PLAN_FILE_NAMES)
    ours = [p.name for p in entries if p.name in listed
            and (_is_own_file(p) or (p.name == MANIFEST and p.is_file()))]
    other = [p.name + ("/" if p.is_dir() else "") for p in entries if p.name not in ours]
    return ours, other


def write_manifest(folder: Path, names: list[str]) -> Path:
    """Write the manifest listing ``names`` (file names in ``folder``), sorted."""
    p = Path(folder) / MANIFEST
    p.write_text(json.dumps({"written_by": "paceline plan",
                             "files": sorted(set(names) - {MANIFEST})}, indent=2) + "\n",
                 encoding="utf-8")
    return p


def plan_to_dict(plan: RacePlan) -> dict:
    """plan.json's content (SI units, names with units)."""
    sc, r, car, drinks = plan.scenario, plan.result, plan.car, plan.drinks
    pct = plan.percentiles_s
    return {
        "scenario": sc.name, "athlete": sc.athlete.name, "course": plan.model.course.name,
        "finish_time_s": r.finish_time_s, "pacing": r.pacing,
        "prediction_s": plan.prediction_s, "target_time_s": plan.target_time_s,
        "target_shortfall_frac": plan.target_shortfall_frac,
        "uncertainty": {"draws": plan.draws, "seed": plan.seed, "p10_s": pct[10],
                        "p50_s": pct[50], "p90_s": pct[90]},
        "splits": {k: [{"label": x.label, "distance_m": x.distance_m, "elapsed_s": x.elapsed_s}
                       for x in v] for k, v in plan.splits.items()},
        "power_breakdown_w_kg": r.breakdown_w_kg, "air_share": r.air_share,
        "drag_force_n": r.mean_drag_force_n,
        "whatif": [{"name": f.name, "change": f.change, "delta_s": f.delta_s}
                   for f in plan.whatif_factors],
        # what the race shoes save against the reference shoe [s] (+ = faster), split
        "shoes": {"saved_s": plan.shoes.total_s, "energy_return_s": plan.shoes.energy_return_s,
                  "mass_s": plan.shoes.mass_s,
                  "energy_return_frac": plan.shoes.energy_return_frac,
                  "mass_frac": plan.shoes.mass_frac, "mass_g": sc.shoes.mass_g,
                  "reference_mass_g": sc.shoes.reference_mass_g},
        "car_program": {"resolution_kmh": car.resolution_kmh, "offset_m": car.offset_m,
                        "max_abs_drift_s": car.max_abs_drift_s,
                        "final_drift_s": float(car.drift_s[-1]),
                        "changes": [{"distance_m": d, "speed_kmh": v}
                                    for d, v in plan.car_changes]},
        "laser": None if plan.laser is None else [ln.__dict__ for ln in plan.laser.lines],
        "drinks": {"sweat_rate_l_h": drinks.sweat_rate_l_h, "sweat_total_l": drinks.sweat_total_l,
                   "fluid_target_l": drinks.fluid_target_l,
                   "carbohydrate_g_h": drinks.carbohydrate_g_h,
                   "handoffs": [h.__dict__ for h in drinks.handoffs]},
    }


def _csv(path: Path, headers: list[str], rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(headers)
        w.writerows(rows)
    return path


def write_plan_files(plan: RacePlan, out: Path, *, scenario_path: str | None = None,
                     roster_path: str | None = None, source: dict | None = None) -> list[Path]:
    """Write the plan's machine files into the existing directory ``out``; return their paths.

    ``source`` (``{"scenario_file", "overrides"}``) is recorded in plan.json so that the plan
    can be rebuilt from its directory (``paceline web --plan DIR``)."""
    out = Path(out)
    files: list[Path] = []
    for every, rows in plan.splits.items():
        files.append(_csv(out / f"splits_{every}.csv",
                          ["label", "distance_m", "elapsed_s", "segment_s", "pace_s_per_km"],
                          [[x.label, f"{x.distance_m:.1f}", f"{x.elapsed_s:.2f}",
                            f"{x.segment_s:.2f}", f"{x.pace_s_per_km:.2f}"] for x in rows]))
    car = plan.car
    files.append(_csv(out / "car_program.csv",
                      ["group_distance_m", "set_speed_kmh", "drift_s_at_change"],
                      [[f"{d:.1f}", f"{v:.1f}",
                        f"{float(np.interp(d, car.node_distance_m[1:], car.drift_s)):.3f}"]
                       for d, v in plan.car_changes]))
    files.append(_csv(out / "drinks.csv",
                      ["handoff", "distance_m", "elapsed_s", "volume_ml", "carbohydrate_g",
                       "taken_ml", "notes"],
                      [[h.number, f"{h.distance_m:.0f}", f"{h.elapsed_s:.0f}",
                        f"{h.volume_ml:.0f}", f"{h.carbohydrate_g:.1f}", "", ""]
                       for h in plan.drinks.handoffs]))
    if plan.crew_plan is not None:
        # absolute, as `crew plan` writes them: a relative path was relative to the folder
        # `paceline plan` ran in, so a live service started elsewhere found no scenario (its
        # projection fell back to the scaled schedule) and no roster (no re-plan on a drop-out)
        write_crew_plan(plan.crew_plan, out / "crew_plan.json",
                        scenario=str(Path(scenario_path).resolve()) if scenario_path else None,
                        roster=str(Path(roster_path).resolve()) if roster_path else None)
        files.append(out / "crew_plan.json")
    if plan.laser is not None:
        files.append(_csv(out / "laser.csv",
                          ["kind", "label", "lateral_m", "behind_car_from_m", "behind_car_to_m",
                           "half_width_m"],
                          [[ln.kind, ln.label, f"{ln.lateral_m:.2f}", f"{ln.behind_from_m:.2f}",
                            f"{ln.behind_to_m:.2f}", f"{ln.half_width_m:.2f}"]
                           for ln in plan.laser.lines]))
    if plan.track_lat_deg is not None:
        sc = plan.scenario
        start = sc.race.start or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        when = ("the race's start" if sc.race.start else
                "a nominal start at 2000-01-01T00:00Z (set race.start for real times)")
        files.append(write_schedule_gpx(
            out / "schedule.gpx", plan.track_lat_deg, plan.track_lon_deg,
            plan.track_elevation_m, plan.track_elapsed_s, start=start,
            name=sc.name or plan.model.course.name,
            description=f"paceline target schedule; times from {when}; preset geometry is "
            "approximate"))
    p = out / "plan.json"
    data = plan_to_dict(plan)
    if source:
        data["source"] = source
    p.write_text(json.dumps(data, indent=2), encoding="utf-8")
    files.append(p)
    return files
