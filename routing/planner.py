"""Plan a day: validate, drop what no crew can reach, solve with PyVRP, time the routes."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from routing.engine import run
from routing.model import PlanningError, PlanRequest, Reason
from routing.prepare import Job, Network, Vehicle, job_of, validate_request, vehicle_of
from routing.reach import triage
from routing.result import CrewRoute, Plan, Unassigned
from routing.schedule import timed_route
from routing.travel import Point


@dataclass(frozen=True)
class Head:
    """Stops a crew must do first, in order, from `origin` at `origin_s` (re-planning)."""

    origin: Point
    origin_s: int
    jobs: tuple[Job, ...]


@dataclass(frozen=True)
class Problem:
    """The engine-level problem: jobs in seconds, vehicles with their current start."""

    request: PlanRequest
    jobs: Sequence[Job]
    vehicles: Sequence[Vehicle]
    heads: Mapping[str, Head] = field(default_factory=dict)  # crew id -> fixed prefix
    warm: Mapping[str, Sequence[str]] = field(default_factory=dict)  # crew id -> stop ids
    started: float = field(default_factory=time.perf_counter)  # the budget counts from here
    done: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # crew id -> finished stops


def plan(request: PlanRequest, previous: Plan | None = None) -> Plan:
    """Plan the day. `previous` (optional) warm-starts the search from its routes.

    `request.time_budget_s` is wall-clock time for the whole call: the search stops early
    enough to leave a small reserve for timing the routes.
    """
    started = time.perf_counter()
    validate_request(request)
    jobs = [job_of(s) for s in request.stops]
    vehicles = [vehicle_of(c) for c in request.crews]
    warm = {r.crew_id: r.stop_ids for r in previous.routes} if previous else {}
    return solve_problem(Problem(request, jobs, vehicles, warm=warm, started=started))


def solve_problem(problem: Problem) -> Plan:
    request, jobs, vehicles = problem.request, problem.jobs, problem.vehicles
    net = Network(request.travel, vehicles, jobs)
    all_skills = {s for c in request.crews for s in c.skills}
    sorted_out = triage(net, jobs, vehicles, all_skills)

    job_by_id = {j.stop.id: i for i, j in enumerate(jobs)}
    vehicle_by_crew = {v.crew.id: i for i, v in enumerate(vehicles)}
    warm = {
        vehicle_by_crew[crew]: [job_by_id[s] for s in ids if s in job_by_id]
        for crew, ids in problem.warm.items() if crew in vehicle_by_crew
    }
    budget = request.time_budget_s
    deadline = problem.started + budget - min(0.5, max(0.02, 0.02 * budget))
    result = run(net, jobs, vehicles, sorted_out.plannable, request.pesos_per_crew_hour,
                 deadline, request.seed, warm)

    routes = [_timed(problem, i, result.routes.get(i, [])) for i in range(len(vehicles))]
    routed = {j for visits in result.routes.values() for j in visits}
    unassigned = [Unassigned(jobs[i].stop.id, reason) for i, reason in sorted_out.reasons.items()]
    unassigned += [Unassigned(jobs[i].stop.id, Reason.CAPACITY_AND_VALUE)
                   for i in sorted_out.plannable if i not in routed]
    return Plan(
        routes=tuple(routes),
        unassigned=tuple(sorted(unassigned, key=lambda u: u.stop_id)),
        pesos_per_crew_hour=request.pesos_per_crew_hour,
        runtime_s=result.runtime_s,
        iterations=result.iterations,
        stats={"solver_stops": len(sorted_out.plannable), "budget_s": request.time_budget_s},
        done=dict(problem.done),
    )


def _timed(problem: Problem, v: int, visits: Sequence[int]) -> CrewRoute:
    vehicle = problem.vehicles[v]
    crew = vehicle.crew
    head = problem.heads.get(crew.id)
    jobs = [problem.jobs[j] for j in visits]
    for job in jobs:
        if job.stop.required_skill not in crew.skills:  # the profiles should make this impossible
            raise RuntimeError(f"engine put stop {job.stop.id!r} on crew {crew.id!r} without the skill")
    if head is not None:
        origin, origin_s, jobs = head.origin, head.origin_s, [*head.jobs, *jobs]
    else:
        origin, origin_s = vehicle.start, vehicle.start_s
    route, late = timed_route(crew.id, problem.request.travel, crew.travel_mode, origin, origin_s,
                              vehicle.end, jobs)
    if late or (jobs and route.end_s > vehicle.end_s):
        # The engine's own schedule was feasible, so this means the travel model is not
        # consistent between calls (e.g. a router that answers differently each time).
        raise PlanningError(f"crew {crew.id!r}: the timed route breaks windows of {late} or ends at "
                            f"{route.end_s} after the shift end {vehicle.end_s}; check the travel model")
    return route
