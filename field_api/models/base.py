"""Declarative base and the versioned-row mixin shared by every registry table."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, Integer, MetaData, String
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
    """A stored time, made aware: SQLite hands back naive datetimes, which were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Versioned:
    """A registry row: `version` rises on every change, and each change is logged by field."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

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


__all__ = ["Base", "Versioned", "utcnow", "enum_column", "String"]
