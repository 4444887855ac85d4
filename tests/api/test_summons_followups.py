"""Summons follow-ups: the appointment is on the next business day of the policy's state, and a notice
served at it counts as the notice it follows up."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

import field_api.sync_service.upload as upload_module
from field_api.models import WorkItem
from tests.api.conftest import as_role
from tests.api.sync_fixtures import field_day, server_clock  # noqa: F401
from tests.builders import make_item
from tests.sync_support import HMO, MORNING, notice, publish_batch, upload_body

UPLOADS = "/api/v1/sync/uploads"
APPOINTMENT = datetime(2026, 11, 25, 10, 5, tzinfo=HMO)  # the next business day, at the summons hour


def serve_at_the_appointment(d, session, monkeypatch, stage_item):
    left = d["notifier"].post(UPLOADS, json=upload_body([notice(stage_item.id, 12, "summons_left",
                                                                MORNING + timedelta(hours=3))]))
    assert left.get_json()["results"][0]["status"] == "accepted"
    followup = session.scalar(select(WorkItem).where(WorkItem.subtype == "summons_followup"))
    publish_batch(session, d["notifiers"], [followup], day=date(2026, 11, 25))
    session.commit()
    evening = APPOINTMENT + timedelta(hours=7)
    monkeypatch.setattr(upload_module, "utcnow", lambda: evening)
    served = d["notifier"].post(UPLOADS, json=upload_body([notice(followup.id, 13, "served_on_present", APPOINTMENT)],
                                                          sent_at=evening))
    assert served.get_json()["results"][0]["status"] == "accepted"
    return followup


def test_a_cut_warning_served_at_the_summons_appointment_lets_the_account_be_cut(field_day, session, app, tokens,
                                                                                  monkeypatch):
    d = field_day
    serve_at_the_appointment(d, session, monkeypatch, d["notices"][1])
    answer = as_role(app, tokens, "dispatcher").post("/api/v1/work-generation/cut-candidates",
                                                     json={"as_of": "2026-11-30"}).get_json()
    assert [c["account_number"] for c in answer["candidates"]] == [d["accounts"][4].number], answer["excluded"]
    assert "aviso de corte notificado el 2026-11-25" in answer["candidates"][0]["rule"]


def test_a_reminder_served_at_the_summons_appointment_is_not_a_cut_warning(field_day, session, app, tokens,
                                                                           monkeypatch):
    d = field_day
    reminder = make_item(session, d["accounts"][4], "notice", "reminder", value=500.0)
    publish_batch(session, d["notifiers"], [reminder])
    session.commit()
    serve_at_the_appointment(d, session, monkeypatch, reminder)
    answer = as_role(app, tokens, "dispatcher").post("/api/v1/work-generation/cut-candidates",
                                                     json={"as_of": "2026-11-30"}).get_json()
    assert answer["candidates"] == [] and answer["excluded"]["no_warning_served"] == 2


def test_a_campaign_skips_an_account_whose_notice_of_that_stage_awaits_its_summons_appointment(field_day, app,
                                                                                                tokens):
    d = field_day
    warning = d["notices"][1]
    left = d["notifier"].post(UPLOADS, json=upload_body([notice(warning.id, 12, "summons_left",
                                                                MORNING + timedelta(hours=3))]))
    assert left.get_json()["results"][0]["status"] == "accepted"
    dispatcher = as_role(app, tokens, "dispatcher")
    warnings = dispatcher.post("/api/v1/work-generation/notice-campaigns",
                               json={"stage": "cut_warning", "as_of": "2026-11-24"}).get_json()
    assert warning.account_id not in {c["account_id"] for c in warnings["candidates"]}
    reminders = dispatcher.post("/api/v1/work-generation/notice-campaigns",
                                json={"stage": "reminder", "as_of": "2026-11-24"}).get_json()
    assert warning.account_id in {c["account_id"] for c in reminders["candidates"]}  # another stage's act


def publish_state_days(app, tokens, state, days):
    admin = as_role(app, tokens, "admin")
    path = f"/api/v1/holiday-calendars/{state}/2026"
    etag = admin.get(path).headers["ETag"]
    assert admin.put(path, json={"days": days}, headers={"If-Match": etag}).status_code == 200


@pytest.mark.parametrize("calendar_state, policy_state, appointment_day", [
    ("Sonora", None, 26),  # the default policy, made on the upload's first use
    ("Sonora", "Sonora", 26),
    ("Chihuahua", None, 25),  # another state's day is a business day here
    ("Chihuahua", "Chihuahua", 26),
])
def test_a_summons_left_the_day_before_a_state_holiday_is_followed_up_on_the_next_business_day_after_it(
        field_day, session, app, tokens, calendar_state, policy_state, appointment_day):
    d = field_day
    publish_state_days(app, tokens, calendar_state, [{"day": "2026-11-25", "name": "Día inhábil de prueba"}])
    if policy_state:
        admin = as_role(app, tokens, "admin")
        changed = admin.patch("/api/v1/policy", json={"holiday_state": policy_state},
                              headers={"If-Match": admin.get("/api/v1/policy").headers["ETag"]})
        assert changed.status_code == 200, changed.get_json()
    # Left on Tuesday 24 November, the day before the holiday.
    left = d["notifier"].post(UPLOADS, json=upload_body([notice(d["notices"][1].id, 12, "summons_left",
                                                                MORNING + timedelta(hours=3))]))
    assert left.get_json()["results"][0]["status"] == "accepted"
    followup = session.scalar(select(WorkItem).where(WorkItem.subtype == "summons_followup"))
    assert followup.window_start.astimezone(HMO) == datetime(2026, 11, appointment_day, 10, 0, tzinfo=HMO)


@pytest.mark.parametrize("published", [True, False])
def test_an_appointment_set_without_the_states_calendar_of_its_year_is_an_alert_to_check_it(
        field_day, app, tokens, published):
    d = field_day
    if published:  # a year entered with no days is still a calendar the office checked
        publish_state_days(app, tokens, "Sonora", [])
    left = d["notifier"].post(UPLOADS, json=upload_body([notice(d["notices"][1].id, 12, "summons_left",
                                                                MORNING + timedelta(hours=3))]))
    assert left.get_json()["results"][0]["status"] == "accepted"
    alerts = as_role(app, tokens, "supervisor").get("/api/v1/alerts?kind=state_calendar_missing").get_json()["alerts"]
    assert len(alerts) == (0 if published else 1)
    if not published:
        assert "Sonora para 2026" in alerts[0]["message"] and alerts[0]["work_item_id"] == d["notices"][1].id
