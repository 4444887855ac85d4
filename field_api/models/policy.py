"""The collection policy: one versioned row per utility, edited by admins through the API."""
from __future__ import annotations

from datetime import date, time

from sqlalchemy import JSON, BigInteger, Boolean, Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Versioned, enum_column


class CollectionPolicy(Versioned, Base):
    __tablename__ = "collection_policy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Cut threshold: months overdue and/or amount owed.
    cut_min_months_overdue: Mapped[int] = mapped_column(Integer, default=2)
    cut_min_amount_cents: Mapped[int] = mapped_column(BigInteger, default=50000)
    cut_threshold_rule: Mapped[str] = enum_column(("months_and_amount", "months_or_amount"),
                                                  "cut_threshold_rule", default="months_and_amount")
    cut_warning_days: Mapped[int] = mapped_column(Integer, default=3)
    domestic_cut_action: Mapped[str] = enum_column(("restrict", "suspend"), "domestic_cut_action",
                                                   default="restrict")
    non_domestic_cut_action: Mapped[str] = enum_column(("restrict", "suspend"), "non_domestic_cut_action",
                                                       default="suspend")
    exclude_protected: Mapped[bool] = mapped_column(Boolean, default=True)
    exclude_current_agreements: Mapped[bool] = mapped_column(Boolean, default=True)
    agreement_grace_days: Mapped[int] = mapped_column(Integer, default=10)
    reminder_min_months: Mapped[int] = mapped_column(Integer, default=1)
    demand_min_months: Mapped[int] = mapped_column(Integer, default=2)
    notice_due_days: Mapped[int] = mapped_column(Integer, default=5)
    # Whether cut_warning_days and notice_due_days count business days (state laws differ).
    business_day_terms: Mapped[bool] = mapped_column(Boolean, default=False)
    business_open: Mapped[time] = mapped_column(Time, default=time(7, 30))
    business_close: Mapped[time] = mapped_column(Time, default=time(18, 0))
    holiday_state: Mapped[str] = mapped_column(String(40), default="Sonora")
    extra_holidays: Mapped[list[str]] = mapped_column(JSON, default=list)
    summons_followup_time: Mapped[time] = mapped_column(Time, default=time(10, 0))
    summons_window_minutes: Mapped[int] = mapped_column(Integer, default=30)
    reconnection_deadline_hours: Mapped[int] = mapped_column(Integer, default=24)
    # Anomaly rules that raise inspection requests.
    drop_ratio: Mapped[int] = mapped_column(Integer, default=50)  # percent below the 6-month average

    def holidays(self) -> list[date]:
        return [date.fromisoformat(d) for d in self.extra_holidays or []]
