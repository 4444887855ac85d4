"""PostgreSQL: one upload's plan stored in one round trip, however many records and tables.

The statement holds one INSERT per table and one UPDATE per versioned table, as data-modifying CTEs.
Each table's rows travel as one JSON parameter that `json_populate_recordset` turns into the table's
own row type. New rows take their ids from their sequences: a row that names a record inserted
beside it (a photo, a reading, a review...) finds its id in that INSERT's RETURNING by client UUID,
as a `created` event finds its new work item by open key. A new work item whose kind is already
open for its target is skipped (ON CONFLICT on the open key). The statement returns the new ids
and, per UPDATE, how many rows it found at the version read. Foreign keys are checked at the end
of the statement, so a photo row may name a record inserted beside it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import orjson
from psycopg import RawCursor
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
    # A raw cursor takes PostgreSQL's own $n placeholders: psycopg need not parse a statement this
    # long for them on every upload (it caches that only for short ones).
    with RawCursor(session.connection().connection.driver_connection) as cursor:
        return _write_plan(cursor, plan, ctx, at)


def _write_plan(cursor, plan: Plan, ctx: Context, at: datetime) -> tuple[dict, dict]:
    new_reviews = [r for r in ctx.reviews if r.review_id is None]
    unknown = defaultdict(lambda: None)  # ids the statement itself finds (see the module docstring)
    reviews = review_rows(new_reviews, unknown, at)
    items = fresh_items(plan.new_items, set())  # each kind once; ON CONFLICT skips those open already
    created = created_events(items, unknown, "sync", at)
    inserts = [
        _Insert(FieldRecord, plan.records, returning=("client_uuid", "id")),
        _Insert(FieldRecordVariant, plan.variants),
        _Insert(RecordPhoto, *_by_record(plan.photos)), _Insert(FieldReading, *_by_record(plan.readings)),
        _Insert(NoticeAct, *_by_record(plan.acts)), _Insert(PendingRegistration, *_by_record(plan.registrations)),
        _Insert(OfficeAlert, *_by_record(plan.alerts)),
        _Insert(Reading, plan.registry_readings, conflict=" ON CONFLICT DO NOTHING"),
        _Insert(ReviewItem, reviews, [r.client_uuid for r in new_reviews], "record_id",
                returning=("record_id", "correction_index", "id")),
        _Insert(WorkItem, strip(items, None), conflict=" ON CONFLICT (open_key) DO NOTHING",
                returning=("open_key", "id")),
        _Insert(WorkEvent, plan.events),
        _Insert(WorkEvent, created, [row["open_key"] for row in items], "work_item_id", key_of=WorkItem),
        _Insert(ChangeLog, ctx.writer.log)]
    found = _write(cursor, inserts, ctx.writer.pending(), at)
    ctx.writer.settle()
    record_ids = dict(found[FieldRecord] or [])
    uuid_of = {record_id: uuid for uuid, record_id in record_ids.items()}
    review_ids = {(uuid_of[record_id], index): review_id for record_id, index, review_id in found[ReviewItem] or []}
    return record_ids, review_ids


def _by_record(rows: list[dict]) -> tuple[list[dict], list[str], str]:
    """Rows that name their record by client UUID ("_uuid"): the rows, the UUIDs, the id column."""
    return strip(rows, None), [row["_uuid"] for row in rows], "record_id"


@dataclass
class _Insert:
    """One table's INSERT. With `keys`, column `key_column` of each row is the id that the INSERT of
    `key_of` returned for that row's key (client UUID of a record, open key of a work item)."""

    model: Any
    rows: list[dict]
    keys: list[str] | None = None
    key_column: str | None = None
    key_of: Any = FieldRecord
    conflict: str = ""
    returning: tuple[str, ...] = ()


_DIALECT = pg_dialect.dialect()  # to spell column types in json_to_recordset

_KEYS = {FieldRecord: "client_uuid", WorkItem: "open_key"}  # what a row names a new row by


