"""The office generates, reviews and changes work over HTTP; bad input gets a clear 4xx."""
from datetime import date

import pytest

from tests.api.conftest import as_role
from tests.builders import make_account, make_sector, served_warning

CUTS = "/api/v1/work-generation/cut-candidates"


@pytest.fixture
def street(session):
    sector = make_sector(session, "C", (-112.20, 30.70, -112.12, 30.74), "Centro")
    accounts = [make_account(session, f"N{i}", -112.19 + i * 0.01, 30.71, sector=sector, months=4,
                             cents=100000 * (i + 1)) for i in range(3)]
    for account in accounts:
        served_warning(session, account, date(2026, 11, 10))
    session.commit()
    return {"sector": sector, "accounts": accounts}


@pytest.fixture
def dispatcher(app, tokens):
    return as_role(app, tokens, "dispatcher")


def committed_cuts(dispatcher):
    body = dispatcher.post(CUTS, json={"as_of": "2026-11-20", "commit": True}).get_json()
    return body["created_ids"]


def test_preview_then_commit_of_a_cut_list(dispatcher, street):
    preview = dispatcher.post(CUTS, json={"as_of": "2026-11-20"})
    assert preview.status_code == 200
    body = preview.get_json()
    assert body["committed"] is False and body["selected"] == 3 and body["created"] == 0
    assert body["value"] == 6000.0 and body["candidates"][0]["account_number"] == "N2"
    assert dispatcher.get("/api/v1/work-items?type=cut").get_json()["pagination"]["total"] == 0
    created = committed_cuts(dispatcher)
    listed = dispatcher.get("/api/v1/work-items?type=cut&status=pending").get_json()
    assert sorted(f["id"] for f in listed["features"]) == sorted(created)
    assert listed["features"][0]["geometry"]["type"] == "Point"
    assert listed["features"][0]["properties"]["rule"].startswith("4 meses de rezago")


def test_cancel_needs_if_match_and_a_reason_and_an_illegal_move_names_the_state(dispatcher, street):
    item_id = committed_cuts(dispatcher)[0]
    url = f"/api/v1/work-items/{item_id}"
    assert dispatcher.post(f"{url}/cancel", json={"reason": "Error de captura"}).status_code == 428
    etag = dispatcher.get(url).headers["ETag"]
    assert dispatcher.post(f"{url}/cancel", json={}, headers={"If-Match": etag}).status_code == 422
    done = dispatcher.post(f"{url}/cancel", json={"reason": "Error de captura"}, headers={"If-Match": etag})
    assert done.status_code == 200 and done.get_json()["properties"]["status"] == "cancelled"
    etag = dispatcher.get(url).headers["ETag"]
    again = dispatcher.post(f"{url}/status", json={"status": "planned"}, headers={"If-Match": etag})
    assert again.status_code == 409
    assert "state 'cancelled' cannot move to 'planned'" in again.get_json()["message"]
    events = dispatcher.get(f"{url}/events").get_json()
    assert [(e["kind"], e["actor"]) for e in events] == [("created", "dispatcher1"), ("cancelled", "dispatcher1")]
    assert events[1]["reason"] == "Error de captura"


def test_notice_served_on_paper_moves_to_done_with_the_time_served(app, tokens, dispatcher, street):
    campaign = dispatcher.post("/api/v1/work-generation/notice-campaigns",
                               json={"stage": "payment_demand", "commit": True}).get_json()
    url = f"/api/v1/work-items/{campaign['created_ids'][0]}"
    for status in ("planned", "dispatched"):
        etag = dispatcher.get(url).headers["ETag"]
        assert dispatcher.post(f"{url}/status", json={"status": status}, headers={"If-Match": etag}).status_code == 200
    etag = dispatcher.get(url).headers["ETag"]
    served = dispatcher.post(f"{url}/status", json={"status": "done", "served_at": "2026-11-21T10:15:00-07:00"},
                             headers={"If-Match": etag})
    assert served.status_code == 200
    assert served.get_json()["properties"]["served_at"].startswith("2026-11-21T17:15:00")


def test_reassign_to_an_unknown_crew_is_422(dispatcher, street):
    item_id = committed_cuts(dispatcher)[0]
    url = f"/api/v1/work-items/{item_id}"
    etag = dispatcher.get(url).headers["ETag"]
    response = dispatcher.post(f"{url}/reassign", json={"crew_id": 4242, "reason": "cambio de ruta"},
                               headers={"If-Match": etag})
    assert response.status_code == 422 and "Crew 4242" in response.get_json()["message"]


