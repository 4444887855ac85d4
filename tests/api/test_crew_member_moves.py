"""The office moves a crew member to another crew (someone covers for a colleague on leave): the
member's skills and devices go along, and what the phone did offline for the old crew still counts."""
from datetime import date

import pytest
from sqlalchemy import select

from field_api.models import ChangeLog, CrewMember, FieldRecord, WorkItem
from field_api.work.items import change_status, reassign
from tests.api.conftest import as_role
from tests.api.crew_support import changing, member_path
from tests.api.sync_fixtures import device_client, field_day, server_clock  # noqa: F401
from tests.builders import make_account, make_crew, make_item, make_sector
from tests.sync_support import cut, download, enroll_device, publish_batch, upload_body

UPLOADS = "/api/v1/sync/uploads"


def move(client, crew_id: int, member_id: int, to: int):
    return changing(client, member_path(crew_id, member_id), crew_id, json={"crew_id": to})


def test_a_moved_member_takes_skills_and_device_to_the_new_crew_and_leaves_the_old_crews_work(
        app, tokens, field_day, session):
    d = field_day
    dispatcher = as_role(app, tokens, "dispatcher")
    cutters, notifiers = d["cutters"].id, d["notifiers"].id
    member_id = d["cut_device"].crew_member_id
    moved = move(dispatcher, cutters, member_id, notifiers)
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["members"] == [] and moved.get_json()["skills"] == []
    arrived = dispatcher.get(f"/api/v1/crews/{notifiers}").get_json()
    assert member_id in [m["id"] for m in arrived["members"]] and arrived["skills"] == ["cut", "notifier"]

    assert d["cutter"].get("/api/v1/sync/me").get_json()["crew_id"] == notifiers
    assert d["cutter"].get("/api/v1/sync/changes").get_json()["crew_id"] == notifiers  # polled: download again
    _, package = download(d["cutter"])
    assert package["crew_id"] == notifiers
    on_routes = {s["work_item_id"] for b in package["batches"] for s in b["stops"]}
    assert on_routes == {i.id for i in d["notices"]} | {d["inspection"].id}

    # The old crew gets more work after the move: never on this phone, so not its to write.
    later = make_item(session, d["accounts"][3], "cut", "restrict")
    publish_batch(session, d["cutters"], [later])
    session.commit()
    offline = cut(d["cuts"][0].id, 1, reading=("M-0", 120.0))  # done before the move, sent after it
    after = cut(later.id, 2, reading=("M-3", 120.0))
    results = d["cutter"].post(UPLOADS, json=upload_body([offline, after])).get_json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected"], results
    assert results[1]["problems"][0]["code"] == "work_item.unknown"
    session.expire_all()
    assert session.get(WorkItem, d["cuts"][0].id).status == "done"
    assert session.get(WorkItem, later.id).status == "dispatched"
    stored = session.query(FieldRecord).filter_by(client_uuid=offline["client_uuid"]).one()
    assert stored.device_id == d["cut_device"].id


def test_moving_needs_the_crews_if_match_and_a_real_active_crew_and_to_the_same_crew_changes_nothing(
        app, tokens, session):
    dispatcher = as_role(app, tokens, "dispatcher")
    north, south = make_crew(session, "Corte Norte", ["cut"]), make_crew(session, "Corte Sur", ["cut"])
    gone = make_crew(session, "Corte Viejo", ["reader"])
    gone.active = False
    session.commit()
    [member] = north.members
    path = member_path(north.id, member.id)
    assert dispatcher.patch(path, json={"crew_id": south.id}).status_code == 428
    theirs = dispatcher.get(f"/api/v1/crews/{south.id}").headers["ETag"]
    assert dispatcher.patch(path, json={"crew_id": south.id}, headers={"If-Match": theirs}).status_code == 412

    unknown = move(dispatcher, north.id, member.id, 999999)
    assert unknown.status_code == 422 and "Crew 999999 does not exist" in unknown.get_json()["message"]
    inactive = move(dispatcher, north.id, member.id, gone.id)
    assert inactive.status_code == 422
    assert f"Crew {gone.id} (Corte Viejo) is inactive" in inactive.get_json()["message"]
    bad = move(dispatcher, north.id, member.id, "sur")
    assert bad.status_code == 422 and "crew_id" in bad.get_json()["message"]
    huge = move(dispatcher, north.id, member.id, 2**40)  # no id: refused before any lookup
    assert huge.status_code == 422 and "crew_id" in huge.get_json()["errors"]["json"]

    before = dispatcher.get(f"/api/v1/crews/{north.id}").get_json()
    same = move(dispatcher, north.id, member.id, north.id)
    assert same.status_code == 200 and same.get_json() == before  # a no-op: nothing changed, no version
    session.expire_all()
    assert session.get(CrewMember, member.id).crew_id == north.id
    assert session.query(ChangeLog).filter_by(entity="crew_member", entity_id=member.id).count() == 0

    moved = move(dispatcher, north.id, member.id, south.id)
    assert moved.status_code == 200
    session.expire_all()
    assert session.get(CrewMember, member.id).crew_id == south.id
    # Now a member of the south crew: the north crew's address for it is a 404.
    assert move(dispatcher, north.id, member.id, north.id).status_code == 404


