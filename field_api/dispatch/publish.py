"""Publish a draft plan: one batch per crew, work items planned and assigned, old batches retired.

Completed work is never touched; open work that fell out of the new plan goes back to pending,
and every move is a WorkEvent, so the devices of both the old and the new crew hear of it.
"""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from field_api.db import locked
from field_api.domain.work_items import OPEN_STATUSES
from field_api.models import Batch, Crew, DispatchPlan, PlanRoute, PlanStop, WorkItem
from field_api.models.base import utcnow
from field_api.work.items import change_status, reassign

from .crews import lock_crews
from .inputs import crew_skills


class PlanStateError(Exception):
    """The plan is not in a state that allows this (e.g. publishing twice)."""


def publish(session: Session, plan: DispatchPlan, actor: str) -> list[Batch]:
    # The plan, then its crews, locked and read afresh: of two publishes of one plan the second sees
    # it published, and of two plans for the same crews and day the second sees the first's batches
    # (refused if it was drafted before them, else it retires them).
    session.scalar(locked(select(DispatchPlan).where(DispatchPlan.id == plan.id)))
    if plan.status != "draft":
        raise PlanStateError(f"Plan {plan.id} is {plan.status}; only a draft can be published.")
    now = utcnow()
    routes = session.scalars(select(PlanRoute).where(PlanRoute.plan_id == plan.id)).all()
    crews = {route.crew_id for route in routes}
    lock_crews(session, crews)
    planned_ids = {stop.work_item_id: route.crew_id for route in routes for stop in route.stops}
    _refuse_if_crews_changed(session, plan, planned_ids)
    _refuse_if_overtaken(session, plan, crews, set(planned_ids))
    _retire(session, plan, crews, set(planned_ids), actor, now)
    for item in session.scalars(select(WorkItem).where(WorkItem.id.in_(planned_ids)).order_by(WorkItem.id)):
        crew_id = planned_ids[item.id]
        if item.status not in OPEN_STATUSES:
            continue  # finished while the plan was a draft: leave it as the field left it
        if item.assigned_crew_id != crew_id:
            reassign(session, item, crew_id, actor, f"plan {plan.id}")
        if item.status == "pending":
            change_status(session, item, "planned", actor, f"plan {plan.id}")
    batches = [Batch(route_id=route.id, crew_id=route.crew_id, service_date=plan.service_date, published_at=now)
               for route in routes]
    session.add_all(batches)
    plan.status, plan.published_at = "published", now
    session.flush()
    return batches


def discard(session: Session, plan: DispatchPlan) -> None:
    """Set a draft aside for good: it stays listed, but can no longer be published."""
    session.scalar(locked(select(DispatchPlan).where(DispatchPlan.id == plan.id)))
    if plan.status != "draft":
        raise PlanStateError(f"Plan {plan.id} is {plan.status}; only a draft can be discarded.")
    plan.status = "discarded"
    session.flush()


def _refuse_if_crews_changed(session: Session, plan: DispatchPlan, planned: dict[int, int]) -> None:
    """Crews change after a draft is made: one disbanded, or a member moved or taken off with a skill
    that the draft's open stops of that crew need. Such a draft is refused, not published half-right."""
    crews = {c.id: c for c in session.scalars(select(Crew).where(Crew.id.in_(sorted(set(planned.values())))))}
    if gone := [c for _, c in sorted(crews.items()) if not c.active]:
        names = ", ".join(f"{c.id} ({c.name})" for c in gone)
        raise PlanStateError(f"Plan {plan.id} has routes of crews disbanded after it was drafted: {names}; make a "
                             "new plan instead.")
    skills = crew_skills(session, sorted(crews))
    lacking: dict[tuple[int, str], list[int]] = {}
    for item_id, skill in session.execute(select(WorkItem.id, WorkItem.required_skill).where(
            WorkItem.id.in_(sorted(planned)), WorkItem.status.in_(OPEN_STATUSES)).order_by(WorkItem.id)):
        if skill not in skills[planned[item_id]]:
            lacking.setdefault((planned[item_id], skill), []).append(item_id)
    if lacking:
        found = "; ".join(f"crew {crew_id} ({crews[crew_id].name}) no longer has '{skill}' for work items "
                          f"{', '.join(map(str, ids))}" for (crew_id, skill), ids in sorted(lacking.items()))
        raise PlanStateError(f"The crews of plan {plan.id} changed after it was drafted: {found}. Make a new plan "
                             "with the crews as they are now.")


def _refuse_if_overtaken(session: Session, plan: DispatchPlan, crews: set[int], items: set[int]) -> None:
    """A draft made before another plan of its day was published, for some of the same crews or work,
    was planned on a state that no longer holds: publishing it would quietly undo the newer plan."""
    shares_work = PlanRoute.id.in_(select(PlanStop.route_id).where(PlanStop.work_item_id.in_(sorted(items))))
    newer = session.execute(
        select(DispatchPlan.id, Batch.published_at).join(PlanRoute, PlanRoute.plan_id == DispatchPlan.id)
        .join(Batch, Batch.route_id == PlanRoute.id)
        .where(DispatchPlan.service_date == plan.service_date, DispatchPlan.id != plan.id,
               Batch.published_at > plan.created_at, or_(PlanRoute.crew_id.in_(sorted(crews)), shares_work))
        .order_by(Batch.published_at.desc()).limit(1)).first()
    if newer is not None:
        raise PlanStateError(
            f"Plan {newer.id} was published for {plan.service_date} after plan {plan.id} was drafted, and "
            f"shares crews or work with it; re-plan plan {newer.id} or make a new plan instead.")


def _retire(session: Session, plan: DispatchPlan, crews: set[int], keep: set[int], actor: str, now) -> None:
    """Supersede the same day's active batches of these crews; unplan their open items left out."""
    old = session.scalars(select(Batch).where(Batch.service_date == plan.service_date, Batch.crew_id.in_(crews),
                                              Batch.superseded_at.is_(None))).all()
    for batch in old:
        batch.superseded_at = now
        item_ids = session.scalars(select(PlanStop.work_item_id).where(PlanStop.route_id == batch.route_id))
        for item in session.scalars(select(WorkItem).where(WorkItem.id.in_(list(item_ids)))):
            if item.id in keep or item.status not in ("planned", "dispatched"):
                continue
            reason = f"fuera del plan {plan.id}"
            if item.status == "dispatched":
                change_status(session, item, "planned", actor, reason)
            change_status(session, item, "pending", actor, reason)
            reassign(session, item, None, actor, reason)
    for old_plan in session.scalars(select(DispatchPlan).where(
            DispatchPlan.service_date == plan.service_date, DispatchPlan.status == "published",
            DispatchPlan.id != plan.id)):
        active = session.scalar(select(Batch.id).join(PlanRoute, Batch.route_id == PlanRoute.id).where(
            PlanRoute.plan_id == old_plan.id, Batch.superseded_at.is_(None)))
        if active is None:
            old_plan.status = "superseded"
