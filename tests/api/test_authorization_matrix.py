"""Every operation in openapi.yaml, called by every kind of principal: allowed or refused as declared.

The expected table lives here, not in the code: an operation missing from it fails the test, so a
new endpoint cannot ship without someone deciding who may call it.
"""
import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from field_api.auth import service
from field_api.auth.layer import undeclared_operations
from field_api.auth.tokens import ACCESS_PREFIX, digest, new_token
from field_api.models import AuthToken
from field_api.models.base import utcnow
from tests.api.conftest import login
from tests.builders import make_crew
from tests.sync_support import enroll_device

SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi.yaml").read_text())
OFFICE = {"admin", "dispatcher", "supervisor", "viewer"}
DEVICE = {"device"}  # an enrolled device; "device_revoked" holds a revoked device token
ANYONE = {"anonymous", "expired", "revoked", "key_read", "key_payments", "key_import", "device",
          "device_revoked"} | OFFICE

EXPECTED = {
    "GET /api/v1/health": ANYONE,
    "GET /api/v1/version": ANYONE,
    "POST /api/v1/auth/login": ANYONE,
    "POST /api/v1/auth/refresh": ANYONE,
    "POST /api/v1/auth/logout": OFFICE,
    "GET /api/v1/auth/me": OFFICE,
    "GET /api/v1/users": {"admin"},
    "POST /api/v1/users": {"admin"},
    "GET /api/v1/users/{user_id}": {"admin"},
    "PATCH /api/v1/users/{user_id}": {"admin"},
    "GET /api/v1/api-keys": {"admin"},
    "POST /api/v1/api-keys": {"admin"},
    "POST /api/v1/api-keys/{key_id}/revoke": {"admin"},
    "GET /api/v1/audit": {"admin", "supervisor"},
    "GET /api/v1/sectors": OFFICE | {"key_read"},
    "GET /api/v1/sectors/{sector_id}": OFFICE | {"key_read"},
    "GET /api/v1/premises": OFFICE | {"key_read"},
    "GET /api/v1/premises/{premise_id}": OFFICE | {"key_read"},
    "GET /api/v1/accounts": OFFICE | {"key_read"},
    "GET /api/v1/accounts/{account_id}": OFFICE | {"key_read"},
    "POST /api/v1/accounts/{account_id}/protection-override": {"supervisor"},
    "DELETE /api/v1/accounts/{account_id}/protection-override": {"supervisor"},
    "POST /api/v1/registry/imports": {"admin", "key_import"},
    "GET /api/v1/policy": OFFICE,
    "PATCH /api/v1/policy": {"admin"},
    "GET /api/v1/holiday-calendars/{state}/{year}": OFFICE,
    "PUT /api/v1/holiday-calendars/{state}/{year}": {"admin"},
    "POST /api/v1/work-generation/cut-candidates": {"dispatcher"},
    "POST /api/v1/work-generation/notice-campaigns": {"dispatcher"},
    "POST /api/v1/work-generation/inspections/anomalies": {"dispatcher"},
    "POST /api/v1/work-generation/inspections/requests": {"dispatcher", "supervisor"},
    "POST /api/v1/work-generation/verification-walks": {"dispatcher"},
    "GET /api/v1/work-items": OFFICE,
    "GET /api/v1/work-items/{item_id}": OFFICE,
    "GET /api/v1/work-items/{item_id}/events": OFFICE,
    "POST /api/v1/work-items/{item_id}/cancel": {"dispatcher", "supervisor"},
    "POST /api/v1/work-items/{item_id}/reassign": {"dispatcher"},
    "POST /api/v1/work-items/{item_id}/status": {"dispatcher", "supervisor"},
    "POST /api/v1/payments": {"supervisor", "key_payments"},
    "GET /api/v1/agreements": OFFICE,
    "POST /api/v1/agreements": {"dispatcher", "supervisor"},
    "GET /api/v1/agreements/{agreement_id}": OFFICE,
    "POST /api/v1/agreements/{agreement_id}/instalments": {"supervisor", "key_payments"},
    "POST /api/v1/agreements/check-breaches": {"dispatcher", "supervisor"},
    "GET /api/v1/crews": OFFICE,
    "POST /api/v1/crews": {"admin", "dispatcher"},
    "GET /api/v1/crews/{crew_id}": OFFICE,
    "PATCH /api/v1/crews/{crew_id}": {"admin", "dispatcher"},
    "POST /api/v1/crews/{crew_id}/members": {"admin", "dispatcher"},
    "PATCH /api/v1/crews/{crew_id}/members/{member_id}": {"admin", "dispatcher"},
    "GET /api/v1/plans": OFFICE,
    "POST /api/v1/plans": {"dispatcher"},
    "GET /api/v1/plans/{plan_id}": OFFICE,
    "GET /api/v1/plans/{plan_id}/progress": OFFICE,
    "POST /api/v1/plans/{plan_id}/publish": {"dispatcher"},
    "POST /api/v1/plans/{plan_id}/replan": {"dispatcher"},
    "POST /api/v1/plans/{plan_id}/discard": {"dispatcher"},
    "GET /api/v1/reports/crew-work": OFFICE,
    "GET /api/v1/reports/arrears-recovery": OFFICE,
    "POST /api/v1/devices/enrollment-codes": {"admin", "dispatcher"},
    "POST /api/v1/devices/enroll": ANYONE,
    "GET /api/v1/devices": OFFICE,
    "GET /api/v1/devices/{device_id}": OFFICE,
    "POST /api/v1/devices/{device_id}/revoke": {"admin", "dispatcher", "supervisor"},
    "GET /api/v1/sync/me": DEVICE,
    "GET /api/v1/sync/package": DEVICE,
    "GET /api/v1/sync/changes": DEVICE,
    "POST /api/v1/sync/uploads": DEVICE,
    "GET /api/v1/sync/photos/{sha256}": DEVICE,
    "PUT /api/v1/sync/photos/{sha256}": DEVICE,
    "GET /api/v1/reviews": OFFICE,
    "GET /api/v1/reviews/{review_id}": OFFICE,
    "POST /api/v1/reviews/{review_id}/resolve": {"supervisor"},
    "GET /api/v1/field-records": OFFICE,
    "GET /api/v1/field-records/{record_id}": OFFICE,
    "GET /api/v1/field-records/{record_id}/photos/{sha256}": OFFICE,
    "GET /api/v1/alerts": OFFICE,
    "POST /api/v1/alerts/{alert_id}/acknowledge": {"dispatcher", "supervisor"},
    "GET /api/v1/pending-registrations": OFFICE,
    "POST /api/v1/pending-registrations/{registration_id}/approve": {"supervisor"},
    "POST /api/v1/pending-registrations/{registration_id}/reject": {"supervisor"},
}
PRINCIPALS = sorted(ANYONE)


