"""Business days, business hours and the appointment a summons sets."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from sync.business_calendar import (
    BusinessCalendar, easter_sunday, fiscal_calendar, holy_week, mexico_fiscal_holidays, nth_weekday,
)
from tests.unit.test_sync_support import CALENDAR, HMO


def test_the_fiscal_holidays_of_2025_are_the_cff_article_12_days():
    assert sorted(mexico_fiscal_holidays(2025)) == [
        date(2025, 1, 1), date(2025, 2, 3), date(2025, 3, 17), date(2025, 5, 1), date(2025, 5, 5),
        date(2025, 9, 16), date(2025, 11, 17), date(2025, 12, 25),
    ]


@pytest.mark.parametrize("rule, expected", [
    ("both", {date(2024, 10, 1), date(2024, 12, 1)}),
    ("constitution", {date(2024, 10, 1)}),
    ("cff_text", {date(2024, 12, 1)}),
])
def test_the_transfer_of_power_day_in_2024_follows_the_chosen_rule(rule, expected):
    autumn = {d for d in mexico_fiscal_holidays(2024, rule) if d.month in (10, 12) and d.day == 1}
    assert autumn == expected


def test_the_transfer_of_power_comes_every_six_years_and_was_december_first_until_2018():
    assert date(2018, 12, 1) in mexico_fiscal_holidays(2018, "constitution")
    assert date(2018, 10, 1) not in mexico_fiscal_holidays(2018)
    assert date(2030, 10, 1) in mexico_fiscal_holidays(2030)
    for year in (2025, 2026, 2027, 2028, 2029):
        assert not {date(year, 10, 1), date(year, 12, 1)} & mexico_fiscal_holidays(year)


def test_an_unknown_transfer_rule_is_refused():
    with pytest.raises(ValueError, match="transfer_of_power"):
        mexico_fiscal_holidays(2024, "whatever")


@pytest.mark.parametrize("year, easter", [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)),
                                          (2026, date(2026, 4, 5)), (2038, date(2038, 4, 25))])
def test_easter_sunday_matches_the_published_dates(year, easter):
    assert easter_sunday(year) == easter


def test_holy_week_is_the_thursday_and_friday_before_easter():
    assert holy_week(2025) == {date(2025, 4, 17), date(2025, 4, 18)}
    assert {d.weekday() for d in holy_week(2026)} == {3, 4}


def test_holy_week_is_only_added_when_asked_for():
    assert CALENDAR.is_business_day(date(2025, 4, 17))
    with_easter = fiscal_calendar([2025], with_holy_week=True)
    assert not with_easter.is_business_day(date(2025, 4, 17))


def test_nth_weekday_finds_the_third_monday():
    assert nth_weekday(2025, 11, 0, 3) == date(2025, 11, 17)
    assert nth_weekday(2026, 2, 0, 1) == date(2026, 2, 2)


def test_weekends_and_holidays_are_not_business_days():
    assert CALENDAR.is_business_day(date(2025, 3, 14))  # Friday
    assert not CALENDAR.is_business_day(date(2025, 3, 15))  # Saturday
    assert not CALENDAR.is_business_day(date(2025, 3, 17))  # third Monday of March


def test_the_next_business_day_skips_the_weekend_and_a_holiday_monday():
    assert CALENDAR.next_business_day(date(2025, 3, 14)) == date(2025, 3, 18)
    assert CALENDAR.next_business_day(date(2025, 3, 11)) == date(2025, 3, 12)


def test_state_days_are_added_as_data():
    sonora = CALENDAR.with_extra([date(2025, 3, 18)])
    assert CALENDAR.is_business_day(date(2025, 3, 18))
    assert not sonora.is_business_day(date(2025, 3, 18))
    assert sonora.next_business_day(date(2025, 3, 14)) == date(2025, 3, 19)


def test_a_term_of_business_days_skips_the_weekend_and_the_holiday_monday():
    friday = date(2025, 3, 14)  # the Monday after, March 17, is a holiday
    assert CALENDAR.business_days_after(friday, 0) == friday
    assert CALENDAR.business_days_after(friday, 1) == date(2025, 3, 18)
    assert CALENDAR.business_days_after(friday, 3) == date(2025, 3, 20)


def test_counting_business_days_back_includes_the_day_itself_when_it_is_one():
    thursday = date(2025, 3, 20)
    assert CALENDAR.business_days_back(thursday, 1) == thursday
    assert CALENDAR.business_days_back(thursday, 3) == date(2025, 3, 18)
    assert CALENDAR.business_days_back(thursday, 4) == date(2025, 3, 14)  # over the long weekend
    assert CALENDAR.business_days_back(date(2025, 3, 16), 1) == date(2025, 3, 14)  # from a Sunday


def test_counting_back_by_no_business_days_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        CALENDAR.business_days_back(date(2025, 3, 20), 0)


def test_business_days_cross_the_new_year_only_with_both_years_known():
    both = fiscal_calendar([2025, 2026])
    assert both.business_days_after(date(2025, 12, 31), 1) == date(2026, 1, 2)
    assert both.business_days_back(date(2026, 1, 2), 2) == date(2025, 12, 31)
    with pytest.raises(ValueError, match="2025"):
        fiscal_calendar([2026]).business_days_back(date(2026, 1, 2), 2)


def test_a_calendar_refuses_years_whose_holidays_it_does_not_know():
    only_2025 = fiscal_calendar([2025])
    with pytest.raises(ValueError, match="2026"):
        only_2025.next_business_day(date(2025, 12, 31))
    assert fiscal_calendar([2025, 2026]).next_business_day(date(2025, 12, 31)) == date(2026, 1, 2)


def test_business_hours_run_from_half_past_seven_to_six_both_included():
    day = date(2025, 3, 4)
    assert not CALENDAR.within_business_hours(datetime.combine(day, time(7, 29)))
    assert CALENDAR.within_business_hours(datetime.combine(day, time(7, 30)))
    assert CALENDAR.within_business_hours(datetime.combine(day, time(18, 0)))
    assert not CALENDAR.within_business_hours(datetime.combine(day, time(18, 0, 1)))
    assert not CALENDAR.within_business_hours(datetime(2025, 3, 8, 10, 0))  # Saturday


def test_an_aware_time_is_judged_in_the_utility_time_zone():
    # 00:30 UTC on Wednesday is 17:30 on Tuesday in Sonora.
    assert CALENDAR.within_business_hours(datetime(2025, 3, 5, 0, 30, tzinfo=timezone.utc))
    assert not CALENDAR.within_business_hours(datetime(2025, 3, 5, 2, 0, tzinfo=timezone.utc))


def test_a_calendar_without_a_time_zone_refuses_aware_times():
    with pytest.raises(ValueError, match="time zone"):
        BusinessCalendar().within_business_hours(datetime(2025, 3, 4, 12, 0, tzinfo=timezone.utc))


def test_a_summons_on_friday_sets_the_appointment_for_tuesday_after_a_holiday_monday():
    window = CALENDAR.follow_up_window(datetime(2025, 3, 14, 16, 40, tzinfo=HMO))
    assert window.start == datetime(2025, 3, 18, 10, 0, tzinfo=HMO)
    assert window.end - window.start == timedelta(minutes=30)


def test_the_appointment_day_is_counted_from_the_local_date_of_the_visit():
    # 01:00 UTC Wednesday is still Tuesday evening in Sonora: the appointment is Wednesday.
    window = CALENDAR.follow_up_window(datetime(2025, 3, 5, 1, 0, tzinfo=timezone.utc), time(9, 0), 45)
    assert window.start == datetime(2025, 3, 5, 9, 0, tzinfo=HMO)
    assert window.end == datetime(2025, 3, 5, 9, 45, tzinfo=HMO)


def test_a_naive_visit_gives_a_naive_window():
    window = BusinessCalendar().follow_up_window(datetime(2025, 3, 4, 12, 0))
    assert window.start == datetime(2025, 3, 5, 10, 0) and window.start.tzinfo is None


@pytest.mark.parametrize("at, minutes", [(time(17, 45), 30), (time(7, 0), 30), (time(10, 0), 0)])
def test_a_follow_up_window_outside_business_hours_is_a_setting_error(at, minutes):
    with pytest.raises(ValueError):
        CALENDAR.follow_up_window(datetime(2025, 3, 4, 12, 0, tzinfo=HMO), at, minutes)


@pytest.mark.parametrize("kwargs", [{"open_time": time(18, 0), "close_time": time(7, 30)},
                                    {"weekend": (0, 1, 2, 3, 4, 5, 6)}, {"weekend": (7,)}])
def test_impossible_calendars_are_refused(kwargs):
    with pytest.raises(ValueError):
        BusinessCalendar(**kwargs)
