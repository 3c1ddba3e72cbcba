"""read_gpx: tracks, routes, empty segments, and every way a GPX file can be unusable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from paceline.course import Course
from paceline.errors import InputFileError
from paceline.io.gpx import GpxTrack, read_gpx

DATA = Path(__file__).resolve().parents[1] / "data" / "gpx"

ONE_POINT = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <trk><trkseg><trkpt lat="46.0" lon="14.0"><ele>300</ele></trkpt></trkseg></trk>
</gpx>
"""


def _assert_names_file_and_fix(exc: InputFileError, path: Path) -> str:
    msg = str(exc)
    assert str(path) in msg
    assert "Fix:" in msg
    return msg


def test_route_only_file_reads_route_points_flat_and_noted():
    track, meta = read_gpx(DATA / "route.gpx")
    assert isinstance(track, GpxTrack)
    assert meta["kind"] == "route" and track.kind == "route"
    assert len(track) == meta["n_points"] == 55
    assert np.all(np.isnan(track.elevation_m))
    assert meta["elevation"] == "none"
    assert any("flat" in n for n in meta["notes"])
    assert any("<rte>" in n for n in meta["notes"])
    course = Course.from_points(track.lat_deg, track.lon_deg, track.elevation_m,
                                name="route", source=str(DATA / "route.gpx"))
    assert np.all(course.elevation_m == 0.0)
    assert "flat at 0 m" in course.source


def test_track_with_empty_segment_reads_fine():
    track, meta = read_gpx(DATA / "odd" / "track-with-empty-segment.gpx")
    assert len(track) == 9
    assert meta["n_parts"] == 1 and meta["gaps_m"] == []
    assert meta["elevation"] == "all"
    assert meta["length_2d_m"] == pytest.approx(86.0, abs=1.0)  # gpxpy: 85.9 m


def test_single_track_file_metadata_and_length():
    track, meta = read_gpx(DATA / "odd" / "Mojstrovka.gpx")
    assert meta["kind"] == "track" and meta["version"] == "1.0"
    assert meta["n_points"] == 184
    assert meta["length_2d_m"] == pytest.approx(2700.6, rel=0.01)  # gpxpy length_2d
    assert np.all(np.isfinite(track.elevation_m))


def test_file_of_separate_pieces_is_refused_naming_the_gaps():
    path = DATA / "cerknicko-jezero.gpx"
    with pytest.raises(InputFileError) as info:
        read_gpx(path)
    msg = _assert_names_file_and_fix(info.value, path)
    # WGS 84 geodesic (the spherical haversine gave 5341 m)
    assert "separate pieces" in msg and "5351 m" in msg
    assert "max_gap_m" in msg


def test_larger_max_gap_bridges_all_segments():
    track, meta = read_gpx(DATA / "cerknicko-jezero.gpx", max_gap_m=6000.0)
    assert len(track) == 296
    assert meta["n_parts"] == 7  # 8 segments, one of them empty
    assert len(meta["gaps_m"]) == 6 and max(meta["gaps_m"]) == pytest.approx(5351, abs=1)
    # gpxpy's 4580 m is the sum within segments; the bridged course adds the gaps
    assert meta["length_2d_m"] == pytest.approx(4580 + sum(meta["gaps_m"]), rel=0.005)


def test_missing_elevations_are_nan_and_noted():
    track, meta = read_gpx(DATA / "odd" / "cerknicko-jezero-without-elevations.gpx",
                           max_gap_m=6000.0)
    assert np.all(np.isnan(track.elevation_m))
    assert meta["elevation"] == "none"


def test_only_a_waypoint_raises_input_file_error():
    path = DATA / "odd" / "unicode_with_bom.gpx"
    with pytest.raises(InputFileError) as info:
        read_gpx(path)
    msg = _assert_names_file_and_fix(info.value, path)
    assert "no track or route points" in msg and "waypoint" in msg


def test_one_point_raises_input_file_error(tmp_path):
    path = tmp_path / "one.gpx"
    path.write_text(ONE_POINT, encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_gpx(path)
    msg = _assert_names_file_and_fix(info.value, path)
    assert "only 1" in msg and "at least two" in msg


def test_malformed_xml_raises_input_file_error(tmp_path):
    path = tmp_path / "broken.gpx"
    path.write_text(ONE_POINT[:150], encoding="utf-8")  # truncated mid-element
    with pytest.raises(InputFileError) as info:
        read_gpx(path)
    msg = _assert_names_file_and_fix(info.value, path)
    assert "XML" in msg


def test_binary_file_raises_input_file_error(tmp_path):
    path = tmp_path / "activity.gpx"
    path.write_bytes(b"\x0e\x10\xd9\x07\xff\xfe\x00\x00.FIT")
    with pytest.raises(InputFileError) as info:
        read_gpx(path)
    _assert_names_file_and_fix(info.value, path)


def test_missing_file_raises_input_file_error(tmp_path):
    path = tmp_path / "nowhere.gpx"
    with pytest.raises(InputFileError) as info:
        read_gpx(path)
    msg = _assert_names_file_and_fix(info.value, path)
    assert "not found" in msg


def test_directory_raises_input_file_error(tmp_path):
    with pytest.raises(InputFileError, match="not a file"):
        read_gpx(tmp_path)


def test_public_api_of_paceline_io_gpx_is_guarded():
    import paceline.io.gpx as g

    assert set(g.__all__) == {"GpxTrack", "read_gpx", "MAX_GAP_M"}
