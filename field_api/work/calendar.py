"""The utility's business calendar, built from the collection policy, its state's published days
and the TIMEZONE setting."""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from sync.business_calendar import BusinessCalendar, fiscal_calendar

from field_api.models import CollectionPolicy, HolidayCalendar, StateHoliday
from field_api.work.holidays import published_years
from field_api.work.policy import POLICY_ID

# The days of the policy's own state from :first to :last; a join, so that uploads fetch them in
# the same round trip as the policy row.
POLICY_STATE_DAYS = (
    select(StateHoliday.day)
    .join(CollectionPolicy, CollectionPolicy.holiday_state == StateHoliday.state)
    .where(CollectionPolicy.id == POLICY_ID, StateHoliday.day.between(bindparam("first"), bindparam("last")))
)

# The years of the policy's state that the office entered (even with no days): a legal deadline in
# any other year is computed without the state's days, and a person must check it.
POLICY_STATE_YEARS = (
    select(HolidayCalendar.year)
    .join(CollectionPolicy, CollectionPolicy.holiday_state == HolidayCalendar.state)
    .where(CollectionPolicy.id == POLICY_ID)
)


def calendar_span(around: date) -> dict[str, date]:
    """The days a calendar for `around` knows: its year and the next (the next business day after
    late December is in January). The parameters of POLICY_STATE_DAYS."""
    return {"first": date(around.year, 1, 1), "last": date(around.year + 1, 12, 31)}


def state_days(session: Session, state: str, around: date) -> list[date]:
    span = calendar_span(around)
    return _state_days_between(session, state, span["first"], span["last"])


def _state_days_between(session: Session, state: str, first: date, last: date) -> list[date]:
    return list(session.scalars(select(StateHoliday.day).where(
        StateHoliday.state == state, StateHoliday.day.between(first, last))))


def policy_calendar(session: Session, policy: CollectionPolicy, around: date, timezone: str, *,
                    days_of_state: Iterable[date] | None = None) -> BusinessCalendar:
    """Federal fiscal holidays, the published days of the policy's `holiday_state` and the policy's
    `extra_holidays`, for `around`'s year and the next. `days_of_state`, if the caller fetched
    them already (POLICY_STATE_DAYS), spares the query."""
    if days_of_state is None:
        days_of_state = state_days(session, policy.holiday_state, around)
    return _of_policy(policy, (around.year, around.year + 1), days_of_state, ZoneInfo(timezone))


def term_calendar(session: Session, policy: CollectionPolicy, as_of: date) -> BusinessCalendar:
    """The calendar that counts the policy's terms in business days from `as_of`: a term of up to
    90 business days reaches back into last year (since a cut warning) or on into the next (a
    notice's due date)."""
    years = (as_of.year - 1, as_of.year, as_of.year + 1)
    days = _state_days_between(session, policy.holiday_state, date(years[0], 1, 1), date(years[-1], 12, 31))
    return _of_policy(policy, years, days)


def _of_policy(policy: CollectionPolicy, years: tuple[int, ...], days_of_state: Iterable[date],
               tz: ZoneInfo | None = None) -> BusinessCalendar:
    """The federal days of `years`, the state's `days_of_state` and the policy's own, with its hours."""
    return fiscal_calendar(years, extra=[*policy.holidays(), *days_of_state], open_time=policy.business_open,
                           close_time=policy.business_close, tz=tz)


def missing_calendar_warning(session: Session, policy: CollectionPolicy, years: Iterable[int], what: str,
                             redo: str) -> list[str]:
    """A warning naming the `years` whose calendar of the policy's state was never entered: `what`
    then discounts the federal days only, and `redo` is how to take the state's days in later."""
    missing = sorted(set(years) - set(published_years(session, policy.holiday_state)))
    if not missing:
        return []
    listed = ", ".join(str(y) for y in missing)
    return [f"No se ha capturado el calendario de días inhábiles de {policy.holiday_state} para {listed}: "
            f"{what} sólo descuenta los días inhábiles federales. Publíquelo en "
            f"/holiday-calendars/{policy.holiday_state}/{missing[0]} y {redo} si cambia algo."]


def utility_zone() -> ZoneInfo:
    """The utility's time zone (the TIMEZONE setting), whose days the office means."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def utility_today(now: datetime | None = None) -> date:
    """Today in the utility's TIMEZONE. The server's clock runs on UTC, which in Mexico's evening
    is already tomorrow, so `date.today()` would date the evening's work a day early."""
    zone = utility_zone()
    return now.astimezone(zone).date() if now is not None else datetime.now(zone).date()
