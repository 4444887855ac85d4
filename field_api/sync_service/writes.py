"""Store one upload's plan: a handful of multi-row statements, whatever the number of records."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from field_api.models import (
    FieldReading, FieldRecord, FieldRecordVariant, NoticeAct, OfficeAlert, PendingRegistration, Reading,
    RecordPhoto, ReviewItem, WorkEvent, WorkItem,
)
from sync.merge import MISSING, Applied

from .effects import Plan, event
from .loading import Context


def insert_ignoring_duplicates(session: Session, table, rows: list[dict]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING on both backends (a second reading of a meter on one day)."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        if len(rows) > 1 and _unnest_insert(session.connection(), table, rows, " ON CONFLICT DO NOTHING"):
            return  # one statement, not one per row
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    session.connection().execute(dialect_insert(table).on_conflict_do_nothing(), rows)


def bulk_insert(connection, table, rows: list[dict]) -> None:
    """Insert `rows` with one COPY on PostgreSQL (the driver formats the rows in C), or failing that
    one `INSERT ... SELECT FROM unnest`; else one Core executemany. Not the ORM's bulk path, which
    splits the rows by which values are None."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        if _copy_insert(connection, table, rows):
            return
        if len(rows) > 1 and _unnest_insert(connection, table, rows):
            return
    connection.execute(table.insert(), rows)


def next_ids(connection, wanted: dict[str, int]) -> dict[str, list[int]]:
    """`n` ids from each table's sequence on PostgreSQL, ascending, all in one statement: rows inserted
    with them need no read-back of their ids."""
    wanted = {name: n for name, n in wanted.items() if n > 0}
    if not wanted:
        return {}
    parts = [f"ARRAY(SELECT nextval(pg_get_serial_sequence(:t{i}, 'id')) FROM generate_series(1, :n{i}))"
             for i in range(len(wanted))]
    params = {k: v for i, (name, n) in enumerate(wanted.items()) for k, v in ((f"t{i}", name), (f"n{i}", n))}
    row = connection.execute(text(f"SELECT {', '.join(parts)}"), params).one()
    return {name: sorted(ids) for name, ids in zip(wanted, row)}


_COPY_PLANS: dict[tuple[str, tuple[str, ...]], tuple[str, tuple[int, ...], tuple[int, ...]] | None] = {}


def _copy_plan(connection, table, names: tuple[str, ...]):
    """The COPY statement for these columns, the positions of JSON and geometry columns; None when a
    column does not fit (a type COPY's text form might spell differently, a Python-side default)."""
    key = (table.name, names)
    if key in _COPY_PLANS:
        return _COPY_PLANS[key]
    from geoalchemy2 import Geometry
    from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, String

    plan = None
    if not any(c.name not in names and c.default is not None for c in table.columns):
        json_at, geometry_at, fits = [], [], True
        for i, n in enumerate(names):
            t = table.c[n].type
            if isinstance(t, JSON):
                json_at.append(i)
            elif isinstance(t, Geometry):
                geometry_at.append(i)
            elif isinstance(t, DateTime):
                fits = fits and bool(t.timezone)  # an aware value into a naive column: leave it to SQLAlchemy
            elif not isinstance(t, (Boolean, Date, Float, Integer, String)):
                fits = False
        if fits:
            quote = connection.dialect.identifier_preparer.quote
            plan = (f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN",
                    tuple(json_at), tuple(geometry_at))
    _COPY_PLANS[key] = plan
    return plan


def _copy_insert(connection, table, rows: list[dict]) -> bool:
    """False (nothing done) when the rows do not fit COPY: then the caller inserts them otherwise."""
    import json

    names = tuple(rows[0])
    if any(len(r) != len(names) or r.keys() != rows[0].keys() for r in rows):
        return False
    plan = _copy_plan(connection, table, names)
    if plan is None:
        return False
    sql, json_at, geometry_at = plan
    values = [[r[n] for n in names] for r in rows]
    for i in geometry_at:  # EWKT text, as the models take it; anything else goes the SQLAlchemy way
        if any(v[i] is not None and not isinstance(v[i], str) for v in values):
            return False
    for v in values:
        for i in json_at:
            if v[i] is not None:
                v[i] = json.dumps(v[i], default=str)
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
        for v in values:
            copy.write_row(v)
    return True


