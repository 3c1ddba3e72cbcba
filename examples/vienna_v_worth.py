"""What is Vienna's V worth?

Kipchoge's 1:59:40 in Vienna (2019) was run behind five pacers in an inverted V and two
behind him. This example predicts the race three ways — alone, behind the V as the formation
model computes its drag on every segment (following the course against the wind), and with
the 50 % drag reduction measured in Marro et al.'s wind tunnel — and plots the finish times.

    python examples/vienna_v_worth.py            # writes gallery/vienna_v_worth.png
"""

from __future__ import annotations

import sys
from pathlib import Path

from paceline.io.scenario_file import load_courses, read_scenario
from paceline.sim import RaceModel
from paceline.units import format_duration

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def predict(name: str, overrides: list[str] | None = None) -> float:
    """Predicted finish time [s] of a bundled scenario with --set style overrides."""
    sc = read_scenario(SCENARIOS / name, overrides)
    course, ref = load_courses(sc, SCENARIOS)
    return RaceModel(sc, course, ref).solve().finish_time_s


def main(out_dir: Path = ROOT / "gallery") -> dict[str, float]:
    times = {
        "alone (no drafting)": predict("vienna-2019.toml", ["drafting={drag_reduction=0}"]),
        "behind the V (formation model)": predict("vienna-2019.toml"),
        "behind the V (wind tunnel, 50 %)": predict("vienna-2019.toml",
                                                    ["drafting={drag_reduction=0.5}"]),
    }
    alone = times["alone (no drafting)"]
    for label, t in times.items():
        print(f"{label:34s} {format_duration(t, decimals=1)}  ({t - alone:+.0f} s)")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8.5, 3.4))
    labels = [k for k in times if k != "alone (no drafting)"]
    saved = [alone - times[k] for k in labels]
    ax.barh(labels, saved, color=["tab:blue", "tab:green"])
    for y, k in enumerate(labels):
        ax.text(saved[y] + 5, y, f"−{saved[y]:.0f} s → {format_duration(times[k], decimals=1)}",
                va="center", fontsize=10)
    ax.set_xlim(0, max(saved) * 1.45)
    ax.set_xlabel(f"seconds saved vs running alone ({format_duration(alone, decimals=1)})")
    ax.invert_yaxis()
    ax.set_title("What the V was worth in Vienna (Kipchoge calibrated on Berlin 2018; "
                 "ran 1:59:40.2)", loc="left", fontsize=10)
    fig.tight_layout()
    out_dir.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_dir / "vienna_v_worth.png", dpi=110)
    plt.close(fig)
    return times


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "gallery")
