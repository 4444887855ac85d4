"""A notice served at the summons appointment counts as the notice it follows up."""
from datetime import date, datetime, timedelta

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
