"""Small hand-checkable plans around Caborca, each also checked by the feasibility checker."""
import json
import math

import pytest

from routing import Crew, HaversineTravel, PlanRequest, Reason, Stop, plan
from tests.feasibility import assert_feasible

LON0, LAT0 = -112.16, 30.71
TRAVEL = HaversineTravel()


def at(x_m: float, y_m: float = 0.0) -> tuple[float, float]:
    """(lon, lat) x metres east and y metres north of the centre of Caborca."""
    return (LON0 + x_m / (111_320 * math.cos(math.radians(LAT0))), LAT0 + y_m / 110_574)


def crew(cid="c1", skills=("notify",), start=(0, 0), end=None, mode="walk", max_stops=40,
         shift=(480, 960)) -> Crew:
    return Crew(cid, frozenset(skills), *at(*start), *at(*(end or start)), shift[0], shift[1],
                max_stops, mode)


def stop(sid, x, y=0.0, skill="notify", **kw) -> Stop:
    return Stop(sid, *at(x, y), skill, **kw)


def solve(stops, crews, budget=0.5, **kw):
    result = plan(PlanRequest(stops, crews, TRAVEL, time_budget_s=budget, **kw))
    assert_feasible(result, stops, crews, TRAVEL)
    return result


def reasons(result) -> dict:
    return {u.stop_id: u.reason for u in result.unassigned}


def test_one_crew_visits_five_stops_on_a_line_in_order():
    stops = [stop(f"s{i}", 200 * i, value=100) for i in (3, 1, 5, 2, 4)]
    result = solve(stops, [crew(start=(0, 0), end=(1200, 0))])
    route = result.route_of("c1")
    assert route.stop_ids == ["s1", "s2", "s3", "s4", "s5"]
    etas = [s.eta_s for s in route.stops]
    assert etas == sorted(etas) and etas[0] > 8 * 3600
    assert result.unassigned == ()


def test_a_stop_whose_skill_no_crew_has_is_unassigned_with_that_reason():
    result = solve([stop("n1", 100, value=100), stop("cut1", 200, skill="cut", value=5000)], [crew()])
    assert result.route_of("c1").stop_ids == ["n1"]
    assert reasons(result) == {"cut1": Reason.NO_SKILL}
    assert Reason.NO_SKILL.value == "no crew has the skill"


def test_a_window_before_the_shift_starts_is_unreachable():
    early = stop("early", 100, value=100, window_start_min=6 * 60, window_end_min=6 * 60 + 30)
    result = solve([early, stop("ok", 200, value=100)], [crew()])
    assert reasons(result) == {"early": Reason.UNREACHABLE}
    assert Reason.UNREACHABLE.value == "time window cannot be reached"


def test_a_stop_too_far_to_walk_to_and_back_within_the_shift_is_unreachable():
    # 30 km out and back at 4.5 km/h with the 1.3 detour is about 17 h, the shift is 8 h.
    result = solve([stop("far", 30_000, value=10**6), stop("near", 100, value=1000)], [crew()])
    assert reasons(result) == {"far": Reason.UNREACHABLE}


def test_with_more_work_than_capacity_the_high_value_stops_are_picked():
    stops = [stop(f"hi{i}", 100 * i, 50, value=2000) for i in range(1, 4)]
    stops += [stop(f"lo{i}", 100 * i, -50, value=20) for i in range(1, 4)]
    result = solve(stops, [crew(max_stops=3)])
    assert sorted(result.route_of("c1").stop_ids) == ["hi1", "hi2", "hi3"]
    assert reasons(result) == {f"lo{i}": Reason.CAPACITY_AND_VALUE for i in range(1, 4)}


def test_a_stop_worth_less_than_the_drive_to_it_is_dropped_and_a_valuable_one_is_not():
    # 5 km out: about 2 × 15.6 min of driving, about 156 pesos at 300 pesos per crew hour.
    cheap = solve([stop("x", 5000, skill="cut", value=50)], [crew(skills=("cut",), mode="drive")])
    assert reasons(cheap) == {"x": Reason.CAPACITY_AND_VALUE}
    dear = solve([stop("x", 5000, skill="cut", value=500)], [crew(skills=("cut",), mode="drive")])
    assert dear.route_of("c1").stop_ids == ["x"]
    assert dear.score == pytest.approx(500 - 300 * dear.travel_s / 3600)
    assert 140 < 300 * dear.travel_s / 3600 < 170