def _write(cursor, inserts: list[_Insert], updates: list[tuple[Table, tuple[str, ...], list[Row]]],
           at: datetime) -> dict:
    """Run the statement; the RETURNING rows of each model that asks for them (None if it had none)."""
    parts, params, returned = [], [], {}

    def param(value) -> str:  # the value as the statement's next $n
        params.append(value)
        return f"${len(params)}"

    names = {}  # model: the name of the CTE that inserted its new rows
    for n, ins in enumerate(inserts):
        if not ins.rows:
            continue
        table = ins.model.__table__
        rows = _with_defaults(table, ins.rows)
        columns = [c for c in rows[0] if c != ins.key_column]
        quoted = ", ".join(f'"{c}"' for c in columns)
        source = f'json_populate_recordset(NULL::"{table.name}", {param(_dumps(rows))}::json)'
        if ins.keys is None:
            select = f"SELECT {quoted} FROM {source}"
        else:  # the n-th row takes the id returned for the n-th key
            key, inserted = _KEYS[ins.key_of], names[ins.key_of]
            values = ", ".join(f'e."{c}"' for c in columns)
            select = (f'SELECT n.id, {values} FROM {source} WITH ORDINALITY AS e '
                      f'JOIN unnest({param(ins.keys)}::text[]) WITH ORDINALITY AS k(key, i) ON k.i = e.ordinality '
                      f'JOIN {inserted} AS n ON n."{key}" = k.key')
            quoted = f'"{ins.key_column}", {quoted}'
        back = f' RETURNING {", ".join(ins.returning)}' if ins.returning else ""
        parts.append(f'i{n} AS (INSERT INTO "{table.name}" ({quoted}) {select}{ins.conflict}{back})')
        if ins.returning:
            names[ins.model] = f"i{n}"
            returned[ins.model] = f"(SELECT json_agg(json_build_array({', '.join(ins.returning)})) FROM i{n})"
    for n, (table, columns, rows) in enumerate(updates):
        types = ", ".join(f'"{c}" {table.c[c].type.compile(dialect=_DIALECT)}' for c in columns)
        sets = ", ".join(f'"{c}" = u."{c}"' for c in columns)
        stamp, values = param(at), param(_dumps([{"_id": r.id, "_read": r.read_version, "_version": r.version,
                                                **{c: r.values[c] for c in columns}} for r in rows]))
        parts.append(f'u{n} AS (UPDATE "{table.name}" AS t SET {sets}, version = u._version, updated_at = {stamp} '
                     f'FROM json_to_recordset({values}::json) AS u(_id bigint, _read integer, _version integer, '
                     f'{types}) WHERE t.id = u._id AND t.version = u._read RETURNING 1)')
    if not parts:
        return {FieldRecord: None, ReviewItem: None}
    counts = [f"(SELECT count(*) FROM u{n})" for n in range(len(updates))]
    outputs = [returned.get(FieldRecord, "NULL"), returned.get(ReviewItem, "NULL"), *counts]
    cursor.execute(f"WITH {', '.join(parts)} SELECT {', '.join(outputs)}", params)
    record_ids, review_ids, *found = cursor.fetchone()
    for (table, _, rows), n in zip(updates, found):
        if n != len(rows):  # a row moved although it was read under lock: redo with fresh rows
            raise StaleRow(f"{len(rows) - n} {table.name} row(s) changed while the upload was merged")
    return {FieldRecord: record_ids, ReviewItem: review_ids}


def _with_defaults(table: Table, rows: list[dict]) -> list[dict]:
    """The rows, each with the columns that have a Python-side default (the database has none) and
    that the rows leave out; all rows must give the same columns."""
    if any(row.keys() != rows[0].keys() for row in rows):
        raise ValueError(f"rows for {table.name} do not all have the same columns")
    missing = _defaulted(table, frozenset(rows[0]))
    if not missing:  # the usual case: the rows go as they are
        return rows
    return [{**row, **{c.name: c.default.arg if c.default.is_scalar else c.default.arg(None) for c in missing}}
            for row in rows]


@lru_cache(maxsize=256)
def _defaulted(table: Table, given: frozenset[str]) -> tuple:
    """The columns of `table` with a Python-side default that `given` leaves out."""
    return tuple(c for c in table.columns if c.name not in given and c.default is not None)


def _dumps(rows: list[dict]) -> str:
    """JSON for PostgreSQL: orjson writes datetimes as ISO 8601 with their offset, in C."""
    return orjson.dumps(rows).decode()
