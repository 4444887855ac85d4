"""The office keeps each state's holiday calendar, year by year, over HTTP; the policy names the state
whose calendar counts."""
import unicodedata
from urllib.parse import quote

import pytest
from sqlalchemy import select

from field_api.models import AuditEvent, HolidayCalendar, StateHoliday
from tests.api.conftest import as_role

SONORA_2026 = "/api/v1/holiday-calendars/Sonora/2026"
GAZETTE = [{"day": "2026-11-02", "name": "Día de Muertos"},
           {"day": "2026-04-02", "name": "  Jueves Santo "},
           {"day": "2026-04-03", "name": "Viernes Santo"}]


def put(client, path, body, etag_from=None):
    """A PUT with the ETag the calendar has now (or the one given)."""
    etag = etag_from or client.get(path).headers["ETag"]
    return client.put(path, json=body, headers={"If-Match": etag})


def test_an_admin_publishes_a_year_and_every_office_role_reads_it(app, tokens, session):
    admin = as_role(app, tokens, "admin")
    before = admin.get(SONORA_2026)
    assert before.status_code == 200
    assert before.get_json() == {"state": "Sonora", "year": 2026, "published": False, "days": [], "version": None}
    done = put(admin, SONORA_2026, {"days": GAZETTE}, before.headers["ETag"])
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["published"] is True and done.get_json()["version"] == 1
    assert done.get_json()["days"] == [{"day": "2026-04-02", "name": "Jueves Santo"},
                                       {"day": "2026-04-03", "name": "Viernes Santo"},
                                       {"day": "2026-11-02", "name": "Día de Muertos"}]
    assert done.headers["ETag"] != before.headers["ETag"]
    for role in ("viewer", "dispatcher", "supervisor"):
        read = as_role(app, tokens, role).get(SONORA_2026)
        assert read.status_code == 200 and read.get_json() == done.get_json()
        assert read.headers["ETag"] == done.headers["ETag"]
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action.like("PUT /api/v1/holiday-calendars%"))).all()
    assert [(a.principal_name, a.target, a.status_code) for a in audit] == [
        ("admin1", "holiday_calendar=Sonora/2026", 200)]
    assert audit[0].details["days"] == ["2026-11-02", "2026-04-02", "2026-04-03"]


def test_a_put_replaces_the_year_and_leaves_other_years_and_states_alone(app, tokens, session):
    admin = as_role(app, tokens, "admin")
    assert put(admin, SONORA_2026, {"days": GAZETTE}).status_code == 200
    assert put(admin, "/api/v1/holiday-calendars/Sonora/2027", {"days": [
        {"day": "2027-03-25", "name": "Jueves Santo"}]}).status_code == 200
    assert put(admin, "/api/v1/holiday-calendars/Chihuahua/2026", {"days": [
        {"day": "2026-11-02", "name": "Día de Muertos"}]}).status_code == 200
    again = put(admin, SONORA_2026, {"days": [{"day": "2026-12-12", "name": "Día de la Virgen de Guadalupe"},
                                              {"day": "2026-11-02", "name": "Día de los Fieles Difuntos"}]})
    assert again.status_code == 200 and again.get_json()["version"] == 2
    assert again.get_json()["days"] == [{"day": "2026-11-02", "name": "Día de los Fieles Difuntos"},
                                        {"day": "2026-12-12", "name": "Día de la Virgen de Guadalupe"}]
    emptied = put(admin, SONORA_2026, {"days": []})
    assert emptied.status_code == 200
    assert (emptied.get_json()["published"], emptied.get_json()["days"], emptied.get_json()["version"]) == (True, [], 3)
    assert [d["day"] for d in admin.get("/api/v1/holiday-calendars/Sonora/2027").get_json()["days"]] == ["2027-03-25"]
    assert [d["day"] for d in admin.get("/api/v1/holiday-calendars/Chihuahua/2026").get_json()["days"]] == [
        "2026-11-02"]
    rows = session.scalars(select(StateHoliday.state).order_by(StateHoliday.state, StateHoliday.day)).all()
    assert rows == ["Chihuahua", "Sonora"]


def test_a_put_without_if_match_is_428_and_with_a_stale_one_412_and_changes_nothing(app, tokens):
    admin = as_role(app, tokens, "admin")
    first = admin.get(SONORA_2026).headers["ETag"]
    bare = admin.put(SONORA_2026, json={"days": GAZETTE})
    assert bare.status_code == 428 and bare.get_json()["message"]
    assert put(admin, SONORA_2026, {"days": GAZETTE[:1]}, first).status_code == 200
    stale = put(admin, SONORA_2026, {"days": GAZETTE}, first)  # a second office with the same ETag
    assert stale.status_code == 412, stale.get_json()
    assert {"code", "status", "message"} <= set(stale.get_json())
    assert [d["day"] for d in admin.get(SONORA_2026).get_json()["days"]] == ["2026-11-02"]


