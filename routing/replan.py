"""Re-plan during the day from a previous plan.

What changes: stops done (removed; they used up their crew's stop limit), stops cancelled
(removed), stops fixed on a crew (kept on it, first and in the given order — e.g. the stop in
progress and the next one), and new stops (typically urgent, `required=True`). Each crew starts
from its current position at `now_min` (minutes since midnight). The rest is planned again,
warm-started from the previous routes.
"""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Collection, Mapping, Sequence

from routing.model import PlanningError, PlanRequest, Stop, to_seconds
from routing.planner import Head, Problem, solve_problem
from routing.prepare import Vehicle, job_of, validate_request, vehicle_of
from routing.result import Plan
from routing.schedule import timed_route
from routing.travel import Point, is_finite_point


def replan(
    request: PlanRequest,
    previous: Plan,
    now_min: float,
    *,
    done: Collection[str] = (),
    cancelled: Collection[str] = (),
    fixed: Mapping[str, Sequence[str]] | None = None,
    new_stops: Sequence[Stop] = (),
    positions: Mapping[str, Point] | None = None,
) -> Plan:
    """Plan the rest of the day.

    `request` is the request behind `previous` (its stops and crews); `fixed` maps a crew id
    to the stop ids it must do next, in order; `positions` maps a crew id to its current
    (lon, lat). A crew without a position is assumed to be at its last done stop, or at its
    start depot if it has done nothing yet.
    """
    started = time.perf_counter()
    fixed, positions = dict(fixed or {}), dict(positions or {})
    full = replace(request, stops=(*request.stops, *new_stops))
    validate_request(full)
    known = {s.id for s in full.stops}
    crews = {c.id: c for c in full.crews}
    for label, ids in (("done", done), ("cancelled", cancelled), *(
            (f"fixed on crew {c!r}", ids) for c, ids in fixed.items())):
        if unknown := sorted(set(ids) - known):
            raise PlanningError(f"{label} names unknown stops: {', '.join(map(repr, unknown))}")
    for crew_id in (*fixed, *positions):
        if crew_id not in crews:
            raise PlanningError(f"unknown crew {crew_id!r}")
    for crew_id, point in positions.items():
        if not (isinstance(point, Sequence) and len(point) == 2 and is_finite_point(*point)):
            raise PlanningError(f"crew {crew_id!r}: current position {point!r} is not a (lon, lat) pair")
    if not isinstance(now_min, (int, float)) or not 0 <= now_min <= 48 * 60:
        raise PlanningError(f"now_min must be minutes since midnight, got {now_min!r}")
    if clash := sorted(set(done) & set(cancelled)):
        raise PlanningError(f"stops both done and cancelled: {', '.join(map(repr, clash))}")

    gone = set(done) | set(cancelled)
    fixed_ids = [s for ids in fixed.values() for s in ids]
    if twice := sorted({s for s in fixed_ids if fixed_ids.count(s) > 1}):
        raise PlanningError(f"stops fixed more than once: {', '.join(map(repr, twice))}")
    if closed := sorted(set(fixed_ids) & gone):
        raise PlanningError(f"fixed stops already done or cancelled: {', '.join(map(repr, closed))}")

    by_id = {s.id: s for s in full.stops}
    now_s = to_seconds(now_min)
    heads, vehicles, finished = {}, [], {}
    for crew in full.crews:
        finished[crew.id] = _finished(previous, crew.id, set(done))
        vehicle, head = _crew_now(crew, finished[crew.id], by_id, fixed.get(crew.id, ()),
                                  positions.get(crew.id), now_s, full)
        vehicles.append(vehicle)
        heads[crew.id] = head
    open_jobs = [job_of(s) for s in full.stops if s.id not in gone and s.id not in set(fixed_ids)]
    warm = {r.crew_id: [s for s in r.stop_ids if s not in gone] for r in previous.routes}
    return solve_problem(Problem(full, open_jobs, vehicles, heads=heads, warm=warm, done=finished,
                                 started=started))


def _finished(previous: Plan, crew_id: str, done: set[str]) -> tuple[str, ...]:
    """Stops the crew has finished today: earlier re-plans' and those done off its last route."""
    try:
        route = previous.route_of(crew_id).stop_ids
    except KeyError:
        route = []
    return tuple(dict.fromkeys((*previous.done.get(crew_id, ()), *(s for s in route if s in done))))


def _crew_now(crew, done_here: Sequence[str], by_id, fixed_ids: Sequence[str],
              position: Point | None, now_s: int, request: PlanRequest) -> tuple[Vehicle, Head]:
    """The crew's vehicle for the rest of the day, after its fixed stops."""
    base = vehicle_of(crew)
    if position is None:
        last = next((by_id[s] for s in reversed(done_here) if s in by_id), None)
        position = (last.lon, last.lat) if last else base.start
    start_s = max(now_s, base.start_s)
    jobs = tuple(job_of(by_id[s]) for s in fixed_ids)
    for job in jobs:
        if job.stop.required_skill not in crew.skills:
            raise PlanningError(f"fixed stop {job.stop.id!r} needs skill {job.stop.required_skill!r}, "
                                f"which crew {crew.id!r} lacks")
    free_from, free_at = position, start_s
    if jobs:
        head_route, late = timed_route(crew.id, request.travel, crew.travel_mode, position, start_s,
                                       jobs[-1].point, jobs)
        if late:
            raise PlanningError(f"fixed stops {late} on crew {crew.id!r} can no longer be reached "
                                "within their time windows; unfix them or widen the windows")
        free_from, free_at = jobs[-1].point, head_route.end_s
        back, _ = timed_route(crew.id, request.travel, crew.travel_mode, free_from, free_at, base.end, ())
        if back.end_s > base.end_s:
            raise PlanningError(f"crew {crew.id!r} cannot finish its fixed stops and return before "
                                "its shift ends")
    capacity = crew.max_stops - len(done_here) - len(jobs)
    if capacity < 0:
        raise PlanningError(f"crew {crew.id!r}: done and fixed stops exceed max_stops {crew.max_stops}")
    vehicle = Vehicle(crew, free_from, free_at, base.end, base.end_s, capacity)
    return vehicle, Head(position, start_s, jobs)