def _pg_array(column) -> tuple[str, str] | None:
    """The array type to bind a column's values as, and how to turn an element into the column type."""
    from geoalchemy2 import Geometry
    from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Float, Integer, String, Text

    t = column.type
    for kind, array, wrap in ((Geometry, "text[]", "ST_GeomFromEWKT({})"), (JSON, "text[]", "CAST({} AS json)"),
                              (Boolean, "boolean[]", "{}"), (DateTime, "timestamptz[]", "{}"),
                              (Date, "date[]", "{}"), (Float, "float8[]", "{}"), (BigInteger, "bigint[]", "{}"),
                              (Integer, "integer[]", "{}"), (String, "text[]", "{}"), (Text, "text[]", "{}")):
        if isinstance(t, kind):
            if kind is DateTime and not t.timezone:
                return "timestamp[]", wrap
            return array, wrap
    return None


def _unnest_insert(connection, table, rows: list[dict], suffix: str = "") -> bool:
    """False (nothing done) when the rows do not fit the fast path: then the caller uses executemany."""
    import json

    from sqlalchemy import JSON, text

    names = list(rows[0])
    if any(list(r) != names for r in rows) or any(
            c.name not in names and c.default is not None for c in table.columns):
        return False
    columns = [table.c[n] for n in names]
    types = [_pg_array(c) for c in columns]
    if any(t is None for t in types):
        return False
    params = {}
    for i, (column, name) in enumerate(zip(columns, names)):
        values = [r[name] for r in rows]
        if isinstance(column.type, JSON):
            values = [None if v is None else json.dumps(v, default=str) for v in values]
        params[f"p{i}"] = values
    arrays = ", ".join(f"CAST(:p{i} AS {t[0]})" for i, t in enumerate(types))
    select_list = ", ".join(t[1].format(f"u.c{i}") for i, t in enumerate(types))
    aliases = ", ".join(f"c{i}" for i in range(len(names)))
    quoted = ", ".join(connection.dialect.identifier_preparer.quote(n) for n in names)
    connection.execute(text(f"INSERT INTO {table.name} ({quoted}) SELECT {select_list} "
                            f"FROM unnest({arrays}) AS u({aliases}){suffix}"), params)
    return True


def _insert(session: Session, model, rows: list[dict]) -> None:
    bulk_insert(session.connection(), model.__table__, rows)


def _strip(rows: list[dict], ids: dict[str, int], key: str = "record_id") -> list[dict]:
    out = []
    for row in rows:
        clean = {k: v for k, v in row.items() if not k.startswith("_")}
        if "_uuid" in row:
            clean[key] = ids.get(row["_uuid"])
        out.append(clean)
    return out


def write_plan(session: Session, plan: Plan, ctx: Context, actor: str, at: datetime) -> tuple[dict, dict]:
    """Returns record ids by client UUID and review ids by (client UUID, correction index)."""
    connection = session.connection()
    ids: dict[str, list[int]] = {}
    if connection.dialect.name == "postgresql":  # ids taken from the sequences first: nothing to read back
        ids = next_ids(connection, {"field_record": len(plan.records), "work_item": len(plan.new_items),
                                    "review_item": sum(r.review_id is None for r in ctx.reviews)})
        for row, row_id in zip(plan.records, ids.get("field_record", [])):
            row["id"] = row_id
        _insert(session, FieldRecord, plan.records)
        record_ids = {row["client_uuid"]: row["id"] for row in plan.records}
    else:  # ids read back by unique key: RETURNING in parameter order would cost a statement per row
        _insert(session, FieldRecord, plan.records)
        uuids = [row["client_uuid"] for row in plan.records]
        record_ids = dict(session.execute(select(FieldRecord.client_uuid, FieldRecord.id)
                                          .where(FieldRecord.client_uuid.in_(uuids))).all()) if uuids else {}
    _insert(session, FieldRecordVariant, plan.variants)
    for model, rows in ((RecordPhoto, plan.photos), (FieldReading, plan.readings), (NoticeAct, plan.acts),
                        (PendingRegistration, plan.registrations), (OfficeAlert, plan.alerts)):
        _insert(session, model, _strip(rows, record_ids))
    insert_ignoring_duplicates(session, Reading.__table__, plan.registry_readings)
    review_ids = _write_reviews(session, ctx, record_ids, at, ids.get("review_item", []))
    _create_items(session, plan, "sync", at, ids.get("work_item", []))  # not the device's own act: its feed must show the new work
    _insert(session, WorkEvent, plan.events)
    ctx.writer.flush(session)
    return record_ids, review_ids


