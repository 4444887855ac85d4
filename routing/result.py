"""Planner output: ordered routes with times, unassigned stops with reasons, GeoJSON export.

All times are integer seconds since midnight of the planning day; distances are metres.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from shapely.geometry import LineString, mapping

from routing.model import Reason


def clock(seconds: int) -> str:
    """Seconds since midnight as HH:MM:SS, for people."""
    h, rest = divmod(int(seconds), 3600)
    return f"{h:02d}:{rest // 60:02d}:{rest % 60:02d}"


@dataclass(frozen=True)
class PlannedStop:
    stop_id: str
    lon: float
    lat: float
    eta_s: int  # arrival
    start_s: int  # service starts (later than eta_s when waiting for a window)
    departure_s: int  # service ends and the crew leaves


@dataclass(frozen=True)
class CrewRoute:
    """One crew's day: leave `start` at `start_s`, visit `stops` in order, reach `end` at `end_s`."""

    crew_id: str
    start: tuple[float, float]
    end: tuple[float, float]
    start_s: int
    end_s: int
    stops: tuple[PlannedStop, ...]
    distance_m: int
    travel_s: int  # time spent moving; duration_s also counts service and waiting
    value: float

    @property
    def duration_s(self) -> int:
        return self.end_s - self.start_s

    @property
    def stop_ids(self) -> list[str]:
        return [s.stop_id for s in self.stops]

    def geometry(self) -> LineString:
        """Straight legs start → stops → end, in (lon, lat); a road geometry needs a router."""
        coords = [self.start, *((s.lon, s.lat) for s in self.stops), self.end]
        return LineString(coords)

    def to_geojson(self) -> dict:
        return {
            "type": "Feature",
            "geometry": mapping(self.geometry()),
            "properties": {
                "crew_id": self.crew_id,
                "stop_ids": self.stop_ids,
                "etas": [clock(s.eta_s) for s in self.stops],
                "distance_m": self.distance_m,
                "duration_s": self.duration_s,
                "travel_s": self.travel_s,
                "value": self.value,
            },
        }


@dataclass(frozen=True)
class Unassigned:
    stop_id: str
    reason: Reason


@dataclass(frozen=True)
class Plan:
    routes: tuple[CrewRoute, ...]
    unassigned: tuple[Unassigned, ...]
    pesos_per_crew_hour: float
    runtime_s: float = 0.0
    iterations: int = 0
    # Stops each crew finished before this plan was made (re-plans); they count against
    # max_stops in the next re-plan.
    done: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    stats: dict = field(default_factory=dict, compare=False)

    @property
    def value(self) -> float:
        return sum(r.value for r in self.routes)

    @property
    def travel_s(self) -> int:
        return sum(r.travel_s for r in self.routes)

    @property
    def score(self) -> float:
        """The objective: pesos collected minus the priced crew travel time."""
        return self.value - self.pesos_per_crew_hour * self.travel_s / 3600

    def route_of(self, crew_id: str) -> CrewRoute:
        for route in self.routes:
            if route.crew_id == crew_id:
                return route
        raise KeyError(crew_id)

    def to_geojson(self) -> dict:
        """A FeatureCollection (RFC 7946, [lon, lat]) with one LineString per crew."""
        return {"type": "FeatureCollection", "features": [r.to_geojson() for r in self.routes]}
