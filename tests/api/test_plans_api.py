"""The dispatcher plans a day over HTTP, reviews the GeoJSON routes, publishes and re-plans."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.api.conftest import as_role
from tests.builders import make_account, make_crew, make_item, make_sector

MONDAY = "2026-11-23"


@pytest.fixture
def work(session):
    make_sector(session, "C", (-112.20, 30.68, -112.12, 30.74))
    crew = make_crew(session, "Corte 1", ["cut"])
    items = [make_item(session, make_account(session, f"Q{i}", -112.17 + 0.004 * i, 30.70, months=4,
                                             cents=100000), value=1000 + i) for i in range(4)]
    session.commit()
    return {"crew": crew, "items": items}


def test_plan_publish_and_replan(app, tokens, work):
    dispatcher = as_role(app, tokens, "dispatcher")
    created = dispatcher.post("/api/v1/plans", json={"service_date": MONDAY, "select": {"types": ["cut"]},
                                                     "time_budget_s": 1})
    assert created.status_code == 201, created.get_json()
    plan = created.get_json()
    assert plan["status"] == "draft" and plan["summary"]["stops_planned"] == 4
    route = plan["routes"]["features"][0]
    assert route["geometry"]["type"] == "LineString" and route["properties"]["crew_name"] == "Corte 1"
    assert [s["seq"] for s in route["properties"]["stops"]] == [1, 2, 3, 4]
    published = dispatcher.post(f"/api/v1/plans/{plan['id']}/publish")
    assert published.status_code == 200 and len(published.get_json()["batches"]) == 1
    assert dispatcher.post(f"/api/v1/plans/{plan['id']}/publish").status_code == 409
    listed = dispatcher.get("/api/v1/work-items?status=planned").get_json()
    assert listed["pagination"]["total"] == 4
    now = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("America/Hermosillo")).isoformat()
    again = dispatcher.post(f"/api/v1/plans/{plan['id']}/replan", json={"now": now, "time_budget_s": 1})
    assert again.status_code == 201 and again.get_json()["replan_of_id"] == plan["id"]
    assert as_role(app, tokens, "viewer").get(f"/api/v1/plans/{plan['id']}").status_code == 200


@pytest.mark.parametrize("body,message", [
    ({"service_date": MONDAY}, "either work_item_ids or select"),
    ({"service_date": MONDAY, "work_item_ids": [], "select": {}}, "either work_item_ids or select"),
    ({"service_date": MONDAY, "work_item_ids": []}, "selection is empty"),
    ({"service_date": MONDAY, "select": {"types": ["inspection"]}}, "No pending work"),
    ({"service_date": MONDAY, "work_item_ids": [1], "crew_ids": [4242]}, "Unknown crew ids: 4242"),
    ({"service_date": "23/11/2026", "work_item_ids": [1]}, "Not a valid date"),
    ({"service_date": MONDAY, "work_item_ids": [1], "time_budget_s": 600}, "less than or equal to 120"),
])
def test_bad_plan_requests_get_422_naming_the_problem(app, tokens, work, body, message):
    response = as_role(app, tokens, "dispatcher").post("/api/v1/plans", json=body)
    assert response.status_code == 422
    assert message in response.get_json()["message"]


def test_an_unknown_plan_is_404(app, tokens):
    assert as_role(app, tokens, "dispatcher").post("/api/v1/plans/999999/publish").status_code == 404


