"""The review queue: corrections that did not apply by themselves, decided by the office.

Accepting writes the crew's value only over the value the reviewer was shown; if the registry
moved meanwhile, the item stays open with the new value and the office looks again
(`sync.merge.resolve`). Every decision raises the item's version and is in the audit trail.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from field_api.changes import set_source
from field_api.db import locked
from field_api.models import Account, FieldRecord, Meter, Premise, ReviewItem
from field_api.models.base import utcnow
from sync.merge import MISSING, Applied, Conflict, resolve

from .loading import conflict_of

MODELS = {"premise": Premise, "account": Account, "meter": Meter}


class ReviewMoved(Exception):
    """The registry changed while the item was under review; it is open again with the new value."""


class ReviewClosed(Exception):
    """The item was already decided."""


def review_view(review: ReviewItem, record: FieldRecord) -> dict:
    return {
        "id": review.id, "record_id": review.record_id, "client_uuid": record.client_uuid,
        "device_id": record.device_id, "work_item_id": record.work_item_id, "entity": review.entity,
        "entity_id": review.entity_id, "field": review.field, "seen": review.seen.get("value"),
        "new": review.new.get("value"), "current": (review.current or {}).get("value"),
        "current_missing": "value" not in (review.current or {}), "current_version": review.current_version,
        "kind": review.kind, "reason": review.reason, "message": review.message, "status": review.status,
        "resolved_at": review.resolved_at, "resolved_by": review.resolved_by,
        "resolution_note": review.resolution_note, "created_at": review.created_at, "version": review.version,
    }


def lock_for_decision(session: Session, review: ReviewItem) -> None:
    """Lock the item's registry row, then the item, read afresh: the order an upload locks them in
    (`loading`), so that a decision waits for an upload merging that row, and of two decisions sent
    with the same If-Match the second sees the first's version."""
    model = MODELS[review.entity]
    session.scalar(select(model.id).where(model.id == review.entity_id).with_for_update())
    session.scalar(locked(select(ReviewItem).where(ReviewItem.id == review.id)))


def decide(session: Session, review: ReviewItem, accept: bool, actor: str, note: str) -> None:
    if review.status != "open":
        raise ReviewClosed(f"Review {review.id} was already decided ({review.status}).")
    model = MODELS[review.entity]
    row = session.scalar(select(model).where(model.id == review.entity_id).with_for_update())
    current = getattr(row, review.field, MISSING) if row is not None else MISSING
    version = row.version if row is not None else None
    outcome = resolve(conflict_of(review), accept, current, version)
    set_source(session, "office", f"review {review.id}")
    if isinstance(outcome, Conflict):
        review.current = {} if outcome.current is MISSING else {"value": outcome.current}
        review.current_version, review.kind = outcome.version, outcome.kind.value
        review.reason, review.message = outcome.reason, outcome.message
        session.flush()
        raise ReviewMoved(outcome.message)
    if isinstance(outcome, Applied):
        setattr(row, review.field, outcome.new)
    review.status = "accepted" if accept else "kept"
    review.resolved_at, review.resolved_by, review.resolution_note = utcnow(), actor, note
    session.flush()
