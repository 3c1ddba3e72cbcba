"""Issue 14 fresh-user review: the report on a 390 px phone (finding 11) and its polish —
the wristband card stays inside its border, set speeds to the metre, one parenthesis in the
chart title, the illustrative-roster note said once."""

import os
import re
from pathlib import Path

import pytest

from paceline.report.plan import write_plan

ROOT = Path(__file__).resolve().parents[2]
VIENNA = ROOT / "scenarios" / "vienna-2019.toml"
CHROMIUM = os.environ.get("PACELINE_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def report_path(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plan14") / "vienna"
    write_plan(VIENNA, out, draws=200, crew_time_limit_s=4.0)
    return out / "report.html"


def test_set_speeds_are_given_to_the_metre(report_path):
    html = report_path.read_text(encoding="utf-8")
    table = html[html.index("<th>set speed</th>"):]
    table = table[: table.index("</table>")]
    kms = re.findall(r"<td>([0-9.]+) km</td>", table)
    assert kms, table[:300]
    assert all(len(k.split(".")[1]) <= 3 for k in kms if "." in k), kms


def test_the_plan_figure_title_has_one_parenthesis(monkeypatch):
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.axes import Axes

    from paceline.io.scenario_file import load_courses, read_scenario
    from paceline.report.prediction_plot import plot_prediction
    from paceline.sim import RaceModel

    sc = read_scenario(VIENNA)
    course, ref = load_courses(sc, VIENNA.parent)
    model = RaceModel(sc, course, ref)
    titles = []
    orig = Axes.set_title

    def spy(self, label, *a, **k):
        titles.append(label)
        return orig(self, label, *a, **k)

    monkeypatch.setattr(Axes, "set_title", spy)
    plot_prediction(model, model.solve(), io.BytesIO(),
                    title="X: the plan's schedule 1:59:40.0 (target, even pace)")
    assert "X: the plan's schedule 1:59:40.0 (target, even pace; actual 1:59:40.2)" in titles
    assert not any(") (" in t for t in titles)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no chromium at {CHROMIUM}")
@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("font_px", [12, 14])
def test_wristband_card_stays_inside_its_border_on_a_phone(report_path, width, font_px):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = b.new_page(viewport={"width": width, "height": 844})
        page.goto(report_path.as_uri())
        # a phone's monospace font may be wider than this machine's: try a larger one too
        page.add_style_tag(content=f".card{{font-size:{font_px}px}}")
        box = page.evaluate("""() => { const c = document.querySelector('.card');
            const r = c.getBoundingClientRect();
            const right = Math.max(...[...c.querySelectorAll('.cell')].map(
                e => e.getBoundingClientRect().right));
            return {card: r.right, cells: right, scroll: c.scrollWidth, client: c.clientWidth,
                    page: document.documentElement.scrollWidth}; }""")
        b.close()
    assert box["cells"] <= box["card"] - 2, box  # inside the 2 px border
    assert box["scroll"] <= box["client"], box
    assert box["page"] <= width, box


def test_the_gantt_says_colours_repeat_and_names_every_bar(report_path):
    from paceline.report.render import PALETTE, colour_note

    html = report_path.read_text(encoding="utf-8")
    assert f"share {len(PALETTE)} colour-blind-safe colours" in html
    assert "read the name on each bar" in html
    assert colour_note(len(PALETTE)) == "each pacer has his own colour"


def test_pmc_title_is_above_its_legend(tmp_path, monkeypatch):
    from types import SimpleNamespace

    import numpy as np
    from matplotlib.figure import Figure

    from paceline.report.log_plots import plot_pmc

    day = np.arange(np.datetime64("2024-01-01"), np.datetime64("2024-04-01"))
    load = np.where(np.arange(day.size) % 3 == 0, 60.0, 0.0)
    ctl = np.convolve(load, np.ones(42) / 42)[: day.size]
    atl = np.convolve(load, np.ones(7) / 7)[: day.size]
    pmc = SimpleNamespace(day=day, load=load, ctl=ctl, atl=atl, tsb=ctl - atl)
    figs = []
    orig = Figure.savefig

    def keep(self, *a, **k):
        figs.append(self)
        return orig(self, *a, **k)

    monkeypatch.setattr(Figure, "savefig", keep)
    plot_pmc(pmc, tmp_path / "pmc.png")
    fig = figs[0]
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    title = ax._left_title.get_window_extent(renderer)  # set_title(loc="left")
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.y1 <= title.y0 + 1, (legend, title)  # the legend below the title
    assert legend.y0 >= ax.get_window_extent(renderer).y1 - 1  # and above the curves
    assert title.y1 <= fig.bbox.y1  # the title inside the figure
