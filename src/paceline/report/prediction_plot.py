"""Figure of a prediction: speed and elevation along the course, splits, power breakdown."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from paceline.sim import RaceModel, RaceResult
from paceline.units import format_duration

__all__ = ["plot_prediction"]


def plot_prediction(model: RaceModel, result: RaceResult, path, *,
                    title: str | None = None) -> Path | None:
    """Write a PNG with pace and elevation along the course, 5 km splits and the power shares.

    ``path`` is a file path or a binary file object (e.g. ``io.BytesIO``); ``title`` replaces
    the default "<name>: predicted h:mm:ss" (a plan titles its target schedule as such)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    seg = model.segments
    km = 0.5 * (seg.node_distance_m[:-1] + seg.node_distance_m[1:]) / 1000.0
    pace_s_km = 1000.0 / result.speed_m_s
    elev = model.course.for_distance(seg.distance_m).resample(10.0).elevation_m
    node_km = np.linspace(0, seg.distance_m / 1000.0, elev.size)

    fig = plt.figure(figsize=(11, 7.5), constrained_layout=True)
    grid = fig.add_gridspec(2, 3)
    ax = fig.add_subplot(grid[0, :])
    ax.plot(km, pace_s_km, color="#1f5fa8", lw=1.2, label=f"pace ({result.pacing})")
    mean_pace = result.finish_time_s / (seg.distance_m / 1000.0)
    ax.axhline(mean_pace, color="#1f5fa8", ls=":", lw=1,
               label=f"mean {format_duration(mean_pace, decimals=1)}/km")
    ax.invert_yaxis()
    ax.yaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda y, _: format_duration(y, decimals=0)))
    ax.set_ylabel("pace [min:s per km]  (faster ↑)")
    ax.set_xlabel("distance [km]")
    ax.set_xlim(0, seg.distance_m / 1000.0)
    for mark in result.lap_marks_m:
        ax.axvline(mark / 1000.0, color="0.85", lw=0.8, zorder=0)
    ax2 = ax.twinx()
    ax2.fill_between(node_km, elev, elev.min() - 1, color="0.6", alpha=0.35, lw=0)
    ax2.set_ylabel("elevation [m]")
    ax.set_zorder(ax2.get_zorder() + 1)
    ax.patch.set_visible(False)
    ax.legend(loc="upper right", fontsize=9)
    sc = model.scenario
    head = title or (f"{sc.name or model.course.name}: predicted "
                     f"{format_duration(result.finish_time_s, decimals=1)}")
    if sc.race.actual_time_s:
        actual = f"actual {format_duration(sc.race.actual_time_s, decimals=1)}"
        # one parenthesis: "(target, even pace; actual 1:59:40.2)", not ") ("
        head = (f"{head[:-1]}; {actual})" if head.endswith(")") else f"{head} ({actual})")
    ax.set_title(head, loc="left")

    bx = fig.add_subplot(grid[1, :2])
    splits = result.splits(5000.0)
    marks = [d for d, _ in splits]
    seg_times = np.diff([0.0] + [t for _, t in splits])
    lengths = np.diff([0.0] + marks)
    per_km = seg_times / (lengths / 1000.0)
    labels = [f"{d / 1000:.0f}" if d < seg.distance_m else "fin" for d in marks]
    bars = bx.bar(labels, per_km, color="#7aa6d6")
    bx.set_ylim(per_km.min() - 3, per_km.max() + 2)
    bx.yaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda y, _: format_duration(y, decimals=0)))
    # bars grow with the time a split took: taller is slower (the panel above is drawn the
    # other way, faster up, as a pace chart is read); each label says which way is which
    bx.set_ylabel("pace of each 5 km [min:s per km]  (slower ↑)")
    bx.set_xlabel("split ending at [km]")
    for b, t in zip(bars, seg_times, strict=True):
        bx.annotate(format_duration(t, decimals=0), (b.get_x() + b.get_width() / 2, b.get_height()),
                    ha="center", va="bottom", fontsize=8)

    cx = fig.add_subplot(grid[1, 2])
    total = sum(result.breakdown_w_kg.values())
    names = ["air", "curves", "grade"]
    shares = [100.0 * result.breakdown_w_kg[k] / total for k in names]
    cx.barh(names, shares, color=["#2e8b57", "#6a5acd", "#a0522d"])
    cx.axvline(0, color="0.3", lw=0.8)
    span = max(abs(x) for x in shares) or 1.0
    cx.set_xlim(-0.25 * span if min(shares) < 0 else 0, 1.35 * span)
    for i, v in enumerate(shares):
        cx.annotate(f"{v:+.2f} %", (max(v, 0), i), va="center", fontsize=9,
                    xytext=(4, 0), textcoords="offset points")
    cx.set_xlabel("share of metabolic power [%]")
    level = 100.0 * result.breakdown_w_kg["level"] / total
    cx.set_title(f"Power beyond level running\n(level running itself: {level:.1f} %)",
                 fontsize=9.5, loc="left")

    out = Path(path) if isinstance(path, str | Path) else path
    fig.savefig(out, dpi=110, format="png")
    plt.close(fig)
    return out if isinstance(out, Path) else None
