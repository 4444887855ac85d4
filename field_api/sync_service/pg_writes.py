"""PostgreSQL: one upload's plan stored in a statement or two, however many records and tables.

Each statement holds one INSERT per table and one UPDATE per versioned table, as data-modifying
CTEs. Each table's rows travel as one JSON parameter that `json_populate_recordset` turns into the
table's own row type. New rows take their ids from their sequences: a row that names a record
(a photo, a reading, a review...) finds its id in that INSERT's RETURNING by client UUID, or, for
a record an earlier statement stored, in `field_record` itself; a `created` event finds its new
work item by open key. A new work item whose kind is already open for its target is skipped (ON
CONFLICT on the open key). A statement returns the new ids and, per UPDATE, how many rows it found
at the version read. Foreign keys are checked at the end of each statement, so a photo row may
name a record inserted beside it.

The statements go out in pipeline mode while the upload's later records are still being merged:
PostgreSQL stores the first part as Python decides the next, on the other core. Nothing is read
back until the last one is sent.
"""
from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime
from functools import lru_cache
from typing import Any, Iterator

import orjson
from psycopg import RawCursor
from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import psycopg as pg_dialect

from field_api.models import (
    ChangeLog, FieldReading, FieldRecord, FieldRecordVariant, NoticeAct, OfficeAlert, PendingRegistration, Reading,
    RecordPhoto, ReviewItem, WorkEvent, WorkItem,
)

from .effects import Plan
from .loading import Context
from .plan_rows import created_events, fresh_items, review_rows, strip
from .rows import Row, StaleRow
from .together import Together

_PLAN_LISTS = tuple(f.name for f in fields(Plan))


class PipelinedPlan:
    """Sends an upload's plan in parts (`send`); `record_ids` and `review_ids` once all is back."""

    def __init__(self, connection, plan: Plan, ctx: Context, at: datetime):
        self.connection, self.plan, self.ctx, self.at = connection, plan, ctx, at
        self._sent = dict.fromkeys(_PLAN_LISTS, 0)  # rows of each plan list already sent
        self._statements: list[tuple[RawCursor, list]] = []
        self.record_ids: dict[str, int] = {}
        self.review_ids: dict[tuple[str, int], int] = {}

    def send(self, last: bool = False) -> None:
        """Send the rows planned since the last call, and the pending updates. The new review items
        wait for the last part: a later record may still settle them."""
        part = Plan(**{name: getattr(self.plan, name)[self._sent[name]:] for name in _PLAN_LISTS})
        self._sent = {name: len(getattr(self.plan, name)) for name in _PLAN_LISTS}
        new_reviews = [r for r in self.ctx.reviews if r.review_id is None] if last else []
        updates = self.ctx.writer.pending()
        statement = _statement(_inserts(part, new_reviews, self.ctx.writer.log, self.at), updates, self.at)
        self.ctx.writer.settle()
        if statement is None:
            return
        # A raw cursor takes PostgreSQL's own $n placeholders: psycopg need not parse a statement
        # this long for them on every upload (it caches that only for short ones).
        cursor = RawCursor(self.connection)
        self._statements.append((cursor, updates))
        cursor.execute(*statement)

    def read_back(self) -> None:
        """The ids each statement returned; `StaleRow` if an UPDATE missed a row."""
        reviews = []
        for cursor, updates in self._statements:
            record_ids, review_ids, *found = cursor.fetchone()
            for (table, _, rows), n in zip(updates, found):
                if n != len(rows):  # a row moved although it was read under lock: redo with fresh rows
                    raise StaleRow(f"{len(rows) - n} {table.name} row(s) changed while the upload was merged")
            self.record_ids.update(record_ids or [])
            reviews += review_ids or []
        uuid_of = {record_id: uuid for uuid, record_id in self.record_ids.items()}  # records of this upload
        self.review_ids = {(uuid_of[record_id], index): review_id for record_id, index, review_id in reviews}

    def close(self) -> None:
        for cursor, _ in self._statements:
            cursor.close()


@contextmanager
def pipelined_plan(together: Together, plan: Plan, ctx: Context, at: datetime) -> Iterator[PipelinedPlan]:
    """Inside: `send()` the plan's parts as the records are merged. On leaving: the rest goes out, and
    the ids come back."""
    raw = together.conn.connection.driver_connection
    writer = PipelinedPlan(raw, plan, ctx, at)
    try:
        with raw.pipeline():
            yield writer
            writer.send(last=True)
        writer.read_back()
    finally:
        writer.close()


