"""Changes to versioned rows (registry rows, work items) collected during an upload, written at once.

Each change is one step: the row's version rises by one and, on change-logged rows (not work
items, whose events are their history), every changed field gets a change-log row, as the ORM
path in `field_api.changes` writes them. At the end, each touched row gets one
UPDATE guarded by the version it was read at; a row that moved meanwhile raises `StaleRow`, and
the caller redoes the work with fresh rows. Rows are read FOR UPDATE, so on PostgreSQL that only
happens when something bypassed the locks.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import Table, and_, bindparam, update
from sqlalchemy.orm import Session

from field_api.changes import change_rows
from field_api.models import Account, ChangeLog, Meter, Premise, ReviewItem, WorkItem

MODELS = {"premise": Premise, "account": Account, "review_item": ReviewItem, "meter": Meter, "work_item": WorkItem}
TABLES: dict[str, Table] = {entity: model.__table__ for entity, model in MODELS.items()}
LOGGED = {entity for entity, model in MODELS.items() if model.change_logged}


class StaleRow(Exception):
    """A row changed after it was read: redo the work with fresh rows."""


@dataclass
class Row:
    entity: str
    id: int
    read_version: int
    version: int
    values: dict[str, Any]
    changed: set[str] = field(default_factory=set)


class RowWriter:
    def __init__(self, at: datetime):
        self.at = at
        self.rows: dict[tuple[str, int], Row] = {}
        self.log: list[dict] = []

    def add(self, entity: str, row_id: int, version: int, values: dict[str, Any]) -> None:
        self.rows.setdefault((entity, row_id), Row(entity, row_id, version, version, dict(values)))

    def get(self, entity: str, row_id: Any) -> Row | None:
        try:
            return self.rows.get((entity, int(row_id)))
        except (TypeError, ValueError):
            return None

    def change(self, entity: str, row_id: int, values: dict[str, Any], source: str,
               ref: str | Mapping[str, str] | None, expect_version: int | None = None) -> bool:
        """Apply one step; False (and nothing changed) if no value differs. `ref` names what caused
        the change, or, as a mapping by field, what caused each field's."""
        row = self.rows[(entity, int(row_id))]
        if expect_version is not None and expect_version != row.version:
            raise StaleRow(f"{entity} {row_id} is at version {row.version}, not {expect_version}")
        diffs = [(k, row.values.get(k), v) for k, v in values.items() if row.values.get(k) != v]
        if not diffs:
            return False
        row.version += 1
        for k, _old, v in diffs:
            row.values[k] = v
            row.changed.add(k)
        if entity in LOGGED:
            if isinstance(ref, Mapping):
                for diff in diffs:
                    self.log += change_rows(entity, row.id, row.version, [diff], source, ref[diff[0]], self.at)
            else:
                self.log += change_rows(entity, row.id, row.version, diffs, source, ref, self.at)
        return True

    def pending(self) -> list[tuple[Table, tuple[str, ...], list[Row]]]:
        """The UPDATEs still to make: (table, fields, rows)."""
        groups: dict[tuple[str, tuple[str, ...]], list[Row]] = defaultdict(list)
        by_entity: dict[str, list[Row]] = defaultdict(list)
        for row in self.rows.values():
            if row.changed:
                by_entity[row.entity].append(row)
        for entity, rows in by_entity.items():
            # One UPDATE per table: a row sets the fields others changed to the values it holds,
            # which are current (read under lock, checked by version). Else one per field set.
            names = tuple(sorted(set().union(*(r.changed for r in rows))))
            if all(n in r.values for r in rows for n in names):
                groups[(entity, names)] = rows
            else:
                for r in rows:
                    groups[(entity, tuple(sorted(r.changed)))].append(r)
        return [(TABLES[entity], names, rows) for (entity, names), rows in groups.items()]

    def settle(self) -> None:
        """The pending updates and change-log rows are written."""
        for row in self.rows.values():
            row.read_version, row.changed = row.version, set()
        self.log = []

    def flush(self, session: Session) -> None:
        """Write the pending updates and change-log rows (the portable path; PostgreSQL uses pg_writes)."""
        for table, names, rows in self.pending():
            stmt = (update(table).where(and_(table.c.id == bindparam("b_id"),
                                             table.c.version == bindparam("b_read_version")))
                    .values({**{n: bindparam(f"b_{n}") for n in names}, "version": bindparam("b_version"),
                             "updated_at": bindparam("b_updated_at")}))
            params = [{"b_id": r.id, "b_read_version": r.read_version, "b_version": r.version,
                       "b_updated_at": self.at, **{f"b_{n}": r.values[n] for n in names}} for r in rows]
            result = session.connection().execute(stmt, params)
            if result.rowcount not in (-1, len(rows)):
                raise StaleRow(f"{len(rows) - result.rowcount} {table.name} row(s) changed while the upload was merged")
        if self.log:
            session.connection().execute(ChangeLog.__table__.insert(), self.log)
        self.settle()
