"""The static report rendered from the shared templates (issue 14 item 6's defects stay fixed)."""

import json
import re
from pathlib import Path

import pytest

from paceline.report.plan import write_plan
from paceline.report.render import (
    PALETTE,
    drafting_text,
    pacer_colours,
    read_assumptions,
    shoes_text,
    stint_conflicts,
    toml_sentence,
)
from paceline.scenario import Shoes
from paceline.sim.whatif import ShoeWorth

ROOT = Path(__file__).resolve().parents[2]
VIENNA = ROOT / "scenarios" / "vienna-2019.toml"


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plan") / "vienna"
    res = write_plan(VIENNA, out, draws=300, crew_time_limit_s=8.0)
    assert res.plan is not None and res.plan.crew_plan is not None
    return out


@pytest.fixture(scope="module")
def report(report_dir) -> str:
    return (report_dir / "report.html").read_text(encoding="utf-8")


def test_report_and_plan_json_say_what_the_shoes_are_worth_split(report, report_dir):
    # the report printed "shoes saving 4 %" with no seconds and no mass split (issue 15 item 2)
    assert "shoes saving" not in report
    shoes = json.loads((report_dir / "plan.json").read_text(encoding="utf-8"))["shoes"]
    assert shoes["mass_g"] is None and shoes["mass_s"] == 0.0
    assert shoes["saved_s"] == pytest.approx(shoes["energy_return_s"] + shoes["mass_s"])
    row = re.search(r"Shoes vs the reference shoe \(even effort\)</td><td>([^<]+)<", report)
    assert row, "summary row missing"
    # without masses the line must not read "save 230.1 s: +230.1 s from energy return, ..."
    assert row.group(1).startswith(f"save {shoes['saved_s']:.1f} s, all from energy return "
                                   "(4.0%)")
    assert "masses not stated" in row.group(1)


def test_shoes_text_splits_energy_return_and_heavier_mass():
    w = ShoeWorth(energy_return_s=230.06, mass_s=-57.5, total_s=172.56,
                  energy_return_frac=0.04, mass_frac=-0.01)
    text = shoes_text(w, Shoes(metabolic_saving=0.04, mass_g=300, reference_mass_g=200))
    assert text == ("save 172.6 s: +230.1 s from energy return (4.0%), −57.5 s from mass "
                    "(300 g vs 200 g reference, +1.0% metabolic cost; Frederick 1984)")
    w = ShoeWorth(energy_return_s=0.0, mass_s=-57.5, total_s=-57.5,
                  energy_return_frac=0.0, mass_frac=-0.01)
    assert shoes_text(w, Shoes(mass_g=300, reference_mass_g=200)).startswith("cost 57.5 s:")


def test_assumptions_keep_paragraphs_whole_and_label_the_reference_race(tmp_path):
    notes = read_assumptions(VIENNA)
    ref = [n["text"] for n in notes if n["reference"]]
    race = [n["text"] for n in notes if not n["reference"]]
    assert any("straight" in t for t in ref)  # Berlin's course: the reference race
    assert any(t.startswith("wind speed 0.5 m/s — ") for t in race)
    assert not any("course = " in t for t in race)
    # a comment that runs over two lines is one note, ending where its sentence ends
    f = tmp_path / "s.toml"
    f.write_text("# spreads of what is ASSUMED below\n[uncertainty]\nx = 1\n"
                 "[athlete.reference]\n# three pacers: 0.3 to 25 km ASSUMED (Beaumont et al. "
                 "2019:\n# -33 % drag area behind two pacers)\ndrafting = 0.3\n[race]\n"
                 "distance = 42195  # ASSUMED a marathon\n")
    notes = read_assumptions(f)
    assert [(n["section"], n["reference"]) for n in notes] == [
        ("uncertainty", False), ("athlete.reference", True), ("race", False)]
    assert notes[1]["text"].endswith("behind two pacers)")
    assert notes[2]["text"] == "distance 42195 — ASSUMED a marathon"


def test_report_has_viewport_and_phone_layout_and_nothing_fetched(report):
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in report
    assert "@media (max-width:700px)" in report
    assert not re.search(r'(src|href)="(https?:)?//', report)
    assert "<script" not in report


def test_report_sections_say_what_they_show(report):
    # the reference race's assumptions are labelled as such
    assert "The reference race (the performance his capacity is calibrated on" in report
    # fluid: 0 L needed against the 2 % rule, so the carbohydrate sets the planned volume
    assert "fluid does\nnot set the volume" in report or "fluid does not set the volume" in report
    assert "Fluid target" not in report
    # the pace car: a count of set speeds and an honest finish offset, not "−0.00 s"
    m = re.search(r"(\d+) set speeds in all", report)
    assert m and 3 <= int(m.group(1)) <= 40
    assert "-0.00 s" not in report and "−0.00 s" not in report
    # the roster is marked illustrative, and the files are links
    assert "Illustrative roster" in report and "not the real pacers" in report
    # said once, in the report's own words: no "ILLUSTRATIVE roster:" or shouting below it
    assert "ILLUSTRATIVE" not in report and "LOOK LIKE" not in report
    assert '<a href="plan.json">plan.json</a>' in report
    assert '<a href="car_program.csv">car_program.csv</a>' in report


