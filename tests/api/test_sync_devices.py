"""Device enrollment with a one-time code (text and QR), device tokens, and the office's device list."""
from datetime import timedelta, timezone

import pytest
from sqlalchemy import select

import field_api.api.sync.routes as sync_routes
import field_api.auth.layer as auth_layer
from field_api.devices import enrollment
from field_api.devices.enrollment import EnrollmentError, enroll
from field_api.models import Device, EnrollmentCode
from field_api.models.base import utcnow
from tests.api.conftest import as_role
from tests.api.sync_fixtures import field_day, server_clock  # noqa: F401
from tests.builders import make_crew
from tests.sync_support import DAY, MORNING, download

CODES = "/api/v1/devices/enrollment-codes"


@pytest.fixture
def member(session):
    crew = make_crew(session, "Corte 7", ["cut"])
    session.commit()
    return crew.members[0]


def test_a_code_becomes_a_device_token_once_and_the_device_sees_its_crew(app, tokens, member, session):
    office = as_role(app, tokens, "dispatcher")
    created = office.post(CODES, json={"crew_member_id": member.id, "label": "Moto G de Juan"})
    assert created.status_code == 201
    body = created.get_json()
    assert len(body["code"]) == 19 and body["code"].count("-") == 3
    assert body["qr_svg"].startswith("<svg") and body["code"] in body["qr_payload"]
    assert session.scalar(select(EnrollmentCode.code_hash)) != body["code"]  # only the hash is stored
    phone = app.test_client()
    typed = body["code"].lower().replace("-", " ")  # typed on a phone, any case and spacing
    enrolled = phone.post("/api/v1/devices/enroll", json={"code": typed})
    assert enrolled.status_code == 201
    token = enrolled.get_json()["device_token"]
    assert token.startswith("cua_dev_") and enrolled.get_json()["crew_id"] == member.crew_id
    again = phone.post("/api/v1/devices/enroll", json={"code": body["code"]})
    assert again.status_code == 401 and "already used" in again.get_json()["message"]
    me = phone.get("/api/v1/sync/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert (me["crew_member_id"], me["crew_id"]) == (member.id, member.crew_id)


def test_an_expired_or_unknown_code_is_refused_with_a_reason(app, session, member):
    with pytest.raises(EnrollmentError, match="Unknown"):
        enroll(session, "NOPE-NOPE-NOPE-NOPE")
    code = enrollment.create_code(session, member.id, "Tablet", 24, "test")
    with pytest.raises(EnrollmentError, match="expired"):
        enroll(session, code.code, now=utcnow() + timedelta(hours=25))
    assert session.scalar(select(Device.id)) is None


def test_a_device_token_cannot_call_office_operations_nor_an_office_user_the_device_protocol(
        app, tokens, member, session):
    office = as_role(app, tokens, "dispatcher")
    code = office.post(CODES, json={"crew_member_id": member.id, "label": "Tablet"}).get_json()["code"]
    token = app.test_client().post("/api/v1/devices/enroll", json={"code": code}).get_json()["device_token"]
    phone = app.test_client()
    refused = phone.get("/api/v1/work-items", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 403 and "device" in refused.get_json()["message"]
    assert office.get("/api/v1/sync/me").status_code == 403


def test_the_office_sees_each_device_and_can_filter_the_revoked(app, tokens, member, session):
    office = as_role(app, tokens, "admin")
    for label in ("Uno", "Dos"):
        code = office.post(CODES, json={"crew_member_id": member.id, "label": label}).get_json()["code"]
        app.test_client().post("/api/v1/devices/enroll", json={"code": code})
    listed = office.get("/api/v1/devices").get_json()["devices"]
    assert [d["label"] for d in listed] == ["Uno", "Dos"]
    assert listed[0]["records_received"] == 0 and listed[0]["last_sync_at"] is None
    office.post(f"/api/v1/devices/{listed[0]['id']}/revoke", json={"reason": "Perdido"})
    assert [d["label"] for d in office.get("/api/v1/devices?revoked=false").get_json()["devices"]] == ["Dos"]


def test_a_code_for_an_unknown_crew_member_is_422(app, tokens):
    office = as_role(app, tokens, "dispatcher")
    response = office.post(CODES, json={"crew_member_id": 999, "label": "x"})
    assert response.status_code == 422 and "does not exist" in response.get_json()["message"]


class Clock:
    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at


def test_the_office_sees_when_a_device_was_last_heard_from_and_the_newest_batch_it_was_sent(
        app, tokens, session, field_day, monkeypatch):
    clock = Clock((MORNING - timedelta(hours=1)).astimezone(timezone.utc))  # the API answers in UTC
    monkeypatch.setattr(sync_routes, "utcnow", clock)
    monkeypatch.setattr(auth_layer, "utcnow", clock)
    office = as_role(app, tokens, "dispatcher")
    path = f"/api/v1/devices/{field_day['cut_device'].id}"

    def status():
        body = office.get(path).get_json()
        return body["last_seen_at"], body["last_download"]

    assert status() == (None, None)
    assert field_day["cutter"].get("/api/v1/sync/changes?since=999999999").status_code == 422
    assert status() == (None, None)  # an answer with an error is no contact

    download(field_day["cutter"])
    first = clock.at.isoformat()
    assert status() == (first, {"batch_id": field_day["cut_batch"].id, "service_date": DAY.isoformat(),
                                "delivered_at": first})
    clock.at += timedelta(minutes=30)
    download(field_day["cutter"])  # the same batch again: it was first sent before
    assert status() == (clock.at.isoformat(), {"batch_id": field_day["cut_batch"].id,
                                               "service_date": DAY.isoformat(), "delivered_at": first})
    latest = clock.at.isoformat()
    clock.at -= timedelta(minutes=5)  # a request that began earlier and ended later
    assert field_day["cutter"].get("/api/v1/sync/me").status_code == 200
    assert status()[0] == latest

    field_day["notice_device"].revoked_at = utcnow()
    session.commit()
    assert field_day["notifier"].get("/api/v1/sync/me").status_code == 401
    body = office.get(f"/api/v1/devices/{field_day['notice_device'].id}").get_json()
    assert (body["last_seen_at"], body["last_download"]) == (None, None)

    def silent(since):
        reply = office.get("/api/v1/devices", query_string={"silent_since": since.isoformat()})
        assert reply.status_code == 200, reply.get_json()
        return [d["label"] for d in reply.get_json()["devices"]]

    assert silent(clock.at) == ["Teléfono notificador"]  # the cutter was heard after
    assert silent(clock.at + timedelta(hours=1)) == ["Teléfono corte", "Teléfono notificador"]
    for bad in ("ayer", "0001-01-01T00:00:00+14:00"):
        reply = office.get("/api/v1/devices", query_string={"silent_since": bad})
        assert reply.status_code == 422 and "silent_since" in reply.get_json()["message"], reply.get_json()
