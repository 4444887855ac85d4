"""Business days and hours of a utility, and the follow-up appointment a summons sets.

A personal notice may only be served on business days within business hours (CFF art. 13), and
a summons (citatorio) fixes an hour of the *next business day* (CFF arts. 134–137, copied by the
state fiscal codes). Which days are not business days differs by state and year, so holidays are
data: `mexico_fiscal_holidays` gives the federal base list and each utility adds its state's
published calendar with `BusinessCalendar.with_extra`.

Times: naive datetimes are the utility's local wall-clock time. Aware datetimes are converted to
the calendar's `tz`; a calendar without `tz` refuses them rather than guess a zone.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Iterable

# A year and a half of consecutive non-business days can only be a configuration error.
_MAX_SEARCH_DAYS = 550

TRANSFER_RULES = ("both", "constitution", "cff_text")


@dataclass(frozen=True)
class Window:
    """A time window [start, end] for the start of a visit."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class BusinessCalendar:
    """Non-business days (weekends and `holidays`) and the business hours of one utility.

    `known_years`, when set, makes every question about a date outside those years an error:
    a legal deadline must not be computed from a holiday list that does not cover it.
    """

    holidays: frozenset[date] = frozenset()
    open_time: time = time(7, 30)
    close_time: time = time(18, 0)
    weekend: tuple[int, ...] = (5, 6)  # date.weekday(): Saturday, Sunday
    tz: tzinfo | None = None
    known_years: frozenset[int] | None = field(default=None)

    def __post_init__(self):
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "weekend", tuple(sorted(set(self.weekend))))
        if self.known_years is not None:
            object.__setattr__(self, "known_years", frozenset(self.known_years))
        if not self.open_time < self.close_time:
            raise ValueError(f"Business hours must open before they close: {self.open_time}–{self.close_time}")
        if any(d not in range(7) for d in self.weekend) or len(self.weekend) == 7:
            raise ValueError(f"Weekend days must be weekday numbers 0–6, not all seven: {self.weekend}")

    def with_extra(self, days: Iterable[date]) -> "BusinessCalendar":
        """This calendar plus more non-business days (a state's calendar, office vacations)."""
        return replace(self, holidays=self.holidays | frozenset(days))

    def is_business_day(self, d: date) -> bool:
        if isinstance(d, datetime):
            d = self._local(d).date()
        if self.known_years is not None and d.year not in self.known_years:
            known = ", ".join(str(y) for y in sorted(self.known_years))
            raise ValueError(f"This calendar knows the holidays of {known} only, not of {d.year}")
        return d.weekday() not in self.weekend and d not in self.holidays

    def next_business_day(self, d: date) -> date:
        """The first business day strictly after `d`."""
        if isinstance(d, datetime):
            d = self._local(d).date()
        for step in range(1, _MAX_SEARCH_DAYS):
            candidate = d + timedelta(days=step)
            if self.is_business_day(candidate):
                return candidate
        raise ValueError(f"No business day within {_MAX_SEARCH_DAYS} days after {d}")

    def business_days_after(self, d: date, n: int) -> date:
        """The n-th business day after `d` (`d` itself for n = 0): a term of n business days
        given on `d` ends then."""
        for _ in range(n):
            d = self.next_business_day(d)
        return d

    def business_days_back(self, d: date, n: int) -> date:
        """The n-th business day counting back from `d`, `d` included (n >= 1). Something done
        before that day has had at least n business days pass by the end of `d`."""
        if n < 1:
            raise ValueError(f"Counting back needs at least one business day, not {n}")
        for step in range(_MAX_SEARCH_DAYS):
            candidate = d - timedelta(days=step)
            if self.is_business_day(candidate):
                n -= 1
                if n == 0:
                    return candidate
        raise ValueError(f"Too few business days within {_MAX_SEARCH_DAYS} days before {d}")

    def within_business_hours(self, dt: datetime) -> bool:
        """A business day, between opening and closing time, both included."""
        local = self._local(dt)
        return self.is_business_day(local.date()) and self.open_time <= local.time() <= self.close_time

    def follow_up_window(self, visit_at: datetime, at_time: time = time(10, 0), minutes: int = 30) -> Window:
        """The appointment a summons left at `visit_at` sets: `at_time` of the next business day.

        The window must fit in business hours (a summons for 17:50 with 30 minutes would end
        after closing), otherwise the setting is wrong and this raises. The result is naive if
        `visit_at` is naive and aware (in the calendar's zone) if it is aware.
        """
        if minutes <= 0:
            raise ValueError(f"A follow-up window needs a positive length, not {minutes} minutes")
        local = self._local(visit_at)
        day = self.next_business_day(local.date())
        start = datetime.combine(day, at_time)
        end = start + timedelta(minutes=minutes)
        if not (self.open_time <= at_time and end.time() <= self.close_time and end.date() == day):
            raise ValueError(
                f"A follow-up at {at_time:%H:%M} for {minutes} min falls outside business hours "
                f"{self.open_time:%H:%M}–{self.close_time:%H:%M}"
            )
        if visit_at.tzinfo is not None:
            start, end = start.replace(tzinfo=self.tz), end.replace(tzinfo=self.tz)
        return Window(start, end)

    def _local(self, dt: datetime) -> datetime:
        if dt.tzinfo is None:
            return dt
        if self.tz is None:
            raise ValueError("An aware datetime needs a calendar with a time zone (tz=ZoneInfo(...))")
        return dt.astimezone(self.tz).replace(tzinfo=None)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th (1-based) `weekday` (0 = Monday) of a month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def mexico_fiscal_holidays(year: int, transfer_of_power: str = "both") -> frozenset[date]:
    """The fixed non-business days of CFF art. 12 (besides Saturdays and Sundays) for one year.

    Based on the text of art. 12 of the Código Fiscal de la Federación as published in the
    compilations we could find: January 1; the first Monday of February (for February 5); the
    third Monday of March (for March 21); May 1 and May 5; September 16; the third Monday of
    November (for November 20); "el 1o. de diciembre de cada 6 años, cuando corresponda a la
    transmisión del Poder Ejecutivo Federal"; and December 25.

    The transfer of power moved: since the 2014 reform of Constitution art. 83 the president takes
    office on October 1 (first in 2024), and Ley Federal del Trabajo art. 74 was changed to
    October 1 (DOF 30-09-2024). We found no matching change to CFF art. 12, so in transfer years
    (2024, 2030, ...) `transfer_of_power` chooses:
      - "both" (default, the cautious choice): October 1 and December 1 are both non-business,
        so no notice is served on a day a court might hold was not a business day;
      - "constitution": October 1 only (December 1 up to 2018);
      - "cff_text": December 1 only, the literal text.
    Have the utility's legal counsel confirm the choice. Not included, because they are not fixed
    dates: the general vacations of the fiscal authority (same article) and state holidays; add
    them with `BusinessCalendar.with_extra`. Holy Thursday and Friday: see `holy_week`.
    """
    if transfer_of_power not in TRANSFER_RULES:
        raise ValueError(f"transfer_of_power must be one of {TRANSFER_RULES}, not {transfer_of_power!r}")
    days = {
        date(year, 1, 1),
        nth_weekday(year, 2, 0, 1),
        nth_weekday(year, 3, 0, 3),
        date(year, 5, 1),
        date(year, 5, 5),
        date(year, 9, 16),
        nth_weekday(year, 11, 0, 3),
        date(year, 12, 25),
    }
    if year >= 1934 and (year - 1934) % 6 == 0:  # a new sexenio starts: 1934, ..., 2018, 2024, 2030
        if year <= 2018 or transfer_of_power in ("both", "cff_text"):
            days.add(date(year, 12, 1))
        if year >= 2024 and transfer_of_power in ("both", "constitution"):
            days.add(date(year, 10, 1))
    return frozenset(days)


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Meeus/Jones/Butcher computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def holy_week(year: int) -> frozenset[date]:
    """Holy Thursday and Good Friday: not in CFF art. 12, but state offices commonly close."""
    easter = easter_sunday(year)
    return frozenset({easter - timedelta(days=3), easter - timedelta(days=2)})


def fiscal_calendar(
    years: Iterable[int],
    *,
    extra: Iterable[date] = (),
    with_holy_week: bool = False,
    transfer_of_power: str = "both",
    open_time: time = time(7, 30),
    close_time: time = time(18, 0),
    tz: tzinfo | None = None,
) -> BusinessCalendar:
    """A calendar that knows the federal fiscal holidays of `years`, plus `extra` (state) days.

    Include next year when planning in late December: the next business day may be in it.
    """
    years = frozenset(years)
    if not years:
        raise ValueError("A fiscal calendar needs at least one year")
    days: set[date] = set(extra)
    for year in years:
        days |= mexico_fiscal_holidays(year, transfer_of_power)
        if with_holy_week:
            days |= holy_week(year)
    return BusinessCalendar(
        holidays=frozenset(days), open_time=open_time, close_time=close_time, tz=tz, known_years=years
    )
