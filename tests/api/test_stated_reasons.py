"""Where the office must say why (an override, a cancellation), blank text is not a reason."""
from tests.api.conftest import as_role
from tests.builders import make_account, make_item


def test_a_protection_override_with_a_blank_reason_is_refused(app, tokens, session):
    account = make_account(session, "P1", -112.16, 30.71, months=5, cents=500000, protected=True)
    session.commit()
    supervisor = as_role(app, tokens, "supervisor")
    refused = supervisor.post(f"/api/v1/accounts/{account.id}/protection-override", json={"reason": "    "})
    assert refused.status_code == 422
    session.expire_all()
    assert account.protection_override_reason is None


def test_a_cancellation_with_a_blank_reason_is_refused(app, tokens, session):
    item = make_item(session, make_account(session, "C1", -112.16, 30.71, months=5, cents=500000))
    session.commit()
    dispatcher = as_role(app, tokens, "dispatcher")
    url = f"/api/v1/work-items/{item.id}"
    etag = dispatcher.get(url).headers["ETag"]
    refused = dispatcher.post(f"{url}/cancel", json={"reason": "\t \n "}, headers={"If-Match": etag})
    assert refused.status_code == 422
