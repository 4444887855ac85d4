"""The review queue: corrections that did not apply by themselves, decided by the office.

Accepting writes the crew's value only over the value the reviewer was shown; if the registry
moved meanwhile, the item stays open with the new value and the office looks again
(`sync.merge.resolve`). Every decision raises the item's version and is in the audit trail.

An accepted value is a crew's correction applied, as an upload applies one: the other open items
of that field are merged again (`sync.merge.remerge`), so the crew's next edit of the value it
made, waiting in the queue, applies in turn, and the items still open show the value now there.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from field_api.changes import set_source
from field_api.db import locked
from field_api.models import Account, FieldRecord, Meter, Premise, ReviewItem
from field_api.models.base import utcnow
from sync.merge import MISSING, Applied, Conflict, RegistryRow, remerge, resolve, row_key

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
        for name, value in conflict_values(outcome).items():
            setattr(review, name, value)
        session.flush()
        raise ReviewMoved(outcome.message)
    if isinstance(outcome, Applied):
        setattr(row, review.field, outcome.new)
    review.status = "accepted" if accept else "kept"
    review.resolved_at, review.resolved_by, review.resolution_note = utcnow(), actor, note
    session.flush()
    if isinstance(outcome, Applied):
        _remerge_field(session, review, row)


def _remerge_field(session: Session, review: ReviewItem, row) -> None:
    """Merge the other open items of the accepted field again, as an upload does after applying a
    correction: a value that applies is written as its record's (source "field"), one step, and
    the items are settled or shown the value now there (`remerged_values`)."""
    others = session.execute(locked(
        select(ReviewItem, FieldRecord.client_uuid).join(FieldRecord, ReviewItem.record_id == FieldRecord.id)
        .where(ReviewItem.entity == review.entity, ReviewItem.entity_id == review.entity_id,
               ReviewItem.field == review.field, ReviewItem.status == "open", ReviewItem.id != review.id)
        .order_by(ReviewItem.record_id, ReviewItem.correction_index), of=ReviewItem)).all()
    if not others:
        return
    key = row_key(review.entity, review.entity_id)
    remerged = remerge([conflict_of(item) for item, _ in others],
                       {key: RegistryRow(row.version, {review.field: getattr(row, review.field)})})
    proposed = proposers([uuid for _, uuid in others], remerged.outcomes)
    for update in remerged.row_updates:  # one row, one field: at most one
        value = update.values[review.field]
        set_source(session, "field", proposed[(key, review.field, value)])
        setattr(row, review.field, value)
        session.flush()
    set_source(session, "system", f"review {review.id}")
    now = utcnow()
    for (item, _), outcome in zip(others, remerged.outcomes):
        for name, value in remerged_values(outcome, now).items():
            if getattr(item, name) != value:  # an item the accept left as it was takes no step
                setattr(item, name, value)
    session.flush()


def proposers(uuids: list[str], outcomes) -> dict[tuple, str]:
    """(row key, field, value applied) -> the record that proposed it, of re-merged review items (by
    their records' UUIDs) and their outcomes: each value written is logged as its proposer's."""
    proposed = {}
    for uuid, outcome in zip(uuids, outcomes):
        if isinstance(outcome, Applied):
            c = outcome.correction
            proposed[(row_key(c.entity, c.entity_id), c.field, outcome.new)] = uuid
    return proposed


def conflict_values(conflict: Conflict) -> dict:
    """What a review item still open takes of its conflict as it stands now: the registry's value and
    version, the kind, the reason and the message."""
    return {"current": {} if conflict.current is MISSING else {"value": conflict.current},
            "current_version": conflict.version, "kind": conflict.kind.value, "reason": conflict.reason,
            "message": conflict.message}


def remerged_values(outcome, at) -> dict:
    """What a review item re-merged into `outcome` takes: settled by sync ("applied" or "noop"), or,
    still a conflict, shown the value now in the registry."""
    if isinstance(outcome, Conflict):
        return conflict_values(outcome)
    return {"status": "applied" if isinstance(outcome, Applied) else "noop", "resolved_at": at, "resolved_by": "sync"}
