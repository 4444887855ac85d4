"""Which work items are a device's, and moving them to `dispatched` when they reach it.

A device writes only to its crew's items: those assigned to the crew now, and those that were in
one of the crew's batches (an item cancelled or moved away while the phone was offline was still
its item when the work was done, and the outcome is recorded as it happened, DESIGN rule 6).
Publishing leaves items `planned`; they become `dispatched` when the crew's device first gets them.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from field_api.changes import set_source
from field_api.list_params import in_list
from field_api.models import Batch, PlanStop, WorkItem
from field_api.work.items import change_status

from .prebuilt import prebuilt


def owned_by(crew_id):
    """The condition on WorkItem that the item is the crew's (see the module docstring); `crew_id`
    is a value or a bound parameter."""
    in_batches = (select(PlanStop.work_item_id).join(Batch, Batch.route_id == PlanStop.route_id)
                  .where(Batch.crew_id == crew_id))
    return or_(WorkItem.assigned_crew_id == crew_id, WorkItem.id.in_(in_batches))


@prebuilt
def waiting(dialect: str):
    """The crew's items among :ids still pending or planned, locked."""
    return (select(WorkItem.id).where(in_list(WorkItem.id, "ids", dialect),
                                      WorkItem.assigned_crew_id == bindparam("crew_id"),
                                      WorkItem.status.in_(("pending", "planned")))
            .order_by(WorkItem.id).with_for_update())


def dispatch_on_contact(session: Session, crew_id: int | None, item_ids: Iterable[int], actor: str) -> list[int]:
    """Move the crew's pending or planned items among `item_ids` to dispatched; returns their ids."""
    ids = sorted({int(i) for i in item_ids})
    if crew_id is None or not ids:
        return []
    conn = session.connection()  # mostly none wait: a cheap Core query first, the ORM only for those
    return dispatch_waiting(session, conn.execute(waiting(conn), {"ids": ids, "crew_id": crew_id}).scalars().all(),
                            actor)


def dispatch_waiting(session: Session, item_ids: list[int], actor: str) -> list[int]:
    """Move the items `item_ids` (found by `waiting`) to dispatched; returns their ids."""
    if not item_ids:
        return []
    moved = []
    set_source(session, "system", actor)
    for item in session.scalars(select(WorkItem).where(WorkItem.id.in_(item_ids), WorkItem.status.in_(
            ("pending", "planned"))).order_by(WorkItem.id)):
        if item.status == "pending":
            change_status(session, item, "planned", actor, "entregado al dispositivo")
        change_status(session, item, "dispatched", actor, "entregado al dispositivo")
        moved.append(item.id)
    if moved:
        session.flush()
    return moved
