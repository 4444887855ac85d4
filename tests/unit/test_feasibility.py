"""The feasibility checker itself: it accepts a hand-timed good plan and catches each kind of
violation on hand-made bad plans."""
from dataclasses import replace

import pytest

from routing import Crew, CrewRoute, MatrixTravel, Plan, PlannedStop, Reason, Stop, Unassigned
from tests.feasibility import assert_feasible, violations

# Four points on a line, 1 km and 600 s of walking apart from one to the next.
D, A, B, C = (0.0, 0.0), (0.01, 0.0), (0.02, 0.0), (0.03, 0.0)
POINTS = [D, A, B, C]
TRAVEL = MatrixTravel(POINTS, {"walk": (
    [[abs(i - j) * 1000 for j in range(4)] for i in range(4)],
    [[abs(i - j) * 600 for j in range(4)] for i in range(4)],
)})
CREW = Crew("c1", frozenset({"notify"}), *D, *D, shift_start_min=480, shift_end_min=960,
            max_stops=3, travel_mode="walk")
STOP_A = Stop("A", *A, "notify", service_minutes=10, value=100)
STOP_B = Stop("B", *B, "notify", service_minutes=10, window_start_min=540, window_end_min=570,
              required=True)
STOP_C = Stop("C", *C, "cut", value=50)
STOPS = [STOP_A, STOP_B, STOP_C]

# Leave 08:00 (28800 s); A at 29400, leave 30000; B at 30600, wait to 32400, leave 33000;
# back at D 34200. 4000 m and 2400 s of walking.
GOOD_ROUTE = CrewRoute(
    crew_id="c1", start=D, end=D, start_s=28800, end_s=34200,
    stops=(PlannedStop("A", *A, 29400, 29400, 30000), PlannedStop("B", *B, 30600, 32400, 33000)),
    distance_m=4000, travel_s=2400, value=100.0,
)
GOOD = Plan(routes=(GOOD_ROUTE,), unassigned=(Unassigned("C", Reason.NO_SKILL),), pesos_per_crew_hour=300)


def with_route(**changes) -> Plan:
    return replace(GOOD, routes=(replace(GOOD_ROUTE, **changes),))


def problems(plan=GOOD, stops=STOPS, crews=(CREW,)) -> str:
    return "\n".join(violations(plan, stops, crews, TRAVEL))


def test_a_correct_hand_timed_plan_has_no_violations():
    assert violations(GOOD, STOPS, [CREW], TRAVEL) == []
    assert_feasible(GOOD, STOPS, [CREW], TRAVEL)


def test_a_service_start_after_the_window_end_is_caught():
    early_window = replace(STOP_B, window_start_min=500, window_end_min=505)
    assert "starts 'B' at 30600 s, after its window ends" in problems(stops=[STOP_A, early_window, STOP_C])


def test_a_return_after_the_shift_end_is_caught():
    assert "returns at 34200 s, after its shift ends" in problems(crews=[replace(CREW, shift_end_min=560)])


def test_a_start_before_the_shift_is_caught():
    assert "before its shift" in problems(crews=[replace(CREW, shift_start_min=490)])


def test_a_stop_visited_without_the_skill_is_caught():
    assert "visits 'A' without the skill 'notify'" in problems(crews=[replace(CREW, skills=frozenset({"cut"}))])


def test_more_stops_than_max_stops_is_caught():
    assert "more than max_stops 1" in problems(crews=[replace(CREW, max_stops=1)])


def test_a_required_stop_left_unassigned_is_caught():
    only_a = replace(GOOD_ROUTE, stops=GOOD_ROUTE.stops[:1], end_s=30600, distance_m=2000, travel_s=1200)
    plan = replace(GOOD, routes=(only_a,),
                   unassigned=(*GOOD.unassigned, Unassigned("B", Reason.CAPACITY_AND_VALUE)))
    found = problems(plan)
    assert "required stop 'B' is unassigned" in found
    assert "reports end/metres/travel" not in found  # the shortened route itself is consistent


def test_a_stop_visited_twice_is_caught():
    twice = with_route(stops=(*GOOD_ROUTE.stops, GOOD_ROUTE.stops[0]))
    assert "stop 'A' is visited 2 times" in problems(twice)


def test_a_stop_both_routed_and_unassigned_is_caught():
    plan = replace(GOOD, unassigned=(*GOOD.unassigned, Unassigned("A", Reason.CAPACITY_AND_VALUE)))
    assert "stop 'A' is both routed and unassigned" in problems(plan)


def test_a_stop_neither_routed_nor_unassigned_is_caught():
    assert "stop 'C' is neither routed nor unassigned" in problems(replace(GOOD, unassigned=()))


def test_a_wrong_eta_is_caught():
    wrong = with_route(stops=(replace(GOOD_ROUTE.stops[0], eta_s=29000), GOOD_ROUTE.stops[1]))
    assert "reports times (29000, 29400, 30000) at 'A'" in problems(wrong)


def test_a_wrong_distance_is_caught():
    assert "reports end/metres/travel" in problems(with_route(distance_m=3999))


def test_a_no_skill_reason_that_is_false_is_caught():
    plan = replace(GOOD, unassigned=(Unassigned("C", Reason.CAPACITY_AND_VALUE),))
    assert "stop 'C': reason 'capacity and value' but skill 'cut' is missing" in problems(plan)


def test_a_route_for_an_unknown_crew_is_caught():
    assert "route for unknown crew 'ghost'" in problems(with_route(crew_id="ghost"))


def test_a_route_that_does_not_start_at_the_depot_is_caught():
    moved = with_route(start=A, stops=(replace(GOOD_ROUTE.stops[0], eta_s=28800),), end_s=30600)
    assert "starts at (0.01, 0.0), not at its start depot" in problems(moved)


def test_a_wrong_route_value_is_caught():
    assert "reports value 99.0" in problems(with_route(value=99.0))


@pytest.mark.parametrize("field", ["distance_m", "travel_s", "end_s"])
def test_each_reported_total_is_recomputed(field):
    assert "reports end/metres/travel" in problems(with_route(**{field: getattr(GOOD_ROUTE, field) + 1}))
