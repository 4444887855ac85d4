"""The office disbands a crew (and may bring it back): not while work is on it, never planned for
while inactive, and its members' devices are refused until they are moved to an active crew."""
from datetime import datetime, timedelta

from tests.api.conftest import as_role
from tests.api.crew_support import changing, member_path
from tests.builders import make_account, make_crew, make_item, make_sector
from tests.sync_support import HMO, enroll_device, publish_batch

MONDAY = "2026-11-23"


def set_active(client, crew_id: int, active: bool):
    return changing(client, f"/api/v1/crews/{crew_id}", crew_id, json={"active": active})


def reassign(client, item_id: int, crew_id: int):
    etag = client.get(f"/api/v1/work-items/{item_id}").headers["ETag"]
    return client.post(f"/api/v1/work-items/{item_id}/reassign", json={"crew_id": crew_id, "reason": "se disuelve"},
                       headers={"If-Match": etag})


def test_a_crew_with_open_work_is_not_disbanded_until_its_work_is_reassigned(app, tokens, session):
    make_sector(session, "C", (-112.20, 30.68, -112.12, 30.74))
    old, other = make_crew(session, "Corte Viejo", ["cut"]), make_crew(session, "Corte Nuevo", ["cut"])
    items = [make_item(session, make_account(session, f"Q{i}", -112.17 + 0.004 * i, 30.70)) for i in range(3)]
    tomorrow = datetime.now(HMO).date() + timedelta(days=1)
    publish_batch(session, old, items[:2], day=tomorrow, status="planned")
    items[2].assigned_crew_id = old.id
    done = make_item(session, make_account(session, "Q9", -112.15, 30.71), status="done")
    done.assigned_crew_id, done.open_key = old.id, None
    session.commit()
    dispatcher = as_role(app, tokens, "dispatcher")

    refused = set_active(dispatcher, old.id, False)
    assert refused.status_code == 409, refused.get_json()
    message = refused.get_json()["message"]
    ids = ", ".join(str(i.id) for i in items)
    assert f"Crew {old.id} (Corte Viejo) still has 3 open work items ({ids}), on its batches for {tomorrow}" in message
    assert "Reassign them to another crew" in message
    assert dispatcher.get(f"/api/v1/crews/{old.id}").get_json()["active"] is True

    for item in items:
        assert reassign(dispatcher, item.id, other.id).status_code == 200
    off = set_active(dispatcher, old.id, False)
    assert off.status_code == 200 and off.get_json()["active"] is False
    # Work is given only to active crews.
    back_to_old = reassign(dispatcher, items[0].id, old.id)
    assert back_to_old.status_code == 422 and "is inactive" in back_to_old.get_json()["message"]


def test_crews_list_by_active_and_plans_skip_or_refuse_the_inactive(app, tokens, session):
    make_sector(session, "C", (-112.20, 30.68, -112.12, 30.74))
    north, south = make_crew(session, "Corte Norte", ["cut"]), make_crew(session, "Corte Sur", ["cut"])
    items = [make_item(session, make_account(session, f"Q{i}", -112.17 + 0.004 * i, 30.70)) for i in range(3)]
    session.commit()
    dispatcher = as_role(app, tokens, "dispatcher")
    assert set_active(dispatcher, south.id, False).status_code == 200

    assert [c["name"] for c in dispatcher.get("/api/v1/crews?active=true").get_json()] == ["Corte Norte"]
    assert [c["name"] for c in dispatcher.get("/api/v1/crews?active=false").get_json()] == ["Corte Sur"]
    assert len(dispatcher.get("/api/v1/crews").get_json()) == 2
    assert dispatcher.get("/api/v1/crews?active=maybe").status_code == 422

    named = dispatcher.post("/api/v1/plans", json={"service_date": MONDAY, "work_item_ids": [items[0].id],
                                                   "crew_ids": [north.id, south.id]})
    assert named.status_code == 422
    assert f"Inactive crews cannot be planned for: {south.id} (Corte Sur)" in named.get_json()["message"]
    left_out = dispatcher.post("/api/v1/plans", json={"service_date": MONDAY, "time_budget_s": 1,
                                                      "work_item_ids": [i.id for i in items]})
    assert left_out.status_code == 201
    assert {r["properties"]["crew_id"] for r in left_out.get_json()["routes"]["features"]} == {north.id}

    assert set_active(dispatcher, north.id, False).status_code == 200
    none = dispatcher.post("/api/v1/plans", json={"service_date": MONDAY, "work_item_ids": [items[0].id]})
    assert none.status_code == 422 and "no active crews" in none.get_json()["message"]


def test_a_draft_with_a_route_for_a_crew_disbanded_since_is_refused_at_publish(app, tokens, session):
    make_sector(session, "C", (-112.20, 30.68, -112.12, 30.74))
    crew = make_crew(session, "Corte Norte", ["cut"])
    item = make_item(session, make_account(session, "Q1", -112.17, 30.70))
    session.commit()
    dispatcher = as_role(app, tokens, "dispatcher")
    draft = dispatcher.post("/api/v1/plans", json={"service_date": MONDAY, "work_item_ids": [item.id],
                                                   "crew_ids": [crew.id], "time_budget_s": 1})
    assert draft.get_json()["summary"]["stops_planned"] == 1
    assert set_active(dispatcher, crew.id, False).status_code == 200  # the draft gave it no work yet
    refused = dispatcher.post(f"/api/v1/plans/{draft.get_json()['id']}/publish",
                              headers={"If-Match": draft.headers["ETag"]})
    assert refused.status_code == 409
    assert f"crews disbanded after it was drafted: {crew.id} (Corte Norte)" in refused.get_json()["message"]
    session.expire_all()
    assert item.status == "pending" and item.assigned_crew_id is None


def test_a_disbanded_crews_devices_are_refused_until_the_member_moves_or_the_crew_returns(app, tokens, session):
    old, active = make_crew(session, "Corte Viejo", ["cut"]), make_crew(session, "Corte Nuevo", ["reader"])
    _, token = enroll_device(session, old)
    session.commit()
    [member] = old.members
    dispatcher = as_role(app, tokens, "dispatcher")
    device = app.test_client()
    device.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert device.get("/api/v1/sync/me").status_code == 200

    assert set_active(dispatcher, old.id, False).status_code == 200
    refused = device.get("/api/v1/sync/me")
    assert refused.status_code == 401 and "was disbanded" in refused.get_json()["message"]
    code = dispatcher.post("/api/v1/devices/enrollment-codes", json={"crew_member_id": member.id, "label": "Otro"})
    assert code.status_code == 422 and "is inactive" in code.get_json()["message"]

    assert set_active(dispatcher, old.id, True).get_json()["active"] is True
    assert device.get("/api/v1/sync/me").get_json()["crew_id"] == old.id
    assert set_active(dispatcher, old.id, False).status_code == 200
    moved = changing(dispatcher, member_path(old.id, member.id), old.id, json={"crew_id": active.id})
    assert moved.status_code == 200
    assert device.get("/api/v1/sync/me").get_json()["crew_id"] == active.id


def test_deactivating_needs_if_match_and_a_boolean(app, tokens, session):
    crew = make_crew(session, "Corte Norte", ["cut"])
    session.commit()
    dispatcher = as_role(app, tokens, "dispatcher")
    path = f"/api/v1/crews/{crew.id}"
    assert dispatcher.patch(path, json={"active": False}).status_code == 428
    bad = changing(dispatcher, path, crew.id, json={"active": "quizás"})
    assert bad.status_code == 422 and "active" in bad.get_json()["message"]
    assert dispatcher.get(path).get_json()["active"] is True
