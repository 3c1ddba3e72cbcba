"""Figures of a venue sweep: P(target) heat maps (day × start hour) and wind roses."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from paceline.venue import VenueResult

__all__ = ["plot_venue"]

_SPEED_BINS = (0.0, 2.0, 4.0, 6.0, np.inf)  # 10 m wind [m/s]; 2 m/s is the INEOS limit
_SPEED_COLOURS = ("#9ecae1", "#4292c6", "#08519c", "#08306b")


def _course_headings(course) -> list[tuple[float, float]]:
    """(heading °, share of distance) of the course's main directions (10° bins)."""
    h = np.asarray(course.heading_deg, float) % 360.0
    w = np.asarray(course.segment_length_m, float)
    bins = np.round(h / 10.0).astype(int) % 36
    share = np.bincount(bins, weights=w, minlength=36) / w.sum()
    return [(b * 10.0, float(s)) for b, s in enumerate(share) if s >= 0.05]


def plot_venue(result: VenueResult, path, *, ranking: list[dict] | None = None,
               daylight_only: bool = False) -> Path | None:
    """Write a PNG: per candidate (in ranking order) a heat map of P(finish ≤ target) over
    day × local start hour, and a wind rose (10 m wind, all years, every day of the window)
    at the candidate's best hour with the course's headings drawn on it.

    ``path`` is a file path or a binary file object."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from paceline.units import format_duration

    ranking = ranking or result.ranking(daylight_only=daylight_only)
    by_name = {o.candidate.name: o for o in result.outcomes}
    outcomes = [by_name[r["name"]] for r in ranking]
    n = len(outcomes)
    target = result.settings.target_time_s
    fig = plt.figure(figsize=(13, 2.7 * n + 0.8), constrained_layout=True)
    grid = fig.add_gridspec(n, 2, width_ratios=(4.2, 1.3))
    im = None
    for i, (o, row) in enumerate(zip(outcomes, ranking, strict=True)):
        ax = fig.add_subplot(grid[i, 0])
        p = o.p_target(target).T  # (hour, day)
        im = ax.imshow(p, aspect="auto", origin="lower", vmin=0, vmax=1, cmap="viridis",
                       interpolation="nearest",
                       extent=(-0.5, len(o.days) - 0.5, -0.5, len(o.hours) - 0.5))
        dark = ~o.daylight.T
        if dark.any():
            ax.imshow(np.where(dark, 1.0, np.nan), aspect="auto", origin="lower",
                      cmap="Greys", vmin=0, vmax=1.4, alpha=0.75, interpolation="nearest",
                      extent=(-0.5, len(o.days) - 0.5, -0.5, len(o.hours) - 0.5))
        ax.set_yticks(range(len(o.hours)), [f"{h:02d}:00" for h in o.hours])
        ticks = [j for j, (_, d) in enumerate(o.days) if d in (1, 15)]
        ax.set_xticks(ticks, [f"{d:02d}.{m:02d}." for m, d in (o.days[j] for j in ticks)])
        status = f" — excluded: {row['excluded']}" if row["excluded"] else ""
        best = ""
        if row["p_target_best_hour"] is not None:
            best = (f"; best hour {row['best_hour']:02d}:00: P = {row['p_target_best_hour']:.2f}, "
                    f"median {format_duration(row['median_time_best_hour_s'])}")
        ax.set_title(f"{i + 1}. {o.candidate.name} ({o.candidate.station}, {len(o.years)} "
                     f"year{'s' if len(o.years) != 1 else ''}){best}{status}", fontsize=10,
                     loc="left")
        ax.set_ylabel("local start")
        if i == n - 1:
            ax.set_xlabel("day of the window (grey: start before sunrise)")
        # wind rose at the best hour
        axr = fig.add_subplot(grid[i, 1], projection="polar")
        axr.set_theta_zero_location("N")
        axr.set_theta_direction(-1)
        hi = o.hours.index(row["best_hour"]) if row["best_hour"] is not None else 0
        wd = o.wind_from_deg[:, :, hi].ravel()
        ws = o.wind_speed_m_s[:, :, hi].ravel()
        ok = np.isfinite(wd) & np.isfinite(ws)
        centres = np.deg2rad(np.arange(0, 360.0, 22.5))
        bottom = np.zeros(16)
        total = max(int(np.isfinite(ws).sum()), 1)
        sector = ((wd[ok] + 11.25) % 360.0 // 22.5).astype(int)
        for (lo, hi_s), colour in zip(zip(_SPEED_BINS[:-1], _SPEED_BINS[1:], strict=True),
                                      _SPEED_COLOURS, strict=True):
            sel = (ws[ok] >= lo) & (ws[ok] < hi_s)
            frac = np.bincount(sector[sel], minlength=16)[:16] / total
            label = f"{lo:g}–{hi_s:g} m/s" if np.isfinite(hi_s) else f"≥ {lo:g} m/s"
            axr.bar(centres, frac, width=np.deg2rad(20), bottom=bottom, color=colour,
                    label=label, edgecolor="white", linewidth=0.3)
            bottom += frac
        rmax = max(float(bottom.max()), 0.05)
        for hdg, share in _course_headings(o.candidate.course):
            axr.plot([np.deg2rad(hdg)] * 2, [0, rmax * 1.05], color="#d62728",
                     lw=1 + 3 * share)
        calm = float(np.mean(ws[np.isfinite(ws)] < 0.5)) if np.isfinite(ws).any() else 0.0
        axr.set_title(f"race-mean 10 m wind, {row['best_hour'] or o.hours[0]:02d}:00 start "
                      f"(< 0.5 m/s: {calm:.0%})\nred: course headings", fontsize=8)
        axr.set_yticklabels([])
        axr.tick_params(labelsize=7)
        if i == 0:
            axr.legend(fontsize=6, loc="lower left", bbox_to_anchor=(1.0, 0.0))
    if im is not None:
        fig.colorbar(im, ax=fig.axes[0::2], location="bottom", shrink=0.5, aspect=40,
                     label=f"P(finish ≤ {format_duration(target)})")
    fig.suptitle("Where and when: P(finish ≤ target) from every year's weather; wind at the "
                 "best start hour", fontsize=12)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path) if isinstance(path, str | Path) else None
