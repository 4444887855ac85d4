"""Payments credit the balance, call off work that is no longer due, and order reconnections."""
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select

from field_api.models import Balance, ChangeLog, Payment, WorkEvent, WorkItem
from field_api.work import agreements, cuts, notices
from field_api.work.areas import AreaFilter
from field_api.work.payments import PaymentIn, apply_payments
from field_api.work.policy import get_policy
from tests.builders import make_account, served_warning

TODAY = date(2026, 11, 20)
TZ = ZoneInfo("America/Hermosillo")


def pay(session, reference, number, cents, paid_on=TODAY):
    return apply_payments(session, [PaymentIn(reference, number, cents, paid_on)], get_policy(session),
                          "api_key:billing", "billing", tz=TZ)


def open_cut(session, account):
    served_warning(session, account, date(2026, 11, 10))
    result = cuts.cut_candidates(session, get_policy(session), AreaFilter(), TODAY, True, "t",
                                 tz=TZ)
    return session.get(WorkItem, result.created_ids[0])


def test_full_payment_cancels_the_dispatched_cut_and_its_devices_hear_why(session):
    account = make_account(session, "A1", -112.16, 30.71, months=4, cents=300000)
    cut = open_cut(session, account)
    cut.move_to("planned")
    cut.move_to("dispatched")
    cut.assigned_crew_id = None
    session.flush()
    [result] = pay(session, "PAY-1", "A1", 300000)
    assert result["status"] == "accepted"
    assert result["effects"]["cancelled_work_items"] == [cut.id]
    assert result["effects"]["amount_owed"] == 0 and result["effects"]["months_overdue"] == 0
    session.refresh(cut)
    assert cut.status == "cancelled" and cut.status_reason == "Pagado: referencia PAY-1"
    event = session.scalars(select(WorkEvent).where(WorkEvent.work_item_id == cut.id, WorkEvent.kind == "cancelled")).one()
    assert event.reason == "Pagado: referencia PAY-1" and event.details["previous"] == "dispatched"


def test_partial_payment_leaves_the_cut_when_still_past_the_threshold(session):
    account = make_account(session, "A2", -112.16, 30.71, months=6, cents=600000)
    cut = open_cut(session, account)
    [result] = pay(session, "PAY-2", "A2", 100000)
    assert result["effects"]["cancelled_work_items"] == []
    assert result["effects"]["amount_owed"] == 5000 and result["effects"]["months_overdue"] == 5
    assert session.get(WorkItem, cut.id).status == "pending"


def test_payment_below_the_reminder_stage_cancels_open_notices(session):
    make_account(session, "A3", -112.16, 30.71, months=2, cents=80000)
    policy = get_policy(session)
    campaign = notices.notice_campaign(session, policy, AreaFilter(), TODAY, True, "t", stage="reminder")
    [result] = pay(session, "PAY-3", "A3", 80000)
    assert result["effects"]["cancelled_work_items"] == campaign.created_ids


def test_a_cut_account_that_pays_gets_an_urgent_reconnection_with_a_deadline(session):
    make_account(session, "A4", -112.16, 30.71, months=5, cents=500000, status="restricted")
    [result] = pay(session, "PAY-4", "A4", 500000)
    item = session.get(WorkItem, result["effects"]["reconnection_work_item"])
    assert (item.type, item.subtype, item.status, item.required_skill) == ("reconnection", "restore", "pending", "cut")
    assert (item.window_end - item.window_start).total_seconds() == 24 * 3600
    [again] = pay(session, "PAY-5", "A4", 100)  # a second payment does not order a second reconnection
    assert again["effects"]["reconnection_work_item"] == item.id


