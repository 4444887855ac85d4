"""Planner inputs: plain frozen dataclasses, no behaviour beyond unit conversion.

Time convention: every clock time given to the planner (stop windows, shifts, the "now" of a
re-plan) is in **minutes since midnight** of the planning day, as an int or a float
(10:00 is 600, 10:30:30 is 630.5). Service is in minutes too. The planner converts them once
to integer seconds (`to_seconds`) and works in seconds from there on; every time it returns is
in seconds since midnight (`*_s` fields).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from routing.travel import TravelModel

TRAVEL_MODES = ("walk", "drive")


class PlanningError(ValueError):
    """Bad planning input or an unservable required stop; the message names the item."""


class Reason(str, Enum):
    """Why a stop was left out of every route."""

    NO_SKILL = "no crew has the skill"
    UNREACHABLE = "time window cannot be reached"
    CAPACITY_AND_VALUE = "capacity and value"


def to_seconds(minutes: float) -> int:
    """Minutes (since midnight, or a length) to whole seconds; the only place times round."""
    return int(round(minutes * 60))


@dataclass(frozen=True)
class Stop:
    """One piece of field work at one place.

    `window_start_min`/`window_end_min` bound the *start of service* (a summons at 10:00–10:30
    means the notifier must begin between those minutes; waiting for the window is allowed).
    `value` is in pesos (e.g. the debt a cut puts pressure on); `required` stops must be planned
    (legal follow-ups, urgent reconnections) and planning fails loudly if they cannot be.
    """

    id: str
    lon: float
    lat: float
    required_skill: str
    service_minutes: float = 10.0
    window_start_min: float | None = None
    window_end_min: float | None = None
    value: float = 0.0
    required: bool = False

    @property
    def has_window(self) -> bool:
        return self.window_start_min is not None or self.window_end_min is not None


@dataclass(frozen=True)
class Crew:
    """A crew with its skills, depots, shift (minutes since midnight) and a stop limit."""

    id: str
    skills: frozenset[str]
    start_lon: float
    start_lat: float
    end_lon: float
    end_lat: float
    shift_start_min: float = 8 * 60
    shift_end_min: float = 16 * 60
    max_stops: int = 40
    travel_mode: str = "walk"


def _default_travel() -> "TravelModel":
    from routing.travel import HaversineTravel

    return HaversineTravel()


@dataclass(frozen=True)
class PlanRequest:
    """Everything one planning run needs.

    `time_budget_s` is wall-clock seconds for the whole planning call (validation and model
    building included), not only for the search.

    Objective: maximise  sum(value of visited stops) - pesos_per_crew_hour * travel hours,
    where travel hours are the crews' time spent moving between places (service and waiting
    are not charged: they are the same whoever visits). Required stops are constraints, not
    part of the trade-off.
    """

    stops: tuple[Stop, ...]
    crews: tuple[Crew, ...]
    travel: "TravelModel" = field(default_factory=_default_travel)
    time_budget_s: float = 10.0
    seed: int = 0
    pesos_per_crew_hour: float = 300.0

    def __post_init__(self):
        # Accept lists but keep the request hashable and immutable.
        object.__setattr__(self, "stops", tuple(self.stops))
        object.__setattr__(self, "crews", tuple(self.crews))
