"""Solomon VRPTW and TSPLIB CVRP instances: parsing, exact integer scaling, three solvers.

Solomon convention: every edge is floor(10·d)/10 and travel time equals distance. With integer
coordinates floor(10·d) = isqrt(100·(dx² + dy²)) exactly, so all solvers get the same integer
matrix in tenths; time windows and service are multiplied by 10 too. Costs are divided by 10
only for printing. A-n32-k5 uses TSPLIB EUC_2D nearest-integer distances, no scaling.
The reference values are the "Cost" lines of the .sol files, whose route counts (10, 20, 15)
are those of the distance-minimal solutions, so we minimise distance with the fleet free
(up to the instance's 25 vehicles, no vehicle cost). Each .sol is re-costed with our matrix as
a check that the rounding convention matches the reference.
"""
from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np


@dataclass
class Instance:
    name: str
    kind: str  # "vrptw" or "cvrp"
    scale: int  # matrix units per reported unit
    vehicles: int
    capacity: int
    coords: list[tuple[int, int]]
    demand: list[int]
    ready: list[int]  # scaled; node 0 is the depot
    due: list[int]
    service: list[int]
    matrix: np.ndarray
    best_known: float
    reference_routes: list[list[int]]


def _read_sol(path: Path) -> tuple[float, list[list[int]]]:
    text = path.read_text()
    routes = [[int(x) for x in m.split()] for m in re.findall(r"Route #\d+:([^\n]*)", text)]
    return float(re.search(r"Cost\s+([\d.]+)", text).group(1)), routes


def read_solomon(path: Path) -> Instance:
    lines = path.read_text().splitlines()
    vehicles, capacity = map(int, lines[lines.index(next(l for l in lines if "NUMBER" in l)) + 1].split())
    rows = [list(map(int, l.split())) for l in lines if re.fullmatch(r"\s*(\d+\s+){6}\d+\s*", l)]
    coords = [(r[1], r[2]) for r in rows]
    n = len(rows)
    matrix = np.zeros((n, n), dtype=np.int64)
    for i, (xi, yi) in enumerate(coords):
        for j, (xj, yj) in enumerate(coords):
            matrix[i, j] = math.isqrt(100 * ((xi - xj) ** 2 + (yi - yj) ** 2))
    bks, routes = _read_sol(path.with_suffix(".sol"))
    return Instance(path.stem, "vrptw", 10, vehicles, capacity, coords, [r[3] for r in rows],
                    [10 * r[4] for r in rows], [10 * r[5] for r in rows], [10 * r[6] for r in rows],
                    matrix, bks, routes)


def read_cvrp(path: Path) -> Instance:
    text = path.read_text()
    capacity = int(re.search(r"CAPACITY\s*:\s*(\d+)", text).group(1))
    trucks = int(re.search(r"No of trucks:\s*(\d+)", text).group(1))
    coord_part = text.split("NODE_COORD_SECTION")[1].split("DEMAND_SECTION")[0]
    demand_part = text.split("DEMAND_SECTION")[1].split("DEPOT_SECTION")[0]
    coords = [(int(l.split()[1]), int(l.split()[2])) for l in coord_part.strip().splitlines()]
    demand = [int(l.split()[1]) for l in demand_part.strip().splitlines()]
    c = np.asarray(coords, dtype=float)
    matrix = np.rint(np.sqrt(((c[:, None, :] - c[None, :, :]) ** 2).sum(-1))).astype(np.int64)
    n = len(coords)
    bks, routes = _read_sol(path.with_suffix(".sol"))
    return Instance(path.stem, "cvrp", 1, trucks, capacity, coords, demand, [0] * n, [10**9] * n,
                    [0] * n, matrix, bks, routes)


def check(inst: Instance, routes: list[list[int]]) -> tuple[int, list[str]]:
    """Total scaled distance and violations of a solution, recomputed from the instance."""
    problems, seen = [], []
    total = 0
    for route in routes:
        t, load, prev = 0, 0, 0
        for c in route:
            total += inst.matrix[prev, c]
            t = max(t + inst.matrix[prev, c], inst.ready[c])
            if t > inst.due[c]:
                problems.append(f"customer {c} served at {t / inst.scale} after {inst.due[c] / inst.scale}")
            t += inst.service[c]
            load += inst.demand[c]
            prev = c
        total += inst.matrix[prev, 0]
        if t + inst.matrix[prev, 0] > inst.due[0]:
            problems.append(f"route {route} returns after the depot closes")
        if load > inst.capacity:
            problems.append(f"route {route} carries {load} > {inst.capacity}")
        seen += route
    if sorted(seen) != list(range(1, len(inst.coords))):
        problems.append("customers missing or visited twice")
    if inst.kind == "cvrp" and len([r for r in routes if r]) > inst.vehicles:
        problems.append(f"{len(routes)} routes, more than {inst.vehicles} trucks")
    return int(total), problems


