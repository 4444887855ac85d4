"""Plan a day: call the planner, store the routes as a draft, summarise for the dispatcher."""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from routing.model import PlanningError, PlanRequest
from routing.planner import plan as run_planner
from routing.result import Plan

from field_api.geo import to_element
from field_api.models import DispatchPlan, PlanRoute, PlanStop
from field_api.work.calendar import missing_calendar_warning, policy_calendar
from field_api.work.policy import get_policy

from .inputs import Day, DispatchError, load_crews, load_stops


def make_plan(session: Session, service_date: date, work_item_ids: list[int], crew_ids: list[int] | None,
              time_budget_s: float, pesos_per_crew_hour: float, actor: str, timezone: str,
              replan_of: DispatchPlan | None = None, planner=None,
              any_status: set[int] = frozenset()) -> DispatchPlan:
    """Plan and store a draft; `planner` (request -> routing Plan) lets a re-plan warm-start."""
    day = Day(service_date, ZoneInfo(timezone))
    policy = get_policy(session)
    calendar = policy_calendar(session, policy, service_date, timezone)
    crews, _ = load_crews(session, crew_ids)
    stops, refused = load_stops(session, work_item_ids, day, calendar, any_status)
    if not stops:
        reasons = "; ".join(f"{r['work_item_id']}: {r['reason']}" for r in refused)
        raise DispatchError(f"None of the selected work can be planned on {service_date}: {reasons}.")
    request = PlanRequest(stops=stops, crews=crews, time_budget_s=time_budget_s,
                          pesos_per_crew_hour=pesos_per_crew_hour)
    try:
        result = (planner or run_planner)(request)
    except PlanningError as exc:
        raise DispatchError(str(exc)) from None
    row = DispatchPlan(service_date=service_date, status="draft", time_budget_s=time_budget_s,
                       pesos_per_crew_hour=pesos_per_crew_hour, created_by=actor, replan_of_id=
                       replan_of.id if replan_of else None,
                       summary={**summary(result, refused, request),
                                "warnings": _warnings(session, policy, service_date)})
    session.add(row)
    session.flush()
    store_routes(session, row, result, day)
    return row


def _warnings(session: Session, policy, service_date: date) -> list[str]:
    """What the dispatcher should check before publishing: notices are served on business days only."""
    return missing_calendar_warning(session, policy, [service_date.year], "el plan", "vuelva a planear")


def store_routes(session: Session, row: DispatchPlan, result: Plan, day: Day) -> None:
    for route in result.routes:
        if not route.stops:
            continue
        stored = PlanRoute(plan_id=row.id, crew_id=int(route.crew_id), geom=to_element(route.geometry()),
                           start_at=day.at(route.start_s), end_at=day.at(route.end_s),
                           distance_m=route.distance_m, travel_s=route.travel_s, value=route.value)
        session.add(stored)
        session.flush()
        session.add_all(PlanStop(route_id=stored.id, work_item_id=int(stop.stop_id), seq=seq,
                                 eta=day.at(stop.eta_s), start_at=day.at(stop.start_s),
                                 departure=day.at(stop.departure_s))
                        for seq, stop in enumerate(route.stops, start=1))
    session.flush()


def summary(result: Plan, refused: list[dict], request: PlanRequest) -> dict:
    value_in = sum(stop.value for stop in request.stops)
    used = [r for r in result.routes if r.stops]
    return {
        "stops_planned": sum(len(r.stops) for r in used),
        "value_covered": round(result.value, 2),
        "value_offered": round(value_in, 2),
        "km": round(sum(r.distance_m for r in used) / 1000, 2),
        "travel_hours": round(result.travel_s / 3600, 2),
        "crew_hours": round(sum(r.duration_s for r in used) / 3600, 2),
        "crews_used": len(used),
        "score": round(result.score, 2),
        "unassigned": refused + [{"work_item_id": int(u.stop_id), "reason": u.reason.value}
                                 for u in result.unassigned],
    }