def test_gantt_names_every_stint_with_capacity_on_hover(report):
    svg = report[report.index('<svg class="gantt"'):report.index("</svg>", report.index(
        '<svg class="gantt"'))]
    titles = re.findall(r"<title>([^<]+)</title>", svg)
    assert len(titles) > 40
    assert all("lowest remaining capacity" in t for t in titles)
    # every bar carries its pacer's name (colours alone repeat over 41 pacers)
    bars = re.findall(r'<rect class="stint" data-pacer="([^"]+)"[^>]*fill="(#[0-9a-f]{6})".*?'
                      r'<text class="bar[^"]*"[^>]*>([^<]*)</text>', svg)
    assert len(bars) == len(titles)
    assert all(pacer == label for pacer, _, label in bars)
    # pacers on the road together, or handing over, never share a colour (V14 and V35 did)
    fill = {p: f for p, f, _ in bars}
    stints = [re.match(r"(\S+) — (\S+), ([\d.]+)–([\d.]+) km", t).groups() for t in titles]
    for i, (p, slot, a, b) in enumerate(stints):
        for q, slot2, c, d in stints[i + 1:]:
            together = min(float(b), float(d)) - max(float(a), float(c)) > 0.05
            handover = slot == slot2 and (a == d or b == c)
            if p != q and (together or handover):
                assert fill[p] != fill[q], (p, q)
    # the whole race is drawn once more, scaled to the width, for phones
    assert '<svg class="gantt-overview phone-only"' in report and 'href="#gantt-rows"' in report


class _Stint:
    def __init__(self, pacer, slot, from_m, to_m):
        self.pacer, self.slot, self.from_m, self.to_m = pacer, slot, from_m, to_m


def test_pacer_colours_keep_neighbours_apart_with_readable_ink():
    # 7 slots, 9 waves of 4.8 km, 41 pacers coming back: as the Vienna crew plan
    slots = [f"s{k}" for k in range(7)]
    stints, n = [], 0
    for w in range(9):
        for s in slots:
            stints.append(_Stint(f"V{n % 41:02d}", s, w * 4800.0, (w + 1) * 4800.0))
            n += 1
    conflicts = stint_conflicts(stints)
    assert frozenset(("V00", "V01")) in conflicts  # same wave
    assert frozenset(("V00", "V07")) in conflicts  # hands over in slot s0
    colours = pacer_colours(sorted({s.pacer for s in stints}), conflicts)
    clashes = [tuple(p) for p in conflicts if len({colours[q][0] for q in p}) == 1]
    assert not clashes
    assert {f for f, _ in colours.values()} <= {c.lower() for c in PALETTE}
    for fill, ink in colours.values():
        # WCAG contrast of the name on its bar at least 4.5:1
        def lin(c):
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b = (lin(int(fill[i:i + 2], 16) / 255) for i in (1, 3, 5))
        lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
        ink_lum = 0.0 if ink == "#000000" else 1.0
        hi, lo = max(lum, ink_lum), min(lum, ink_lum)
        assert (hi + 0.05) / (lo + 0.05) >= 4.5, (fill, ink)


def test_laser_chart_draws_each_line_at_the_tables_signed_offset():
    # the chart put "outer left" at x = -1.5 while the table said +1.50 m (y to the LEFT is +,
    # docs/formation.md)
    import matplotlib.pyplot as plt

    from paceline.formation import load_preset
    from paceline.program import laser_layout
    from paceline.report.formation_plot import laser_figure

    f = load_preset("ineos-vienna-2019")
    laser = laser_layout(list(f.runner_names), f.x_m, f.y_m)
    fig = laser_figure(laser)
    ax = fig.axes[0]
    drawn = {ln.get_label(): ln.get_xdata() for ln in ax.get_lines()}
    tracks = [ln for ln in laser.lines if ln.kind == "track"]
    assert any(ln.label == "outer left" and ln.lateral_m > 1.0 for ln in tracks)
    for ln in tracks:
        assert list(drawn[ln.label]) == pytest.approx([ln.lateral_m] * 2), ln.label
    # + (left) is drawn on the left, as seen from behind the car
    assert ax.xaxis_inverted()
    assert "+ to the left" in ax.get_xlabel()
    plt.close(fig)


def test_report_laser_table_and_chart_share_the_sign(report):
    rows = re.findall(r"<tr><td>(outer left|outer right)</td><td>track</td><td>([^<]+)</td>",
                      report)
    assert dict(rows) == {"outer left": "+1.50 m", "outer right": "-1.50 m"}


def test_reference_assumptions_read_as_sentences(report):
    assert toml_sentence('{ positions = [[1.3, 0.0]], until = "25km" },') == \
        "one pacer 1.3 m ahead until 25 km"
    assert toml_sentence('{ positions = [[1.3, 0.4], [1.3, -0.4]], until = "15km" },') == \
        "two pacers 1.3 m ahead, 0.4 m to the left and 0.4 m to the right, until 15 km"
    assert toml_sentence('{ formation = "berlin-2019-bekele", until = "14km" },') == \
        "the berlin-2019-bekele formation until 14 km"
    assert toml_sentence("metabolic_saving = 0.04") == "metabolic saving 4 %"
    assert toml_sentence("not toml {") == "not toml {"
    ref = report[report.index("The reference race ("):report.index('<h2 id="files">')]
    assert "{ positions" not in ref and "until =" not in ref
    assert "One pacer 1.3 m ahead until 25 km — the last pacer" in ref


def test_model_bullet_says_which_drafting_model_is_used(report):
    from paceline.scenario import Drafting

    assert "drafting as a drag fraction" not in report
    assert "drafting from the wake model of the formation ineos-vienna-2019" in report
    assert drafting_text(Drafting(drag_reduction=0.5)).startswith(
        "drafting as a drag fraction (50%")
    assert drafting_text(Drafting()) == "no drafting (the athlete runs alone)"


def test_whatif_table_has_a_heading(report):
    i = report.index('<h3 id="whatif">What if')
    assert report.index('<table class="stack whatif">') > i
