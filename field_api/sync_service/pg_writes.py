"""PostgreSQL: one upload's plan stored in two round trips, however many records and tables.

The first statement takes the ids the new rows need from their sequences and finds which of the new
work items are already open. The second holds one INSERT per table and one UPDATE per versioned
table, as data-modifying CTEs of a single statement. Each table's rows travel as one JSON parameter
that `json_populate_recordset` turns into the table's own row type. Foreign keys are checked at the
end of the statement, so a photo row may name a record inserted beside it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import psycopg as pg_dialect
from sqlalchemy.orm import Session

from field_api.models import (
    ChangeLog, FieldReading, FieldRecord, FieldRecordVariant, NoticeAct, OfficeAlert, PendingRegistration, Reading,
    RecordPhoto, ReviewItem, WorkEvent, WorkItem,
)

from .effects import Plan
from .loading import Context
from .plan_rows import created_events, fresh_items, review_rows, strip
from .rows import Row, StaleRow


def write_plan_pg(session: Session, plan: Plan, ctx: Context, at: datetime) -> tuple[dict, dict]:
    """As `writes.write_plan`: record ids by client UUID, review ids by (client UUID, correction index)."""
    with session.connection().connection.driver_connection.cursor() as cursor:
        return _write_plan(cursor, plan, ctx, at)


def _write_plan(cursor, plan: Plan, ctx: Context, at: datetime) -> tuple[dict, dict]:
    new_reviews = [r for r in ctx.reviews if r.review_id is None]
    ids, taken = _reserve(cursor, {"field_record": len(plan.records), "review_item": len(new_reviews),
                                   "work_item": len(plan.new_items)}, {row["open_key"] for row in plan.new_items})
    for row, row_id in zip(plan.records, ids["field_record"]):
        row["id"] = row_id
    record_ids = {row["client_uuid"]: row["id"] for row in plan.records}
    reviews = review_rows(new_reviews, record_ids, at)
    for row, row_id in zip(reviews, ids["review_item"]):
        row["id"] = row_id
    review_ids = {(r.client_uuid, row["correction_index"]): row["id"] for row, r in zip(reviews, new_reviews)}
    items = fresh_items(plan.new_items, taken)
    for row, row_id in zip(items, ids["work_item"]):
        row["id"] = row_id
    events = plan.events + created_events(items, {row["open_key"]: row["id"] for row in items}, "sync", at)
    inserts = [(FieldRecord, plan.records, ""), (FieldRecordVariant, plan.variants, ""),
               (RecordPhoto, strip(plan.photos, record_ids), ""), (FieldReading, strip(plan.readings, record_ids), ""),
               (NoticeAct, strip(plan.acts, record_ids), ""),
               (PendingRegistration, strip(plan.registrations, record_ids), ""),
               (OfficeAlert, strip(plan.alerts, record_ids), ""), (Reading, plan.registry_readings,
                                                                   " ON CONFLICT DO NOTHING"),
               (ReviewItem, reviews, ""), (WorkItem, strip(items, None), ""), (WorkEvent, events, ""),
               (ChangeLog, ctx.writer.log, "")]
    updates = ctx.writer.pending()
    _write(cursor, inserts, updates, at)
    ctx.writer.settle()
    return record_ids, review_ids


_DIALECT = pg_dialect.dialect()  # to spell column types in json_to_recordset

def _reserve(cursor, counts: dict[str, int], open_keys: set[str]) -> tuple[dict[str, list[int]], set[str]]:
    """Ids from each table's sequence, and which of `open_keys` are taken: one statement."""
    names = list(counts)
    arrays = ", ".join("ARRAY(SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s))"
                       for _ in names)
    params: list[Any] = [v for name in names for v in (name, counts[name])]
    cursor.execute(f"SELECT {arrays}, ARRAY(SELECT open_key FROM work_item WHERE open_key = ANY(%s))",
                   [*params, sorted(open_keys)])
    row = cursor.fetchone()
    return {name: sorted(ids) for name, ids in zip(names, row)}, set(row[-1])


def _write(cursor, inserts, updates: list[tuple[Table, tuple[str, ...], list[Row]]], at: datetime) -> None:
    parts, params = [], []
    for n, (model, rows, suffix) in enumerate(inserts):
        if not rows:
            continue
        table = model.__table__
        rows = _with_defaults(table, rows)
        quoted = ", ".join(f'"{c}"' for c in rows[0])
        parts.append(f'i{n} AS (INSERT INTO "{table.name}" ({quoted}) SELECT {quoted} '
                     f'FROM json_populate_recordset(NULL::"{table.name}", %s::json){suffix})')
        params.append(_dumps(rows))
    for n, (table, names, rows) in enumerate(updates):
        types = ", ".join(f'"{c}" {table.c[c].type.compile(dialect=_DIALECT)}' for c in names)
        sets = ", ".join(f'"{c}" = u."{c}"' for c in names)
        parts.append(f'u{n} AS (UPDATE "{table.name}" AS t SET {sets}, version = u._version, updated_at = %s '
                     f'FROM json_to_recordset(%s::json) AS u(_id bigint, _read integer, _version integer, {types}) '
                     f'WHERE t.id = u._id AND t.version = u._read RETURNING 1)')
        params += [at, _dumps([{"_id": r.id, "_read": r.read_version, "_version": r.version,
                                **{c: r.values[c] for c in names}} for r in rows])]
    if not parts:
        return
    counts = ", ".join(f"(SELECT count(*) FROM u{n})" for n in range(len(updates))) or "0"
    cursor.execute(f"WITH {', '.join(parts)} SELECT {counts}", params)
    found = cursor.fetchone()
    for (table, _, rows), n in zip(updates, found):
        if n != len(rows):  # a row moved although it was read under lock: redo with fresh rows
            raise StaleRow(f"{len(rows) - n} {table.name} row(s) changed while the upload was merged")


def _with_defaults(table: Table, rows: list[dict]) -> list[dict]:
    """The rows, each with the columns that have a Python-side default (the database has none) and
    that the rows leave out; all rows must give the same columns."""
    if any(row.keys() != rows[0].keys() for row in rows):
        raise ValueError(f"rows for {table.name} do not all have the same columns")
    missing = [c for c in table.columns if c.name not in rows[0] and c.default is not None]
    if not missing:  # the usual case: the rows go as they are
        return rows
    return [{**row, **{c.name: c.default.arg if c.default.is_scalar else c.default.arg(None) for c in missing}}
            for row in rows]


def _dumps(rows: list[dict]) -> str:
    """JSON for PostgreSQL: orjson writes datetimes as ISO 8601 with their offset, in C."""
    return orjson.dumps(rows).decode()
