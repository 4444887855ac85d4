"""Every time the API or the device protocol sends carries a UTC offset, on both backends.

SQLite keeps no offset in a DateTime(timezone=True) column; a time read back from it must still
go out as the UTC instant it is, in the same form as PostgreSQL's.
"""
import gzip
import json
import re
from datetime import datetime, timedelta

from urllib.parse import quote

import pytest

from field_api.models import Premise, WorkItem
from field_api.work.items import change_status
from tests.api.conftest import as_role
from field_api.models.base import utcnow
from tests.api.sync_fixtures import field_day, server_clock  # noqa: F401
from tests.builders import make_account, make_crew, make_item
from tests.sync_support import DAY, HMO, MORNING, correction, cut, gps, notice, publish_batch, uid, upload_body

UPLOADS = "/api/v1/sync/uploads"
A_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
AN_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


def times_in(value, path="$"):
    """(path, text) of every date-and-time string in a JSON value."""
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in times_in(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [t for n, v in enumerate(value) for t in times_in(v, f"{path}[{n}]")]
    return [(path, value)] if isinstance(value, str) and A_TIME.match(value) else []


def body_of(response):
    assert response.status_code in (200, 201), (response.status_code, response.get_data(as_text=True)[:500])
    if response.headers.get("Content-Encoding") == "gzip":
        return json.loads(gzip.decompress(response.data))
    return response.get_json()


@pytest.fixture
def busy_day(field_day, session, app, tokens):
    """A day with every kind of row that has a time, and the responses the office and devices got."""
    d = field_day
    got = {}
    office, supervisor = as_role(app, tokens, "supervisor"), as_role(app, tokens, "supervisor")
    dispatcher, admin = as_role(app, tokens, "dispatcher"), as_role(app, tokens, "admin")
    cursor = d["cutter"].get("/api/v1/sync/changes").get_json()["cursor"]
    # A plan made and published over HTTP, for a day of its own.
    crew = make_crew(session, "Corte 2", ["cut"])
    for i in range(3):
        make_item(session, make_account(session, f"P{i}", -112.17 + 0.004 * i, 30.70, sector=d["sector"], months=4,
                                        cents=100000), value=1000 + i)
    walk = make_item(session, d["accounts"][1], "verification", "walk")
    publish_batch(session, d["notifiers"], [walk])
    premise = session.get(Premise, d["accounts"][0].premise_id)
    premise.street = "Calle 5 Norte"  # the crew saw "Calle 5": its correction is a conflict
    session.commit()
    got["plan created"] = dispatcher.post("/api/v1/plans", json={
        "service_date": "2026-11-25", "crew_ids": [crew.id], "select": {"types": ["cut"]}, "time_budget_s": 1})
    plan_id = got["plan created"].get_json()["id"]
    etag = dispatcher.get(f"/api/v1/plans/{plan_id}").headers["ETag"]
    got["plan published"] = dispatcher.post(f"/api/v1/plans/{plan_id}/publish", headers={"If-Match": etag})
    # An order cancelled while the crew is offline, then cut anyway: urgent reconnection and alert.
    change_status(session, session.get(WorkItem, d["cuts"][2].id), "cancelled", "caja", "Pagado: referencia R-1")
    session.commit()
    cuts = [cut(d["cuts"][0].id, 1, corrections=[correction("premise", premise.id, "street", "Calle 5", "Quinta")]),
            cut(d["cuts"][1].id, 2, "suspended", MORNING + timedelta(hours=1), reading=("M-1", 130.0)),
            cut(d["cuts"][2].id, 3, MORNING + timedelta(hours=2), reading=None)]
    got["cut upload"] = d["cutter"].post(UPLOADS, json=upload_body(cuts))
    record = {"client_uuid": uid(31), "work_item_id": walk.id, "outcome": "confirmed",
              "captured_at": MORNING.isoformat(), "gps": gps(),
              "new_premises": [{"local_id": "n-1", "street": "Calle 9", "exterior_number": "40",
                                "gps": gps(-112.15, 30.72), "land_use": "domestic"},
                               {"local_id": "n-2", "street": "Calle 9", "exterior_number": "42",
                                "gps": gps(-112.151, 30.72), "land_use": "domestic"}]}
    notices = [notice(d["notices"][0].id, 11), notice(d["notices"][1].id, 12, "summons_left", MORNING), record]
    got["notice upload"] = d["notifier"].post(UPLOADS, json=upload_body(notices))
    got["duplicate upload"] = d["notifier"].post(UPLOADS, json=upload_body(notices))
    # The office acts on what came in.
    review_id = got["cut upload"].get_json()["results"][0]["review_ids"][0]
    etag = supervisor.get(f"/api/v1/reviews/{review_id}").headers["ETag"]
    got["review resolved"] = supervisor.post(f"/api/v1/reviews/{review_id}/resolve", headers={"If-Match": etag},
                                             json={"decision": "keep_registry", "reason": "Revisado con el padrón"})
    alert_id = office.get("/api/v1/alerts").get_json()["alerts"][0]["id"]
    got["alert acknowledged"] = supervisor.post(f"/api/v1/alerts/{alert_id}/acknowledge", json={"note": "visto"})
    registration = office.get("/api/v1/pending-registrations").get_json()["registrations"][0]
    got["registration approved"] = supervisor.post(f"/api/v1/pending-registrations/{registration['id']}/approve",
                                                   json={"reason": "Toma sin contrato, confirmada"})
    member_id = d["cut_device"].crew_member_id
    got["enrollment code"] = admin.post("/api/v1/devices/enrollment-codes",
                                        json={"crew_member_id": member_id, "label": "Tableta"})
    got["api key"] = admin.post("/api/v1/api-keys", json={"name": "facturacion", "scopes": ["payments:write"]})
    followup = session.query(WorkItem).filter_by(subtype="summons_followup").one()
    record_id = got["cut upload"].get_json()["results"][0]["record_id"]
    reads = {
        "plans": (office, "/api/v1/plans"),
        "plan over HTTP": (office, f"/api/v1/plans/{plan_id}"),
        "plan of the field day": (office, f"/api/v1/plans/{d['cut_batch'].route.plan_id}"),
        "work items": (office, "/api/v1/work-items?page_size=50"),
        "follow-up visit": (office, f"/api/v1/work-items/{followup.id}"),
        "served notice": (office, f"/api/v1/work-items/{d['notices'][0].id}"),
        "work item events": (office, f"/api/v1/work-items/{d['notices'][0].id}/events"),
        "devices": (office, "/api/v1/devices"),
        "device": (office, f"/api/v1/devices/{d['cut_device'].id}"),
        "reviews": (office, "/api/v1/reviews?status=all"),
        "review": (office, f"/api/v1/reviews/{review_id}"),
        "alerts": (office, "/api/v1/alerts?open=false"),
        "field records": (office, "/api/v1/field-records"),
        "field record": (office, f"/api/v1/field-records/{record_id}"),
        "registrations": (office, "/api/v1/pending-registrations"),
        "audit": (admin, "/api/v1/audit"),
        "api keys": (admin, "/api/v1/api-keys"),
        "me on the device": (d["cutter"], "/api/v1/sync/me"),
        "package": (d["cutter"], f"/api/v1/sync/package?date={DAY.isoformat()}"),
        "changes": (d["cutter"], f"/api/v1/sync/changes?since={cursor}"),
    }
    got.update({name: client.get(url) for name, (client, url) in reads.items()})
    return {name: body_of(response) for name, response in got.items()}


def test_every_time_in_the_office_api_and_the_device_protocol_carries_an_offset(busy_day):
    naive = [(name, path, text) for name, body in busy_day.items()
             for path, text in times_in(body) if not AN_OFFSET.search(text)]
    assert naive == []


def test_the_walk_meets_a_time_in_every_response_it_checks(busy_day):
    without = [name for name, body in busy_day.items() if not times_in(body)]
    assert without == []


def test_a_time_the_server_keeps_is_sent_in_utc_and_a_device_time_as_the_same_instant(busy_day):
    [record] = [r for r in busy_day["field records"]["records"] if r["client_uuid"] == uid(2)]
    assert record["received_at"] == "2026-11-25T00:00:02+00:00"
    reported = MORNING + timedelta(hours=1)  # sent as 10:00-07:00
    assert datetime.fromisoformat(record["captured_at"]) == reported
    assert record["captured_at"].endswith("+00:00")
    detail = busy_day["field record"]
    assert detail["payload"]["captured_at"] == MORNING.isoformat()  # the device's own text, offset and all
    followup = busy_day["follow-up visit"]["properties"]
    assert datetime.fromisoformat(followup["window_start"]) == datetime(2026, 11, 25, 10, 0, tzinfo=HMO)


def test_a_route_planned_in_local_time_is_read_back_at_the_same_instant(busy_day):
    [route] = busy_day["plan of the field day"]["routes"]["features"]
    start = datetime.fromisoformat(route["properties"]["start_at"])
    assert start == datetime(DAY.year, DAY.month, DAY.day, 8, 0, tzinfo=HMO)
    [batch] = [b for b in busy_day["package"]["batches"]]
    assert datetime.fromisoformat(batch["start_at"]) == start


def test_an_audit_window_given_in_local_time_selects_by_the_instant(app, tokens):
    admin = as_role(app, tokens, "admin")
    admin.get("/api/v1/users")  # something to audit
    now = utcnow()
    early, late = (quote((now + timedelta(minutes=m)).astimezone(HMO).isoformat()) for m in (-5, 5))
    around = admin.get(f"/api/v1/audit?since={early}&until={late}")
    assert around.status_code == 200 and around.get_json()["total"] >= 1
    before = admin.get(f"/api/v1/audit?until={early}")
    assert before.get_json()["total"] == 0
