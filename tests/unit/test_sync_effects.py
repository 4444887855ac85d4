"""Follow-up rules: the effects an accepted record has on work items, accounts and the office."""
from dataclasses import fields
from datetime import datetime, time, timedelta

import pytest

from sync.effects import (
    AppendReading, CreateFollowUp, CreateInspection, CreateUrgentReconnection, MarkNoticeServed, OfficeAlert,
    PendingRegistration, RecordAsItHappened, SetServiceStatus, SetWorkItemStatus, SyncPolicy, VerifyPayment,
)
from sync.followups import CREW_WORK_OUTCOMES, effects_of
from sync.outcomes import OUTCOMES
from sync.records import InspectionFindings, NewPremise
from tests.unit.test_sync_support import (
    CALENDAR, HMO, MORNING, POLICY, PROOF, gps, item, notice, photo, reading, record, uid,
)


def run(rec, work_item, policy=POLICY, received_at=None):
    return effects_of(rec, work_item, CALENDAR, policy, received_at=received_at or rec.device_clock_at_send)


def of_type(effects, kind):
    return [e for e in effects if isinstance(e, kind)]


def test_the_policy_names_match_the_collection_policy_columns():
    from field_api.models import CollectionPolicy

    from_calendars = {"state_calendar_years"}  # read from holiday_calendar, for the policy's holiday_state
    assert {f.name for f in fields(SyncPolicy)} - from_calendars <= set(CollectionPolicy.__table__.columns.keys())


@pytest.mark.parametrize("work_type, rec, status", [
    ("notice", notice(), "done"),
    ("notice", notice("address_not_found", notice_record=None), "failed"),
    ("cut", record("restricted", readings=(reading(),)), "done"),
    ("cut", record("no_access"), "failed"),
    ("cut", record("illegal_reconnection_found"), "failed"),
    ("reconnection", record("not_possible", readings=(reading(),)), "failed"),
    ("inspection", record("no_access"), "failed"),
    ("verification", record("vacant"), "done"),
])
def test_a_dispatched_item_is_closed_as_done_or_failed_by_its_outcome(work_type, rec, status):
    effects = run(rec, item(work_type))
    assert effects[0] == SetWorkItemStatus(101, status, rec.outcome)
    assert not of_type(effects, RecordAsItHappened)


def test_a_summons_creates_the_follow_up_at_the_fixed_hour_of_the_next_business_day():
    friday = datetime(2025, 3, 14, 16, 0, tzinfo=HMO)
    effects = run(notice("summons_left", at=friday), item("notice"))
    (follow_up,) = of_type(effects, CreateFollowUp)
    assert follow_up.window_start == datetime(2025, 3, 18, 10, 0, tzinfo=HMO)  # Monday 17 is a holiday
    assert follow_up.window_end == datetime(2025, 3, 18, 10, 30, tzinfo=HMO)
    assert (follow_up.subtype, follow_up.hard_window, follow_up.account_id) == ("summons_followup", True, 501)
    assert not of_type(effects, MarkNoticeServed)


def test_the_follow_up_hour_and_length_come_from_the_policy():
    policy = SyncPolicy(summons_followup_time=time(9, 0), summons_window_minutes=60)
    (follow_up,) = of_type(run(notice("summons_left"), item("notice"), policy), CreateFollowUp)
    assert (follow_up.window_start, follow_up.window_end) == (
        datetime(2025, 3, 5, 9, 0, tzinfo=HMO), datetime(2025, 3, 5, 10, 0, tzinfo=HMO))


@pytest.mark.parametrize("years, alerted", [
    (frozenset({2025}), False),  # the state's 2025 calendar was entered
    (frozenset(), True),  # none entered: the appointment may fall on a state holiday
    (frozenset({2024, 2026}), True),
    (None, False),  # not known: no check
])
def test_an_appointment_in_a_year_without_the_states_calendar_asks_the_office_to_check_it(years, alerted):
    policy = SyncPolicy(holiday_state="Sonora", state_calendar_years=years)
    effects = run(notice("summons_left"), item("notice"), policy)
    assert len(of_type(effects, CreateFollowUp)) == 1  # the follow-up is made all the same
    alerts = [a for a in of_type(effects, OfficeAlert) if a.kind == "state_calendar_missing"]
    assert bool(alerts) == alerted
    if alerted:
        assert "Sonora para 2025" in alerts[0].message and alerts[0].severity == "normal"


def test_the_follow_up_day_is_counted_from_server_time_when_the_device_clock_is_off():
    # The visit was Tuesday 17:00; the phone, 8 hours fast, says Wednesday 01:00.
    real = datetime(2025, 3, 4, 17, 0, tzinfo=HMO)
    rec = notice("summons_left", at=real + timedelta(hours=8))
    received = rec.device_clock_at_send - timedelta(hours=8)
    (follow_up,) = of_type(run(rec, item("notice"), received_at=received), CreateFollowUp)
    assert follow_up.window_start.date() == datetime(2025, 3, 5).date()


def test_a_served_notice_is_marked_served_with_both_times():
    effects = run(notice(), item("notice"), received_at=notice().device_clock_at_send + timedelta(minutes=10))
    (served,) = of_type(effects, MarkNoticeServed)
    assert served.served_at_device == MORNING
    assert served.served_at_server == MORNING + timedelta(minutes=10)


def test_a_notice_outside_business_hours_is_recorded_and_flagged():
    saturday = datetime(2025, 3, 8, 10, 0, tzinfo=HMO)
    effects = run(notice(at=saturday), item("notice"))
    assert [a.kind for a in of_type(effects, OfficeAlert)] == ["notice_outside_business_hours"]
    assert of_type(effects, MarkNoticeServed)


