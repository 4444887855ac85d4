"""Travel models: haversine with detour and per-mode speeds, and precomputed matrices."""
import math

import numpy as np
import pytest

from routing import HaversineTravel, MatrixTravel, PlanningError, TravelModel
from routing.travel import haversine_m

CABORCA = (-112.16, 30.71)


def test_one_degree_of_latitude_is_about_111_km():
    d = haversine_m([(0.0, 0.0), (0.0, 1.0)])
    assert d[0, 1] == pytest.approx(111_195, rel=1e-3)
    assert d[1, 0] == d[0, 1] and d[0, 0] == 0


def test_haversine_travel_applies_the_detour_factor_and_the_walking_speed():
    north = (CABORCA[0], CABORCA[1] + 0.01)
    straight = haversine_m([CABORCA, north])[0, 1]
    metres, seconds = HaversineTravel(detour_factor=1.3).matrices([CABORCA, north], "walk")
    assert metres.dtype == np.int64 and seconds.dtype == np.int64
    assert metres[0, 1] == round(straight * 1.3)
    assert seconds[0, 1] == math.ceil(straight * 1.3 / (4.5 / 3.6))
    assert metres[0, 0] == seconds[0, 0] == 0


def test_driving_is_faster_than_walking_over_the_same_metres():
    north = (CABORCA[0], CABORCA[1] + 0.05)
    straight = haversine_m([CABORCA, north])[0, 1]
    travel = HaversineTravel()
    walk_m, walk_s = travel.matrices([CABORCA, north], "walk")
    drive_m, drive_s = travel.matrices([CABORCA, north], "drive")
    assert walk_m[0, 1] == drive_m[0, 1]
    assert drive_s[0, 1] == math.ceil(straight * 1.3 / (25 / 3.6))
    assert walk_s[0, 1] > 5 * drive_s[0, 1]


def test_speeds_and_detour_are_configurable():
    north = (CABORCA[0], CABORCA[1] + 0.01)
    straight = haversine_m([CABORCA, north])[0, 1]
    slow = HaversineTravel(detour_factor=1.0, speeds_kmh={"walk": 3.6})  # 1 m/s
    metres, seconds = slow.matrices([CABORCA, north], "walk")
    assert metres[0, 1] == round(straight)
    assert seconds[0, 1] == math.ceil(straight)


def test_an_unknown_travel_mode_is_a_planning_error():
    with pytest.raises(PlanningError, match="'bike'"):
        HaversineTravel().matrices([CABORCA], "bike")


@pytest.mark.parametrize("kwargs", [{"detour_factor": 0.9}, {"speeds_kmh": {"walk": 0}}])
def test_impossible_travel_settings_are_rejected(kwargs):
    with pytest.raises(PlanningError):
        HaversineTravel(**kwargs)


def test_matrix_travel_returns_the_submatrix_for_the_points_asked():
    points = [(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]
    metres = [[0, 10, 20], [11, 0, 12], [21, 13, 0]]
    seconds = [[0, 5, 9], [6, 0, 7], [8, 4, 0]]
    travel = MatrixTravel(points, {"drive": (metres, seconds)})
    assert isinstance(travel, TravelModel)
    m, s = travel.matrices([(2.0, 0.0), (0.0, 0.0), (2.0, 0.0)], "drive")
    assert m.tolist() == [[0, 21, 0], [20, 0, 20], [0, 21, 0]]
    assert s.tolist() == [[0, 8, 0], [9, 0, 9], [0, 8, 0]]


def test_matrix_travel_refuses_points_it_does_not_know():
    travel = MatrixTravel([(0.0, 0.0)], {"walk": ([[0]], [[0]])})
    with pytest.raises(PlanningError, match=r"\(5.0, 5.0\)"):
        travel.matrices([(5.0, 5.0)], "walk")
    with pytest.raises(PlanningError, match="'drive'"):
        travel.matrices([(0.0, 0.0)], "drive")


@pytest.mark.parametrize("metres", [[[0, 1]], [[0, -1], [1, 0]], [[1, 1], [1, 0]]])
def test_matrix_travel_rejects_malformed_matrices(metres):
    with pytest.raises(PlanningError):
        MatrixTravel([(0.0, 0.0), (1.0, 0.0)], {"walk": (metres, [[0, 1], [1, 0]])})