def test_a_draft_planned_with_skills_that_left_the_crew_is_refused_at_publish_and_so_is_an_empty_crew(
        app, tokens, session):
    make_sector(session, "C", (-112.20, 30.68, -112.12, 30.74))
    cutters, readers = make_crew(session, "Corte 1", ["cut"]), make_crew(session, "Lectura 1", ["reader"])
    items = [make_item(session, make_account(session, f"Q{i}", -112.17 + 0.004 * i, 30.70, months=4,
                                             cents=100000)) for i in range(3)]
    session.commit()
    dispatcher = as_role(app, tokens, "dispatcher")
    monday = date(2026, 11, 23)

    def plan(**extra):
        made = dispatcher.post("/api/v1/plans", json={"service_date": monday.isoformat(), "time_budget_s": 1,
                                                      "work_item_ids": [i.id for i in items], **extra})
        assert made.status_code == 201, made.get_json()
        return made

    published = plan(crew_ids=[cutters.id])
    assert dispatcher.post(f"/api/v1/plans/{published.get_json()['id']}/publish",
                           headers={"If-Match": published.headers["ETag"]}).status_code == 200
    draft = plan(crew_ids=[cutters.id])
    assert draft.get_json()["summary"]["stops_planned"] == 3
    [member] = cutters.members
    assert move(dispatcher, cutters.id, member.id, readers.id).status_code == 200

    refused = dispatcher.post(f"/api/v1/plans/{draft.get_json()['id']}/publish",
                              headers={"If-Match": draft.headers["ETag"]})
    assert refused.status_code == 409, refused.get_json()
    ids = ", ".join(str(i.id) for i in items)
    assert f"crew {cutters.id} (Corte 1) no longer has 'cut' for work items {ids}" in refused.get_json()["message"]
    # The published plan is not rewritten: its items stay planned on the old crew.
    session.expire_all()
    assert {(session.get(WorkItem, i.id).status, session.get(WorkItem, i.id).assigned_crew_id)
            for i in items} == {("planned", cutters.id)}
    # Nobody in the old crew can work now: named, it is refused by name; left out, it is not planned.
    etag = dispatcher.get(f"/api/v1/plans/{published.get_json()['id']}").headers["ETag"]
    replanned = dispatcher.post(f"/api/v1/plans/{published.get_json()['id']}/replan", headers={"If-Match": etag},
                                json={"now": "2026-11-23T09:00:00-07:00", "time_budget_s": 1})
    assert replanned.status_code == 422
    assert f"{cutters.id} (Corte 1, with no active members)" in replanned.get_json()["message"]
    named = dispatcher.post("/api/v1/plans", json={"service_date": monday.isoformat(), "crew_ids": [cutters.id],
                                                   "work_item_ids": [items[0].id]})
    assert named.status_code == 422
    assert f"without an active member with skills cannot be planned for: {cutters.id} (Corte 1)" in \
        named.get_json()["message"]
    fresh = plan().get_json()
    assert {r["properties"]["crew_id"] for r in fresh["routes"]["features"]} == {readers.id}
    assert fresh["summary"]["stops_planned"] == 3


def paid_while_offline(session, item) -> None:
    change_status(session, session.get(WorkItem, item.id), "cancelled", "caja", "Pagado: referencia R-1")


def cursor_of(device) -> int:
    return device.get("/api/v1/sync/changes").get_json()["cursor"]


def new_work(device, since: int) -> list[int]:
    """The new work the device's change feed announces since the cursor `since`."""
    feed = device.get(f"/api/v1/sync/changes?since={since}").get_json()
    return [c["work_item_id"] for c in feed["changes"] if c["change"] == "new"]


@pytest.mark.parametrize("colleague_stays", [True, False], ids=["old_crew_still_cuts", "nobody_left_who_cuts"])
def test_a_late_cut_of_a_paid_order_sends_the_urgent_reconnection_to_the_old_crew_if_it_still_cuts_else_to_the_new(
        app, tokens, field_day, session, colleague_stays):
    d = field_day
    cutters, notifiers, item = d["cutters"], d["notifiers"], d["cuts"][0]
    if colleague_stays:  # a second cutter, with a phone of their own, stays in the old crew
        colleague = CrewMember(crew_id=cutters.id, name="Segunda cortadora", skills=["cut"])
        session.add(colleague)
        session.flush()
        stays = device_client(app, enroll_device(session, cutters, "Teléfono corte 2", member=colleague)[1])
    paid_while_offline(session, item)
    session.commit()
    dispatcher = as_role(app, tokens, "dispatcher")
    assert move(dispatcher, cutters.id, d["cut_device"].crew_member_id, notifiers.id).status_code == 200
    since = cursor_of(d["cutter"])
    since_stays = cursor_of(stays) if colleague_stays else None

    late = d["cutter"].post(UPLOADS, json=upload_body([cut(item.id, 1, "restricted")])).get_json()["results"]
    assert [r["status"] for r in late] == ["accepted"], late
    reconnection = session.scalar(select(WorkItem).where(WorkItem.type == "reconnection"))
    # The old crew held the order and works the area; with nobody there who cuts, the member who cut
    # it, in the new crew now, undoes it.
    assert reconnection.assigned_crew_id == (cutters.id if colleague_stays else notifiers.id)
    assert new_work(d["cutter"], since) == ([] if colleague_stays else [reconnection.id])
    if colleague_stays:
        assert new_work(stays, since_stays) == [reconnection.id]