def _value(v) -> dict:
    return {} if v is MISSING else {"value": v}


def _write_reviews(session: Session, ctx: Context, record_ids: dict[str, int], at: datetime,
                   reserved: list[int]) -> dict:
    new = [r for r in ctx.reviews if r.review_id is None]
    rows = []
    for r in new:
        c, settled = r.conflict, r.settled
        rows.append({
            "record_id": record_ids[r.client_uuid], "correction_index": c.index, "entity": c.correction.entity,
            "entity_id": int(c.correction.entity_id), "field": c.correction.field,
            "seen": {"value": c.correction.seen}, "new": {"value": c.correction.new},
            "current": _value(c.current), "current_version": c.version, "kind": c.kind.value,
            "reason": c.reason, "message": c.message,
            "status": "open" if settled is None else ("applied" if isinstance(settled, Applied) else "noop"),
            "resolved_at": None if settled is None else at, "resolved_by": None if settled is None else "sync",
            "version": 1, "created_at": at, "updated_at": at,
        })
    if not rows:
        return {}
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        for row, row_id in zip(rows, reserved):
            row["id"] = row_id
        _insert(session, ReviewItem, rows)
        return {(r.client_uuid, row["correction_index"]): row["id"] for row, r in zip(rows, new)}
    _insert(session, ReviewItem, rows)
    by_key = {(row["record_id"], row["correction_index"]): r for row, r in zip(rows, new)}
    found = session.execute(select(ReviewItem.id, ReviewItem.record_id, ReviewItem.correction_index).where(
        ReviewItem.record_id.in_(sorted({row["record_id"] for row in rows}))))
    return {(by_key[(rec, idx)].client_uuid, idx): i for i, rec, idx in found if (rec, idx) in by_key}


def _create_items(session: Session, plan: Plan, actor: str, at: datetime, reserved: list[int]) -> None:
    """New work (follow-ups, urgent reconnections, inspections), never a second open item of a kind.
    `reserved`: ids taken for every planned item (PostgreSQL); those of items already open go unused."""
    if not plan.new_items:
        return
    keys = {row["open_key"] for row in plan.new_items}
    taken = set(session.scalars(select(WorkItem.open_key).where(WorkItem.open_key.in_(sorted(keys)))))
    rows = []
    for row in plan.new_items:
        if row["open_key"] not in taken:
            taken.add(row["open_key"])
            rows.append(row)
    clean = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        for row, row_id in zip(clean, reserved):
            row["id"] = row_id
        _insert(session, WorkItem, clean)
        ids = {row["open_key"]: row["id"] for row in clean}
    else:
        _insert(session, WorkItem, clean)
        ids = dict(session.execute(select(WorkItem.open_key, WorkItem.id).where(
            WorkItem.open_key.in_([r["open_key"] for r in rows]))).all()) if rows else {}
    for row in rows:
        item_id = ids[row["open_key"]]
        plan.events.append(event(item_id, "created", actor, row["assigned_crew_id"], at, row["reason"],
                                 type=row["type"], subtype=row["subtype"], urgent=row["_urgent"],
                                 source_work_item_id=row["_source"], client_uuid=row["_uuid"]))
