"""Store one upload's plan: on PostgreSQL in parts while the records are merged (`pg_writes`);
elsewhere at the end, with one executemany per table."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from field_api.models import (
    FieldReading, FieldRecord, FieldRecordVariant, NoticeAct, OfficeAlert, PendingRegistration, Reading,
    RecordPhoto, ReviewItem, WorkEvent, WorkItem,
)

from .effects import Plan
from .loading import Context
from .pg_writes import pipelined_plan
from .plan_rows import created_events, fresh_items, review_rows, strip
from .together import Together


def dialect_insert(session: Session, table):
    """An INSERT of the session's backend, which both have ON CONFLICT for."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def insert_ignoring_duplicates(session: Session, table, rows: list[dict]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING on both backends (a second reading of a meter on one day)."""
    if rows:
        session.connection().execute(dialect_insert(session, table).on_conflict_do_nothing(), rows)


def _insert(session: Session, model, rows: list[dict]) -> None:
    if rows:  # Core executemany, not the ORM's bulk path, which splits the rows by their None values
        session.connection().execute(model.__table__.insert(), rows)


class _AtTheEnd:
    """The portable path: nothing goes out before the whole plan is made (SQLite runs in process,
    so there is no other core to hand a part to)."""

    record_ids: dict[str, int]
    review_ids: dict[tuple[str, int], int]

    def send(self) -> None:
        pass


@contextmanager
def plan_writer(together: Together, plan: Plan, ctx: Context, actor: str, at: datetime) -> Iterator:
    """Inside, the upload's records are merged into `plan`, calling `send()` between parts. On
    leaving, everything is stored, and the writer holds `record_ids` (by client UUID) and
    `review_ids` (by client UUID and correction index)."""
    if together.pipelined:
        with pipelined_plan(together, plan, ctx, at) as writer:
            yield writer
        return
    writer = _AtTheEnd()
    yield writer
    writer.record_ids, writer.review_ids = write_plan(together.session, plan, ctx, actor, at)


def write_plan(session: Session, plan: Plan, ctx: Context, actor: str, at: datetime) -> tuple[dict, dict]:
    """Returns record ids by client UUID and review ids by (client UUID, correction index)."""
    _insert(session, FieldRecord, plan.records)
    uuids = [row["client_uuid"] for row in plan.records]  # ids read back by unique key
    record_ids = dict(session.execute(select(FieldRecord.client_uuid, FieldRecord.id)
                                      .where(FieldRecord.client_uuid.in_(uuids))).all()) if uuids else {}
    _insert(session, FieldRecordVariant, plan.variants)
    for model, rows in ((RecordPhoto, plan.photos), (FieldReading, plan.readings), (NoticeAct, plan.acts),
                        (PendingRegistration, plan.registrations), (OfficeAlert, plan.alerts)):
        _insert(session, model, strip(rows, record_ids))
    insert_ignoring_duplicates(session, Reading.__table__, plan.registry_readings)
    review_ids = _write_reviews(session, ctx, record_ids, at)
    _create_items(session, plan, "sync", at)
    _insert(session, WorkEvent, plan.events)
    ctx.writer.flush(session)
    return record_ids, review_ids


def _write_reviews(session: Session, ctx: Context, record_ids: dict[str, int], at: datetime) -> dict:
    new = [r for r in ctx.reviews if r.review_id is None]
    rows = review_rows(new, record_ids, at)
    if not rows:
        return {}
    _insert(session, ReviewItem, rows)
    by_key = {(row["record_id"], row["correction_index"]): r for row, r in zip(rows, new)}
    found = session.execute(select(ReviewItem.id, ReviewItem.record_id, ReviewItem.correction_index).where(
        ReviewItem.record_id.in_(sorted({row["record_id"] for row in rows}))))
    return {(by_key[(rec, idx)].client_uuid, idx): i for i, rec, idx in found if (rec, idx) in by_key}


def _create_items(session: Session, plan: Plan, actor: str, at: datetime) -> None:
    if not plan.new_items:
        return
    keys = sorted({row["open_key"] for row in plan.new_items})
    rows = fresh_items(plan.new_items, set(session.scalars(select(WorkItem.open_key).where(
        WorkItem.open_key.in_(keys)))))
    _insert(session, WorkItem, strip(rows, None))
    ids = dict(session.execute(select(WorkItem.open_key, WorkItem.id).where(
        WorkItem.open_key.in_([r["open_key"] for r in rows]))).all()) if rows else {}
    plan.events += created_events(rows, ids, actor, at)
