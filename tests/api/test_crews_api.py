"""The office keeps its crews over HTTP: adds them and their members, changes depots and shifts,
takes members off, and plans with them."""
import pytest

from tests.api.conftest import as_role
from tests.api.crew_support import DEPOT, changing, new_crew
from tests.builders import make_account, make_item, make_sector
from tests.sync_support import enroll_device

def test_a_dispatcher_adds_a_crew_and_its_members_and_plans_the_day_with_it(app, tokens, session):
    make_sector(session, "C", (-112.20, 30.68, -112.12, 30.74))
    items = [make_item(session, make_account(session, f"N{i}", -112.17 + 0.004 * i, 30.70, months=4,
                                             cents=100000)) for i in range(3)]
    session.commit()
    dispatcher = as_role(app, tokens, "dispatcher")
    crew = new_crew(dispatcher, shift_start="07:30", max_stops=25)
    assert crew["depot"] == DEPOT and crew["shift_start"] == "07:30:00" and crew["shift_end"] == "16:00:00"
    assert crew["members"] == [] and crew["skills"] == [] and crew["travel_mode"] == "drive"
    added = changing(dispatcher, f"/api/v1/crews/{crew['id']}/members", crew["id"], "post",
                     json={"name": "Ramón Ibarra", "skills": ["cut", "reader", "cut"]})
    assert added.status_code == 201, added.get_json()
    assert [(m["name"], m["skills"], m["active"]) for m in added.get_json()["members"]] == [
        ("Ramón Ibarra", ["cut", "reader"], True)]
    assert added.get_json()["skills"] == ["cut", "reader"]
    listed = as_role(app, tokens, "viewer").get("/api/v1/crews").get_json()
    assert [c["name"] for c in listed] == ["Corte Norte"]

    plan = dispatcher.post("/api/v1/plans", json={"service_date": "2026-11-23", "crew_ids": [crew["id"]],
                                                  "work_item_ids": [i.id for i in items], "time_budget_s": 1})
    assert plan.status_code == 201, plan.get_json()
    [route] = plan.get_json()["routes"]["features"]
    assert route["properties"]["crew_name"] == "Corte Norte" and len(route["properties"]["stops"]) == 3


def test_a_crew_name_in_use_is_409(app, tokens):
    dispatcher = as_role(app, tokens, "dispatcher")
    new_crew(dispatcher)
    again = dispatcher.post("/api/v1/crews", json={"name": "Corte Norte", "depot": DEPOT})
    assert again.status_code == 409 and "exists already" in again.get_json()["message"]
    other = new_crew(dispatcher, name="Corte Sur")
    renamed = changing(dispatcher, f"/api/v1/crews/{other['id']}", other["id"], json={"name": "Corte Norte"})
    assert renamed.status_code == 409


@pytest.mark.parametrize("body,message", [
    ({"name": "X", "depot": {"type": "Point", "coordinates": [30.71, -112.16]}}, "out of range"),
    ({"name": "X", "depot": {"type": "Point", "coordinates": [-112.16]}}, "[longitude, latitude] numbers"),
    ({"name": "X", "depot": {"type": "Polygon", "coordinates": []}}, "Expected a GeoJSON Point"),
    ({"name": "X", "depot": {"type": "Point", "coordinates": [-112.16, 30.71, "z"]}}, "[longitude, latitude]"),
    ({"name": "X"}, "depot: Missing data"),
    ({"name": "", "depot": DEPOT}, "name: Length must be between 1 and 80"),
    ({"name": "X", "depot": DEPOT, "shift_start": "17:00"}, "The shift must end after it starts"),
    ({"name": "X", "depot": DEPOT, "shift_end": "25:00"}, "Not a valid time"),
    ({"name": "X", "depot": DEPOT, "max_stops": 0}, "max_stops"),
    ({"name": "X", "depot": DEPOT, "max_stops": 2.5}, "Not a valid integer"),
    ({"name": "X", "depot": DEPOT, "travel_mode": "fly"}, "travel_mode"),
])
def test_bad_crews_get_422_naming_the_problem(app, tokens, body, message):
    response = as_role(app, tokens, "dispatcher").post("/api/v1/crews", json=body)
    assert response.status_code == 422, response.get_json()
    assert message in response.get_json()["message"]


