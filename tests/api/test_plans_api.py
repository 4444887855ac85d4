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


def acting(client, plan_id: int, action: str, **kwargs):
    """POST a plan action with the ETag of the plan as it reads now."""
    etag = client.get(f"/api/v1/plans/{plan_id}").headers["ETag"]
    return client.post(f"/api/v1/plans/{plan_id}/{action}", headers={"If-Match": etag}, **kwargs)


def draft(client, **extra) -> dict:
    created = client.post("/api/v1/plans", json={"service_date": MONDAY, "select": {"types": ["cut"]},
                                                 "time_budget_s": 1, **extra})
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def at(hour: int, day: int = 23) -> str:
    return datetime(2026, 11, day, hour, 0, tzinfo=ZoneInfo("America/Hermosillo")).isoformat()


def test_plan_publish_and_replan(app, tokens, work):
    dispatcher = as_role(app, tokens, "dispatcher")
    plan = draft(dispatcher)
    assert plan["status"] == "draft" and plan["summary"]["stops_planned"] == 4
    route = plan["routes"]["features"][0]
    assert route["geometry"]["type"] == "LineString" and route["properties"]["crew_name"] == "Corte 1"
    assert [s["seq"] for s in route["properties"]["stops"]] == [1, 2, 3, 4]
    published = acting(dispatcher, plan["id"], "publish")
    assert published.status_code == 200 and len(published.get_json()["batches"]) == 1
    assert acting(dispatcher, plan["id"], "publish").status_code == 409
    listed = dispatcher.get("/api/v1/work-items?status=planned").get_json()
    assert listed["pagination"]["total"] == 4
    again = acting(dispatcher, plan["id"], "replan", json={"now": at(9), "time_budget_s": 1})
    assert again.status_code == 201 and again.get_json()["replan_of_id"] == plan["id"]
    assert as_role(app, tokens, "viewer").get(f"/api/v1/plans/{plan['id']}").status_code == 200


def test_a_plan_action_without_if_match_is_428_and_with_an_old_etag_412(app, tokens, work):
    dispatcher = as_role(app, tokens, "dispatcher")
    plan = draft(dispatcher)
    seen = dispatcher.get(f"/api/v1/plans/{plan['id']}").headers["ETag"]
    assert dispatcher.post(f"/api/v1/plans/{plan['id']}/publish").status_code == 428
    assert acting(dispatcher, plan["id"], "publish").status_code == 200
    for action in ("publish", "replan", "discard"):
        stale = dispatcher.post(f"/api/v1/plans/{plan['id']}/{action}", headers={"If-Match": seen},
                                json={} if action == "replan" else None)
        assert stale.status_code == 412, (action, stale.get_json())


def test_a_draft_made_before_a_newer_plan_was_published_is_refused(app, tokens, work):
    dispatcher = as_role(app, tokens, "dispatcher")
    older, newer = draft(dispatcher), draft(dispatcher)
    assert acting(dispatcher, newer["id"], "publish").status_code == 200
    refused = acting(dispatcher, older["id"], "publish")
    assert refused.status_code == 409
    assert f"Plan {newer['id']} was published" in refused.get_json()["message"]
    batches = dispatcher.get(f"/api/v1/plans/{newer['id']}").get_json()["batches"]
    assert [b["superseded_at"] for b in batches] == [None]  # the newer plan still stands
    assert dispatcher.get(f"/api/v1/plans/{older['id']}").get_json()["status"] == "draft"


def test_a_draft_for_other_crews_and_work_publishes_after_another_plan(app, tokens, work, session):
    dispatcher = as_role(app, tokens, "dispatcher")
    other_crew = make_crew(session, "Corte 2", ["cut"])
    extra = make_item(session, make_account(session, "Q9", -112.15, 30.71, months=4, cents=100000))
    session.commit()
    first, second = (dispatcher.post("/api/v1/plans", json={
        "service_date": MONDAY, "work_item_ids": ids, "crew_ids": [crew.id], "time_budget_s": 1}).get_json()
        for ids, crew in (([i.id for i in work["items"]], work["crew"]), ([extra.id], other_crew)))
    assert acting(dispatcher, first["id"], "publish").status_code == 200
    assert acting(dispatcher, second["id"], "publish").status_code == 200


def test_a_discarded_draft_stays_listed_and_cannot_be_published(app, tokens, work):
    dispatcher = as_role(app, tokens, "dispatcher")
    plan = draft(dispatcher)
    discarded = acting(dispatcher, plan["id"], "discard")
    assert discarded.status_code == 200 and discarded.get_json()["status"] == "discarded"
    assert acting(dispatcher, plan["id"], "publish").status_code == 409
    assert acting(dispatcher, plan["id"], "discard").status_code == 409
    listed = dispatcher.get("/api/v1/plans?status=discarded").get_json()
    assert [p["id"] for p in listed] == [plan["id"]]
    assert dispatcher.get("/api/v1/work-items?status=pending").get_json()["pagination"]["total"] == 4


