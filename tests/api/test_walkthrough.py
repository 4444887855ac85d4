"""The collections story on the demo town, end to end over HTTP (the README walks the same path).

1. a cut-warning campaign; 2. the warnings are served; 3. three days later a cut list that leaves
out protected and agreement accounts; 4. a payment cancels one cut order, and a payment from an
account already cut orders its reconnection.
"""
from decimal import Decimal

import pytest
from sqlalchemy import select

from field_api.models import Account, Balance, PaymentAgreement
from field_api.registry.demo import build_demo_town
from tests.api.conftest import as_role


@pytest.fixture
def demo(connection, session):
    build_demo_town(connection, accounts=600, seed=7, progress=False)
    session.commit()


def advance(client, item_id, status, **extra):
    url = f"/api/v1/work-items/{item_id}"
    etag = client.get(url).headers["ETag"]
    response = client.post(f"{url}/status", json={"status": status, **extra}, headers={"If-Match": etag})
    assert response.status_code == 200, response.get_json()


def test_warn_serve_cut_and_pay_on_the_demo_town(app, tokens, demo, session):
    dispatcher = as_role(app, tokens, "dispatcher")
    # 1. A cut-warning campaign for the ten largest debts.
    campaign = dispatcher.post("/api/v1/work-generation/notice-campaigns", json={
        "stage": "cut_warning", "as_of": "2026-11-20", "max_items": 10, "commit": True}).get_json()
    warned = {c["account_id"] for c in campaign["candidates"]}
    assert campaign["created"] == 10 and len(warned) == 10
    # 2. The notifiers serve them (recorded by the office here; devices do it in the field).
    for item_id in campaign["created_ids"]:
        advance(dispatcher, item_id, "planned")
        advance(dispatcher, item_id, "dispatched")
        advance(dispatcher, item_id, "done", served_at="2026-11-20T11:00:00-07:00")
    # 3. Two days later the law's three days have not passed; three days later they have.
    early = dispatcher.post("/api/v1/work-generation/cut-candidates", json={"as_of": "2026-11-22"}).get_json()
    assert early["selected"] == 0 and early["excluded"]["warning_too_recent"] == 10
    cut_list = dispatcher.post("/api/v1/work-generation/cut-candidates", json={
        "as_of": "2026-11-23", "commit": True, "limit": 50}).get_json()
    chosen = {c["account_id"] for c in cut_list["candidates"]}
    assert chosen == warned and cut_list["created"] == 10
    assert cut_list["excluded"]["protected"] > 0 and cut_list["excluded"]["in_agreement"] > 0
    protected = set(session.scalars(select(Account.id).where(Account.protected.is_(True))))
    in_agreement = set(session.scalars(select(PaymentAgreement.account_id)
                                       .where(PaymentAgreement.status == "current")))
    assert not chosen & protected and not chosen & in_agreement
    # 4a. One account pays everything: its cut order is called off.
    supervisor = as_role(app, tokens, "supervisor")
    payer_id = cut_list["candidates"][0]["account_id"]
    payer = session.get(Account, payer_id)
    owed = session.get(Balance, payer_id).amount_owed_cents
    paid = supervisor.post("/api/v1/payments", json={"payments": [{
        "reference": "CAJA-0001", "account_number": payer.number, "amount": str(Decimal(owed) / 100),
        "paid_on": "2026-11-23"}]}).get_json()["results"][0]
    assert paid["status"] == "accepted" and len(paid["effects"]["cancelled_work_items"]) == 1
    cancelled = dispatcher.get(f"/api/v1/work-items/{paid['effects']['cancelled_work_items'][0]}").get_json()
    assert cancelled["properties"]["status"] == "cancelled" and cancelled["properties"]["account_id"] == payer_id
    # 4b. An account already restricted pays: a reconnection is ordered with a deadline.
    cut_account = session.scalars(select(Account).where(Account.service_status == "restricted")
                                  .order_by(Account.id)).first()
    owed = session.get(Balance, cut_account.id).amount_owed_cents
    result = supervisor.post("/api/v1/payments", json={"payments": [{
        "reference": "CAJA-0002", "account_number": cut_account.number,
        "amount": str(Decimal(max(owed, 1)) / 100), "paid_on": "2026-11-23"}]}).get_json()["results"][0]
    reconnection = dispatcher.get(f"/api/v1/work-items/{result['effects']['reconnection_work_item']}").get_json()
    assert reconnection["properties"]["type"] == "reconnection"
    assert reconnection["properties"]["window_end"] is not None