@pytest.mark.parametrize("body, says", [
    ({"days": [{"day": "2027-01-01", "name": "Año Nuevo"}]}, "must fall in 2026; these do not: 2027-01-01"),
    ({"days": [{"day": "2025-12-31", "name": "Fin de año"}, {"day": "2026-01-02", "name": "Puente"}]},
     "these do not: 2025-12-31"),
    ({"days": [{"day": "2026-11-02", "name": "Muertos"}, {"day": "2026-11-02", "name": "Día de Muertos"}]},
     "given more than once: 2026-11-02"),
    ({"days": [{"day": "2026-11-02", "name": "   "}]}, "name"),
    ({"days": [{"day": "2026-11-02", "name": ""}]}, "name"),
    ({"days": [{"day": "2026-11-02", "name": "x" * 121}]}, "name"),
    ({"days": [{"day": "2026-11-02"}]}, "name"),
    ({"days": [{"day": "2 de noviembre", "name": "Día de Muertos"}]}, "day"),
    ({"days": [{"day": "2026-02-30", "name": "Nunca"}]}, "day"),
    ({"days": [{"day": f"2026-01-{d:02d}", "name": "Vacaciones"} for d in range(1, 32)]
      + [{"day": f"2026-03-{d:02d}", "name": "Vacaciones"} for d in range(1, 31)]}, "At most 60 days"),
    ({}, "days"),
    ({"days": "2026-11-02"}, "days"),
    ({"days": [], "state": "Sonora"}, "state"),
])
def test_a_bad_calendar_is_a_clear_422_and_nothing_is_written(app, tokens, session, body, says):
    admin = as_role(app, tokens, "admin")
    refused = put(admin, SONORA_2026, body)
    assert refused.status_code == 422, refused.get_json()
    assert says in refused.get_json()["message"], refused.get_json()
    assert admin.get(SONORA_2026).get_json()["published"] is False
    assert session.scalars(select(StateHoliday)).all() == [] and session.scalars(select(HolidayCalendar)).all() == []


def test_sixty_days_are_accepted(app, tokens):
    days = [{"day": f"2026-01-{d:02d}", "name": "Vacaciones"} for d in range(1, 32)] + [
        {"day": f"2026-03-{d:02d}", "name": "Vacaciones"} for d in range(1, 30)]
    done = put(as_role(app, tokens, "admin"), SONORA_2026, {"days": days})
    assert done.status_code == 200 and len(done.get_json()["days"]) == 60


@pytest.mark.parametrize("path", [
    "/api/v1/holiday-calendars/Texas/2026",
    "/api/v1/holiday-calendars/sonora/2026",
    "/api/v1/holiday-calendars/Estado%20de%20M%C3%A9xico/2026",
    "/api/v1/holiday-calendars/Sonora/1999",
    "/api/v1/holiday-calendars/Sonora/2100",
    "/api/v1/holiday-calendars/Sonora/0",
    "/api/v1/holiday-calendars/Sonora/dos-mil",
])
def test_a_state_or_year_that_names_no_calendar_is_a_404_on_read_and_write(app, tokens, path):
    admin = as_role(app, tokens, "admin")
    read = admin.get(path)
    assert read.status_code == 404 and read.get_json()["message"]
    write = admin.put(path, json={"days": []}, headers={"If-Match": '"x"'})
    assert write.status_code == 404 and write.get_json()["message"]


def test_a_state_is_found_by_its_official_name_however_its_accents_are_encoded(app, tokens):
    admin = as_role(app, tokens, "admin")
    for name in ("Nuevo León", unicodedata.normalize("NFD", "Nuevo León")):
        read = admin.get(f"/api/v1/holiday-calendars/{quote(name)}/2026")
        assert read.status_code == 200 and read.get_json()["state"] == "Nuevo León"
    mexico = put(admin, f"/api/v1/holiday-calendars/{quote('México')}/2026",
                 {"days": [{"day": "2026-03-02", "name": "Aniversario de la Erección del Estado"}]})
    assert mexico.status_code == 200 and mexico.get_json()["state"] == "México"
    assert admin.get(f"/api/v1/holiday-calendars/{quote('Ciudad de México')}/2026").get_json()["days"] == []


@pytest.mark.parametrize("role", ["dispatcher", "supervisor", "viewer"])
def test_only_an_admin_may_replace_a_calendar(app, tokens, session, role):
    client = as_role(app, tokens, role)
    refused = put(client, SONORA_2026, {"days": GAZETTE})
    assert refused.status_code == 403 and "may not do this" in refused.get_json()["message"]
    assert session.scalars(select(StateHoliday)).all() == []


def test_the_policy_takes_a_federal_entity_by_its_official_name_and_lists_its_published_years(app, tokens):
    admin = as_role(app, tokens, "admin")
    policy = admin.get("/api/v1/policy")
    assert policy.get_json()["holiday_state"] == "Sonora" and policy.get_json()["holiday_calendar_years"] == []
    for wrong in ("Estado de México", "Sonora ", "CDMX", "", "Texas", 26, None):
        refused = admin.patch("/api/v1/policy", json={"holiday_state": wrong},
                              headers={"If-Match": admin.get("/api/v1/policy").headers["ETag"]})
        assert refused.status_code == 422, (wrong, refused.get_json())
        assert "holiday_state" in refused.get_json()["message"]
    refused = admin.patch("/api/v1/policy", json={"holiday_state": "Distrito Federal"},
                          headers={"If-Match": admin.get("/api/v1/policy").headers["ETag"]})
    assert "32 federal entities by their INEGI names" in refused.get_json()["message"]
    assert "Ciudad de México" in refused.get_json()["message"]
    assert put(admin, "/api/v1/holiday-calendars/Nuevo%20Le%C3%B3n/2027", {"days": []}).status_code == 200
    changed = admin.patch("/api/v1/policy", json={"holiday_state": unicodedata.normalize("NFD", "Nuevo León")},
                          headers={"If-Match": admin.get("/api/v1/policy").headers["ETag"]})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["holiday_state"] == "Nuevo León"  # stored as listed (NFC)
    assert changed.get_json()["holiday_calendar_years"] == [2027]
    assert admin.get("/api/v1/policy").get_json()["holiday_state"] == "Nuevo León"
