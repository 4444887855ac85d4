"""Malformed filters and ids get a 4xx with the flask-smorest error body, never a 500."""
import json

import pytest

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
                                   "work-items?account=2147483648"])
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
