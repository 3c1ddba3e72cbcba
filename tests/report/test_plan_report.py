"""The static report rendered from the shared templates (issue 14 item 6's defects stay fixed)."""

import json
import re
from pathlib import Path

import pytest

from paceline.report.plan import write_plan
from paceline.report.render import pacer_colours, read_assumptions, shoes_text
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
    assert row.group(1).startswith(f"save {shoes['saved_s']:.1f} s: "
                                   f"+{shoes['energy_return_s']:.1f} s from energy return (4.0%)")
    assert "mass not stated" in row.group(1)


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
    assert any("wind_speed_m_s" in t for t in race)
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
    assert notes[2]["text"] == "distance = 42195 — ASSUMED a marathon"


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
    assert "Illustrative roster" in report and "NOT the real pacers" in report
    assert '<a href="plan.json">plan.json</a>' in report
    assert '<a href="car_program.csv">car_program.csv</a>' in report


def test_gantt_names_every_stint_with_capacity_on_hover(report):
    svg = report[report.index('<svg class="gantt"'):report.index("</svg>")]
    titles = re.findall(r"<title>([^<]+)</title>", svg)
    assert len(titles) > 40
    assert all("lowest remaining capacity" in t for t in titles[1:])
    fills = dict(re.findall(r'data-pacer="([^"]+)"[^>]*fill="(#[0-9a-f]{6})"', svg))
    assert len(set(fills.values())) == len(fills)  # one colour per pacer


def test_pacer_colours_are_distinct_and_readable():
    names = [f"V{i:02d}" for i in range(1, 42)]
    colours = pacer_colours(names)
    assert len({fill for fill, _ in colours.values()}) == 41
    for fill, ink in colours.values():
        r, g, b = (int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))
        lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
        assert (ink == "#000000") == (lum > 0.45)
