"""A payment calls off the field work it makes unnecessary, whatever the field has added to it."""
from datetime import timedelta

from sqlalchemy import select

from field_api.models import WorkItem
from tests.api.conftest import as_role
from tests.api.sync_fixtures import field_day, server_clock  # noqa: F401
from tests.sync_support import MORNING, notice, upload_body

UPLOADS = "/api/v1/sync/uploads"


def test_a_payment_in_full_cancels_the_summons_follow_up_of_a_notice(field_day, session, app, tokens):
    d = field_day
    warning, account = d["notices"][1], d["accounts"][4]
    left = d["notifier"].post(UPLOADS, json=upload_body([notice(warning.id, 12, "summons_left",
                                                                MORNING + timedelta(hours=3))]))
    assert left.get_json()["results"][0]["status"] == "accepted"
    followup = session.scalar(select(WorkItem).where(WorkItem.subtype == "summons_followup"))
    assert followup.status == "pending"
    paid = as_role(app, tokens, "supervisor").post("/api/v1/payments", json={"payments": [
        {"reference": "PAY-F1", "account_number": account.number, "amount": 5000, "paid_on": "2026-11-24"}]})
    [result] = paid.get_json()["results"]
    assert result["effects"]["amount_owed"] == 0
    assert result["effects"]["cancelled_work_items"] == [followup.id]
    session.expire_all()
    assert session.get(WorkItem, followup.id).status == "cancelled"


def test_a_partial_payment_leaves_the_follow_up_of_a_cut_warning_still_due(field_day, session, app, tokens):
    d = field_day
    warning, account = d["notices"][1], d["accounts"][4]
    d["notifier"].post(UPLOADS, json=upload_body([notice(warning.id, 12, "summons_left", MORNING)]))
    paid = as_role(app, tokens, "supervisor").post("/api/v1/payments", json={"payments": [
        {"reference": "PAY-F2", "account_number": account.number, "amount": 1000, "paid_on": "2026-11-24"}]})
    assert paid.get_json()["results"][0]["effects"]["cancelled_work_items"] == []
    session.expire_all()
    followup = session.scalar(select(WorkItem).where(WorkItem.subtype == "summons_followup"))
    assert followup.status == "pending"


def test_an_agreement_calls_off_the_open_cut_and_the_crew_hears_why(field_day, session, app, tokens):
    d = field_day
    cut, account = d["cuts"][1], d["accounts"][1]
    start = d["cutter"].get("/api/v1/sync/changes").get_json()["cursor"]
    made = as_role(app, tokens, "supervisor").post("/api/v1/agreements", json={
        "account_id": account.id, "total": 2000, "instalments": 4, "start_date": "2026-11-24"})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["cancelled_work_items"] == [cut.id]
    session.expire_all()
    assert session.get(WorkItem, cut.id).status == "cancelled"
    assert session.get(WorkItem, d["cuts"][0].id).status == "dispatched"  # another account's cut stands
    [change] = d["cutter"].get(f"/api/v1/sync/changes?since={start}").get_json()["changes"]
    assert change["change"] == "cancelled" and change["work_item_id"] == cut.id
    assert f"Convenio de pago {made.get_json()['id']} vigente" in change["reason"]
