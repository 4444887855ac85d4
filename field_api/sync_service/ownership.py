"""Which work items are a device's, and moving them to `dispatched` when they reach it.

A device writes only to its crew's items: those assigned to the crew now, and those that were in
one of the crew's batches (an item cancelled or moved away while the phone was offline was still
its item when the work was done, and the outcome is recorded as it happened, DESIGN rule 6).
Publishing leaves items `planned`; they become `dispatched` when the crew's device first gets them.

A crew member moved to another crew takes their devices along: from the move on they download and
are given work for the new crew only. What the old crew had before the move (on its batches, or
given to it) the phone may still hold, done offline and not yet sent: its records are recorded as
they happened, as for an item moved away. The device's clock cannot tell work done before the move
from work done after it, so the line is what the server knew: work the old crew got after the move
was never on the phone, and is not the device's. New work such a record raises goes to the crew
that holds the item, the old one, or, if the office left the item to no crew, to the crew that
held it last, if it can take it (`effects._taker`), before the member's new crew.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable, Sequence

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from field_api.changes import set_source
from field_api.list_params import in_list
from field_api.models import Batch, ChangeLog, Device, PlanStop, WorkEvent, WorkItem
from field_api.work.items import change_status

from .prebuilt import prebuilt


def owned_by(crew_id, former: Sequence[tuple[int, datetime]] = ()):
    """The condition on WorkItem that the item is the crew's (see the module docstring); `crew_id`
    is a value or a bound parameter. `former` holds the crews the device's member left, each with
    when (`moves`, `former_of`): their items from before then are the device's too."""
    in_batches = (select(PlanStop.work_item_id).join(Batch, Batch.route_id == PlanStop.route_id)
                  .where(Batch.crew_id == crew_id))
    owned = [WorkItem.assigned_crew_id == crew_id, WorkItem.id.in_(in_batches)]
    for old_crew, left_at in former:
        # Every event of an item names the crew it belonged to then: one before the move was the old crew's.
        owned.append(WorkItem.id.in_(select(WorkEvent.work_item_id).where(WorkEvent.crew_id == old_crew,
                                                                          WorkEvent.at <= left_at)))
        owned.append(WorkItem.id.in_(
            select(PlanStop.work_item_id).join(Batch, Batch.route_id == PlanStop.route_id)
            .where(Batch.crew_id == old_crew, Batch.published_at <= left_at)))
    return or_(*owned)


@prebuilt
def moves(dialect: str):
    """The crews the member of device :device_id left, and when, from the change log (`former_of`)."""
    return (select(ChangeLog.old_value, ChangeLog.changed_at)
            .join(Device, Device.crew_member_id == ChangeLog.entity_id)
            .where(Device.id == bindparam("device_id"), ChangeLog.entity == "crew_member",
                   ChangeLog.field == "crew_id", ChangeLog.old_value.isnot(None))
            .order_by(ChangeLog.id))


def former_of(rows) -> tuple[tuple[int, datetime], ...]:
    """The rows of `moves` as `owned_by` takes them."""
    return tuple((int(old), at) for old, at in rows)


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
