"""Declarative base and the versioned-row mixin shared by every registry table."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, Integer, MetaData, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive one is taken to be UTC already (how times are stored)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


class UtcDateTime(TypeDecorator):
    """DateTime(timezone=True) that stores UTC and reads back aware UTC datetimes on both backends.

    SQLite keeps no offset: it would store an aware time's wall clock as is and hand back a naive
    datetime. PostgreSQL answers in the session's time zone. Either way, the API sends UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return as_utc(value) if isinstance(value, datetime) else value

    def process_result_value(self, value, dialect):
        return as_utc(value) if isinstance(value, datetime) else value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Versioned:
    """A registry row: `version` rises on every change, and each change is logged by field."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}

    # Columns whose changes are bookkeeping, not facts worth a change-log line.
    untracked_fields = frozenset({"version", "created_at", "updated_at"})
    # False where the row keeps its own history (a work item's events): no change-log lines at all.
    change_logged = True


def enum_column(values: tuple[str, ...], name: str, **kw) -> Mapped[str]:
    """A short string column limited to a vocabulary by a CHECK constraint on both backends."""
    from sqlalchemy import Enum

    return mapped_column(
        Enum(*values, name=name, native_enum=False, create_constraint=True, length=24), **kw
    )


__all__ = ["Base", "Versioned", "UtcDateTime", "as_utc", "utcnow", "enum_column", "String"]
