"""The utility's business calendar, built from the collection policy and the TIMEZONE setting."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from sync.business_calendar import BusinessCalendar, fiscal_calendar

from field_api.models import CollectionPolicy


def policy_calendar(policy: CollectionPolicy, around: date, timezone: str) -> BusinessCalendar:
    """Federal fiscal holidays plus the policy's state days, for `around`'s year and the next."""
    return fiscal_calendar(
        (around.year, around.year + 1), extra=policy.holidays(), open_time=policy.business_open,
        close_time=policy.business_close, tz=ZoneInfo(timezone),
    )


def utility_zone() -> ZoneInfo:
    """The utility's time zone (the TIMEZONE setting), whose days the office means."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def utility_today(now: datetime | None = None) -> date:
    """Today in the utility's TIMEZONE. The server's clock runs on UTC, which in Mexico's evening
    is already tomorrow, so `date.today()` would date the evening's work a day early."""
    zone = utility_zone()
    return now.astimezone(zone).date() if now is not None else datetime.now(zone).date()
