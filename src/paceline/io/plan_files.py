"""A race plan's machine-readable files: plan.json, CSV tables, crew_plan.json, schedule.gpx.

The race-day service (``paceline.live``) and spreadsheets read these; their names and columns are
a contract: ``plan.json``, ``crew_plan.json``, ``car_program.csv``, ``drinks.csv``,
``laser.csv``, ``schedule.gpx``, ``splits_{km,mile,5km,lap}.csv``.
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

__all__ = ["plan_to_dict", "write_plan_files"]


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
