"""VROOM and OR-Tools on the same field day, matrices and reachability triage as the planner.

Both get exactly the planner's integer matrices (travel seconds per mode) and only the stops
the triage found reachable by some crew, so the comparison is about search, not input.
- VROOM maximises the sum of job priorities first and only then minimises travel: value
  becomes a priority 1..49 (proportional to value, capped at the 99th percentile), required
  stops get 100 (VROOM has no notion of a must-visit job). It runs single-threaded, like PyVRP, with the same timeout.
- OR-Tools minimises travel seconds plus a disjunction penalty for each dropped optional stop,
  the penalty being the stop's value in the planner's units (value · 3600 / W): the same
  objective as the planner. Required stops have no disjunction. Guided local search.
Routes come back as stop orders; they are timed with the planner's schedule and scored and
checked like the planner's own.
"""
from __future__ import annotations

import time
from datetime import timedelta

import numpy as np

from routing import Plan, PlanRequest, Reason, Unassigned
from routing.engine import prize_of
from routing.prepare import Network, job_of, validate_request, vehicle_of
from routing.reach import triage
from routing.schedule import timed_route


class Day:
    """The prepared field day: jobs, vehicles, matrices and the plannable subset."""

    def __init__(self, request: PlanRequest):
        validate_request(request)
        self.request = request
        self.jobs = [job_of(s) for s in request.stops]
        self.vehicles = [vehicle_of(c) for c in request.crews]
        self.net = Network(request.travel, self.vehicles, self.jobs)
        sorted_out = triage(self.net, self.jobs, self.vehicles, {s for c in request.crews for s in c.skills})
        self.plannable, self.reasons = sorted_out.plannable, sorted_out.reasons
        sel = [*range(self.net.num_depots), *(self.net.job_index(j) for j in self.plannable)]
        self.seconds = {mode: self.net.matrices(mode)[1][np.ix_(sel, sel)]
                        for mode in {v.mode for v in self.vehicles}}

    def node(self, k: int) -> int:
        """Matrix node of the k-th plannable job."""
        return self.net.num_depots + k

    def plan(self, routes: dict[int, list[int]], runtime_s: float) -> Plan:
        """Timed routes from job orders per vehicle (indices into `plannable`)."""
        out, routed = [], set()
        for v, veh in enumerate(self.vehicles):
            jobs = [self.jobs[self.plannable[k]] for k in routes.get(v, [])]
            routed.update(routes.get(v, []))
            route, _ = timed_route(veh.crew.id, self.request.travel, veh.mode, veh.start, veh.start_s,
                                   veh.end, jobs)
            out.append(route)
        left = [Unassigned(self.jobs[j].stop.id, r) for j, r in self.reasons.items()]
        left += [Unassigned(self.jobs[j].stop.id, Reason.CAPACITY_AND_VALUE)
                 for k, j in enumerate(self.plannable) if k not in routed]
        return Plan(tuple(out), tuple(left), self.request.pesos_per_crew_hour, runtime_s)


def solve_vroom(day: Day, budget_s: float) -> Plan:
    import vroom

    started = time.perf_counter()
    problem = vroom.Input()
    for mode, matrix in day.seconds.items():
        problem.set_durations_matrix(mode, matrix)
    skill_ids = {s: i for i, s in enumerate(sorted({k for c in day.request.crews for k in c.skills}))}
    for v, veh in enumerate(day.vehicles):
        problem.add_vehicle(vroom.Vehicle(
            v, start=2 * v, end=2 * v + 1, profile=veh.mode, capacity=[veh.capacity],
            skills={skill_ids[s] for s in veh.crew.skills},
            time_window=vroom.TimeWindow(veh.start_s, veh.end_s)))
    values = [day.jobs[j].stop.value for j in day.plannable]
    cap = max(float(np.percentile(values, 99)), 1e-9) if values else 1.0
    for k, j in enumerate(day.plannable):
        job = day.jobs[j]
        # Optional stops stay at or under half of a required one's priority, so VROOM never
        # trades one required stop for two optional ones.
        priority = 100 if job.stop.required else 1 + round(48 * min(1.0, job.stop.value / cap))
        windows = [vroom.TimeWindow(job.tw_early, job.tw_late)] if job.stop.has_window else []
        problem.add_job(vroom.Job(k, location=day.node(k), default_service=job.service_s, delivery=[1],
                                  skills={skill_ids[job.stop.required_skill]}, priority=priority,
                                  time_windows=windows))
    solution = problem.solve(exploration_level=5, nb_threads=1, timeout=timedelta(seconds=budget_s))
    frame = solution.routes
    steps = frame[frame["type"] == "job"]
    routes = {int(v): list(map(int, g["id"])) for v, g in steps.groupby("vehicle_id", sort=True)}
    return day.plan(routes, time.perf_counter() - started)


def solve_ortools(day: Day, budget_s: float) -> Plan:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    started = time.perf_counter()
    vehicles, plannable = day.vehicles, day.plannable
    n = day.net.num_depots + len(plannable)
    manager = pywrapcp.RoutingIndexManager(n, len(vehicles), [2 * v for v in range(len(vehicles))],
                                           [2 * v + 1 for v in range(len(vehicles))])
    routing = pywrapcp.RoutingModel(manager)
    service = np.zeros(n, dtype=np.int64)
    service[day.net.num_depots:] = [day.jobs[j].service_s for j in plannable]
    travel_cb, time_cb = {}, {}
    for mode, matrix in day.seconds.items():
        travel_cb[mode] = routing.RegisterTransitMatrix(matrix.tolist())
        time_cb[mode] = routing.RegisterTransitMatrix((matrix + service[:, None]).tolist())
    for v, veh in enumerate(vehicles):
        routing.SetArcCostEvaluatorOfVehicle(travel_cb[veh.mode], v)
    horizon = 2 * 24 * 3600
    routing.AddDimensionWithVehicleTransits([time_cb[v.mode] for v in vehicles], horizon, horizon, False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")
    unit = routing.RegisterUnaryTransitVector([0] * day.net.num_depots + [1] * len(plannable))
    routing.AddDimensionWithVehicleCapacity(unit, 0, [max(v.capacity, 0) for v in vehicles], True, "Stops")
    for v, veh in enumerate(vehicles):
        for index in (routing.Start(v), routing.End(v)):
            time_dim.CumulVar(index).SetRange(veh.start_s, max(veh.start_s, veh.end_s))
    for k, j in enumerate(plannable):
        job, index = day.jobs[j], manager.NodeToIndex(day.node(k))
        time_dim.CumulVar(index).SetRange(job.tw_early, min(job.tw_late, horizon))
        # SetAllowedVehiclesForIndex's Span argument is not usable from this wheel's SWIG layer.
        routing.VehicleVar(index).RemoveValues(
            [v for v, veh in enumerate(vehicles) if job.stop.required_skill not in veh.crew.skills])
        if not job.stop.required:
            routing.AddDisjunction([index], prize_of(job.stop.value, day.request.pesos_per_crew_hour, job.stop.id))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(budget_s * 1000))
    solution = routing.SolveWithParameters(params)
    routes: dict[int, list[int]] = {}
    if solution is not None:
        for v in range(len(vehicles)):
            index, visits = solution.Value(routing.NextVar(routing.Start(v))), []
            while not routing.IsEnd(index):
                visits.append(manager.IndexToNode(index) - day.net.num_depots)
                index = solution.Value(routing.NextVar(index))
            routes[v] = visits
    return day.plan(routes, time.perf_counter() - started)
