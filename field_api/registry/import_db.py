"""The database side of the registry import: chunked look-ups by key and bulk Core writes.

No ORM objects: a 100k-row file must import in seconds, so rows are looked up with
`WHERE key IN (...)` in chunks and written with executemany.
"""
from __future__ import annotations

from typing import Callable, Iterable, Iterator, Sequence

from geoalchemy2 import functions as gfunc
from sqlalchemy import Connection, Table, bindparam, func, select, text

from field_api.db import advance_id_sequences
from field_api.list_params import in_list, list_param
from field_api.models import Account, Balance, ChangeLog, Meter, Premise

from .import_plan import ACCOUNT_FIELDS, BALANCE_FIELDS, METER_FIELDS, PREMISE_FIELDS, Plan, Snapshot
from .import_rows import ParsedRow

CHUNK = 5000
PREMISE = Premise.__table__
ACCOUNT = Account.__table__
METER = Meter.__table__
BALANCE = Balance.__table__
CHANGE_LOG = ChangeLog.__table__
# Tables whose ids the import allocates itself (max + 1), so rows can point at each other
# without a RETURNING round trip per row.
ID_TABLES = {"premise": PREMISE, "account": ACCOUNT, "meter": METER}


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def lock_registry(conn: Connection) -> None:
    """On PostgreSQL, hold off other writers (readers go on) while ids and diffs are computed."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE premise, account, meter, balance IN SHARE ROW EXCLUSIVE MODE"))


def next_ids(conn: Connection) -> dict[str, int]:
    return {name: (conn.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1
            for name, table in ID_TABLES.items()}


def _select_in(conn: Connection, columns: list, key, values: Iterable) -> Iterator[dict]:
    statement = select(*columns).where(in_list(key, "keys", conn.dialect.name))
    for part in chunks(list_param(values)):
        result = conn.execute(statement, {"keys": list(part)})
        names = list(result.keys())
        for row in result:
            yield dict(zip(names, row))


def _premise_columns() -> list:
    names = ["id", "version", "cadastral_key", "sector_id", *PREMISE_FIELDS.values()]
    return [PREMISE.c[n] for n in names] + [
        gfunc.ST_X(PREMISE.c.geom).label("lon"), gfunc.ST_Y(PREMISE.c.geom).label("lat")]


def load_snapshot(conn: Connection, rows: list[ParsedRow]) -> Snapshot:
    snapshot = Snapshot()
    account_cols = [ACCOUNT.c[n] for n in ("id", "number", "version", "premise_id", *ACCOUNT_FIELDS.values())]
    for row in _select_in(conn, account_cols, ACCOUNT.c.number, (r.values["account_number"] for r in rows)):
        snapshot.accounts[row["number"]] = row
    keys = (r.values["cadastral_key"] for r in rows if r.values.get("cadastral_key"))
    for row in _select_in(conn, _premise_columns(), PREMISE.c.cadastral_key, keys):
        snapshot.premises[row["id"]] = row
        snapshot.premise_by_key[row["cadastral_key"]] = row["id"]
    missing = {a["premise_id"] for a in snapshot.accounts.values()} - snapshot.premises.keys()
    for row in _select_in(conn, _premise_columns(), PREMISE.c.id, missing):
        snapshot.premises[row["id"]] = row
    meter_cols = [METER.c[n] for n in ("id", "serial", "version", "account_id", *METER_FIELDS.values())]
    serials = (r.values["meter_serial"] for r in rows if r.values.get("meter_serial"))
    for row in _select_in(conn, meter_cols, METER.c.serial, serials):
        snapshot.meters[row["serial"]] = row
    balance_cols = [BALANCE.c[n] for n in ("account_id", "version", *BALANCE_FIELDS.values())]
    account_ids = (a["id"] for a in snapshot.accounts.values())
    for row in _select_in(conn, balance_cols, BALANCE.c.account_id, account_ids):
        snapshot.balances[row["account_id"]] = row
    return snapshot


def write_plan(conn: Connection, plan: Plan, now, advance: Callable[[int], object]) -> None:
    """Execute a plan in foreign-key order; `advance(n)` reports n rows written."""
    for table, writes, key in ((PREMISE, plan.premise, PREMISE.c.id), (ACCOUNT, plan.account, ACCOUNT.c.id),
                               (METER, plan.meter, METER.c.id), (BALANCE, plan.balance, BALANCE.c.account_id)):
        _insert(conn, table, writes.inserts, advance)
        for columns, rows in writes.updates.items():
            _update(conn, table, key, columns, rows, now, advance)
    _insert(conn, CHANGE_LOG, plan.change_log, advance)
    if any(getattr(plan, name).inserts for name in ID_TABLES):
        advance_id_sequences(conn, ID_TABLES)


def _insert(conn: Connection, table: Table, rows: list[dict], advance) -> None:
    statement = table.insert()
    for part in chunks(rows):
        conn.execute(statement, list(part))
        advance(len(part))


def _update(conn: Connection, table: Table, key, columns: tuple[str, ...], rows: list[dict], now,
            advance) -> None:
    # Bind names differ from column names: SQLAlchemy reserves those for its own SET clause.
    values = {table.c[c]: bindparam(f"b_{c}", type_=table.c[c].type) for c in columns}
    values[table.c.version] = table.c.version + 1
    values[table.c.updated_at] = bindparam("b_now", type_=table.c.updated_at.type)
    statement = table.update().where(key == bindparam("b_id")).values(values)
    for part in chunks(rows):
        params = [{"b_id": row["id"], "b_now": now, **{f"b_{c}": row[c] for c in columns}} for row in part]
        conn.execute(statement, params)
        advance(len(part))


