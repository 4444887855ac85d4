"""Malformed filters and ids get a 4xx with the flask-smorest error body, never a 500."""
import json

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from field_api import create_app

BAD_QUERIES = [
    ("/api/v1/accounts?bbox=1,2,3", "four comma-separated numbers"),
    ("/api/v1/accounts?bbox=a,b,c,d", "must be numbers"),
    ("/api/v1/accounts?bbox=30.70,-112.20,30.74,-112.10", "[longitude, latitude]"),
    ("/api/v1/accounts?bbox=-112.1,30.7,-112.2,30.74", "smaller than maximums"),
    ("/api/v1/accounts?status=asleep", "Must be one of"),
    ("/api/v1/accounts?in_arrears=maybe", "Not a valid boolean"),
    ("/api/v1/accounts?min_months_overdue=-1", "greater than or equal to 0"),
    ("/api/v1/accounts?page=0", "greater than or equal to 1"),
    ("/api/v1/accounts?page_size=51", "at most 50"),
    ("/api/v1/premises?sector=abc", "Not a valid integer"),
    ("/api/v1/premises?land_use=castle", "Must be one of"),
    ("/api/v1/sectors?bbox=-200,0,10,10", "out of range"),
]


@pytest.mark.parametrize("url,message", BAD_QUERIES)
def test_malformed_filters_get_422_with_the_error_body(client, url, message):
    response = client.get(url)
    assert response.status_code == 422
    body = response.get_json()
    assert set(body) >= {"code", "status", "message"} and body["code"] == 422
    assert message in str(body)


@pytest.mark.parametrize("url", ["/api/v1/accounts/999999", "/api/v1/premises/999999",
                                 "/api/v1/sectors/999999"])
