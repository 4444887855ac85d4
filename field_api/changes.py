"""The change log: every changed field of a versioned row becomes one ChangeLog row.

The ORM path hooks `before_flush`; bulk paths (the registry import) call `change_rows` directly,
so both write the same shape of record.
"""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Iterable

from geoalchemy2.elements import WKBElement, WKTElement
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from .models.base import Versioned, utcnow
from .models.changelog import ChangeLog

SOURCE_KEY = "change_source"
REF_KEY = "change_ref"


def value_text(value: Any) -> str | None:
    """How a value is written in the change log: stable, readable text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, WKBElement):
        from geoalchemy2.shape import to_shape

        return to_shape(value).wkt
    if isinstance(value, WKTElement):
        return value.data.split(";", 1)[-1]
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def change_rows(
    entity: str,
    entity_id: int,
    version: int,
    changes: Iterable[tuple[str, Any, Any]],
    source: str,
    source_ref: str | None = None,
    at: datetime | None = None,
) -> list[dict]:
    """Change-log rows (as dicts for a bulk insert) for (field, old, new) triples."""
    at = at or utcnow()
    return [
        {
            "entity": entity,
            "entity_id": entity_id,
            "field": field,
            "old_value": value_text(old),
            "new_value": value_text(new),
            "version": version,
            "source": source,
            "source_ref": source_ref,
            "changed_at": at,
        }
        for field, old, new in changes
    ]


def set_source(session: Session, source: str, ref: str | None = None) -> None:
    """Name where the next flushed changes come from (office, import, payment_feed, field...)."""
    session.info[SOURCE_KEY] = source
    session.info[REF_KEY] = ref


def _changed_fields(obj: Versioned) -> list[tuple[str, Any, Any]]:
    state = inspect(obj)
    found = []
    for attr in state.mapper.column_attrs:
        if attr.key in obj.untracked_fields:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if value_text(old) != value_text(new):
            found.append((attr.key, old, new))
    return found


@event.listens_for(Session, "before_flush")
def _log_changes(session: Session, _flush_context, _instances) -> None:
    source = session.info.get(SOURCE_KEY, "office")
    ref = session.info.get(REF_KEY)
    for obj in list(session.dirty):
        if not isinstance(obj, Versioned) or not obj.change_logged or not session.is_modified(obj):
            continue
        changes = _changed_fields(obj)
        if not changes:
            continue
        entity_id = inspect(obj).identity[0]
        rows = change_rows(obj.__tablename__, entity_id, obj.version + 1, changes, source, ref)
        session.add_all(ChangeLog(**row) for row in rows)