def test_a_required_stop_is_included_even_when_it_is_worth_nothing():
    stops = [stop(f"hi{i}", 100 * i, value=2000) for i in range(1, 4)]
    stops.append(stop("legal", 3000, 2000, value=0, required=True))
    result = solve(stops, [crew(max_stops=2)])
    ids = result.route_of("c1").stop_ids
    assert "legal" in ids and len(ids) == 2


def test_time_windows_are_honoured_even_against_geography():
    far_early = stop("far", 1500, value=1000, window_start_min=8 * 60 + 30, window_end_min=8 * 60 + 45)
    near_late = stop("near", 300, value=1000, window_start_min=10 * 60, window_end_min=10 * 60 + 10)
    result = solve([near_late, far_early], [crew()])
    route = result.route_of("c1")
    assert route.stop_ids == ["far", "near"]
    far, near = route.stops
    assert 8 * 3600 + 1800 <= far.start_s <= 8 * 3600 + 2700
    assert near.start_s == 10 * 3600 and near.eta_s < near.start_s  # waits for the window


def test_max_stops_is_honoured_for_every_crew():
    stops = [stop(f"s{i}", 50 * i, 30 * (i % 3), value=100) for i in range(10)]
    result = solve(stops, [crew("a", max_stops=4), crew("b", max_stops=3)])
    assert len(result.route_of("a").stops) == 4 and len(result.route_of("b").stops) == 3
    assert len(result.unassigned) == 3


def test_crews_only_get_stops_matching_their_skills():
    stops = [stop(f"n{i}", 100 * i, value=100) for i in range(1, 5)]
    stops += [stop(f"c{i}", 100 * i, 100, skill="cut", value=100) for i in range(1, 5)]
    notifier, cutter = crew("walker"), crew("driver", skills=("cut",), mode="drive")
    result = solve(stops, [notifier, cutter])
    assert sorted(result.route_of("walker").stop_ids) == ["n1", "n2", "n3", "n4"]
    assert sorted(result.route_of("driver").stop_ids) == ["c1", "c2", "c3", "c4"]


def test_routes_export_as_geojson_linestrings_from_depot_to_depot():
    stops = [stop("a", 100, value=1000), stop("b", 200, value=1000)]
    result = solve(stops, [crew(start=(0, 0), end=(300, 0))])
    collection = json.loads(json.dumps(result.to_geojson()))
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    coords = feature["geometry"]["coordinates"]
    assert feature["geometry"]["type"] == "LineString" and len(coords) == 4
    assert coords[0] == pytest.approx(list(at(0, 0))) and coords[-1] == pytest.approx(list(at(300, 0)))
    assert feature["properties"]["stop_ids"] == ["a", "b"]
    assert result.route_of("c1").geometry().length > 0


def test_the_score_is_value_minus_the_priced_travel_hours():
    stops = [stop("a", 400, value=100), stop("b", 800, value=250)]
    result = solve(stops, [crew()], pesos_per_crew_hour=120)
    route = result.route_of("c1")
    assert route.value == 350
    assert result.score == pytest.approx(350 - 120 * route.travel_s / 3600)
    assert route.duration_s == route.travel_s + 2 * 600  # default 10 min service, no waiting


def test_a_valuable_stop_goes_to_the_distant_crew_with_the_skill_not_the_nearby_one_without():
    near = crew("near", skills=("notify",), start=(0, 0), mode="drive")
    far = crew("far", skills=("cut",), start=(4000, 0), mode="drive")
    result = solve([stop("cut-1", 100, skill="cut", value=5000)], [near, far])
    assert result.route_of("far").stop_ids == ["cut-1"] and result.route_of("near").stop_ids == []


def test_a_plugged_in_matrix_decides_the_order_instead_of_straight_lines():
    from routing import MatrixTravel

    depot, a, b = at(0, 0), at(500, 0), at(500, 500)
    # One-way streets: depot->b->a->depot is 3 short legs; the reverse loop is long.
    seconds = [[0, 900, 100], [100, 0, 900], [900, 100, 0]]  # rows/cols: depot, a, b
    travel = MatrixTravel([depot, a, b], {"walk": (seconds, seconds)})
    stops = [Stop("a", *a, "notify", value=1000), Stop("b", *b, "notify", value=1000)]
    crews = [crew()]
    result = plan(PlanRequest(stops, crews, travel, time_budget_s=0.5))
    assert_feasible(result, stops, crews, travel)
    assert result.route_of("c1").stop_ids == ["b", "a"]
    assert result.route_of("c1").travel_s == 300
