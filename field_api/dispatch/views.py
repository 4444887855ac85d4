"""How plans read in the API: routes as GeoJSON LineStrings with their stops and ETAs."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from field_api.geo import to_geojson
from field_api.models import Batch, Crew, DispatchPlan, Premise, PlanRoute, WorkItem

from .inputs import DispatchError


def plan_view(session: Session, plan: DispatchPlan, with_routes: bool = True) -> dict:
    view = {"id": plan.id, "service_date": plan.service_date, "status": plan.status,
            "created_by": plan.created_by, "published_at": plan.published_at, "replan_of_id": plan.replan_of_id,
            "summary": plan.summary, "version": plan.version}
    if not with_routes:
        return view
    routes = session.scalars(select(PlanRoute).where(PlanRoute.plan_id == plan.id).order_by(PlanRoute.id)).all()
    names = dict(session.execute(select(Crew.id, Crew.name).where(Crew.id.in_([r.crew_id for r in routes]))).all())
    view["routes"] = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": to_geojson(route.geom),
        "properties": {
            "crew_id": route.crew_id, "crew_name": names.get(route.crew_id), "distance_m": route.distance_m,
            "travel_s": route.travel_s, "start_at": route.start_at.isoformat(), "end_at": route.end_at.isoformat(),
            "value": route.value,
            "stops": [{"seq": s.seq, "work_item_id": s.work_item_id, "eta": s.eta.isoformat(),
                       "start_at": s.start_at.isoformat(), "departure": s.departure.isoformat()}
                      for s in route.stops],
        }} for route in routes]}
    batches = session.execute(select(Batch).join(PlanRoute, Batch.route_id == PlanRoute.id)
                              .where(PlanRoute.plan_id == plan.id).order_by(Batch.id)).scalars()
    view["batches"] = [{"id": b.id, "crew_id": b.crew_id, "service_date": b.service_date.isoformat(),
                        "published_at": b.published_at.isoformat(),
                        "superseded_at": b.superseded_at.isoformat() if b.superseded_at else None}
                       for b in batches]
    return view


def select_work(session: Session, selection: dict) -> list[int]:
    """Open, unplanned work matching a selection, most valuable first."""
    query = (select(WorkItem.id).outerjoin(Premise, WorkItem.premise_id == Premise.id)
             .where(WorkItem.status == "pending"))
    if selection.get("types"):
        query = query.where(WorkItem.type.in_(selection["types"]))
    if selection.get("sector"):
        query = query.where(Premise.sector_id == selection["sector"])
    if selection.get("due_before"):
        query = query.where(WorkItem.due_date < selection["due_before"])
    ids = list(session.scalars(query.order_by(WorkItem.priority_value.desc(), WorkItem.id).limit(selection["limit"])))
    if not ids:
        raise DispatchError("No pending work matches the selection.")
    return ids