def test_verification_walk_needs_an_area(dispatcher, street):
    response = dispatcher.post("/api/v1/work-generation/verification-walks", json={})
    assert response.status_code == 422 and "needs a sector" in response.get_json()["message"]
    walk = dispatcher.post("/api/v1/work-generation/verification-walks",
                           json={"sector": street["sector"].id, "commit": True}).get_json()
    assert walk["created"] == 3


SQUARE = [[-112.2, 30.7], [-112.1, 30.7], [-112.1, 30.8], [-112.2, 30.8], [-112.2, 30.7]]


@pytest.mark.parametrize("polygon,message", [
    ({"type": "Point", "coordinates": [-112.1, 30.7]}, "Polygon or MultiPolygon"),
    ({"type": "Polygon", "coordinates": [[[30.7, -112.2], [30.7, -112.1], [30.8, -112.1], [30.7, -112.2]]]},
     "look like [latitude, longitude]"),
    ({"type": "Polygon", "coordinates": [SQUARE[:-1]]}, "must be closed"),
    ({"type": "Polygon", "coordinates": [[[-112.2, 30.7], [-112.1, 30.8], [-112.1, 30.7], [-112.2, 30.8],
                                          [-112.2, 30.7]]]}, "Self-intersection"),
    ({"type": "Polygon", "coordinates": [[[-200, 30.7], [-112.1, 30.7], [-112.1, 30.8], [-200, 30.7]]]},
     "out of range"),
    ({"type": "Polygon", "coordinates": [[["a", 1], [1, 2], [2, 2], ["a", 1]]]}, "[longitude, latitude] numbers"),
])
def test_bad_polygons_get_422_saying_what_is_wrong(dispatcher, polygon, message):
    response = dispatcher.post(CUTS, json={"polygon": polygon})
    assert response.status_code == 422
    assert message in response.get_json()["message"]


def test_a_good_polygon_filters_the_list(dispatcher, street):
    west_half = [[-112.2, 30.7], [-112.175, 30.7], [-112.175, 30.74], [-112.2, 30.74], [-112.2, 30.7]]
    body = dispatcher.post(CUTS, json={"as_of": "2026-11-20", "polygon": {"type": "Polygon",
                                                                          "coordinates": [west_half]}}).get_json()
    assert [c["account_number"] for c in body["candidates"]] == ["N1", "N0"]


class TestPaymentsApi:
    def test_payments_from_the_billing_key_and_replays(self, app, tokens, street):
        admin = as_role(app, tokens, "admin")
        key = admin.post("/api/v1/api-keys", json={"name": "facturacion", "scopes": ["payments:write"]}).get_json()["key"]
        billing = app.test_client()
        batch = {"payments": [{"reference": "R-1", "account_number": "N0", "amount": "1000.00",
                               "paid_on": "2026-11-20"}]}
        first = billing.post("/api/v1/payments", json=batch, headers={"X-API-Key": key})
        assert first.status_code == 200 and first.get_json()["results"][0]["status"] == "accepted"
        again = billing.post("/api/v1/payments", json=batch, headers={"X-API-Key": key}).get_json()
        assert again["results"][0]["status"] == "duplicate"
        assert again["results"][0]["effects"] == first.get_json()["results"][0]["effects"]

    @pytest.mark.parametrize("amount", ["0", "-5.00"])
    def test_zero_or_negative_amount_is_422(self, app, tokens, amount):
        response = as_role(app, tokens, "supervisor").post("/api/v1/payments", json={"payments": [
            {"reference": "R", "account_number": "N0", "amount": amount, "paid_on": "2026-11-20"}]})
        assert response.status_code == 422 and "payments.0.amount" in response.get_json()["message"]


