"""What do 20 years of training say?

Fitness (CTL, 42-day), fatigue (ATL, 7-day) and form (TSB) from a training log, the Banister
fitness–fatigue model behind `paceline log fitness`. No real 20-year log can be bundled, so
this example writes an ILLUSTRATIVE one (seeded, so the same every run): six runs a week for
20 years, in yearly cycles of base, build, a marathon and two weeks off, with a slow rise in
volume and an injury break in year 12. Replace ``synthetic_log`` with your own log's
(start, load) arrays: ``TrainingLog.load_inputs()`` and ``paceline.log.daily_loads``.

    python examples/twenty_years.py              # writes gallery/twenty_years.png
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from paceline import log as analytics
from paceline.report.log_plots import plot_pmc

ROOT = Path(__file__).resolve().parents[1]


def synthetic_log(years: int = 20, seed: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """(start_utc [datetime64[s]], load [TSS-like units]) of an illustrative log."""
    rng = np.random.default_rng(seed)
    days = np.datetime64("2005-01-03") + np.arange(365 * years)
    k = np.arange(days.size)
    week_day = k % 7
    season = (k % 365) / 365.0  # 0 = January
    level = 40 + 30 * k / k.size  # volume grows over the years
    cycle = np.where(season < 0.45, 0.8, np.where(season < 0.75, 1.15, 0.9))
    load = level * cycle * rng.lognormal(0.0, 0.25, days.size)
    load[week_day == 6] = 0.0  # a rest day a week
    load[(season > 0.78) & (season < 0.82)] = 0.0  # two weeks off after the autumn marathon
    load[(k // 365 == 11) & (season > 0.2) & (season < 0.45)] = 0.0  # injury, year 12
    run = load > 0
    return days[run].astype("datetime64[s]") + np.timedelta64(7 * 3600, "s"), load[run]


def main(out_dir: Path = ROOT / "gallery"):
    start, load = synthetic_log()
    p = analytics.pmc(start, load)
    peak = int(np.argmax(p.ctl))
    print(f"{p.day.size} days, {start.size} runs; peak fitness CTL {p.ctl[peak]:.0f} on "
          f"{p.day[peak]}, freshest (highest form) TSB {p.tsb.max():+.0f}")
    out_dir.mkdir(parents=True, exist_ok=True)
    plot_pmc(p, out_dir / "twenty_years.png", title="20 years of training (illustrative log)",
             load_label="TSS")
    return p


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "gallery")
