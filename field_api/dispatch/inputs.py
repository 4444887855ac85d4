"""From database rows to the planner's plain dataclasses, in the utility's local time.

The planner counts minutes since local midnight of the service date. Windows on another day,
notices on a non-business day and items without a location are refused here, by name.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from routing.model import Crew as RouteCrew
from routing.model import Stop
from sync.business_calendar import BusinessCalendar

from field_api.models import Crew, CrewMember, Premise, Sector, WorkItem
from field_api.models.base import as_utc

# Minutes of work at the door, by type: a notice record takes longer than a verification glance.
SERVICE_MINUTES = {"notice": 12, "cut": 15, "reconnection": 15, "inspection": 20, "verification": 6}
# How far outside the sectors a stop may lie and still belong to the utility, in degrees (~5 km).
AREA_MARGIN_DEG = 0.05


class DispatchError(ValueError):
    """Planning input the office must fix; the message names the item."""


@dataclass(frozen=True)
class Day:
    service_date: date
    tz: ZoneInfo

    @property
    def midnight(self) -> datetime:
        return datetime.combine(self.service_date, time(0), self.tz)

    def minutes(self, moment: datetime) -> float:
        return (as_utc(moment) - self.midnight).total_seconds() / 60

    def at(self, seconds: int) -> datetime:
        return (self.midnight + timedelta(seconds=seconds)).astimezone(timezone.utc)


def minutes_of(t: time) -> float:
    return t.hour * 60 + t.minute + t.second / 60


def load_crews(session: Session, crew_ids: list[int] | None) -> tuple[list[RouteCrew], dict[str, Crew]]:
    """The crews named, or every active crew with members; a disbanded or empty crew named is refused
    by name."""
    query = select(Crew).order_by(Crew.id)
    query = query.where(Crew.id.in_(crew_ids)) if crew_ids else query.where(Crew.active.is_(True))
    crews = session.scalars(query).all()
    if crew_ids and (missing := sorted(set(crew_ids) - {c.id for c in crews})):
        raise DispatchError(f"Unknown crew ids: {', '.join(map(str, missing))}.")
    if inactive := [c for c in crews if not c.active]:
        names = ", ".join(f"{c.id} ({c.name})" for c in inactive)
        raise DispatchError(f"Inactive crews cannot be planned for: {names}. Leave them out, or reactivate them "
                            "first.")
    skills = crew_skills(session, [c.id for c in crews])
    if idle := [c for c in crews if not skills[c.id]]:
        if crew_ids:
            names = ", ".join(f"{c.id} ({c.name})" for c in idle)
            raise DispatchError(f"Crews without an active member with skills cannot be planned for: {names}. Add or "
                                "move members to them, or leave them out.")
        crews = [c for c in crews if skills[c.id]]  # left out, a crew nobody works in is not planned
    if not crews:
        raise DispatchError("There are no active crews with active members to plan for.")
    route_crews = []
    for crew in crews:
        depot = to_shape(crew.depot)
        route_crews.append(RouteCrew(
            id=str(crew.id), skills=frozenset(skills[crew.id]), start_lon=depot.x, start_lat=depot.y,
            end_lon=depot.x, end_lat=depot.y, shift_start_min=minutes_of(crew.shift_start),
            shift_end_min=minutes_of(crew.shift_end), max_stops=crew.max_stops, travel_mode=crew.travel_mode))
    return route_crews, {str(c.id): c for c in crews}


def crew_skills(session: Session, crew_ids: list[int]) -> dict[int, set[str]]:
    """Each crew's skills: the union of its active members' skills."""
    skills: dict[int, set[str]] = {crew_id: set() for crew_id in crew_ids}
    for crew_id, member_skills in session.execute(select(CrewMember.crew_id, CrewMember.skills).where(
            CrewMember.crew_id.in_(sorted(skills)), CrewMember.active.is_(True))):
        skills[crew_id].update(member_skills or [])
    return skills


def load_stops(session: Session, work_item_ids: list[int], day: Day, calendar: BusinessCalendar,
               any_status: set[int] = frozenset()) -> tuple[list[Stop], list[dict]]:
    """Routable stops, and the items refused before planning with the reason why.

    Items in `any_status` (a re-plan's published stops) may be in any state: the re-plan itself
    drops those done or cancelled.
    """
    if not work_item_ids:
        raise DispatchError("The selection is empty: name at least one work item.")
    rows = session.execute(select(WorkItem, Premise).outerjoin(Premise, WorkItem.premise_id == Premise.id)
                           .where(WorkItem.id.in_(work_item_ids))).all()
    if missing := sorted(set(work_item_ids) - {item.id for item, _ in rows}):
        raise DispatchError(f"Unknown work item ids: {', '.join(map(str, missing))}.")
    area = _utility_area(session)
    stops, refused = [], []
    business_day = calendar.is_business_day(day.service_date)
    for item, premise in sorted(rows, key=lambda r: r[0].id):
        if item.status not in ("pending", "planned") and item.id not in any_status:
            raise DispatchError(f"Work item {item.id} is {item.status}; only pending or planned work is planned.")
        if premise is None:
            raise DispatchError(f"Work item {item.id} has no premise, so no location to visit.")
        point = to_shape(premise.geom)
        if area is not None and not (area[0] <= point.x <= area[2] and area[1] <= point.y <= area[3]):
            raise DispatchError(f"Work item {item.id} lies at ({point.x:.5f}, {point.y:.5f}), outside the "
                                "utility's sectors.")
        required = item.subtype == "summons_followup" or item.type == "reconnection"
        window = _window(item, day, calendar)
        reason = (f"{day.service_date} is not a business day" if item.type == "notice" and not business_day
                  else window if isinstance(window, str) else None)
        if reason:
            if required:  # a legal follow-up or an urgent reconnection is never dropped quietly
                raise DispatchError(f"Work item {item.id} must be done but cannot be planned on "
                                    f"{day.service_date}: {reason}.")
            refused.append({"work_item_id": item.id, "reason": reason})
            continue
        stops.append(Stop(id=str(item.id), lon=point.x, lat=point.y, required_skill=item.required_skill,
                          service_minutes=SERVICE_MINUTES[item.type], window_start_min=window[0],
                          window_end_min=window[1], value=float(item.priority_value or 0), required=required))
    return stops, refused


def _window(item: WorkItem, day: Day, calendar: BusinessCalendar):
    """(start, end) in minutes of the service day, clipped to it; notices also to business hours."""
    start = day.minutes(item.window_start) if item.window_start else None
    end = day.minutes(item.window_end) if item.window_end else None
    if (start is not None and start >= 24 * 60) or (end is not None and end <= 0):
        return "time window is on another day"
    start = None if start is None or start <= 0 else start
    end = None if end is None or end >= 24 * 60 else end
    if item.type == "notice":  # personal notices are served in business hours only
        open_min, close_min = minutes_of(calendar.open_time), minutes_of(calendar.close_time)
        start = max(start or open_min, open_min)
        end = min(end or close_min, close_min)
        if start >= end:
            return "time window is outside business hours"
    return start, end


def _utility_area(session: Session):
    """The sectors' bounding box plus a margin; None when no sectors are drawn yet."""
    shapes = [to_shape(geom) for geom in session.scalars(select(Sector.geom))]
    if not shapes:
        return None
    m = AREA_MARGIN_DEG
    return (min(s.bounds[0] for s in shapes) - m, min(s.bounds[1] for s in shapes) - m,
            max(s.bounds[2] for s in shapes) + m, max(s.bounds[3] for s in shapes) + m)
