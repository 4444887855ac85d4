"""Turn an ordered list of stops into a timed route.

The crew leaves its start at the start time and never idles on the way: on arriving early
it waits for the stop's window. Leaving as early as possible is always feasible when any
departure time is, and it is what crews do (they leave the office after the 08:00 sync).
"""
from __future__ import annotations

from typing import Sequence

from routing.prepare import Job
from routing.result import CrewRoute, PlannedStop
from routing.travel import Point, TravelModel


def timed_route(
    crew_id: str,
    travel: TravelModel,
    mode: str,
    start: Point,
    start_s: int,
    end: Point,
    jobs: Sequence[Job],
) -> tuple[CrewRoute, list[str]]:
    """The route and a list of broken windows (empty when the route keeps every window).

    The shift end is not checked here: the caller knows which end applies.
    """
    points = [start, *(j.point for j in jobs), end]
    metres, seconds = travel.matrices(points, mode)
    t, distance, moving = start_s, 0, 0
    planned, late = [], []
    for k, job in enumerate(jobs, start=1):
        leg_s, leg_m = int(seconds[k - 1, k]), int(metres[k - 1, k])
        arrival = t + leg_s
        begin = max(arrival, job.tw_early)
        if begin > job.tw_late:
            late.append(job.stop.id)
        t = begin + job.service_s
        distance, moving = distance + leg_m, moving + leg_s
        planned.append(PlannedStop(job.stop.id, job.stop.lon, job.stop.lat, arrival, begin, t))
    last = len(points) - 1
    end_s = t + int(seconds[last - 1, last])
    distance += int(metres[last - 1, last])
    moving += int(seconds[last - 1, last])
    route = CrewRoute(
        crew_id=crew_id, start=start, end=end, start_s=start_s, end_s=end_s, stops=tuple(planned),
        distance_m=distance, travel_s=moving, value=float(sum(j.stop.value for j in jobs)),
    )
    return route, late
