"""Input validation and the integer-second view of stops and crews the engine works on."""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from routing.model import TRAVEL_MODES, Crew, PlanningError, PlanRequest, Stop, to_seconds
from routing.travel import Point, TravelModel, is_finite_point

NO_LATE = 10**9  # "no window end": far beyond any day, far below PyVRP's MAX_VALUE (2**44)


@dataclass(frozen=True)
class Job:
    """A stop in integer seconds."""

    stop: Stop
    service_s: int
    tw_early: int
    tw_late: int

    @property
    def point(self) -> Point:
        return (self.stop.lon, self.stop.lat)


@dataclass(frozen=True)
class Vehicle:
    """A crew as the engine sees it: where and when it starts, where and when it must end.

    For a morning plan this is the crew's depot and shift; when re-planning it is the crew's
    current position (or the end of its fixed stops) and the current time.
    """

    crew: Crew
    start: Point
    start_s: int
    end: Point
    end_s: int
    capacity: int

    @property
    def mode(self) -> str:
        return self.crew.travel_mode


def job_of(stop: Stop) -> Job:
    early = 0 if stop.window_start_min is None else to_seconds(stop.window_start_min)
    late = NO_LATE if stop.window_end_min is None else to_seconds(stop.window_end_min)
    return Job(stop, to_seconds(stop.service_minutes), early, late)


def vehicle_of(crew: Crew) -> Vehicle:
    return Vehicle(
        crew,
        (crew.start_lon, crew.start_lat),
        to_seconds(crew.shift_start_min),
        (crew.end_lon, crew.end_lat),
        to_seconds(crew.shift_end_min),
        int(crew.max_stops),
    )


def _finite(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x)


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen, dup = set(), []
    for i in ids:
        if i in seen and i not in dup:
            dup.append(i)
        seen.add(i)
    return dup


def validate_stop(stop: Stop) -> None:
    if not isinstance(stop.id, str) or not stop.id:
        raise PlanningError(f"stop {stop.id!r}: id must be a non-empty string")
    if not is_finite_point(stop.lon, stop.lat):
        raise PlanningError(f"stop {stop.id!r}: missing or invalid coordinates ({stop.lon}, {stop.lat})")
    if not isinstance(stop.required_skill, str) or not stop.required_skill:
        raise PlanningError(f"stop {stop.id!r}: required_skill must be a non-empty string")
    if not _finite(stop.service_minutes) or stop.service_minutes < 0:
        raise PlanningError(f"stop {stop.id!r}: service_minutes must be >= 0, got {stop.service_minutes}")
    if not _finite(stop.value) or stop.value < 0:
        raise PlanningError(f"stop {stop.id!r}: value must be a finite number >= 0, got {stop.value}")
    for name in ("window_start_min", "window_end_min"):
        v = getattr(stop, name)
        if v is not None and (not _finite(v) or not 0 <= v <= 48 * 60):
            raise PlanningError(f"stop {stop.id!r}: {name} must be minutes since midnight, got {v}")
    if stop.window_start_min is not None and stop.window_end_min is not None:
        if stop.window_end_min < stop.window_start_min:
            raise PlanningError(f"stop {stop.id!r}: time window ends before it starts")


def validate_crew(crew: Crew) -> None:
    if not isinstance(crew.id, str) or not crew.id:
        raise PlanningError(f"crew {crew.id!r}: id must be a non-empty string")
    if not crew.skills or not all(isinstance(s, str) and s for s in crew.skills):
        raise PlanningError(f"crew {crew.id!r} has no skills")
    if not is_finite_point(crew.start_lon, crew.start_lat):
        raise PlanningError(f"crew {crew.id!r}: missing or invalid start depot coordinates")
    if not is_finite_point(crew.end_lon, crew.end_lat):
        raise PlanningError(f"crew {crew.id!r}: missing or invalid end depot coordinates")
    if not (_finite(crew.shift_start_min) and _finite(crew.shift_end_min)):
        raise PlanningError(f"crew {crew.id!r}: shift start and end must be numbers of minutes")
    if crew.shift_end_min <= crew.shift_start_min:
        raise PlanningError(f"crew {crew.id!r}: shift ends ({crew.shift_end_min}) before it starts "
                            f"({crew.shift_start_min})")
    if not isinstance(crew.max_stops, numbers.Integral) or isinstance(crew.max_stops, bool) \
            or crew.max_stops < 1:
        raise PlanningError(f"crew {crew.id!r}: max_stops must be a positive integer, got {crew.max_stops!r}")
    if crew.travel_mode not in TRAVEL_MODES:
        raise PlanningError(f"crew {crew.id!r}: travel_mode must be one of {TRAVEL_MODES}, "
                            f"got {crew.travel_mode!r}")


def validate_request(request: PlanRequest) -> None:
    if not request.stops:
        raise PlanningError("empty selection: the request has no stops")
    if not request.crews:
        raise PlanningError("the request has no crews")
    for stop in request.stops:
        validate_stop(stop)
    for crew in request.crews:
        validate_crew(crew)
    if dup := _duplicates(s.id for s in request.stops):
        raise PlanningError(f"duplicate stop ids: {', '.join(map(repr, dup))}")
    if dup := _duplicates(c.id for c in request.crews):
        raise PlanningError(f"duplicate crew ids: {', '.join(map(repr, dup))}")
    if not _finite(request.time_budget_s) or request.time_budget_s <= 0:
        raise PlanningError(f"time_budget_s must be positive, got {request.time_budget_s}")
    if not _finite(request.pesos_per_crew_hour) or request.pesos_per_crew_hour <= 0:
        raise PlanningError(f"pesos_per_crew_hour must be positive, got {request.pesos_per_crew_hour}")
    if not isinstance(request.travel, TravelModel):
        raise PlanningError(f"travel must implement TravelModel.matrices, got {request.travel!r}")


class Network:
    """All points of one planning run — vehicle starts, vehicle ends, then jobs — with the
    travel matrices per mode, computed once and shared by reachability, engine and schedule.
    Index layout matches PyVRP's: depots (2 per vehicle) first, then clients."""

    def __init__(self, travel: TravelModel, vehicles: Sequence[Vehicle], jobs: Sequence[Job]):
        self.travel = travel
        self.points: list[Point] = []
        for v in vehicles:
            self.points += [v.start, v.end]
        self.points += [j.point for j in jobs]
        self.num_depots = 2 * len(vehicles)
        self._cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def start_index(self, v: int) -> int:
        return 2 * v

    def end_index(self, v: int) -> int:
        return 2 * v + 1

    def job_index(self, j: int) -> int:
        return self.num_depots + j

    def matrices(self, mode: str) -> tuple[np.ndarray, np.ndarray]:
        if mode not in self._cache:
            metres, seconds = self.travel.matrices(self.points, mode)
            n = len(self.points)
            metres, seconds = np.asarray(metres, dtype=np.int64), np.asarray(seconds, dtype=np.int64)
            if metres.shape != (n, n) or seconds.shape != (n, n):
                raise PlanningError(f"travel model returned matrices of shape {metres.shape}, "
                                    f"{seconds.shape} for {n} points")
            if (metres < 0).any() or (seconds < 0).any():
                raise PlanningError(f"travel model returned negative values for mode {mode!r}")
            self._cache[mode] = (metres, seconds)
        return self._cache[mode]
