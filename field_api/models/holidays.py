"""Each state's non-business days, as its official gazette declares them year by year."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Versioned

STATE = String(40)  # as collection_policy.holiday_state; the longest name (schemas.states) has 31


class HolidayCalendar(Versioned, Base):
    """One state's calendar for one year has been entered (possibly with no days at all). Writes to
    the year's days lock this row and raise its version, so two with one If-Match cannot both win."""

    __tablename__ = "holiday_calendar"
    __table_args__ = (UniqueConstraint("state", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(STATE)
    year: Mapped[int] = mapped_column(Integer)


class StateHoliday(Base):
    """A day a state's offices do not work, besides weekends and the federal CFF art. 12 days."""

    __tablename__ = "state_holiday"
    __table_args__ = (UniqueConstraint("state", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(STATE)
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(120))
