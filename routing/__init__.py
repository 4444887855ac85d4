"""Pure route planning: stops, crews and a travel model in, ordered routes out.

No Flask, no SQLAlchemy (a test enforces it). Entry points: `plan` for the morning plan,
`replan` during the day. Times in are minutes since midnight; times out are seconds.
"""
from routing.model import Crew, PlanningError, PlanRequest, Reason, Stop
from routing.planner import plan
from routing.replan import replan
from routing.result import CrewRoute, Plan, PlannedStop, Unassigned, clock
from routing.travel import HaversineTravel, MatrixTravel, TravelModel

__all__ = [
    "Crew", "CrewRoute", "HaversineTravel", "MatrixTravel", "Plan", "PlanRequest", "PlannedStop",
    "PlanningError", "Reason", "Stop", "TravelModel", "Unassigned", "clock", "plan", "replan",
]