@pytest.mark.parametrize("skills,message", [([], "Length must be between 1"), (["chef"], "Skills must be among"),
                                            ("cut", "Not a valid list")])
def test_a_member_needs_known_skills(app, tokens, skills, message):
    dispatcher = as_role(app, tokens, "dispatcher")
    crew = new_crew(dispatcher)
    response = changing(dispatcher, f"/api/v1/crews/{crew['id']}/members", crew["id"], "post",
                        json={"name": "Ana", "skills": skills})
    assert response.status_code == 422 and message in response.get_json()["message"]


def test_crew_changes_need_if_match_and_an_old_one_is_412(app, tokens):
    dispatcher = as_role(app, tokens, "dispatcher")
    crew = new_crew(dispatcher)
    path = f"/api/v1/crews/{crew['id']}"
    seen = dispatcher.get(path).headers["ETag"]
    assert dispatcher.patch(path, json={"max_stops": 30}).status_code == 428
    moved = dispatcher.patch(path, json={"depot": {"type": "Point", "coordinates": [-112.15, 30.72]},
                                         "travel_mode": "walk"}, headers={"If-Match": seen})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["version"] == crew["version"] + 1
    assert moved.get_json()["depot"]["coordinates"] == [-112.15, 30.72]
    assert dispatcher.patch(path, json={"max_stops": 30}, headers={"If-Match": seen}).status_code == 412
    assert dispatcher.post(f"{path}/members", json={"name": "Ana", "skills": ["cut"]},
                           headers={"If-Match": seen}).status_code == 412
    late = changing(dispatcher, path, crew["id"], json={"shift_start": "16:30"})
    assert late.status_code == 422 and "must end after it starts: 16:30 to 16:00" in late.get_json()["message"]
    assert dispatcher.get(path).get_json()["shift_start"] == "08:00:00"


def test_a_member_taken_off_the_crew_loses_its_skills_and_its_device_is_refused(app, tokens, session):
    from field_api.models import Crew

    dispatcher = as_role(app, tokens, "dispatcher")
    crew = new_crew(dispatcher)
    member = changing(dispatcher, f"/api/v1/crews/{crew['id']}/members", crew["id"], "post",
                      json={"name": "Ana", "skills": ["cut"]}).get_json()["members"][0]
    _, token = enroll_device(session, session.get(Crew, crew["id"]))
    session.commit()
    device = app.test_client()
    device.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert device.get("/api/v1/sync/me").status_code == 200
    off = changing(dispatcher, f"/api/v1/crews/{crew['id']}/members/{member['id']}", crew["id"],
                   json={"active": False})
    assert off.status_code == 200 and off.get_json()["skills"] == []
    refused = device.get("/api/v1/sync/me")
    assert refused.status_code == 401 and "no longer active" in refused.get_json()["message"]
    back = changing(dispatcher, f"/api/v1/crews/{crew['id']}/members/{member['id']}", crew["id"],
                    json={"active": True, "skills": ["cut", "notifier"]})
    assert back.get_json()["skills"] == ["cut", "notifier"]
    assert device.get("/api/v1/sync/me").status_code == 200


def test_a_member_of_another_crew_or_an_unknown_crew_is_404(app, tokens):
    dispatcher = as_role(app, tokens, "dispatcher")
    north, south = new_crew(dispatcher), new_crew(dispatcher, name="Corte Sur")
    member = changing(dispatcher, f"/api/v1/crews/{north['id']}/members", north["id"], "post",
                      json={"name": "Ana", "skills": ["cut"]}).get_json()["members"][0]
    wrong = changing(dispatcher, f"/api/v1/crews/{south['id']}/members/{member['id']}", south["id"],
                     json={"name": "Otra"})
    assert wrong.status_code == 404
    assert dispatcher.get("/api/v1/crews/999999").status_code == 404
    assert dispatcher.patch("/api/v1/crews/999999", json={}, headers={"If-Match": "x"}).status_code == 404
