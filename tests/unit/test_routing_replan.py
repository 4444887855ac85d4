"""Re-planning during the day: done and cancelled stops go, fixed stops stay first on their
crew in order, new urgent stops come in, crews start where they are now."""
from dataclasses import replace

import pytest

from routing import PlanningError, PlanRequest, Reason, plan, replan
from tests.feasibility import assert_feasible
from tests.unit.test_routing_plan import TRAVEL, at, crew, stop

CREWS = (crew("a", start=(0, 0)), crew("b", start=(2000, 0)))
STOPS = tuple(stop(f"s{i}", 200 * i, 100 * (i % 2), value=1000) for i in range(10))


@pytest.fixture(scope="module")
def morning():
    request = PlanRequest(STOPS, CREWS, TRAVEL, time_budget_s=0.5)
    result = plan(request)
    assert_feasible(result, STOPS, CREWS, TRAVEL)
    return request, result


def crews_now(now_min, positions):
    """The crews as they stand at `now_min`: where they are, with the shift starting now."""
    return [replace(c, start_lon=positions[c.id][0], start_lat=positions[c.id][1],
                    shift_start_min=max(now_min, c.shift_start_min)) for c in CREWS]


def test_replan_keeps_fixed_stops_first_and_includes_a_new_urgent_stop(morning):
    request, before = morning
    a_route = before.route_of("a").stop_ids
    done, fixed = a_route[:2], a_route[2:4]
    cancelled = before.route_of("b").stop_ids[:1]
    urgent = stop("reconnect-1", 1000, 300, value=0, required=True)
    positions = {"a": at(200, 200), "b": at(2000, 0)}
    after = replan(request, before, now_min=10 * 60, done=done, cancelled=cancelled,
                   fixed={"a": fixed}, new_stops=[urgent], positions=positions)

    assert after.route_of("a").stop_ids[:2] == fixed
    routed = {s for r in after.routes for s in r.stop_ids}
    assert "reconnect-1" in routed
    assert not routed & set(done + cancelled)
    assert all(r.start_s == 10 * 3600 for r in after.routes)
    assert after.route_of("a").start == positions["a"]
    open_stops = [s for s in (*STOPS, urgent) if s.id not in set(done + cancelled)]
    assert_feasible(after, open_stops, crews_now(600, positions), TRAVEL)


def test_done_stops_count_against_the_crews_max_stops(morning):
    request, before = morning
    small = replace(request, crews=(replace(CREWS[0], max_stops=4),))
    first = plan(small)
    done = first.route_of("a").stop_ids[:3]
    after = replan(small, first, now_min=11 * 60, done=done)
    assert len(after.route_of("a").stops) == 1
    assert after.done == {"a": tuple(done)}
    again = replan(small, after, now_min=12 * 60, done=after.route_of("a").stop_ids)
    assert again.route_of("a").stops == ()
    assert {u.reason for u in again.unassigned} == {Reason.CAPACITY_AND_VALUE}


def test_a_crew_without_a_position_starts_from_its_last_done_stop(morning):
    request, before = morning
    done = before.route_of("a").stop_ids[:1]
    after = replan(request, before, now_min=9 * 60, done=done)
    last = next(s for s in STOPS if s.id == done[0])
    assert after.route_of("a").start == (last.lon, last.lat)
    assert after.route_of("b").start == (CREWS[1].start_lon, CREWS[1].start_lat)


def test_a_fixed_stop_on_a_crew_without_the_skill_is_an_error(morning):
    request, before = morning
    cut = stop("cut-1", 500, skill="cut", value=10)
    with pytest.raises(PlanningError, match="fixed stop 'cut-1' needs skill 'cut', which crew 'a' lacks"):
        replan(request, before, now_min=600, new_stops=[cut], fixed={"a": ["cut-1"]})


def test_a_fixed_stop_whose_window_has_passed_is_an_error(morning):
    request, before = morning
    summons = stop("summons-1", 400, value=10, window_start_min=540, window_end_min=560)
    with pytest.raises(PlanningError, match="fixed stops \\['summons-1'\\] on crew 'a'"):
        replan(request, before, now_min=600, new_stops=[summons], fixed={"a": ["summons-1"]})


def test_a_new_urgent_stop_that_cannot_be_reached_is_an_error_naming_it(morning):
    request, before = morning
    urgent = stop("reconnect-9", 400, value=0, required=True, window_start_min=540, window_end_min=560)
    with pytest.raises(PlanningError, match="required stop 'reconnect-9' cannot be served"):
        replan(request, before, now_min=600, new_stops=[urgent])


@pytest.mark.parametrize("kwargs, message", [
    ({"done": ["nope"]}, "done names unknown stops: 'nope'"),
    ({"cancelled": ["nope"]}, "cancelled names unknown stops: 'nope'"),
    ({"fixed": {"ghost": []}}, "unknown crew 'ghost'"),
    ({"done": ["s1"], "cancelled": ["s1"]}, "both done and cancelled: 's1'"),
    ({"done": ["s1"], "fixed": {"a": ["s1"]}}, "already done or cancelled: 's1'"),
    ({"fixed": {"a": ["s1"], "b": ["s1"]}}, "fixed more than once: 's1'"),
    ({"new_stops": [stop("s1", 5, value=1)]}, "duplicate stop ids: 's1'"),
    ({"positions": {"a": (float("nan"), 30.7)}}, "crew 'a': current position"),
    ({"positions": {"a": None}}, "crew 'a': current position"),
])
def test_inconsistent_replan_input_is_a_planning_error(morning, kwargs, message):
    request, before = morning
    with pytest.raises(PlanningError, match=message):
        replan(request, before, now_min=600, **kwargs)


def test_a_now_outside_the_day_is_a_planning_error(morning):
    request, before = morning
    with pytest.raises(PlanningError, match="now_min"):
        replan(request, before, now_min=float("nan"))