def test_a_cut_sets_the_service_status_and_appends_the_reading():
    rec = record("restricted", readings=(reading("M-1", 815.0),))
    effects = run(rec, item("cut"))
    assert of_type(effects, SetServiceStatus) == [SetServiceStatus(501, "restricted", 101, rec.client_uuid)]
    (appended,) = of_type(effects, AppendReading)
    assert (appended.meter_serial, appended.value_m3, appended.captured_at_device) == ("M-1", 815.0, MORNING)
    assert not of_type(effects, OfficeAlert)


def test_a_cut_executed_on_an_order_cancelled_while_offline_raises_an_urgent_reconnection():
    rec = record("restricted", readings=(reading(),))
    received = rec.device_clock_at_send
    effects = run(rec, item("cut", status="cancelled", status_reason="pagó"), received_at=received)
    assert of_type(effects, RecordAsItHappened) == [RecordAsItHappened(101, "cancelled", "restricted")]
    assert not of_type(effects, SetWorkItemStatus)
    assert of_type(effects, SetServiceStatus)[0].status == "restricted"
    (reconnection,) = of_type(effects, CreateUrgentReconnection)
    assert reconnection.deadline == received + timedelta(hours=24)
    kinds = {a.kind: a for a in of_type(effects, OfficeAlert)}
    assert kinds["cut_after_cancellation"].severity == "urgent"
    assert "pagó" in kinds["outcome_on_closed_item"].message
    assert of_type(effects, AppendReading)


def test_only_the_outcomes_field_api_reads_the_crews_for_give_a_crew_new_work():
    raising = {o for t, outcomes in OUTCOMES.items() for o in outcomes for status in ("dispatched", "cancelled")
               if of_type(run(record(o), item(t, status=status)), CreateUrgentReconnection)}
    assert raising == CREW_WORK_OUTCOMES


def test_a_cut_not_executed_on_a_cancelled_order_needs_no_reconnection():
    effects = run(record("no_access"), item("cut", status="cancelled"))
    assert not of_type(effects, CreateUrgentReconnection) and not of_type(effects, SetServiceStatus)


def test_a_suspended_domestic_service_is_flagged_when_the_policy_only_restricts():
    rec = record("suspended", readings=(reading(),))
    assert "domestic_suspended" in {a.kind for a in of_type(run(rec, item("cut")), OfficeAlert)}
    commercial = item("cut", land_use="commercial")
    assert not of_type(run(rec, commercial), OfficeAlert)
    mixed = item("cut", land_use="mixed")  # a shop with a home behind it: people live there too
    assert "domestic_suspended" in {a.kind for a in of_type(run(rec, mixed), OfficeAlert)}


def test_a_payment_on_site_goes_to_the_office_to_verify():
    effects = run(record("paid_on_site", photos=(photo(PROOF),)), item("cut"))
    assert of_type(effects, VerifyPayment) == [VerifyPayment(501, 101, (PROOF,))]
    assert not of_type(effects, SetServiceStatus)


def test_an_illegal_reconnection_raises_an_alert_and_an_inspection():
    effects = run(record("illegal_reconnection_found"), item("cut"))
    assert of_type(effects, CreateInspection) == [CreateInspection(501, 701, 101, "illegal_connection")]
    assert [a.kind for a in of_type(effects, OfficeAlert)] == ["illegal_reconnection"]


def test_a_reconnection_restores_the_service_and_a_failed_one_is_urgent():
    done = run(record("done", readings=(reading(),)), item("reconnection"))
    assert of_type(done, SetServiceStatus)[0].status == "active"
    failed = run(record("not_possible", readings=(reading(),)), item("reconnection"))
    assert of_type(failed, OfficeAlert)[0].severity == "urgent" and not of_type(failed, SetServiceStatus)


def test_inspection_findings_of_tampering_and_leaks_reach_the_office():
    f = InspectionFindings("working", "broken", True, False, "domestic", 1, True)
    effects = run(record("inspected", inspection=f, readings=(reading(),)), item("inspection"))
    assert [a.kind for a in of_type(effects, OfficeAlert)] == ["tampering_found", "leak_found"]


def test_new_premises_of_a_walk_become_pending_registrations():
    premise = NewPremise("n1", "Calle 5", "301", gps())
    effects = run(record("confirmed", new_premises=(premise,)), item("verification"))
    assert of_type(effects, PendingRegistration) == [PendingRegistration(premise, 101, uid(1))]


def test_an_item_finished_by_someone_else_records_the_outcome_and_tells_the_office():
    effects = run(notice("summons_left"), item("notice", status="done"))
    assert of_type(effects, RecordAsItHappened) and not of_type(effects, SetWorkItemStatus)
    assert not of_type(effects, CreateFollowUp)
    assert [a.kind for a in of_type(effects, OfficeAlert)] == ["outcome_on_closed_item"]


def test_effects_are_the_same_for_the_same_inputs():
    rec = record("restricted", readings=(reading(),))
    assert run(rec, item("cut", status="cancelled")) == run(rec, item("cut", status="cancelled"))


def test_a_calendar_that_cannot_answer_becomes_an_urgent_alert_and_not_an_error():
    from sync.business_calendar import fiscal_calendar

    only_2024 = fiscal_calendar([2024], tz=HMO)
    effects = effects_of(notice("summons_left"), item("notice"), only_2024, POLICY,
                         received_at=notice().device_clock_at_send)
    assert not of_type(effects, CreateFollowUp)
    alerts = [a for a in of_type(effects, OfficeAlert) if a.kind == "calendar_unavailable"]
    assert alerts and alerts[0].severity == "urgent" and "2025" in alerts[0].message
    assert of_type(effects, SetWorkItemStatus)
