"""Training-log charts (matplotlib, Agg backend, imported lazily by the CLI)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["plot_pmc"]


def plot_pmc(pmc, out: str | Path, *, title: str = "Fitness and fatigue",
             load_label: str = "load") -> Path:
    """Write the performance-management chart as a PNG.

    Top: fitness (CTL, thick) and fatigue (ATL, thin) on the left axis; the daily loads as
    light bars (one filled step line) on their own right axis (a long ride would otherwise
    squash the curves).
    Bottom: form (TSB = CTL − ATL), green when fresh, orange when fatigued.

    Drawn on a bare :class:`~matplotlib.figure.Figure` with the Agg canvas (no pyplot, no
    layout pass): ``paceline log fitness`` on a 20-year log spends its time here.
    """
    import matplotlib.dates as mdates
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import StepPatch

    out = Path(out)
    long_span = pmc.day.size > 730
    fig = Figure(figsize=(11, 6.5))
    FigureCanvasAgg(fig)
    ax, ax2 = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.3]})
    # fixed margins (the figure's size is fixed): a layout engine draws the figure twice
    fig.subplots_adjust(left=0.07, right=0.93, top=0.895, bottom=0.065, hspace=0.08)
    axl = ax.twinx()
    # the days as Matplotlib date numbers (a float per day: 12,000 datetime objects cost more
    # to convert than to draw)
    x = mdates.date2num(pmc.day.astype("datetime64[D]"))
    # one filled step outline, not one bar per day: 10,000 bar patches took a minute to draw;
    # added as an artist, not with add_patch/stairs, whose data-limit update walks the outline
    # vertex by vertex (0.5 s for 20 years; the limits are set below and by the lines)
    axl.add_artist(StepPatch(np.nan_to_num(np.asarray(pmc.load, float)),
                             np.append(x - 0.5, x[-1] + 0.5), fill=True, color="0.45",
                             alpha=0.6, linewidth=0.8))  # outlined: over years a day is
    # narrower than a pixel, and a lone long run drawn as a filled sliver alone was invisible
    axl.set_ylim(0, max(float(np.nanmax(pmc.load, initial=0)) * 2.2, 1.0))  # lower half
    axl.set_ylabel(f"daily {load_label} (bars)", color="0.4")
    axl.tick_params(axis="y", colors="0.4")
    ax.set_zorder(axl.get_zorder() + 1)
    ax.patch.set_visible(False)
    ax.plot(x, pmc.atl, color="tab:pink", lw=0.7 if long_span else 1.2,
            alpha=0.7 if long_span else 1.0, label="fatigue: ATL (τ = 7 d)")
    ax.plot(x, pmc.ctl, color="tab:blue", lw=2.2, label="fitness: CTL (τ = 42 d)")
    top = max(float(np.nanmax(pmc.atl, initial=0)), float(np.nanmax(pmc.ctl, initial=0)))
    ax.set_ylim(0, max(top * 1.08, 1.0))
    ax.set_ylabel(f"{load_label} per day (CTL, ATL)")
    first, last = str(pmc.day[0]), str(pmc.day[-1])
    # y given: the title is not auto-placed (a pass over every tick label of both y axes that
    # only looks for labels on top, of which there are none)
    # the title on top, the legend between it and the curves (it was above the title)
    ax.set_title(f"{title} — {first} to {last}", loc="left", y=1.075)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.005), frameon=False, ncol=2,
              borderaxespad=0.0, fontsize=9)
    ax.grid(alpha=0.3)
    # one polygon per sign (clipped at 0), not one per fresh/fatigued spell (thousands)
    tsb = np.asarray(pmc.tsb, float)
    ax2.fill_between(x, np.clip(tsb, 0, None), 0, color="tab:green", alpha=0.55,
                     step="mid", linewidth=0, label="fresh (TSB > 0)")
    ax2.fill_between(x, np.clip(tsb, None, 0), 0, color="tab:orange", alpha=0.55,
                     step="mid", linewidth=0, label="fatigued (TSB < 0)")
    ax2.axhline(0, color="0.3", lw=0.8)
    ax2.set_ylabel("form: TSB = CTL − ATL")
    ax2.legend(loc="lower left", frameon=False, ncol=2, fontsize=8)
    ax2.grid(alpha=0.3)
    loc = mdates.AutoDateLocator()
    ax2.xaxis.set_major_locator(loc)
    ax2.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
    # zlib level 1: the same pixels; the level-6 default spent 50 ms for a 15 % smaller file
    fig.savefig(out, dpi=110, pil_kwargs={"compress_level": 1})
    return out