# Left to no crew: the crew that held it last comes first, and is named first when passed over too.
@pytest.mark.parametrize("before", ["held_by_the_old_crew", "left_to_no_crew"])
def test_a_late_cut_of_a_paid_order_that_neither_crew_can_reconnect_is_left_to_the_office_with_an_urgent_alert(
        app, tokens, field_day, session, before):
    d = field_day
    cutters, notifiers, item = d["cutters"], d["notifiers"], d["cuts"][0]
    member_id = d["cut_device"].crew_member_id
    if before == "held_by_the_old_crew":
        paid_while_offline(session, item)
    else:
        taken_from_every_crew_then_paid_while_offline(session, item)
    session.commit()
    dispatcher = as_role(app, tokens, "dispatcher")
    assert move(dispatcher, cutters.id, member_id, notifiers.id).status_code == 200
    # In the new crew the member only notifies, and the old crew was disbanded (its work handed over).
    reskilled = changing(dispatcher, member_path(notifiers.id, member_id), notifiers.id, json={"skills": ["notifier"]})
    assert reskilled.status_code == 200
    cutters.active = False
    session.commit()
    since = cursor_of(d["cutter"])

    late = d["cutter"].post(UPLOADS, json=upload_body([cut(item.id, 1, "restricted")])).get_json()["results"]
    assert [r["status"] for r in late] == ["accepted"], late
    reconnection = session.scalar(select(WorkItem).where(WorkItem.type == "reconnection"))
    assert (reconnection.assigned_crew_id, reconnection.status) == (None, "pending")
    assert new_work(d["cutter"], since) == []
    alerts = {a["kind"]: a for a in dispatcher.get("/api/v1/alerts?severity=urgent").get_json()["alerts"]}
    assert set(alerts) == {"cut_after_cancellation", "urgent_work_unassigned"}
    # Left to none, the office is told why a crew that no longer holds it was asked first.
    last = "" if before == "held_by_the_old_crew" else ", que tuvo la orden por última vez,"
    assert alerts["urgent_work_unassigned"]["message"] == (
        f"Ninguna cuadrilla pudo recibir la reconexión urgente de la orden {item.id}: la cuadrilla {cutters.id} "
        f"(Corte 1){last} está dada de baja; la cuadrilla {notifiers.id} (Notificador 1) no tiene integrantes "
        "activos con la habilidad 'cut'. Asígnela a una cuadrilla activa con la habilidad 'cut'")
    assert alerts["urgent_work_unassigned"]["details"] == {"crews_passed_over": [cutters.id, notifiers.id]}


def taken_from_every_crew_then_paid_while_offline(session, item) -> None:
    """The office took the order from its crew, leaving it to none, and then it was paid."""
    reassign(session, session.get(WorkItem, item.id), None, "despacho", "Sin cuadrilla por ahora")
    paid_while_offline(session, item)


@pytest.mark.parametrize("old_crew", ["still_cuts", "disbanded", "nobody_left_who_cuts"])
def test_a_late_cut_of_a_paid_order_left_to_no_crew_sends_the_reconnection_to_the_crew_that_last_held_it_if_it_can(
        app, tokens, field_day, session, old_crew):
    d = field_day
    cutters, notifiers, item = d["cutters"], d["notifiers"], d["cuts"][0]
    if old_crew != "nobody_left_who_cuts":  # a second cutter stays in the old crew
        session.add(CrewMember(crew_id=cutters.id, name="Segunda cortadora", skills=["cut"]))
    taken_from_every_crew_then_paid_while_offline(session, item)
    session.commit()
    dispatcher = as_role(app, tokens, "dispatcher")
    assert move(dispatcher, cutters.id, d["cut_device"].crew_member_id, notifiers.id).status_code == 200
    if old_crew == "disbanded":
        cutters.active = False
        session.commit()

    late = d["cutter"].post(UPLOADS, json=upload_body([cut(item.id, 1, "restricted")])).get_json()["results"]
    assert [r["status"] for r in late] == ["accepted"], late
    reconnection = session.scalar(select(WorkItem).where(WorkItem.type == "reconnection"))
    # Nobody holds the order: the old crew held it last and works the area; if it cannot take the
    # reconnection, the member who cut, in the new crew now, undoes it.
    assert reconnection.assigned_crew_id == (cutters.id if old_crew == "still_cuts" else notifiers.id)
    alerts = dispatcher.get("/api/v1/alerts?severity=urgent").get_json()["alerts"]
    assert {a["kind"] for a in alerts} == {"cut_after_cancellation"}


