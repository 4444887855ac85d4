"""Route-planning benchmark: Solomon/CVRP gaps and a synthetic Caborca field day.

    .venv/bin/python -m bench.routing           # full run, about 5 minutes
    .venv/bin/python -m bench.routing --quick   # smoke run, 1-2 s budgets

Every solver runs single-threaded with the same wall-clock budget, one after another.
Field-day plans are scored with one objective, value collected - W * crew travel hours
(W = PlanRequest.pesos_per_crew_hour, 300 pesos per hour), and every plan is checked by the
independent checker in tests/feasibility.py; an infeasible plan cannot win.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.fieldday import crews_for, stops_for
from bench.machine import describe
from bench.rivals import Day, solve_ortools, solve_vroom
from bench.solomon import SOLVERS, read_cvrp, read_solomon, run_instance
from routing import PlanRequest, plan
from tests.feasibility import violations

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "vrp"
SOLOMON = ("C101", "R101", "RC101")
W = 300.0


def solomon_table(budget_s: float) -> None:
    print(f"\n## Classic instances, {budget_s:g} s per solver\n\nMinimise distance. Solomon: "
          "floor(10·d)/10 edges, travel time = distance, fleet free up to 25 vehicles (the .sol "
          "files are the distance-minimal solutions, 10/20/15 routes). A-n32-k5: TSPLIB nearest-"
          "integer distances, 5 trucks; not in the mean. Reference = the .sol 'Cost', re-costed "
          "with our matrix before use.\n")
    names = list(SOLVERS)
    print(f"| instance | reference | {' | '.join(f'{n} (gap, routes)' for n in names)} |")
    print("|---|---|" + "---|" * len(names))
    gaps = {n: [] for n in names}
    instances = [read_solomon(DATA / f"{name}.txt") for name in SOLOMON] + [read_cvrp(DATA / "A-n32-k5.vrp")]
    for inst in instances:
        rows = {r["solver"]: r for r in run_instance(inst, budget_s)}
        ref = rows[names[0]]
        assert ref["reference_ok"] and abs(ref["reference_recosted"] - inst.best_known) < 1e-6, \
            f"{inst.name}: reference re-costs to {ref['reference_recosted']}, file says {inst.best_known}"
        cells = []
        for n in names:
            r = rows[n]
            ok = "" if r["feasible"] else " INFEASIBLE"
            cells.append(f"{r['cost']:.1f} ({r['gap']:+.2f} %, {r['routes']}){ok}")
            if inst.kind == "vrptw":
                gaps[n].append(r["gap"] if r["feasible"] else float("inf"))
        print(f"| {inst.name} | {inst.best_known:g} | {' | '.join(cells)} |")
    print(f"| **Solomon mean gap** | | {' | '.join(f'{statistics.mean(gaps[n]):+.2f} %' for n in names)} |")


def field_day(n_stops: int, n_crews: int, budget_s: float, seed: int = 7) -> None:
    stops, crews = stops_for(n_stops, seed), crews_for(n_crews)
    request = PlanRequest(stops, crews, time_budget_s=budget_s, seed=1, pesos_per_crew_hour=W)
    required = sum(s.required for s in stops)
    windows = sum(s.has_window for s in stops)
    print(f"\n## Field day: {n_stops} stops ({required} required, {windows} with windows), "
          f"{n_crews} crews (capacity {sum(c.max_stops for c in crews)} stops), {budget_s:g} s each\n")
    print("| solver | routed | value (pesos) | travel (h) | score (pesos) | wall (s) | feasible |")
    print("|---|---|---|---|---|---|---|")
    day = Day(request)
    results = {}
    for name, run in (("PyVRP (routing.plan)", lambda: plan(request)),
                      ("VROOM", lambda: solve_vroom(day, budget_s)),
                      ("OR-Tools GLS", lambda: solve_ortools(day, budget_s))):
        started = time.perf_counter()
        result = run()
        wall = time.perf_counter() - started
        problems = violations(result, stops, crews, request.travel)
        results[name] = (result, problems)
        routed = sum(len(r.stops) for r in result.routes)
        verdict = "yes" if not problems else f"NO: {len(problems)} violations, e.g. {problems[0]}"
        print(f"| {name} | {routed} | {result.value:,.0f} | {result.travel_s / 3600:.1f} | "
              f"{result.score:,.0f} | {wall:.1f} | {verdict} |")
    feasible = {n: r.score for n, (r, p) in results.items() if not p}
    winner = max(feasible, key=feasible.get) if feasible else "none (no feasible plan)"
    print(f"\nWinner ({n_stops} stops / {n_crews} crews, highest score among feasible plans): {winner}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run with 1-2 s budgets")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print(f"# Route planning benchmark{' (quick)' if args.quick else ''}\n\nMachine: {describe()}")
    solomon_table(1.0 if args.quick else 10.0)
    field_day(300, 8, 1.0 if args.quick else 15.0)
    field_day(800, 20, 2.0 if args.quick else 30.0)
    print(f"\nTotal benchmark time: {time.perf_counter() - started:.0f} s; "
          f"score = value - {W:g} pesos x crew travel hours")


if __name__ == "__main__":
    main()
