"""Venue candidates on every kind of course the venue file allows: preset, GPX, generic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from paceline.errors import ScenarioError
from paceline.io.venue_file import generic_course, read_venue_file
from paceline.venue import sweep

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


@pytest.mark.parametrize("spec, length_m, headings", [
    ({"out_and_back": "9.6km", "heading_deg": 123}, 9600.0, (123.0, 303.0)),
    ({"loop": "5km", "heading_deg": 0}, 5000.0, (0.0, 180.0)),
])
def test_generic_courses_length_and_headings(spec, length_m, headings):
    c = generic_course(spec, "course")
    assert c.length_m == pytest.approx(length_m, rel=1e-9)
    h = np.asarray(c.heading_deg) % 360.0
    w = np.asarray(c.segment_length_m)
    for hd in headings:  # most of the distance runs along the two stated headings
        near = np.abs((h - hd + 180.0) % 360.0 - 180.0) < 1.0
        assert w[near].sum() > 0.4 * length_m


def test_generic_course_too_short():
    with pytest.raises(ScenarioError, match="too short"):
        generic_course({"out_and_back": "50m"}, "course")


def test_gpx_candidate_runs(tmp_path):
    text = (DATA / "weather" / "venue-small.toml").read_text()
    text = text.replace("../../../", str(ROOT) + "/").replace(
        "knmi_uurgeg", str(DATA / "weather") + "/knmi_uurgeg")
    text = text.replace('course = { out_and_back = "9.6km", heading_deg = 90 }',
                        f'course = {{ gpx = "{DATA / "gpx" / "route.gpx"}" }}')
    f = tmp_path / "v.toml"
    f.write_text(text)
    spec = read_venue_file(f, only=["Generic"])
    res = sweep(spec.scenario, spec.candidates, spec.settings)
    med = res.outcomes[0].median_time_s
    assert np.isfinite(med[0, 0]) and 6000 < med[0, 0] < 8000
