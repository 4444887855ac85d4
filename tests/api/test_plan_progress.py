"""Following a published day over HTTP, on both backends: what the dispatcher sees as phones sync.

Tuesday 24 November 2026 (Hermosillo). Corte 1's route: c1 (ETA 08:20), c2 (08:40), c3 (09:00),
c4 (09:20); each stop's planned departure is ten minutes after its ETA. Corte 2's: c5, c6.
"""
from datetime import datetime, timedelta, timezone

import pytest

import field_api.api.plans.routes as plans_routes
import field_api.api.sync.routes as sync_routes
import field_api.auth.layer as auth_layer
import field_api.sync_service.upload as upload_module
from field_api.models import DispatchPlan, PlanRoute
from tests.api.conftest import as_role
from tests.builders import make_account, make_crew, make_item
from tests.sync_support import DAY, HMO, cut, download, enroll_device, gps, publish_batch, upload_body


def local(hour: int, minute: int = 0) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=HMO)


class Clock:
    def __init__(self):
        self.now = local(7)

    def __call__(self):
        return self.now.astimezone(timezone.utc)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(plans_routes, "utcnow", clock)
    monkeypatch.setattr(upload_module, "utcnow", clock)
    monkeypatch.setattr(sync_routes, "utcnow", clock)  # a package's sending
    monkeypatch.setattr(auth_layer, "utcnow", clock)  # a device's contact
    return clock


@pytest.fixture
def day(app, session, tokens, clock):
    accounts = [make_account(session, f"A{i}", -112.19 + 0.005 * i, 30.71, months=4, cents=100000) for i in range(6)]
    items = [make_item(session, account) for account in accounts]
    one, two = make_crew(session, "Corte 1", ["cut"]), make_crew(session, "Corte 2", ["cut"])
    batch = publish_batch(session, one, items[:4])
    plan = session.get(DispatchPlan, session.get(PlanRoute, batch.route_id).plan_id)
    publish_batch(session, two, items[4:], plan=plan)
    phone = app.test_client()
    phone.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {enroll_device(session, one)[1]}"
    session.commit()
    return {"plan": plan.id, "items": [item.id for item in items], "crews": (one.id, two.id), "phone": phone,
            "dispatcher": as_role(app, tokens, "dispatcher")}


def progress(day) -> dict:
    reply = day["dispatcher"].get(f"/api/v1/plans/{day['plan']}/progress")
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()


def states(crew: dict) -> list[str]:
    return [stop["state"] for stop in crew["stops"]]


def test_before_the_first_sync_every_stop_is_open_and_no_crew_has_been_seen(day):
    body = progress(day)
    assert body["status"] == "published" and body["totals"]["open"] == 6
    one, two = body["crews"]
    assert (one["crew_name"], states(one)) == ("Corte 1", ["open"] * 4)
    assert one["last_sync_at"] is None and one["last_fix"] is None and one["stops"][0]["visited_at"] is None
    assert one["last_seen_at"] is None and one["downloaded_at"] is None


def test_the_dispatcher_sees_which_crews_have_their_route_on_a_phone_and_when_each_was_last_heard_from(day, clock):
    clock.now = local(7, 58)
    assert day["phone"].get("/api/v1/sync/me").status_code == 200  # the phone answers, without its route
    one, two = progress(day)["crews"]
    assert one["downloaded_at"] is None and datetime.fromisoformat(one["last_seen_at"]) == local(7, 58)

    clock.now = local(8, 3)
    download(day["phone"])
    clock.now = local(8, 40)
    download(day["phone"])  # downloaded again: the route reached the phone at 08:03

    one, two = progress(day)["crews"]
    assert datetime.fromisoformat(one["downloaded_at"]) == local(8, 3)
    assert datetime.fromisoformat(one["last_seen_at"]) == local(8, 40) and one["last_sync_at"] is None
    assert two["downloaded_at"] is None and two["last_seen_at"] is None  # Corte 2 has no phone with it