def test_unknown_ids_get_404_naming_the_id(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "999999" in response.get_json()["message"]


@pytest.mark.parametrize("url", ["/api/v1/devices/99999999999999999999", "/api/v1/devices/2147483648",
                                 "/api/v1/field-records/99999999999999999999", "/api/v1/reviews/2147483648",
                                 "/api/v1/accounts/0"])
def test_an_id_beyond_what_the_database_holds_is_404_not_500(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("query", ["devices?crew=99999999999999999999", "devices?page=4611686018427387904",
                                   "reviews?device=2147483648", "field-records?work_item=99999999999999999999",
                                   "work-items?account=2147483648", "accounts?min_months_overdue=2147483648",
                                   "accounts?min_months_overdue=9223372036854775808",
                                   "accounts?min_amount_owed=1e30"])
def test_an_id_or_page_beyond_what_the_database_holds_is_422_not_500(client, query):
    response = client.get(f"/api/v1/{query}")
    assert response.status_code == 422 and query.split("?")[1].split("=")[0] in response.get_json()["message"]


def test_non_numeric_id_is_404_not_500(client):
    assert client.get("/api/v1/accounts/abc").status_code == 404


@pytest.mark.parametrize("method,url,body", [
    ("post", "/api/v1/auth/login", {"username": "ana\x00", "password": "x"}),
    ("get", "/api/v1/accounts?holder=Mar%00ia", None),
    ("post", "/api/v1/users", {"username": "nuevo\x00", "password": "una clave larga 123", "role": "viewer"}),
])
def test_text_with_a_nul_character_is_422_not_500(app, tokens, method, url, body):
    from tests.api.conftest import as_role

    response = getattr(as_role(app, tokens, "admin"), method)(url, json=body)
    assert response.status_code == 422
    assert "NUL" in str(response.get_json()["errors"]) and response.get_json()["code"] == 422


NEW_USER = {"username": "nuevo", "password": "una clave larga 123", "role": "viewer"}


@pytest.mark.parametrize("body, says", [
    ({**NEW_USER, "username": "nuevo\ud800"}, "surrogate"),
    ({**NEW_USER, "x": 2**64}, "64 bits"),
    ({**NEW_USER, "x": float("inf")}, "finito"),
    ({**NEW_USER, "x": json.loads("[" * 40 + "]" * 40)}, "niveles"),
])
def test_json_no_column_can_store_is_422_and_nothing_is_written(app, tokens, session, body, says):
    from field_api.models.access import OfficeUser
    from tests.api.conftest import as_role

    response = as_role(app, tokens, "admin").post("/api/v1/users", json=body)
    assert response.status_code == 422 and response.get_json()["code"] == 422
    assert says in response.get_json()["message"]
    assert session.query(OfficeUser).filter(OfficeUser.username.like("nuevo%")).count() == 0


def test_json_nested_past_the_parser_stack_is_400_even_without_a_login(anonymous):
    response = anonymous.post("/api/v1/devices/enroll", data='{"code":' + "[" * 5000 + "]" * 5000 + "}",
                              content_type="application/json")
    assert response.status_code == 400 and set(response.get_json()) >= {"code", "status", "message", "errors"}


def test_a_username_with_a_final_newline_is_422(app, tokens):
    """Python's `$` matches before a final newline; the username rule must hold for the whole value."""
    from tests.api.conftest import as_role

    body = {"username": "nuevo\n", "password": "una clave larga 123", "role": "viewer"}
    response = as_role(app, tokens, "admin").post("/api/v1/users", json=body)
    assert response.status_code == 422 and "username" in response.get_json()["errors"]["json"]


@pytest.mark.parametrize("raised, status", [
    (lambda: StaleDataError("UPDATE statement on table 'x' expected to update 1 row(s); 0 were matched."), 409),
    (lambda: OperationalError("UPDATE x", {}, _Orig("40P01")), 409),
    (lambda: OperationalError("UPDATE x", {}, _Orig("40001")), 409),
    (lambda: OperationalError("SELECT 1", {}, _Orig("57P01")), 500),
    (lambda: OperationalError("INSERT", {}, Exception("database is locked")), 503),
])
def test_a_request_that_lost_a_race_in_the_database_is_409_not_500(db_url, connection, raised, status):
    app = create_app({"DATABASE_URL": db_url, "TESTING": True})

    def lost():
        raise raised()

    app.add_url_rule("/lost-race", view_func=lost)
    response = app.test_client().get("/lost-race")
    assert response.status_code == status
    assert set(response.get_json()) >= {"code", "status", "message"}
    if status == 409:
        assert "reload and retry" in response.get_json()["message"]
    if status == 503:
        assert response.headers["Retry-After"] == "5" and "busy" in response.get_json()["message"]


class _Orig(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _polygon(*positions):
    ring = [list(p) for p in positions]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


_SQUARE = ((-112.2, 30.7), (-112.1, 30.7), (-112.1, 30.8))
_PAY = {"reference": "R-BIG", "account_number": "0003", "amount": "100.00", "paid_on": "2026-11-01"}

# Each was a 500 (a 64-bit column overflowing, a date past year 9999, a position shapely refused),
# or, for a payment dated in year 9999, a last payment date no later payment could replace.
OUT_OF_RANGE = [
    ("supervisor", "/api/v1/payments", {"payments": [{**_PAY, "amount": "100000000000000000"}]}, "amount"),
    ("supervisor", "/api/v1/payments", {"payments": [{**_PAY, "paid_on": "9999-12-31"}]}, "paid_on"),
    ("supervisor", "/api/v1/payments", {"payments": [{**_PAY, "paid_on": "0001-01-01"}]}, "paid_on"),
    ("supervisor", "/api/v1/agreements", {"account_id": "0003", "total": "100000000000000000000",
                                          "instalments": 3, "start_date": "2026-11-01"}, "total"),
    ("supervisor", "/api/v1/agreements", {"account_id": "0003", "total": "100", "instalments": 3,
                                          "start_date": "9999-12-31"}, "start_date"),
    ("dispatcher", "/api/v1/work-generation/cut-candidates", {"min_amount_owed": "100000000000000000000"},
     "min_amount_owed"),
    ("dispatcher", "/api/v1/work-generation/cut-candidates", {"max_amount_owed": "1e999999"}, "max_amount_owed"),
    ("dispatcher", "/api/v1/work-generation/cut-candidates", {"as_of": "0001-01-01"}, "as_of"),
    ("dispatcher", "/api/v1/work-generation/notice-campaigns", {"stage": "reminder", "as_of": "9999-12-31"},
     "as_of"),
    ("dispatcher", "/api/v1/work-generation/cut-candidates",
     {"polygon": _polygon((-112.2, 30.7, "z"), *_SQUARE[1:])}, "polygon"),
    ("dispatcher", "/api/v1/work-generation/cut-candidates",
     {"polygon": _polygon(*[(*p, 1, 2) for p in _SQUARE])}, "polygon"),
    ("dispatcher", "/api/v1/work-generation/verification-walks",
     {"polygon": _polygon((-112.2, 30.7, None), *_SQUARE[1:])}, "polygon"),
    ("dispatcher", "/api/v1/plans", {"service_date": "9999-01-04", "work_item_ids": [1]}, "service_date"),
]


@pytest.mark.parametrize("role, url, body, says", OUT_OF_RANGE)
def test_amounts_dates_and_positions_beyond_what_is_stored_or_computed_are_422(app, tokens, town, session, role,
                                                                              url, body, says):
    from field_api.models import Payment, PaymentAgreement
    from tests.api.conftest import as_role

    if body.get("account_id") == "0003":
        body = {**body, "account_id": town["accounts"]["0003"].id}
    response = as_role(app, tokens, role).post(url, json=body)
    assert response.status_code == 422, response.get_json()
    assert says in response.get_json()["message"]
    assert session.query(Payment).count() == 0 and session.query(PaymentAgreement).count() == 0
