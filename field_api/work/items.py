"""Creating work items in bulk, and every later change, each with a WorkEvent: who, when, why."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timezone
from typing import Iterable

from sqlalchemy import insert
from sqlalchemy.orm import Session

from field_api.domain import work_items
from field_api.models import WorkEvent, WorkItem
from field_api.models.base import utcnow

CHUNK = 2000


@dataclass
class NewItem:
    type: str
    subtype: str
    reason: str
    account_id: int | None = None
    premise_id: int | None = None
    priority_value: float = 0.0
    due_date: object = None
    window_start: object = None
    window_end: object = None
    rule: str | None = None
    extra: dict = field(default_factory=dict)


def create_items(session: Session, items: Iterable[NewItem], actor: str, reason: str | None = None) -> list[int]:
    """Insert pending items and their 'created' events; returns the new ids in order."""
    now = utcnow()
    ids: list[int] = []
    batch: list[dict] = []

    def flush():
        if not batch:
            return
        new_ids = session.execute(insert(WorkItem).returning(WorkItem.id, sort_by_parameter_order=True),
                                  batch).scalars().all()
        session.execute(insert(WorkEvent), [
            {"work_item_id": i, "kind": "created", "at": now, "actor": actor, "reason": reason,
             "details": {"type": row["type"], "subtype": row["subtype"]}}
            for i, row in zip(new_ids, batch)
        ])
        ids.extend(new_ids)
        batch.clear()

    for item in items:
        work_items.check_kind(item.type, item.subtype)
        batch.append({
            "type": item.type, "subtype": item.subtype, "account_id": item.account_id,
            "premise_id": item.premise_id, "reason": item.reason, "priority_value": item.priority_value,
            "due_date": item.due_date, "window_start": item.window_start, "window_end": item.window_end,
            "required_skill": work_items.REQUIRED_SKILL[item.type], "status": "pending", "rule": item.rule,
            "created_by": actor, "version": 1, "created_at": now, "updated_at": now,
            "open_key": work_items.open_key(item.type, item.subtype, item.account_id, item.premise_id, "pending"),
            **item.extra,
        })
        if len(batch) >= CHUNK:
            flush()
    flush()
    return ids


def record(session: Session, item: WorkItem, kind: str, actor: str | None, reason: str | None = None,
           **details) -> None:
    session.add(WorkEvent(work_item_id=item.id, kind=kind, at=utcnow(), actor=actor, reason=reason,
                          crew_id=item.assigned_crew_id, details=details or None))


def change_status(session: Session, item: WorkItem, status: str, actor: str, reason: str | None = None) -> None:
    previous = item.status
    item.move_to(status, reason)
    kind = "cancelled" if status == "cancelled" else "status_changed"
    record(session, item, kind, actor, reason, previous=previous, status=status)


def mark_served(session: Session, item: WorkItem, served_at, actor: str) -> None:
    if item.type != "notice":
        raise work_items.InvalidWorkKind(f"Only notices are served; work item {item.id} is a {item.type}.")
    item.served_at = served_at.astimezone(timezone.utc)  # stored in UTC on both backends
    record(session, item, "served", actor, served_at=item.served_at.isoformat())


def reassign(session: Session, item: WorkItem, crew_id: int | None, actor: str, reason: str) -> None:
    if item.status not in work_items.OPEN_STATUSES:
        raise work_items.IllegalTransition(item.status, "reassigned")
    previous = item.assigned_crew_id
    if previous is not None:  # the previous crew's devices must hear that the item left them
        record(session, item, "reassigned", actor, reason, from_crew=previous, to_crew=crew_id)
    item.assigned_crew_id = crew_id
    if crew_id is not None:
        record(session, item, "reassigned", actor, reason, from_crew=previous, to_crew=crew_id)
