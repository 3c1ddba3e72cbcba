"""Leave-one-out check of the race model on Kipchoge's three bundled races.

Calibrate the athlete on one race (as run: course, weather, drafting, shoes, time) and predict
each of the others. Prints a Markdown table (the one in README.md).

    python examples/leave_one_out.py
"""

from __future__ import annotations

from pathlib import Path

from paceline.io.scenario_file import load_courses, read_scenario
from paceline.scenario import Reference, Scenario
from paceline.sim import RaceModel
from paceline.units import format_duration

ROOT = Path(__file__).resolve().parents[1]
RACES = ["vienna-2019", "monza-2017", "berlin-2018"]


def as_reference(race: Scenario) -> Reference:
    """The race as run, written as an athlete reference."""
    return Reference.model_validate({
        "distance": race.race.distance_m,
        "time": race.race.actual_time_s,
        "course": race.course.model_dump(),
        "conditions": race.conditions.model_dump(),
        "drafting": race.drafting.model_dump(by_alias=True),
        "shoes": race.shoes.model_dump(),
        "pacing": "even-pace",
    })


def leave_one_out() -> list[dict]:
    scen = {n: read_scenario(ROOT / "scenarios" / f"{n}.toml") for n in RACES}
    rows = []
    for cal in RACES:
        ref = as_reference(scen[cal])
        for target in RACES:
            if target == cal:
                continue
            sc = scen[target]
            sc = sc.model_copy(update={"athlete": sc.athlete.model_copy(
                update={"reference": ref})})
            course, ref_course = load_courses(sc, ROOT / "scenarios")
            r = RaceModel(sc, course, ref_course).solve()
            actual = sc.race.actual_time_s
            rows.append({"calibrated_on": cal, "predicted": target,
                         "predicted_s": r.finish_time_s, "actual_s": actual,
                         "error_s": r.finish_time_s - actual})
    return rows


def main() -> None:
    rows = leave_one_out()
    print("| calibrated on | predicted race | predicted | actual | error |")
    print("|---|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['calibrated_on']} | {r['predicted']} | "
              f"{format_duration(r['predicted_s'], decimals=1)} | "
              f"{format_duration(r['actual_s'], decimals=1)} | "
              f"{r['error_s']:+.0f} s ({r['error_s'] / r['actual_s']:+.2%}) |")


if __name__ == "__main__":
    main()
