"""Each state's holiday calendar, year by year: what the office entered, and replacing it whole."""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from field_api.db import locked
from field_api.models import HolidayCalendar, StateHoliday
from field_api.models.base import utcnow


def year_days(year: int):
    """StateHoliday.day within `year`."""
    return StateHoliday.day.between(date(year, 1, 1), date(year, 12, 31))


def find_calendar(session: Session, state: str, year: int, lock: bool = False) -> HolidayCalendar | None:
    query = select(HolidayCalendar).where(HolidayCalendar.state == state, HolidayCalendar.year == year)
    if lock:
        query = locked(query)
    return session.scalar(query)


def calendar_view(session: Session, state: str, year: int, calendar: HolidayCalendar | None) -> dict:
    days = session.scalars(select(StateHoliday).where(StateHoliday.state == state, year_days(year))
                           .order_by(StateHoliday.day)).all()
    return {"state": state, "year": year, "published": calendar is not None,
            "days": [{"day": d.day, "name": d.name} for d in days],
            "version": calendar.version if calendar is not None else None}


def replace_days(session: Session, state: str, year: int, days: list[dict],
                 calendar: HolidayCalendar | None) -> HolidayCalendar:
    """The year's days become `days` (checked by the caller: in `year`, each once); the caller commits."""
    if calendar is None:
        calendar = HolidayCalendar(state=state, year=year)
        session.add(calendar)
    else:
        calendar.updated_at = utcnow()  # the UPDATE raises the version, hence the ETag
    session.execute(delete(StateHoliday).where(StateHoliday.state == state, year_days(year)))
    session.add_all(StateHoliday(state=state, day=d["day"], name=d["name"].strip()) for d in days)
    session.flush()
    return calendar


def published_years(session: Session, state: str) -> list[int]:
    return list(session.scalars(select(HolidayCalendar.year).where(HolidayCalendar.state == state)
                                .order_by(HolidayCalendar.year)))
