"""Draw a formation from above with the wake field (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from paceline.formation import FormationResult
from paceline.models import drafting as dm

__all__ = ["plot_formation", "plot_laser", "laser_figure"]


def plot_formation(result: FormationResult, path) -> Path:
    """Write a PNG: runners (labelled with their names, as in the tables, and drag ratio) over
    the air-speed map.

    The map is the air speed a runner would feel at each point (body-width average),
    relative to the free stream: blue where the wakes slow the air, red where the air speeds
    up beside a runner; the direction of the air is drawn as an arrow. Inside a runner's body
    the map is blank (the model's blockage term is singular there).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Ellipse

    f = result.formation
    x, y = f.x_m, f.y_m
    xlo, xhi = min(-2.5, x.min() - 1.5), max(2.0, x.max() + 1.5)
    ylo, yhi = min(-2.0, y.min() - 1.0), max(2.0, y.max() + 1.0)
    # keep the map at most 3:1 either way: a far-off runner ("100,0") would otherwise squeeze
    # the equal-aspect map into a strip a few pixels wide
    xs, ys = xhi - xlo, yhi - ylo
    if xs > 3 * ys:
        pad = (xs / 3 - ys) / 2
        ylo, yhi = ylo - pad, yhi + pad
    elif ys > 3 * xs:
        pad = (ys / 3 - xs) / 2
        xlo, xhi = xlo - pad, xhi + pad
    gx, gy = np.meshgrid(np.linspace(xlo, xhi, 281), np.linspace(ylo, yhi, 201))
    speed = dm.speed_ratio_at(gx.ravel(), gy.ravel(), x, y, result.speed_m_s,
                              result.headwind_m_s, result.crosswind_m_s).reshape(gx.shape)
    inside = np.min(np.hypot((gx[..., None] - x) / 0.14,
                             (gy[..., None] - y) / (dm.BODY_WIDTH_M / 2)), axis=-1) < 1.0
    speed = np.ma.masked_where(inside | ~np.isfinite(speed), speed)
    # plot with x (forward) pointing up and y (left) pointing left, as seen from above
    fig, ax = plt.subplots(figsize=(6.4, 7.2), dpi=120)
    from matplotlib.colors import TwoSlopeNorm

    im = ax.pcolormesh(-gy, gx, speed, cmap="RdBu_r", shading="auto",
                       norm=TwoSlopeNorm(vmin=0.0, vcenter=1.0, vmax=1.25))
    cb = fig.colorbar(im, ax=ax, shrink=0.8, pad=0.02)
    cb.set_label("air speed a runner there would feel / free stream")
    for k, (xi, yi, r) in enumerate(zip(x, y, result.drag_ratio, strict=True)):
        athlete = k == 0
        ax.add_patch(Ellipse((-yi, xi), dm.BODY_WIDTH_M, 0.28,
                             facecolor="#d62728" if athlete else "#ff9f1c",
                             edgecolor="black", lw=1.0, zorder=3))
        # beside the body (to its right on the page), not above it: in a file the label above
        # sat on the next runner's body and read as his
        ax.annotate(f"{f.runner_names[k]} {r:.2f}", (-yi, xi), xytext=(9, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=7.5,
                    zorder=4, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none",
                                        alpha=0.8))
    ex, ey = dm.air_flow_direction(result.speed_m_s, result.headwind_m_s, result.crosswind_m_s)
    cx, cy, ln = 0.88, 0.84, 0.06  # arrow of the air's direction, top right (axes fraction)
    ax.annotate("", xy=(cx - ln * float(ey), cy + ln * float(ex)),
                xytext=(cx + ln * float(ey), cy - ln * float(ex)), xycoords="axes fraction",
                arrowprops=dict(arrowstyle="->", lw=2, color="black"), zorder=5)
    ax.text(cx, cy + 0.075, "air", transform=ax.transAxes, ha="center", fontsize=9)
    ax.set_xlim(-yhi, -ylo)
    ax.set_ylim(xlo, xhi)
    ax.set_aspect("equal")
    ax.set_xlabel("left ← lateral position [m] → right")
    ax.set_ylabel("fore-aft position [m] (running direction ↑)")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
    xt = ax.get_xticks()
    ax.set_xticks(xt)
    ax.set_xticklabels([f"{-t + 0.0:g}" for t in xt])
    ax.set_xlim(-yhi, -ylo)
    ax.set_title(f"{f.name}: athlete drag −{result.athlete_drag_reduction:.0%}\n"
                 f"labels: runner, drag ratio · air yaw {result.yaw_deg:+.0f}°", fontsize=10)
    fig.tight_layout()
    out = Path(path) if isinstance(path, str | Path) else path  # a path or a binary file
    fig.savefig(out, format="png")
    plt.close(fig)
    return out


def laser_figure(laser):
    """The laser lines the pace car projects, seen from above with the car at the top: a
    matplotlib Figure. The x axis is the lateral offset in the project's convention (y to the
    LEFT positive, docs/formation.md), drawn inverted so that + (left) is on the left as the
    crew sees it walking behind the car: a line at ``lateral_m = +1.5`` is plotted at x = +1.5,
    the same number the laser table prints."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.6, 5.2), constrained_layout=True)
    ax.add_patch(plt.Rectangle((-1.0, -2.0), 2.0, 2.0, fc="0.3"))
    ax.text(0, -1.0, "car", color="white", ha="center", va="center")
    for ln in laser.lines:
        if ln.kind == "track":
            ax.plot([ln.lateral_m] * 2, [ln.behind_from_m, ln.behind_to_m], color="#1db954",
                    lw=3, label=ln.label)
            ax.text(ln.lateral_m, ln.behind_from_m - 0.2, ln.label, ha="center", va="bottom",
                    fontsize=7, rotation=90)
        else:
            ax.plot([ln.half_width_m, -ln.half_width_m], [ln.behind_from_m] * 2,
                    color="#1db954", lw=2, ls="--", label=ln.label)
            ax.text(-ln.half_width_m - 0.15, ln.behind_from_m, ln.label, va="center",
                    fontsize=8)
    ax.set_ylim(max(ln.behind_to_m for ln in laser.lines) + 1.5, -2.5)
    ax.set_xlim(3.5, -4.5)  # inverted: + (left) on the left
    ax.set_aspect("equal")
    ax.set_xlabel("lateral [m], + to the left (as in the table)")
    ax.set_ylabel("metres behind the car")
    ax.set_title("Laser lines projected by the car", fontsize=10, loc="left")
    return fig


def plot_laser(laser) -> str:
    """:func:`laser_figure` as a PNG data URI (for the offline report)."""
    import base64
    import io

    import matplotlib.pyplot as plt

    fig = laser_figure(laser)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
