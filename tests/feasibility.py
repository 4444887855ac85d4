"""An independent feasibility checker for plans.

It shares nothing with the planner but the input and output shapes: it converts minutes to
seconds itself, asks the travel model for each leg, replays every route from its start and
compares what it finds with the plan's own numbers. Use `violations()` for a list of
sentences, `assert_feasible()` in tests and benchmarks.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

NO_SKILL = "no crew has the skill"
REASONS = {NO_SKILL, "time window cannot be reached", "capacity and value"}


def _sec(minutes: float | None, default: int) -> int:
    return default if minutes is None else int(round(minutes * 60))


def _same_point(a: Sequence[float], b: Sequence[float]) -> bool:
    return abs(a[0] - b[0]) < 1e-9 and abs(a[1] - b[1]) < 1e-9


def _reason_text(reason) -> str:
    return getattr(reason, "value", reason)


def _coverage(plan, stops) -> list[str]:
    found = []
    known = {s.id for s in stops}
    routed = Counter(sid for r in plan.routes for sid in (p.stop_id for p in r.stops))
    left = Counter(u.stop_id for u in plan.unassigned)
    for sid, n in routed.items():
        if sid not in known:
            found.append(f"route visits unknown stop {sid!r}")
        if n > 1:
            found.append(f"stop {sid!r} is visited {n} times")
    for sid, n in left.items():
        if sid not in known:
            found.append(f"unassigned list names unknown stop {sid!r}")
        if n > 1:
            found.append(f"stop {sid!r} is unassigned {n} times")
        if sid in routed:
            found.append(f"stop {sid!r} is both routed and unassigned")
    for sid in sorted(known - set(routed) - set(left)):
        found.append(f"stop {sid!r} is neither routed nor unassigned")
    return found


def _unassigned(plan, stops, crews) -> list[str]:
    found = []
    by_id = {s.id: s for s in stops}
    skills = {k for c in crews for k in c.skills}
    for u in plan.unassigned:
        stop = by_id.get(u.stop_id)
        if stop is None:
            continue
        reason = _reason_text(u.reason)
        if reason not in REASONS:
            found.append(f"stop {stop.id!r} has an unknown reason {reason!r}")
        if stop.required:
            found.append(f"required stop {stop.id!r} is unassigned ({reason})")
        if (reason == NO_SKILL) != (stop.required_skill not in skills):
            found.append(f"stop {stop.id!r}: reason {reason!r} but skill {stop.required_skill!r} "
                         f"{'exists' if stop.required_skill in skills else 'is missing'} among crews")
    return found


def _route(route, crew, by_id, travel) -> list[str]:
    found = []
    name = f"crew {crew.id!r}"
    stops = [by_id[p.stop_id] for p in route.stops if p.stop_id in by_id]
    if len(stops) != len(route.stops):
        return found  # unknown stops are reported by _coverage
    if len(stops) > crew.max_stops:
        found.append(f"{name} has {len(stops)} stops, more than max_stops {crew.max_stops}")
    for s in stops:
        if s.required_skill not in crew.skills:
            found.append(f"{name} visits {s.id!r} without the skill {s.required_skill!r}")
    if not _same_point(route.end, (crew.end_lon, crew.end_lat)):
        found.append(f"{name} ends at {route.end}, not at its end depot")
    if route.start_s < _sec(crew.shift_start_min, 0):
        found.append(f"{name} starts at {route.start_s} s, before its shift")
    points = [tuple(route.start), *((s.lon, s.lat) for s in stops), tuple(route.end)]
    metres, seconds = travel.matrices(points, crew.travel_mode)
    t, dist, moving = route.start_s, 0, 0
    for k, (s, p) in enumerate(zip(stops, route.stops), start=1):
        leg = int(seconds[k - 1][k])
        arrival = t + leg
        begin = max(arrival, _sec(s.window_start_min, 0))
        if begin > _sec(s.window_end_min, 10**12):
            found.append(f"{name} starts {s.id!r} at {begin} s, after its window ends")
        t = begin + int(round(s.service_minutes * 60))
        dist, moving = dist + int(metres[k - 1][k]), moving + leg
        if (p.eta_s, p.start_s, p.departure_s) != (arrival, begin, t):
            found.append(f"{name} reports times {(p.eta_s, p.start_s, p.departure_s)} at {s.id!r}, "
                         f"recomputed {(arrival, begin, t)}")
    n = len(points) - 1
    t, dist, moving = t + int(seconds[n - 1][n]), dist + int(metres[n - 1][n]), moving + int(seconds[n - 1][n])
    if stops and t > _sec(crew.shift_end_min, 0):
        found.append(f"{name} returns at {t} s, after its shift ends")
    if stops and (route.end_s, route.distance_m, route.travel_s) != (t, dist, moving):
        found.append(f"{name} reports end/metres/travel {(route.end_s, route.distance_m, route.travel_s)}, "
                     f"recomputed {(t, dist, moving)}")
    if abs(route.value - sum(s.value for s in stops)) > 1e-6:
        found.append(f"{name} reports value {route.value}, stops add up to {sum(s.value for s in stops)}")
    return found


def violations(plan, stops: Iterable, crews: Iterable, travel, *, check_start_depot: bool = True) -> list[str]:
    """Everything wrong with `plan` for these stops and crews; [] means feasible.

    For a re-plan pass the crews as they are now (start at their current position and time)
    or set `check_start_depot=False`.
    """
    stops, crews = list(stops), list(crews)
    by_id = {s.id: s for s in stops}
    crew_by_id = {c.id: c for c in crews}
    found = _coverage(plan, stops) + _unassigned(plan, stops, crews)
    for crew_id, n in Counter(r.crew_id for r in plan.routes).items():
        if n > 1:
            found.append(f"crew {crew_id!r} has {n} routes")
    for route in plan.routes:
        crew = crew_by_id.get(route.crew_id)
        if crew is None:
            found.append(f"route for unknown crew {route.crew_id!r}")
            continue
        if check_start_depot and not _same_point(route.start, (crew.start_lon, crew.start_lat)):
            found.append(f"crew {crew.id!r} starts at {route.start}, not at its start depot")
        found += _route(route, crew, by_id, travel)
    return found


def assert_feasible(plan, stops, crews, travel, **kwargs) -> None:
    found = violations(plan, stops, crews, travel, **kwargs)
    assert not found, "infeasible plan:\n" + "\n".join(found)