def test_a_reconnection_paid_for_in_the_evening_is_due_on_the_utilitys_next_day_not_the_utc_one(session,
                                                                                                 monkeypatch):
    from datetime import datetime, timezone

    from field_api.work import payments

    # 17:30 on the 20th in Hermosillo is 00:30 on the 21st in UTC; 24 hours on is the 21st there.
    monkeypatch.setattr(payments, "utcnow", lambda: datetime(2026, 11, 21, 0, 30, tzinfo=timezone.utc))
    make_account(session, "A8", -112.16, 30.71, months=5, cents=500000, status="restricted")
    [result] = pay(session, "PAY-8", "A8", 500000)
    item = session.get(WorkItem, result["effects"]["reconnection_work_item"])
    assert item.due_date == date(2026, 11, 21)


def test_a_cut_account_honouring_its_agreement_is_reconnected_though_it_still_owes(session):
    make_account(session, "A9", -112.16, 30.71, months=5, cents=500000, status="restricted")
    [plain] = pay(session, "PAY-9", "A9", 50000)  # a part of the debt, with no agreement: still cut
    assert plain["effects"]["reconnection_work_item"] is None
    account_id = session.scalar(select(Balance.account_id).join_from(Balance, Payment,
                                                                     Balance.account_id == Payment.account_id))
    row, _ = agreements.create_agreement(session, account_id, 450000, 9, TODAY)
    result = agreements.record_instalment(session, row, "INST-9", 50000, TODAY, get_policy(session), "t", "t", tz=TZ)
    assert result["effects"]["amount_owed"] == 4000
    item = session.get(WorkItem, result["effects"]["reconnection_work_item"])
    assert (item.type, item.status) == ("reconnection", "pending")


def test_same_reference_twice_gives_the_original_result_and_no_double_credit(session):
    make_account(session, "A5", -112.16, 30.71, months=3, cents=300000)
    [first] = pay(session, "PAY-6", "A5", 100000)
    [second] = pay(session, "PAY-6", "A5", 100000)
    assert second == {"reference": "PAY-6", "status": "duplicate", "effects": first["effects"]}
    assert session.scalar(select(Balance.amount_owed_cents).join_from(Balance, Payment,
                          Balance.account_id == Payment.account_id)) == 200000
    [different] = pay(session, "PAY-6", "A5", 999)
    assert different["status"] == "rejected" and "different payment" in different["reason"]


def test_one_unknown_account_does_not_stop_the_rest_of_the_batch(session):
    make_account(session, "A6", -112.16, 30.71, months=3, cents=300000)
    results = apply_payments(session, [PaymentIn("P-a", "NOPE", 100, TODAY), PaymentIn("P-b", "A6", 100, TODAY)],
                             get_policy(session), "t", "t", tz=TZ)
    assert [r["status"] for r in results] == ["rejected", "accepted"]
    assert "Unknown account number 'NOPE'" in results[0]["reason"]


def test_the_balance_change_is_logged_with_the_payment_reference(session):
    account = make_account(session, "A7", -112.16, 30.71, months=3, cents=300000)
    pay(session, "PAY-7", "A7", 300000)
    logs = session.scalars(select(ChangeLog).where(ChangeLog.entity == "balance", ChangeLog.entity_id == account.id)).all()
    assert {(c.field, c.source, c.source_ref) for c in logs} >= {
        ("amount_owed_cents", "payment_feed", "PAY-7"), ("months_overdue", "payment_feed", "PAY-7")}


def test_instalments_complete_an_agreement(session):
    account = make_account(session, "A8", -112.16, 30.71, months=3, cents=200000)
    policy = get_policy(session)
    row, called_off = agreements.create_agreement(session, account.id, 200000, 2, date(2026, 11, 1))
    assert called_off == []
    agreements.record_instalment(session, row, "INST-1", 100000, date(2026, 11, 1), policy, "t", "t", tz=TZ)
    assert (row.status, row.instalments_paid, agreements.next_due(row)) == ("current", 1, date(2026, 12, 1))
    agreements.record_instalment(session, row, "INST-2", 100000, date(2026, 12, 1), policy, "t", "t", tz=TZ)
    assert row.status == "completed"
    assert session.get(Balance, account.id).amount_owed_cents == 0
