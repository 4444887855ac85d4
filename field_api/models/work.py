"""Work items: what a crew is sent to do. Their lifecycle lives in field_api.domain.work_items."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON, BigInteger, CheckConstraint, Date, Float, ForeignKey, Index, Integer, String, Text, text,
)
from sqlalchemy.orm import Mapped, mapped_column

from field_api.domain import work_items
from schemas import vocab

from .base import Base, UtcDateTime, Versioned, enum_column, utcnow

_SUBTYPES = tuple(sorted({s for subs in work_items.WORK_TYPES.values() for s in subs}))
EVENT_KINDS = ("created", "status_changed", "cancelled", "reassigned", "served")
# The events that may hand an item to a crew. The crew-work report selects them with these very
# words: a partial index serves only a query whose WHERE holds its predicate.
HANDED_KINDS = ("reassigned", "created")
_HANDED = text(f"kind IN ({', '.join(repr(k) for k in HANDED_KINDS)}) AND crew_id IS NOT NULL")


class WorkItem(Versioned, Base):
    __tablename__ = "work_item"
    change_logged = False  # its history is the WorkEvent trail: who, when, from what to what, why
    __table_args__ = (
        CheckConstraint(
            "account_id IS NOT NULL OR premise_id IS NOT NULL", name="has_target"
        ),
        CheckConstraint(
            "window_start IS NULL OR window_end IS NULL OR window_start < window_end",
            name="window_order",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = enum_column(tuple(work_items.WORK_TYPES), "work_type", index=True)
    subtype: Mapped[str] = enum_column(_SUBTYPES, "work_subtype")
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    premise_id: Mapped[int | None] = mapped_column(ForeignKey("premise.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    priority_value: Mapped[float] = mapped_column(Float, default=0.0)
    due_date: Mapped[date | None] = mapped_column(Date)
    window_start: Mapped[datetime | None] = mapped_column(UtcDateTime)
    window_end: Mapped[datetime | None] = mapped_column(UtcDateTime)
    required_skill: Mapped[str] = enum_column(vocab.SKILLS, "required_skill")
    status: Mapped[str] = enum_column(work_items.STATUSES, "work_status", default="pending", index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    assigned_crew_id: Mapped[int | None] = mapped_column(ForeignKey("crew.id"), index=True)
    # When a notice was served; a cut needs a cut warning served at least N days before.
    served_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # For cuts and reconnections: the rule that selected the account, in words.
    rule: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(80))
    # Set while the item is open, NULL once final: its unique index stops duplicate open work.
    open_key: Mapped[str | None] = mapped_column(String(80), unique=True)

    def move_to(self, status: str, reason: str | None = None) -> None:
        """Change state, or raise IllegalTransition naming the current state."""
        work_items.check_transition(self.status, status)
        self.status = status
        self.status_reason = reason
        self.open_key = work_items.open_key(self.type, self.subtype, self.account_id, self.premise_id, status)


class WorkEvent(Base):
    """What happened to a work item, who did it and why. The change feed reads it in (tx, id) order."""

    __tablename__ = "work_event"
    # ix_work_event_crew_id_tx_id: a crew's change feed, in the order it is read.
    # ix_work_event_handed_at: the crew-work report's items handed to a crew off its batches, by day.
    # Partial, so that the events an upload writes (status changes, served notices) stay out of it.
    __table_args__ = (Index("ix_work_event_crew_id_tx_id", "crew_id", "tx", "id"),
                      Index("ix_work_event_handed_at", "at", postgresql_where=_HANDED, sqlite_where=_HANDED))

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id"), index=True)
    kind: Mapped[str] = enum_column(EVENT_KINDS, "work_event_kind")
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
    # The crew the item belonged to when this happened, so its devices hear of it.
    crew_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict | None] = mapped_column(JSON)
    # The writing transaction's id on PostgreSQL (migration 0012 sets that default), 0 on SQLite, whose
    # writers take turns. Ids are drawn when a transaction writes, not when it commits, so the feed
    # orders by this first and reads only what no running transaction can still come before.
    tx: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
