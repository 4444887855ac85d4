"""Every plan from a random generator passes the independent feasibility checker."""
import random
import time
from dataclasses import replace

import numpy as np
import pytest

from routing import Crew, HaversineTravel, MatrixTravel, PlanRequest, Stop, plan, replan
from routing.travel import haversine_m
from tests.feasibility import assert_feasible
from tests.unit.test_routing_plan import at

SKILLS = ("notify", "cut", "inspect")


def random_day(seed: int, n_stops: int = 40):
    rng = random.Random(seed)
    crews = [
        Crew("walker", frozenset({"notify"}), *at(0, 0), *at(0, 0), 480, 960, 15, "walk"),
        Crew("cutter", frozenset({"cut"}), *at(-500, 300), *at(0, 0), 480, 900, 12, "drive"),
        Crew("both", frozenset({"cut", "inspect"}), *at(800, -400), *at(800, -400), 540, 1020, 10, "drive"),
    ]
    stops = []
    for i in range(n_stops):
        skill = rng.choice(SKILLS + ("lawyer",) if i % 10 == 9 else SKILLS)
        window = {}
        if rng.random() < 0.2:
            start = rng.randrange(9 * 60, 15 * 60, 15)
            window = {"window_start_min": start, "window_end_min": start + 30}
        required = i % 13 == 0 and skill != "lawyer" and not window
        radius = 1200 if required else 3000
        stops.append(Stop(f"r{seed}-{i}", *at(rng.uniform(-radius, radius), rng.uniform(-radius, radius)),
                          skill, service_minutes=rng.choice([5, 10, 20]),
                          value=round(rng.lognormvariate(6, 1), 2), required=required, **window))
    return stops, crews


def road_like(stops, crews, seed):
    """MatrixTravel over every point, asymmetric like one-way streets."""
    points = [(s.lon, s.lat) for s in stops]
    points += [(c.start_lon, c.start_lat) for c in crews] + [(c.end_lon, c.end_lat) for c in crews]
    metres = haversine_m(points) * np.random.default_rng(seed).uniform(1.1, 1.8, (len(points),) * 2)
    np.fill_diagonal(metres, 0)
    return MatrixTravel(points, {"walk": (metres.round(), np.ceil(metres / 1.25)),
                                 "drive": (metres.round(), np.ceil(metres / 7.0))})


@pytest.mark.parametrize("seed", range(5))
def test_random_days_with_haversine_travel_pass_the_checker(seed):
    stops, crews = random_day(seed)
    travel = HaversineTravel()
    result = plan(PlanRequest(stops, crews, travel, time_budget_s=0.5, seed=seed))
    assert_feasible(result, stops, crews, travel)
    assert sum(len(r.stops) for r in result.routes) > 0


@pytest.mark.parametrize("seed", range(2))
def test_random_days_with_a_plugged_in_matrix_pass_the_checker(seed):
    stops, crews = random_day(100 + seed)
    travel = road_like(stops, crews, seed)
    result = plan(PlanRequest(stops, crews, travel, time_budget_s=0.5, seed=seed))
    assert_feasible(result, stops, crews, travel)


@pytest.mark.parametrize("seed", range(2))
def test_random_replans_pass_the_checker(seed):
    stops, crews = random_day(200 + seed)
    travel = HaversineTravel()
    request = PlanRequest(stops, crews, travel, time_budget_s=0.5, seed=seed)
    before = plan(request)
    done = [r.stop_ids[0] for r in before.routes if r.stops]
    fixed = {r.crew_id: r.stop_ids[1:2] for r in before.routes if len(r.stops) > 1}
    urgent = Stop(f"urgent-{seed}", *at(100, 100), "cut", service_minutes=15, required=True)
    # The first departure of the day: every crew can still leave its first stop as early as planned,
    # so its fixed next stop stays reachable whatever routes a loaded machine's search found.
    now = min(r.stops[0].departure_s for r in before.routes if r.stops) / 60
    by_id = {s.id: s for s in stops}
    positions = {r.crew_id: (by_id[r.stop_ids[0]].lon, by_id[r.stop_ids[0]].lat) if r.stops else r.start
                 for r in before.routes}
    after = replan(request, before, now, done=done, fixed=fixed, new_stops=[urgent], positions=positions)
    now_crews = [replace(c, start_lon=positions[c.id][0], start_lat=positions[c.id][1],
                         shift_start_min=max(now, c.shift_start_min)) for c in crews]
    open_stops = [s for s in (*stops, urgent) if s.id not in done]
    assert_feasible(after, open_stops, now_crews, travel)
    for crew_id, ids in fixed.items():
        assert after.route_of(crew_id).stop_ids[: len(ids)] == ids
    assert any(urgent.id in r.stop_ids for r in after.routes)


def test_the_time_budget_covers_the_whole_planning_call():
    stops, crews = random_day(300, n_stops=250)
    started = time.perf_counter()
    result = plan(PlanRequest(stops, crews, HaversineTravel(), time_budget_s=1.0))
    elapsed = time.perf_counter() - started
    # Generous slack for a loaded CI machine; runtime_s below is the solver-side check.
    assert elapsed < 2.5
    assert result.runtime_s < 1.0
