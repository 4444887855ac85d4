"""Work items: what a crew is sent to do. Their lifecycle lives in field_api.domain.work_items."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from field_api.domain import work_items
from schemas import vocab

from .base import Base, Versioned, enum_column

_SUBTYPES = tuple(sorted({s for subs in work_items.WORK_TYPES.values() for s in subs}))


class WorkItem(Versioned, Base):
    __tablename__ = "work_item"
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
    window_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    window_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    required_skill: Mapped[str] = enum_column(vocab.SKILLS, "required_skill")
    status: Mapped[str] = enum_column(work_items.STATUSES, "work_status", default="pending", index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)

    def move_to(self, status: str, reason: str | None = None) -> None:
        """Change state, or raise IllegalTransition naming the current state."""
        work_items.check_transition(self.status, status)
        self.status = status
        self.status_reason = reason
