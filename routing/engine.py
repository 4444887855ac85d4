"""The PyVRP model: prize-collecting VRP with time windows, skills as routing profiles.

Integer units (PyVRP works in integers):
- durations and time windows: seconds since midnight;
- cost: one unit per second of crew travel. The PyVRP *distance* dimension carries travel
  seconds (unit_distance_cost=1, unit_duration_cost=0), so the solver's cost is exactly the
  travel time; metres are reported afterwards from the travel model;
- prize: value in pesos converted to the same unit, prize = round(value * 3600 / W) where W is
  the pesos per crew hour. Minimising travel seconds + uncollected prizes is then the same as
  maximising value - W * travel hours (rounding: at most half a second of crew time per stop);
- load: each stop delivers 1, a vehicle's capacity is its remaining max_stops.

Skills: one routing profile per (travel mode, skill set). Inside a profile, every edge into or
out of a stop whose skill the profile lacks costs FORBIDDEN seconds in both distance and
duration: visiting it would blow any time window and cost more than any prize, so the solver
never does, and a solution that did would be infeasible and rejected below. (PyVRP 0.14 has
no per-client vehicle list; client groups model mutually exclusive alternatives, not who may
visit, so profiles are the way. PyVRP's neighbourhood takes the cheapest edge over profiles,
so same-skill stops stay neighbours.)
"""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, Route, Solution, VehicleType, solve
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MultipleCriteria, NoImprovement

from routing.model import PlanningError
from routing.prepare import Job, Network, Vehicle

FORBIDDEN = 2**40  # below pyvrp.constants.MAX_VALUE (2**44), above any day or prize we accept
MAX_PRIZE = 10**11
STALL_ITERATIONS = 20_000  # stop early when the search has clearly converged (small cases)


class Deadline:
    """Stop at a wall-clock instant (time.perf_counter()), so the budget covers the whole call —
    input preparation and PyVRP's initial local search included — not just the ILS loop."""

    def __init__(self, at: float):
        self.at = at

    def __call__(self, best_cost: float) -> bool:
        return time.perf_counter() >= self.at


@dataclass(frozen=True)
class EngineResult:
    routes: dict[int, list[int]]  # vehicle index -> job indices in visiting order
    runtime_s: float
    iterations: int


def prize_of(value: float, pesos_per_crew_hour: float, stop_id: str) -> int:
    prize = int(round(value * 3600 / pesos_per_crew_hour))
    if prize > MAX_PRIZE:
        raise PlanningError(f"stop {stop_id!r}: value {value} is too large for the travel weight "
                            f"{pesos_per_crew_hour} pesos per hour (integer overflow risk)")
    return prize


def _profiles(net: Network, jobs: Sequence[Job], vehicles: Sequence[Vehicle], active: Sequence[int],
              plannable: Sequence[int]) -> tuple[list[np.ndarray], dict[int, int]]:
    """Duration matrices, one per (mode, skills) profile, and each active vehicle's profile."""
    sel = np.r_[np.arange(net.num_depots), [net.job_index(j) for j in plannable]].astype(np.intp)
    matrices, index, of_vehicle = [], {}, {}
    for v in active:
        key = (vehicles[v].mode, vehicles[v].crew.skills)
        if key not in index:
            seconds = net.matrices(key[0])[1][np.ix_(sel, sel)].copy()
            lacking = [net.num_depots + k for k, j in enumerate(plannable)
                       if jobs[j].stop.required_skill not in key[1]]
            seconds[lacking, :] = FORBIDDEN
            seconds[:, lacking] = FORBIDDEN
            np.fill_diagonal(seconds, 0)
            index[key] = len(matrices)
            matrices.append(seconds)
        of_vehicle[v] = index[key]
    return matrices, of_vehicle


def build_data(net: Network, jobs: Sequence[Job], vehicles: Sequence[Vehicle], plannable: Sequence[int],
               pesos_per_crew_hour: float) -> tuple[ProblemData, list[int]]:
    """ProblemData plus the vehicle index behind each PyVRP vehicle type."""
    active = [v for v, veh in enumerate(vehicles) if veh.capacity > 0 and veh.end_s > veh.start_s]
    matrices, profile_of = _profiles(net, jobs, vehicles, active, plannable)
    locations = [Location(x=p[0], y=p[1]) for p in net.points[: net.num_depots]]
    locations += [Location(x=jobs[j].point[0], y=jobs[j].point[1]) for j in plannable]
    depots = [Depot(location=i) for i in range(net.num_depots)]
    clients = []
    for k, j in enumerate(plannable):
        job = jobs[j]
        clients.append(Client(
            location=net.num_depots + k, delivery=[1], service_duration=job.service_s,
            tw_early=job.tw_early, tw_late=job.tw_late, required=job.stop.required,
            prize=0 if job.stop.required else prize_of(job.stop.value, pesos_per_crew_hour, job.stop.id),
            name=job.stop.id,
        ))
    types = [
        VehicleType(
            num_available=1, capacity=[vehicles[v].capacity],
            start_depot=net.start_index(v), end_depot=net.end_index(v),
            tw_early=vehicles[v].start_s, tw_late=vehicles[v].end_s,
            unit_distance_cost=1, unit_duration_cost=0, profile=profile_of[v],
            name=vehicles[v].crew.id,
        )
        for v in active
    ]
    data = ProblemData(locations, clients, depots, types, matrices, matrices)
    return data, active


def _initial(data: ProblemData, active: Sequence[int], plannable: Sequence[int],
             warm: Mapping[int, Sequence[int]]) -> Solution | None:
    client_of = {j: k for k, j in enumerate(plannable)}
    routes, used = [], set()
    for t, v in enumerate(active):
        visits = [client_of[j] for j in warm.get(v, ()) if j in client_of and j not in used]
        used.update(plannable[c] for c in visits)
        if visits:
            routes.append(Route(data, visits, t))
    return Solution(data, routes) if routes else None


def run(net: Network, jobs: Sequence[Job], vehicles: Sequence[Vehicle], plannable: Sequence[int],
        pesos_per_crew_hour: float, deadline: float, seed: int,
        warm: Mapping[int, Sequence[int]] | None = None) -> EngineResult:
    """Solve; `deadline` is the perf_counter() instant by which the search must stop."""
    if not plannable:
        return EngineResult({}, 0.0, 0)
    data, active = build_data(net, jobs, vehicles, plannable, pesos_per_crew_hour)
    initial = _initial(data, active, plannable, warm or {})
    stop = MultipleCriteria([Deadline(deadline), NoImprovement(STALL_ITERATIONS)])
    with warnings.catch_warnings():
        # An infeasible outcome is reported below as a PlanningError naming the stops.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = solve(data, stop, seed=seed, collect_stats=False, display=False, initial_solution=initial)
    best = result.best
    routes: dict[int, list[int]] = {}
    bad: list[str] = []
    for route in best.routes():
        visits = [plannable[a.idx] for a in route.schedule() if a.is_client()]
        routes[active[route.vehicle_type()]] = visits
        if not route.is_feasible():
            bad += [jobs[j].stop.id for j in visits if jobs[j].stop.required]
    if not best.is_feasible():
        unplanned = [plannable[a.idx] for a in best.unplanned() if a.is_client()]
        bad += [jobs[j].stop.id for j in unplanned if jobs[j].stop.required]
        if bad:
            raise PlanningError("required stops do not fit into the crews' shifts and stop limits "
                                f"together: {', '.join(map(repr, sorted(set(bad))))}")
        raise PlanningError("no feasible plan found within the time budget")
    return EngineResult(routes, result.runtime, result.num_iterations)