def test_a_replan_with_every_stop_done_or_cancelled_and_nothing_added_is_refused(app, tokens, work, session):
    dispatcher = as_role(app, tokens, "dispatcher")
    plan = draft(dispatcher)
    assert acting(dispatcher, plan["id"], "publish").status_code == 200
    for item in work["items"]:
        session.refresh(item)
        item.status = "cancelled"
    session.commit()
    refused = acting(dispatcher, plan["id"], "replan", json={"now": at(9), "time_budget_s": 1})
    assert refused.status_code == 409
    assert "Nothing is left to re-plan" in refused.get_json()["message"]


def test_a_replan_after_the_plans_day_is_refused_and_before_it_starts_from_the_morning(app, tokens, work):
    dispatcher = as_role(app, tokens, "dispatcher")
    plan = draft(dispatcher)
    assert acting(dispatcher, plan["id"], "publish").status_code == 200
    late = acting(dispatcher, plan["id"], "replan", json={"now": at(9, day=24), "time_budget_s": 1})
    assert late.status_code == 422
    assert "2026-11-24 09:00 local time) is after plan" in late.get_json()["message"]
    early = acting(dispatcher, plan["id"], "replan", json={"now": at(18, day=22), "time_budget_s": 1})
    assert early.status_code == 201, early.get_json()
    assert early.get_json()["summary"]["stops_planned"] == 4


@pytest.mark.parametrize("body,message", [
    ({"service_date": MONDAY}, "either work_item_ids or select"),
    ({"service_date": MONDAY, "work_item_ids": [], "select": {}}, "either work_item_ids or select"),
    ({"service_date": MONDAY, "work_item_ids": []}, "selection is empty"),
    ({"service_date": MONDAY, "select": {"types": ["inspection"]}}, "No pending work"),
    ({"service_date": MONDAY, "work_item_ids": [1], "crew_ids": [4242]}, "Unknown crew ids: 4242"),
    ({"service_date": "23/11/2026", "work_item_ids": [1]}, "Not a valid date"),
    ({"service_date": MONDAY, "work_item_ids": [1], "time_budget_s": 600}, "less than or equal to 120"),
    ({"service_date": MONDAY, "work_item_ids": [1], "pesos_per_crew_hour": 0}, "greater than 0"),
    ({"service_date": MONDAY, "work_item_ids": [1.5]}, "Not a valid integer"),
    ({"service_date": MONDAY, "work_item_ids": [1], "crew_ids": []}, "leave crew_ids out to plan for every crew"),
])
def test_bad_plan_requests_get_422_naming_the_problem(app, tokens, work, body, message):
    response = as_role(app, tokens, "dispatcher").post("/api/v1/plans", json=body)
    assert response.status_code == 422
    assert message in response.get_json()["message"]


def test_an_unknown_plan_is_404(app, tokens):
    dispatcher = as_role(app, tokens, "dispatcher")
    assert dispatcher.get("/api/v1/plans/999999").status_code == 404
    for action in ("publish", "replan", "discard"):
        response = dispatcher.post(f"/api/v1/plans/999999/{action}", headers={"If-Match": "x"}, json={})
        assert response.status_code == 404, action




def test_a_new_draft_carries_the_etag_that_publishing_it_needs(app, tokens, work):
    dispatcher = as_role(app, tokens, "dispatcher")
    created = dispatcher.post("/api/v1/plans", json={"service_date": MONDAY, "select": {"types": ["cut"]},
                                                     "time_budget_s": 1})
    plan_id = created.get_json()["id"]
    assert created.headers["ETag"] == dispatcher.get(f"/api/v1/plans/{plan_id}").headers["ETag"]
    published = dispatcher.post(f"/api/v1/plans/{plan_id}/publish", headers={"If-Match": created.headers["ETag"]})
    assert published.status_code == 200, published.get_json()
    replanned = acting(dispatcher, plan_id, "replan", json={"now": at(9), "time_budget_s": 1})
    draft_id = replanned.get_json()["id"]
    assert replanned.headers["ETag"] == dispatcher.get(f"/api/v1/plans/{draft_id}").headers["ETag"]
    discarded = dispatcher.post(f"/api/v1/plans/{draft_id}/discard", headers={"If-Match": replanned.headers["ETag"]})
    assert discarded.status_code == 200, discarded.get_json()


def test_a_plan_warns_while_the_states_holiday_calendar_of_its_year_was_never_entered(app, tokens, work):
    dispatcher = as_role(app, tokens, "dispatcher")
    [warning] = draft(dispatcher)["summary"]["warnings"]
    assert "Sonora para 2026" in warning
    admin = as_role(app, tokens, "admin")
    path = "/api/v1/holiday-calendars/Sonora/2026"
    entered = admin.put(path, json={"days": []}, headers={"If-Match": admin.get(path).headers["ETag"]})
    assert entered.status_code == 200
    assert draft(dispatcher)["summary"]["warnings"] == []
