"""How much does heat cost a 3-hour marathoner?

A runner whose marathon is 3:00:00 in cool weather (12 °C, 60 % RH, no drafting) runs the
same flat course at race-day temperatures from 0 to 30 °C. The race model penalizes capacity
by WBGT (Ely et al. 2007) and changes air density; the figure shows what each degree costs.
Where the WBGT leaves the range of Ely's data the model gives no prediction (NaN), and the
example says so rather than extrapolate. The curve is Ely's top-3 finishers' (the default
heat model, ``[models] heat = "ely2007"``): Ely report that slower runners slowed more, so
for a 3-hour runner this is a lower bound (docs/model.md, "Heat by ability").

    python examples/heat_cost.py                 # writes gallery/heat_cost.png
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from paceline.errors import ImpossibleScenarioError
from paceline.io.scenario_file import load_courses, read_scenario
from paceline.sim import RaceModel
from paceline.units import format_duration

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

#: A recreational runner: 3:00:00 on a flat course in cool air, no pacers, ordinary shoes.
RUNNER = [
    "athlete.name=\"3-hour runner\"", "athlete.mass_kg=68", "athlete.height_m=1.78",
    "athlete.reference.time=\"3:00:00\"", "athlete.reference.drafting={drag_reduction=0}",
    "athlete.reference.shoes.metabolic_saving=0",
    "athlete.reference.conditions={temperature_c=12, relative_humidity=0.6, altitude_m=40}",
    "course.preset=\"straight\"", "drafting={drag_reduction=0}", "shoes.metabolic_saving=0",
    "conditions.relative_humidity=0.6", "conditions.altitude_m=40",
    "conditions.wind_speed_m_s=0", "race.actual_time=\"3:00:00\"",
]


def finish_at(temperature_c: float) -> float:
    sc = read_scenario(SCENARIOS / "vienna-2019.toml",
                       RUNNER + [f"conditions.temperature_c={temperature_c}"])
    course, ref = load_courses(sc, SCENARIOS)
    model = RaceModel(sc, course, ref)
    try:
        return model.solve().finish_time_s
    except ImpossibleScenarioError:  # WBGT past the heat model's range: refused, no number
        return float("nan")


def main(out_dir: Path = ROOT / "gallery") -> dict[float, float]:
    temps = np.arange(0.0, 31.0, 2.5)
    times = {float(t): finish_at(float(t)) for t in temps}
    base = times[12.5] if 12.5 in times else finish_at(12.0)
    for t, s in times.items():
        print(f"{t:5.1f} °C  " + (f"{format_duration(s)}  ({s - base:+5.0f} s)" if np.isfinite(s)
                                   else "no prediction: WBGT beyond the heat model's data"))

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    x = np.array(list(times))
    y = (np.array(list(times.values())) - base) / 60
    ok = np.isfinite(y)
    ax.plot(x[ok], y[ok], "o-", color="tab:red")
    if not ok.all():
        ax.axvspan(x[~ok].min() - 1.25, x.max() + 1.25, color="0.9")
        ax.text(x[~ok].min() - 1.0, np.nanmax(y) * 0.9, "WBGT beyond\nEly et al.'s data:\n"
                "no prediction", fontsize=9, va="top")
    ax.axhline(0, color="0.4", lw=0.8)
    ax.set_xlabel("air temperature on race day [°C] (RH 60 %, no wind, flat)")
    ax.set_ylabel("finish time vs 12.5 °C [min]")
    ax.set_title("What heat costs a 3:00 marathoner (WBGT penalty, Ely et al. 2007)",
                 loc="left", fontsize=11)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    out_dir.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_dir / "heat_cost.png", dpi=110)
    plt.close(fig)
    return times


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "gallery")
