"""The target schedule's GPX positions: WGS 84 geodesics from the course's start (pyproj's
Geod), the exact inverse of the frame courses are built in (issue 14 item 7)."""

import numpy as np
import pytest

from paceline.course.geodesy import geodesic_distance_m, lat_lon_from_local_m, local_east_north_m
from paceline.io.schedule_gpx import east_north_to_lat_lon


def test_direct_geodesic_geodsolve_manual():
    # Karney 2013, "Algorithms for geodesics", J. Geodesy 87:43, Table 2 (the worked example
    # of the direct problem on WGS 84): from 40° N 0° E at azimuth 30° for 10 000 km,
    # φ2 = 41.79331020506°, λ12 = 137.84490004377° (α2 = 149.09016931807°). Tolerance: the
    # printed digits (1e-11°), loosened to 1e-9° (0.1 mm).
    d, az = 10_000e3, np.radians(30.0)
    lat, lon = east_north_to_lat_lon(d * np.sin(az), d * np.cos(az), 40.0, 0.0)
    assert float(lat) == pytest.approx(41.79331020506, abs=1e-9)
    assert float(lon) == pytest.approx(137.84490004377, abs=1e-9)


def test_schedule_points_land_on_the_course_points():
    # a marathon-sized spread of points about Vienna's start: there and back within 1 mm
    rng = np.random.default_rng(14)
    lat = 48.2246 + rng.uniform(-0.15, 0.15, 200)
    lon = 16.4045 + rng.uniform(-0.2, 0.2, 200)
    east, north = local_east_north_m(lat, lon, 48.2246, 16.4045)
    lat2, lon2 = east_north_to_lat_lon(east, north, 48.2246, 16.4045)
    assert float(np.max(geodesic_distance_m(lat, lon, lat2, lon2))) < 1e-3
    # and the distance from the start is the geodesic one (the spherical map was off ~0.3 %)
    far = np.hypot(east, north)
    assert geodesic_distance_m(48.2246, 16.4045, lat2, lon2) == pytest.approx(far, rel=1e-9)


def test_shapes_broadcast_and_the_origin_maps_to_itself():
    lat, lon = lat_lon_from_local_m(np.zeros((2, 3)), 0.0, 45.0, 9.0)
    assert lat.shape == lon.shape == (2, 3)
    assert np.allclose(lat, 45.0) and np.allclose(lon, 9.0)