def _inserts(part: Plan, new_reviews: list, log: list[dict], at: datetime) -> list[_Insert]:
    unknown = defaultdict(lambda: None)  # ids the statement itself finds (see the module docstring)
    reviews = review_rows(new_reviews, unknown, at)
    items = fresh_items(part.new_items, set())  # each kind once; ON CONFLICT skips those open already
    created = created_events(items, unknown, "sync", at)
    return [
        _Insert(FieldRecord, part.records, returning=("client_uuid", "id")),
        _Insert(FieldRecordVariant, part.variants),
        _Insert(RecordPhoto, *_by_record(part.photos)), _Insert(FieldReading, *_by_record(part.readings)),
        _Insert(NoticeAct, *_by_record(part.acts)), _Insert(PendingRegistration, *_by_record(part.registrations)),
        _Insert(OfficeAlert, *_by_record(part.alerts)),
        _Insert(Reading, part.registry_readings, conflict=" ON CONFLICT DO NOTHING"),
        _Insert(ReviewItem, reviews, [r.client_uuid for r in new_reviews], "record_id",
                returning=("record_id", "correction_index", "id")),
        _Insert(WorkItem, strip(items, None), conflict=" ON CONFLICT (open_key) DO NOTHING",
                returning=("open_key", "id")),
        _Insert(WorkEvent, part.events),
        _Insert(WorkEvent, created, [row["open_key"] for row in items], "work_item_id", key_of=WorkItem),
        _Insert(ChangeLog, log)]


def _by_record(rows: list[dict]) -> tuple[list[dict], list[str], str]:
    """Rows that name their record by client UUID ("_uuid"): the rows, the UUIDs, the id column."""
    return strip(rows, None), [row["_uuid"] for row in rows], "record_id"


@dataclass
class _Insert:
    """One table's INSERT. With `keys`, column `key_column` of each row is the id of the `key_of` row
    with that row's key (client UUID of a record, open key of a work item; see `_key_id`)."""

    model: Any
    rows: list[dict]
    keys: list[str] | None = None
    key_column: str | None = None
    key_of: Any = FieldRecord
    conflict: str = ""
    returning: tuple[str, ...] = ()


_DIALECT = pg_dialect.dialect()  # to spell column types in json_to_recordset


def _statement(inserts: list[_Insert], updates: list[tuple[Table, tuple[str, ...], list[Row]]],
               at: datetime) -> tuple[str, list] | None:
    """The statement and its parameters (None if there is nothing to write). It returns the new
    records' (client UUID, id) pairs, the new review items' (record id, correction index, id), and
    the rows each UPDATE found."""
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
        else:  # the n-th row takes the id found for the n-th key
            values = ", ".join(f'e."{c}"' for c in columns)
            select = (f'SELECT {_key_id(ins, names)}, {values} '
                      f'FROM {source} WITH ORDINALITY AS e JOIN unnest({param(ins.keys)}::text[]) '
                      f'WITH ORDINALITY AS k(key, i) ON k.i = e.ordinality{_key_join(ins, names)}')
            quoted = f'"{ins.key_column}", {quoted}'
        back = f' RETURNING {", ".join(ins.returning)}' if ins.returning else ""
        parts.append(f'i{n} AS (INSERT INTO "{table.name}" ({quoted}) {select}{ins.conflict}{back})')
        if ins.returning:
            names[ins.model] = f"i{n}"
            returned[ins.model] = f"(SELECT json_agg(json_build_array({', '.join(ins.returning)})) FROM i{n})"
    for n, (table, columns, rows) in enumerate(updates):
        sets = ", ".join(f'"{c}" = u."{c}"' for c in columns)
        stamp, values = param(at), param(_dumps([{"_id": r.id, "_read": r.read_version, "_version": r.version,
                                                **{c: r.values[c] for c in columns}} for r in rows]))
        parts.append(f'u{n} AS (UPDATE "{table.name}" AS t SET {sets}, version = u._version, updated_at = {stamp} '
                     f'FROM json_to_recordset({values}::json) AS u(_id bigint, _read integer, _version integer, '
                     f'{_typed(table, columns)}) WHERE t.id = u._id AND t.version = u._read RETURNING 1)')
    if not parts:
        return None
    counts = [f"(SELECT count(*) FROM u{n})" for n in range(len(updates))]
    outputs = [returned.get(FieldRecord, "NULL"), returned.get(ReviewItem, "NULL"), *counts]
    return f"WITH {', '.join(parts)} SELECT {', '.join(outputs)}", params


def _key_id(ins: _Insert, names: dict) -> str:
    """The id for key k.key. A record may have been stored by an earlier statement of the upload
    (the record of a review item that waited for the last part): then it is looked up, by its
    unique client UUID. A work item skipped by ON CONFLICT has no id, and its event no row."""
    if ins.key_of is WorkItem:
        return "n.id"
    looked_up = "(SELECT r.id FROM field_record AS r WHERE r.client_uuid = k.key)"
    return f"coalesce(n.id, {looked_up})" if FieldRecord in names else looked_up


def _key_join(ins: _Insert, names: dict) -> str:
    if ins.key_of is WorkItem:
        return f' JOIN {names[WorkItem]} AS n ON n."open_key" = k.key'
    # LEFT, so a row whose key found no record is not silently dropped: its record_id is NULL,
    # which every such table but office_alert refuses (an alert may stand without a record).
    return f' LEFT JOIN {names[FieldRecord]} AS n ON n."client_uuid" = k.key' if FieldRecord in names else ""


@lru_cache(maxsize=64)
def _typed(table: Table, columns: tuple[str, ...]) -> str:
    """The column list of json_to_recordset for `columns` of `table`, with their PostgreSQL types."""
    return ", ".join(f'"{c}" {table.c[c].type.compile(dialect=_DIALECT)}' for c in columns)


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
