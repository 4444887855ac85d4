"""Re-plan the rest of a published day: done and cancelled work drops out, fixed stops stay first
on their crew, new urgent work joins, and the search starts from the published routes."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from routing.replan import replan as run_replan
from routing.result import CrewRoute, Plan, PlannedStop

from field_api.models import Crew, DispatchPlan, PlanRoute, WorkItem
from field_api.models.base import as_utc

from .inputs import Day, DispatchError, crew_skills
from .plans import make_plan
from .publish import PlanStateError


def replan(session: Session, plan: DispatchPlan, now: datetime, add_ids: list[int], fixed_ids: list[int],
           time_budget_s: float, actor: str, timezone_name: str) -> DispatchPlan:
    if plan.status != "published":
        raise PlanStateError(f"Plan {plan.id} is {plan.status}; re-plan a published plan.")
    day = Day(plan.service_date, ZoneInfo(timezone_name))
    routes = session.scalars(select(PlanRoute).where(PlanRoute.plan_id == plan.id).order_by(PlanRoute.id)).all()
    on_route = {stop.work_item_id: route.crew_id for route in routes for stop in route.stops}
    if unknown := sorted(set(fixed_ids) - set(on_route)):
        raise DispatchError(f"Fixed work items {', '.join(map(str, unknown))} are not on plan {plan.id}.")
    status = dict(session.execute(select(WorkItem.id, WorkItem.status).where(WorkItem.id.in_(on_route))).all())
    done = [str(i) for i, s in status.items() if s in ("done", "failed")]
    cancelled = [str(i) for i, s in status.items() if s == "cancelled"]
    fixed: dict[str, list[str]] = {}
    for route in routes:  # fixed stops keep their published order on their crew
        ids = [str(s.work_item_id) for s in route.stops if s.work_item_id in set(fixed_ids)]
        if ids:
            fixed[str(route.crew_id)] = ids
    previous = _as_routing_plan(plan, routes, day)
    now_min = _minutes_into(day, now, plan)
    base_ids = sorted(on_route)
    new_ids = [i for i in add_ids if i not in on_route]
    if not new_ids and len(done) + len(cancelled) == len(on_route):
        raise PlanStateError(f"Nothing is left to re-plan on plan {plan.id}: all its {len(on_route)} stops are "
                             "done or cancelled, and no work was added.")

    def planner(request):
        base = [s for s in request.stops if int(s.id) in on_route]
        extra = [s for s in request.stops if int(s.id) not in on_route]
        present = {s.id for s in base}  # an item refused before planning is nobody's stop
        return run_replan(replace(request, stops=tuple(base)), previous, now_min,
                          done=[i for i in done if i in present], cancelled=[i for i in cancelled if i in present],
                          fixed={c: [i for i in ids if i in present] for c, ids in fixed.items()},
                          new_stops=extra)

    crew_ids = sorted({route.crew_id for route in routes})
    skills = crew_skills(session, crew_ids)
    crews = session.execute(select(Crew.id, Crew.name, Crew.active).where(Crew.id.in_(crew_ids)).order_by(Crew.id))
    if gone := [f"{c.id} ({c.name}, {'with no active members' if c.active else 'disbanded'})"
                for c in crews if not c.active or not skills[c.id]]:
        raise DispatchError(f"Plan {plan.id} has routes of crews that can no longer be planned: {', '.join(gone)}. "
                            f"A re-plan keeps the plan's crews; make a new plan for {plan.service_date} instead.")
    return make_plan(session, plan.service_date, base_ids + new_ids, crew_ids, time_budget_s,
                     plan.pesos_per_crew_hour, actor, timezone_name, replan_of=plan, planner=planner,
                     any_status=set(on_route))


def _minutes_into(day: Day, now: datetime, plan: DispatchPlan) -> float:
    """Minutes from the day's midnight to `now`; before the day nothing is done yet, so it starts at 0."""
    minutes = day.minutes(now)
    if minutes >= 24 * 60:
        local = as_utc(now).astimezone(day.tz)
        raise DispatchError(f"now ({local:%Y-%m-%d %H:%M} local time) is after plan {plan.id}'s day, "
                            f"{plan.service_date}; make a new plan for another day.")
    return max(minutes, 0.0)


def _as_routing_plan(plan: DispatchPlan, routes: list[PlanRoute], day: Day) -> Plan:
    """The published routes as the planner's Plan, for the warm start and the stops already done."""
    def seconds(moment):
        return int(round(day.minutes(moment) * 60))

    crew_routes = []
    for route in routes:
        line = list(to_shape(route.geom).coords)
        stops = tuple(PlannedStop(str(s.work_item_id), *line[i + 1], seconds(s.eta), seconds(s.start_at),
                                  seconds(s.departure)) for i, s in enumerate(route.stops))
        crew_routes.append(CrewRoute(str(route.crew_id), line[0], line[-1], seconds(route.start_at),
                                     seconds(route.end_at), stops, route.distance_m, route.travel_s, route.value))
    return Plan(tuple(crew_routes), (), plan.pesos_per_crew_hour)
