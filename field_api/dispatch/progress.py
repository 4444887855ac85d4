"""How a published day is going, as the crews' devices sync: per crew and per stop, read from the
work items' statuses, the field records that came in and the devices' contacts. A fixed number of
queries, whatever the plan's size."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from field_api.domain.work_items import OPEN_STATUSES
from field_api.models import (
    Batch, Crew, CrewMember, Device, DeviceContact, DispatchPlan, FieldRecord, PlanRoute, PlanStop, SyncUpload,
    WorkItem,
)
from field_api.sync_service.contact import first_deliveries, latest, latest_of_crews
from field_api.work.reports import crew_at

from .publish import PlanStateError

# Records that tell of a visit: an accepted one, or one whose corrections wait for review.
VISIT_STATUSES = ("accepted", "conflict")
COUNTED = ("done", "failed", "cancelled", "open", "moved", "late")


def stop_state(status: str, assigned_crew_id: int | None, crew_id: int, departure: datetime, now: datetime,
               visited: bool) -> str:
    """What became of a crew's stop: the item's final status if the crew's own record set it, or if
    the item is still the crew's; `moved` once it was reassigned to another crew; while open, `late`
    after its planned departure, else `open`."""
    final = status not in OPEN_STATUSES
    if final and visited:  # a phone offline when the item was reassigned did it anyway
        return status
    if assigned_crew_id != crew_id:
        return "moved"
    if final:
        return status
    return "late" if now > departure else "open"


def plan_progress(session: Session, plan: DispatchPlan, now: datetime) -> dict:
    if plan.status not in ("published", "superseded"):
        raise PlanStateError(f"Plan {plan.id} is {plan.status}: its progress is followed once it is published.")
    stops = session.execute(
        select(PlanRoute.crew_id, Crew.name, Batch.id, PlanStop.seq, PlanStop.work_item_id, PlanStop.eta,
               PlanStop.departure, WorkItem.type, WorkItem.status, WorkItem.assigned_crew_id)
        .join(Crew, Crew.id == PlanRoute.crew_id).join(PlanStop, PlanStop.route_id == PlanRoute.id)
        .join(WorkItem, WorkItem.id == PlanStop.work_item_id).outerjoin(Batch, Batch.route_id == PlanRoute.id)
        .where(PlanRoute.plan_id == plan.id).order_by(PlanRoute.crew_id, PlanStop.seq)).all()
    plan_items = select(PlanStop.work_item_id).join(PlanRoute, PlanRoute.id == PlanStop.route_id).where(
        PlanRoute.plan_id == plan.id)
    # (item id, crew id): the latest visit of the crew to the item (field time, lon, lat, accuracy),
    # credited to the crew the device's member was in when the record came (a move changes no past).
    visits: dict[tuple[int, int], tuple] = {}
    if stops:
        for item_id, crew_id, at, lon, lat, accuracy in session.execute(
                select(FieldRecord.work_item_id, crew_at(FieldRecord.received_at), FieldRecord.captured_at_server,
                       FieldRecord.gps_lon, FieldRecord.gps_lat, FieldRecord.gps_accuracy_m)
                .join(Device, Device.id == FieldRecord.device_id)
                .join(CrewMember, CrewMember.id == Device.crew_member_id)
                .where(FieldRecord.work_item_id.in_(plan_items), FieldRecord.status.in_(VISIT_STATUSES),
                       FieldRecord.captured_at_server.isnot(None))):
            key = (item_id, crew_id)
            if key not in visits or at > visits[key][0]:
                visits[key] = (at, lon, lat, accuracy)
    crew_ids = sorted({s.crew_id for s in stops})
    last_sync = latest_of_crews(session, crew_ids, SyncUpload.received_at) if crew_ids else {}
    contacts = latest_of_crews(session, crew_ids, DeviceContact.last_seen_at) if crew_ids else {}
    downloaded = first_deliveries(session, sorted({s.id for s in stops if s.id is not None}))
    crews: dict[int, dict] = {}
    for s in stops:
        crew = crews.setdefault(s.crew_id, {
            "crew_id": s.crew_id, "crew_name": s.name, "batch_id": s.id, "counts": dict.fromkeys(COUNTED, 0),
            "last_sync_at": last_sync.get(s.crew_id), "last_seen_at": latest(contacts.get(s.crew_id), last_sync.get(s.crew_id)),
            "downloaded_at": downloaded.get(s.id), "last_fix": None, "stops": []})
        visit = visits.get((s.work_item_id, s.crew_id))
        state = stop_state(s.status, s.assigned_crew_id, s.crew_id, s.departure, now, visit is not None)
        crew["counts"][state] += 1
        crew["stops"].append({"seq": s.seq, "work_item_id": s.work_item_id, "type": s.type, "eta": s.eta,
                              "state": state, "visited_at": visit[0] if visit else None})
        if visit and visit[1] is not None and (crew["last_fix"] is None or visit[0] > crew["last_fix"]["at"]):
            crew["last_fix"] = {"at": visit[0], "work_item_id": s.work_item_id, "accuracy_m": visit[3],
                                "point": {"type": "Point", "coordinates": [visit[1], visit[2]]}}
    totals = dict.fromkeys(COUNTED, 0)
    for crew in crews.values():
        for name, n in crew["counts"].items():
            totals[name] += n
    return {"plan_id": plan.id, "service_date": plan.service_date, "status": plan.status, "as_of": now,
            "totals": totals, "crews": list(crews.values())}
