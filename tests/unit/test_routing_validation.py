"""Bad input raises PlanningError (a ValueError) that names the offending item — never a solver
crash and never a silent drop."""
from dataclasses import replace

import pytest

from routing import Crew, PlanningError, PlanRequest, Stop, plan
from routing.engine import build_data, _initial
from routing.prepare import Network, job_of, vehicle_of

LON, LAT = -112.16, 30.71
CREW = Crew("c1", frozenset({"notify"}), LON, LAT, LON, LAT, 480, 960, 10, "walk")
STOP = Stop("s1", LON + 0.001, LAT, "notify", value=1000)


def request(stops=(STOP,), crews=(CREW,), **kw) -> PlanRequest:
    return PlanRequest(stops, crews, time_budget_s=kw.pop("time_budget_s", 0.5), **kw)


def test_planning_error_is_a_value_error():
    assert issubclass(PlanningError, ValueError)


@pytest.mark.parametrize("stops, crews, message", [
    ((), (CREW,), "empty selection"),
    ((STOP,), (), "no crews"),
    ((STOP,), (replace(CREW, skills=frozenset()),), "crew 'c1' has no skills"),
    ((STOP,), (replace(CREW, shift_start_min=900, shift_end_min=600),), "crew 'c1': shift ends"),
    ((STOP,), (replace(CREW, max_stops=0),), "crew 'c1': max_stops"),
    ((STOP,), (replace(CREW, travel_mode="bike"),), "crew 'c1': travel_mode"),
    ((STOP,), (replace(CREW, start_lon=float("nan")),), "crew 'c1': missing or invalid start"),
    ((replace(STOP, lon=float("nan")),), (CREW,), "stop 's1': missing or invalid coordinates"),
    ((replace(STOP, lat=None),), (CREW,), "stop 's1': missing or invalid coordinates"),
    ((replace(STOP, lat=95.0),), (CREW,), "stop 's1': missing or invalid coordinates"),
    ((STOP, replace(STOP, lon=LON + 0.002)), (CREW,), "duplicate stop ids: 's1'"),
    ((STOP,), (CREW, replace(CREW, skills=frozenset({"cut"}))), "duplicate crew ids: 'c1'"),
    ((replace(STOP, id=""),), (CREW,), "id must be a non-empty string"),
    ((replace(STOP, required_skill=""),), (CREW,), "stop 's1': required_skill"),
    ((replace(STOP, value=-5),), (CREW,), "stop 's1': value"),
    ((replace(STOP, value=float("inf")),), (CREW,), "stop 's1': value"),
    ((replace(STOP, service_minutes=-1),), (CREW,), "stop 's1': service_minutes"),
    ((replace(STOP, window_start_min=700, window_end_min=600),), (CREW,), "stop 's1': time window ends"),
])
def test_bad_input_raises_a_planning_error_naming_the_item(stops, crews, message):
    with pytest.raises(PlanningError, match=message):
        plan(request(stops, crews))


@pytest.mark.parametrize("kw, message", [
    ({"time_budget_s": 0}, "time_budget_s"),
    ({"pesos_per_crew_hour": 0}, "pesos_per_crew_hour"),
    ({"travel": "haversine"}, "TravelModel"),
])
def test_bad_request_settings_raise_a_planning_error(kw, message):
    with pytest.raises(PlanningError, match=message):
        plan(request(**kw))


def test_a_required_stop_no_crew_has_the_skill_for_is_an_error_not_a_drop():
    legal = Stop("legal-7", LON, LAT + 0.001, "lawyer", required=True)
    with pytest.raises(PlanningError, match="required stop 'legal-7' cannot be served: no crew has the skill"):
        plan(request((STOP, legal)))


def test_a_required_stop_with_an_unreachable_window_is_an_error_not_a_drop():
    summons = Stop("summons-3", LON, LAT + 0.001, "notify", window_start_min=400, window_end_min=420,
                   required=True)
    with pytest.raises(PlanningError, match="required stop 'summons-3' cannot be served: no crew .* reach"):
        plan(request((STOP, summons)))


def test_required_stops_beyond_the_crews_capacity_are_an_error_naming_them():
    required = tuple(Stop(f"r{i}", LON + 0.001 * i, LAT, "notify", required=True) for i in range(1, 4))
    with pytest.raises(PlanningError, match="required stops do not fit .*'r1', 'r2', 'r3'"):
        plan(request(required, (replace(CREW, max_stops=2),)))


def test_a_stop_value_too_large_for_integer_prizes_is_rejected():
    with pytest.raises(PlanningError, match="stop 's1': value"):
        plan(request((replace(STOP, value=1e12),)))


def test_the_warm_start_solution_reproduces_the_given_routes():
    stops = [Stop(f"s{i}", LON + 0.001 * i, LAT, "notify", value=100) for i in range(4)]
    crews = [CREW, replace(CREW, id="c2")]
    jobs, vehicles = [job_of(s) for s in stops], [vehicle_of(c) for c in crews]
    net = Network(PlanRequest(stops, crews).travel, vehicles, jobs)
    data, active = build_data(net, jobs, vehicles, [0, 1, 2, 3], 300.0)
    solution = _initial(data, active, [0, 1, 2, 3], {0: [2, 0], 1: [3, 1, 2]})  # 2 is taken by c1
    visits = {r.vehicle_type(): [a.idx for a in r.schedule() if a.is_client()] for r in solution.routes()}
    assert visits == {0: [2, 0], 1: [3, 1]}