def test_policy_is_read_by_all_and_changed_by_admins_with_if_match(app, tokens):
    viewer = as_role(app, tokens, "viewer")
    policy = viewer.get("/api/v1/policy")
    assert policy.status_code == 200 and policy.get_json()["cut_warning_days"] == 3
    assert policy.get_json()["cut_min_amount"] == "500.00" and policy.get_json()["business_open"] == "07:30:00"
    admin = as_role(app, tokens, "admin")
    etag = admin.get("/api/v1/policy").headers["ETag"]
    changed = admin.patch("/api/v1/policy", json={"cut_warning_days": 5, "cut_min_amount": "750.50",
                                                  "extra_holidays": ["2026-12-12"]}, headers={"If-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["cut_min_amount"] == "750.50" and changed.get_json()["extra_holidays"] == ["2026-12-12"]
    stale = admin.patch("/api/v1/policy", json={"cut_warning_days": 4}, headers={"If-Match": etag})
    assert stale.status_code == 412
    etag = admin.get("/api/v1/policy").headers["ETag"]
    bad = admin.patch("/api/v1/policy", json={"business_open": "19:00:00"}, headers={"If-Match": etag})
    assert bad.status_code == 422
    huge = admin.patch("/api/v1/policy", json={"cut_min_amount": "99999999999999999"}, headers={"If-Match": etag})
    assert huge.status_code == 422 and "cut_min_amount" in huge.get_json()["errors"]["json"]  # was a 500


def test_protection_override_needs_a_supervisor_and_a_reason(app, tokens, session):
    account = make_account(session, "P1", -112.16, 30.71, months=5, cents=500000, protected=True)
    plain = make_account(session, "P2", -112.15, 30.71)
    session.commit()
    supervisor = as_role(app, tokens, "supervisor")
    url = f"/api/v1/accounts/{account.id}/protection-override"
    assert supervisor.post(url, json={}).status_code == 422
    done = supervisor.post(url, json={"reason": "Uso comercial comprobado en visita"})
    assert done.status_code == 200 and done.get_json()["properties"]["version"] == 2
    assert supervisor.post(f"/api/v1/accounts/{plain.id}/protection-override",
                           json={"reason": "sin protección"}).status_code == 409
    events = supervisor.get("/api/v1/audit?action=protection-override").get_json()["events"]
    assert [(e["status_code"], e["reason"]) for e in events] == [
        (409, "sin protección"), (200, "Uso comercial comprobado en visita"), (422, None)]
    assert supervisor.delete(url, json={"reason": "Se aclaró el uso"}).status_code == 200


def test_a_warning_served_late_in_the_afternoon_counts_from_its_local_day_not_the_utc_one(dispatcher, session):
    from datetime import datetime, timedelta, timezone

    sector = make_sector(session, "T", (-112.20, 30.70, -112.12, 30.74), "Tarde")
    account = make_account(session, "T1", -112.19, 30.71, sector=sector, months=4, cents=100000)
    warning = served_warning(session, account, date(2026, 11, 10))
    # 17:30 in Hermosillo (UTC-7), within business hours: already the 11th in UTC.
    warning.served_at = datetime(2026, 11, 10, 17, 30, tzinfo=timezone(timedelta(hours=-7)))
    session.commit()
    early = dispatcher.post(CUTS, json={"as_of": "2026-11-12"}).get_json()
    assert early["selected"] == 0 and early["excluded"]["warning_too_recent"] == 1
    on_time = dispatcher.post(CUTS, json={"as_of": "2026-11-13"}).get_json()
    assert [c["account_number"] for c in on_time["candidates"]] == ["T1"], on_time["excluded"]
    assert "aviso de corte notificado el 2026-11-10" in on_time["candidates"][0]["rule"]


def test_an_admin_switches_the_terms_to_business_days_and_the_cut_list_says_so(app, tokens, dispatcher, street):
    admin = as_role(app, tokens, "admin")
    etag = admin.get("/api/v1/policy").headers["ETag"]
    changed = admin.patch("/api/v1/policy", json={"business_day_terms": True, "cut_warning_days": 7},
                          headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["business_day_terms"] is True
    # Warned on Tuesday the 10th: by Friday the 20th, 7 business days (the 16th is a holiday), not 10.
    body = dispatcher.post(CUTS, json={"as_of": "2026-11-19"}).get_json()
    assert body["selected"] == 0 and body["excluded"]["warning_too_recent"] == 3
    body = dispatcher.post(CUTS, json={"as_of": "2026-11-20"}).get_json()
    assert body["selected"] == 3 and "(mínimo 7 días hábiles)" in body["candidates"][0]["rule"]
    assert "Sonora para 2026" in body["warnings"][0]
    assert admin.patch("/api/v1/policy", json={"business_day_terms": "sí"},
                       headers={"If-Match": changed.headers["ETag"]}).status_code == 422
