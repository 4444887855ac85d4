"""The demo town's state holiday calendar: Sonora, for the demo's year and the next.

AN EXAMPLE, NOT LEGAL TRUTH. Which days a state declares non-business is published each year in
its official gazette, and the office enters them (PUT /api/v1/holiday-calendars/{state}/{year}).
The days here are ones state offices commonly close, so that the demo shows the calendar at work:
Holy Thursday and Good Friday (computed), Día de Muertos and the Virgin of Guadalupe.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, select

from field_api.models import HolidayCalendar, StateHoliday
from sync.business_calendar import holy_week

DEMO_STATE = "Sonora"  # the policy's default holiday_state, and where the demo town lies


def example_days(year: int) -> list[tuple[date, str]]:
    thursday, friday = sorted(holy_week(year))
    return [(thursday, "Jueves Santo (ejemplo)"), (friday, "Viernes Santo (ejemplo)"),
            (date(year, 11, 2), "Día de Muertos (ejemplo)"),
            (date(year, 12, 12), "Día de la Virgen de Guadalupe (ejemplo)")]


def load_demo_holidays(conn: Connection, years: tuple[int, ...], now: datetime) -> tuple[int, ...]:
    """Enter the example days for the years with no calendar of DEMO_STATE yet; one the office
    entered is left as it is. Returns the years entered."""
    calendars, days = HolidayCalendar.__table__, StateHoliday.__table__
    known = set(conn.scalars(select(calendars.c.year).where(calendars.c.state == DEMO_STATE)))
    entered = tuple(y for y in years if y not in known)
    for year in entered:
        conn.execute(calendars.insert(), {"state": DEMO_STATE, "year": year, "version": 1,
                                          "created_at": now, "updated_at": now})
        conn.execute(days.insert(), [{"state": DEMO_STATE, "day": d, "name": name} for d, name in example_days(year)])
    return entered