def test_a_sync_marks_what_was_done_and_where_the_crew_was_last_seen(day, clock):
    c1, c2, c3, c4 = day["items"][:4]
    clock.now = local(9, 5)
    records = [cut(c1, 1, "restricted", local(8, 25), reading=None),
               cut(c2, 2, "no_access", local(8, 50), reading=None, gps=gps(-112.15, 30.72, 12.0))]
    reply = day["phone"].post("/api/v1/sync/uploads", json=upload_body(records, sent_at=local(9, 5)))
    assert [r["status"] for r in reply.get_json()["results"]] == ["accepted", "accepted"]
    one = progress(day)["crews"][0]
    assert states(one) == ["done", "failed", "open", "open"]
    assert one["counts"] == {"done": 1, "failed": 1, "cancelled": 0, "open": 2, "moved": 0, "late": 0}
    assert datetime.fromisoformat(one["last_sync_at"]) == local(9, 5)
    assert datetime.fromisoformat(one["stops"][1]["visited_at"]) == local(8, 50)
    fix = one["last_fix"]
    assert fix["work_item_id"] == c2 and fix["point"]["coordinates"] == [-112.15, 30.72] and fix["accuracy_m"] == 12.0


def test_an_open_stop_past_its_planned_departure_is_late(day, clock):
    clock.now = local(9, 15)  # c3's departure (09:10) is past, c4's (09:30) is not
    body = progress(day)
    assert states(body["crews"][0]) == ["late", "late", "late", "open"]
    assert states(body["crews"][1]) == ["late", "late"]
    assert body["totals"]["late"] == 5 and datetime.fromisoformat(body["as_of"]) == local(9, 15)


def test_a_reassigned_stop_is_moved_unless_the_crews_phone_had_done_it_offline(day, clock):
    c3, c4 = day["items"][2:4]
    dispatcher, two = day["dispatcher"], day["crews"][1]
    for item in (c3, c4):
        url = f"/api/v1/work-items/{item}"
        moved = dispatcher.post(f"{url}/reassign", json={"crew_id": two, "reason": "Apoyo a Corte 2"},
                                headers={"If-Match": dispatcher.get(url).headers["ETag"]})
        assert moved.status_code == 200, moved.get_json()
    clock.now = local(12)
    reply = day["phone"].post("/api/v1/sync/uploads", json=upload_body([cut(c4, 4, "restricted", local(9, 25),
                                                                            reading=None)], sent_at=local(12)))
    assert reply.get_json()["results"][0]["status"] == "accepted"
    one = progress(day)["crews"][0]
    assert states(one)[2:] == ["moved", "done"]


def test_a_cancelled_stop_counts_as_cancelled(day):
    dispatcher, c5 = day["dispatcher"], day["items"][4]
    url = f"/api/v1/work-items/{c5}"
    cancelled = dispatcher.post(f"{url}/cancel", json={"reason": "Pagó en caja"},
                                headers={"If-Match": dispatcher.get(url).headers["ETag"]})
    assert cancelled.status_code == 200, cancelled.get_json()
    body = progress(day)
    assert states(body["crews"][1]) == ["cancelled", "open"] and body["totals"]["cancelled"] == 1


def test_a_draft_has_no_progress_and_an_unknown_plan_is_404(app, tokens, session, day):
    draft = DispatchPlan(service_date=DAY + timedelta(days=1), status="draft", time_budget_s=1.0,
                         pesos_per_crew_hour=300.0, summary={})
    session.add(draft)
    session.commit()
    reply = day["dispatcher"].get(f"/api/v1/plans/{draft.id}/progress")
    assert reply.status_code == 409 and "draft" in reply.get_json()["message"]
    assert day["dispatcher"].get("/api/v1/plans/999999/progress").status_code == 404
    assert as_role(app, tokens, "viewer").get(f"/api/v1/plans/{day['plan']}/progress").status_code == 200
