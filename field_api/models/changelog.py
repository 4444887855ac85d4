"""One row per changed field of a registry row: old value, new value, source and time."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from schemas import vocab

from .base import Base, UtcDateTime, enum_column, utcnow


class ChangeLog(Base):
    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = enum_column(vocab.CHANGE_SOURCES, "change_source")
    # What caused it: an import file name, a payment reference, a field record UUID, a user.
    source_ref: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