def operations():
    for path, item in SPEC["paths"].items():
        for method in item:
            if method != "parameters":
                yield f"{method.upper()} {path}"


def test_every_operation_in_the_spec_has_an_expected_rule():
    assert sorted(operations()) == sorted(EXPECTED)


def test_the_spec_declares_the_same_roles_as_the_table():
    for op in operations():
        method, path = op.split(" ", 1)
        declared = SPEC["paths"][path][method.lower()]
        roles = set(declared["x-roles"])
        assert roles == (EXPECTED[op] & OFFICE if EXPECTED[op] != ANYONE else set()), op
        if roles:
            assert {"officeUser": []} in declared["security"], op
        if EXPECTED[op] != ANYONE:
            assert ({"device": []} in declared["security"]) == ("device" in EXPECTED[op]), op


def test_an_api_route_without_a_rule_is_found(app):
    app.add_url_rule("/api/v1/naked", "naked", lambda: "x", methods=["GET", "POST"])
    assert undeclared_operations(app) == ["GET /api/v1/naked", "POST /api/v1/naked"]


@pytest.fixture
def credentials(app, users, session):
    """Builds the headers of each kind of principal, fresh for every request."""
    anonymous = app.test_client()
    read_key = service.create_api_key(session, "billing-read", ["registry:read"], "test")[1]
    pay_key = service.create_api_key(session, "billing-pay", ["payments:write"], "test")[1]
    import_key = service.create_api_key(session, "billing-import", ["registry:import"], "test")[1]
    expired = new_token(ACCESS_PREFIX)
    session.add(AuthToken(token_hash=digest(expired), kind="access", user_id=users["admin"].id,
                          session_id="expired", issued_at=utcnow() - timedelta(hours=2),
                          expires_at=utcnow() - timedelta(hours=1)))
    crew = make_crew(session, "Matriz", ["cut"])
    device_token = enroll_device(session, crew)[1]
    revoked_device_token = enroll_device(session, crew, "Perdido", revoked=True)[1]
    session.commit()

    def headers(principal: str) -> dict:
        if principal in OFFICE:
            token = login(anonymous, users[principal].username).get_json()["access_token"]
            return {"Authorization": f"Bearer {token}"}
        if principal == "revoked":
            body = login(anonymous, users["admin"].username).get_json()
            anonymous.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {body['access_token']}"})
            return {"Authorization": f"Bearer {body['access_token']}"}
        if principal == "expired":
            return {"Authorization": f"Bearer {expired}"}
        if principal == "key_read":
            return {"X-API-Key": read_key}
        if principal == "key_payments":
            return {"X-API-Key": pay_key}
        if principal == "key_import":
            return {"X-API-Key": import_key}
        if principal == "device":
            return {"Authorization": f"Bearer {device_token}"}
        if principal == "device_revoked":
            return {"Authorization": f"Bearer {revoked_device_token}"}
        return {}

    return headers


@pytest.mark.parametrize("op", sorted(EXPECTED))
def test_each_principal_is_allowed_or_refused_as_declared(app, credentials, op):
    method, path = op.split(" ", 1)
    url = re.sub(r"\{[a-z_]+\}", "1", path)
    client = app.test_client()
    for principal in PRINCIPALS:
        response = client.open(url, method=method, headers=credentials(principal),
                               json={} if method in {"POST", "PATCH", "DELETE"} else None)
        if principal in EXPECTED[op]:
            assert response.status_code not in (401, 403), (op, principal, response.get_json())
        elif principal in {"anonymous", "expired", "revoked", "device_revoked"}:
            assert response.status_code == 401, (op, principal, response.status_code)
            assert response.get_json()["message"]
        else:
            assert response.status_code == 403, (op, principal, response.status_code)
            assert "may not do this" in response.get_json()["message"]