def solve_pyvrp(inst: Instance, budget_s: float, seed: int = 1) -> list[list[int]]:
    from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve

    from routing.engine import Deadline  # wall clock, initial local search included

    deadline = time.perf_counter() + budget_s
    locs = [Location(x=x, y=y) for x, y in inst.coords]
    clients = [Client(location=i, delivery=[inst.demand[i]], service_duration=inst.service[i],
                      tw_early=inst.ready[i], tw_late=inst.due[i]) for i in range(1, len(locs))]
    vt = [VehicleType(num_available=inst.vehicles, capacity=[inst.capacity], tw_early=inst.ready[0],
                      tw_late=inst.due[0])]
    data = ProblemData(locs, clients, [Depot(location=0)], vt, [inst.matrix], [inst.matrix])
    best = solve(data, Deadline(deadline), seed=seed, collect_stats=False, display=False).best
    return [[a.idx + 1 for a in r.schedule() if a.is_client()] for r in best.routes()]


def solve_ortools(inst: Instance, budget_s: float) -> list[list[int]]:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n = len(inst.coords)
    manager = pywrapcp.RoutingIndexManager(n, inst.vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    dist = routing.RegisterTransitMatrix(inst.matrix.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(dist)
    demand = routing.RegisterUnaryTransitVector(list(inst.demand))
    routing.AddDimensionWithVehicleCapacity(demand, 0, [inst.capacity] * inst.vehicles, True, "Load")
    if inst.kind == "vrptw":
        timed = (inst.matrix + np.asarray(inst.service)[:, None]).tolist()  # service at the tail
        routing.AddDimension(routing.RegisterTransitMatrix(timed), inst.due[0], inst.due[0], False, "Time")
        time_dim = routing.GetDimensionOrDie("Time")
        for node in range(1, n):
            time_dim.CumulVar(manager.NodeToIndex(node)).SetRange(inst.ready[node], inst.due[node])
        for v in range(inst.vehicles):
            time_dim.CumulVar(routing.Start(v)).SetRange(inst.ready[0], inst.due[0])
            time_dim.CumulVar(routing.End(v)).SetRange(inst.ready[0], inst.due[0])
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(budget_s * 1000))
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return []
    routes = []
    for v in range(inst.vehicles):
        index, route = solution.Value(routing.NextVar(routing.Start(v))), []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        if route:
            routes.append(route)
    return routes


def solve_vroom(inst: Instance, budget_s: float) -> list[list[int]]:
    import vroom

    problem = vroom.Input()
    problem.set_durations_matrix("car", inst.matrix)
    for v in range(inst.vehicles):
        problem.add_vehicle(vroom.Vehicle(v + 1, start=0, end=0, capacity=[inst.capacity],
                                          time_window=vroom.TimeWindow(inst.ready[0], inst.due[0])))
    for i in range(1, len(inst.coords)):
        windows = [vroom.TimeWindow(inst.ready[i], inst.due[i])] if inst.kind == "vrptw" else []
        problem.add_job(vroom.Job(i, location=i, default_service=inst.service[i], delivery=[inst.demand[i]],
                                  time_windows=windows))
    solution = problem.solve(exploration_level=5, nb_threads=1, timeout=timedelta(seconds=budget_s))
    frame = solution.routes
    jobs = frame[frame["type"] == "job"]
    return [list(map(int, group["id"])) for _, group in jobs.groupby("vehicle_id", sort=True)]


SOLVERS = {"PyVRP": solve_pyvrp, "OR-Tools GLS": solve_ortools, "VROOM": solve_vroom}


def run_instance(inst: Instance, budget_s: float) -> list[dict]:
    ref_total, ref_problems = check(inst, inst.reference_routes)
    rows = []
    for name, solver in SOLVERS.items():
        started = time.perf_counter()
        routes = solver(inst, budget_s)
        elapsed = time.perf_counter() - started
        total, problems = check(inst, routes)
        cost = total / inst.scale
        rows.append({
            "instance": inst.name, "solver": name, "cost": cost, "routes": len(routes),
            "bks": inst.best_known, "gap": 100 * (cost - inst.best_known) / inst.best_known,
            "seconds": elapsed, "feasible": not problems, "problems": problems[:3],
            "reference_recosted": ref_total / inst.scale, "reference_ok": not ref_problems,
        })
    return rows
