"""Offline sync over HTTP, story by story (issue 5), on both backends."""
from datetime import datetime, timedelta

from sqlalchemy import func, select

from field_api.models import (
    Account, AuditEvent, ChangeLog, FieldReading, FieldRecord, FieldRecordVariant, NoticeAct, OfficeAlert, Premise,
    Reading, WorkItem,
)
from field_api.work.items import change_status, reassign
from tests.api.conftest import as_role
from tests.api.crew_support import changing, member_path
from tests.api.sync_fixtures import RECEIVED, field_day, server_clock  # noqa: F401
from tests.builders import make_crew
from tests.sync_support import (
    HMO, MORNING, SIGNATURE_JPEG, correction, cut, notice, sha, uid, upload_body,
)

UPLOADS = "/api/v1/sync/uploads"


def statuses(response):
    assert response.status_code == 200, response.get_json()
    return [r["status"] for r in response.get_json()["results"]]


def count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


class TestADayOfflineThenOneSync:
    def test_every_outcome_of_the_day_lands_once_with_its_effects(self, field_day, session, app, tokens):
        d = field_day
        c1, c2, c3 = d["cuts"]
        cuts = [cut(c1.id, 1, "restricted", reading=("M-0", 120.5)),
                cut(c2.id, 2, "suspended", MORNING + timedelta(hours=1), reading=("M-1", 130.0)),
                cut(c3.id, 3, "no_access", MORNING + timedelta(hours=2), reading=None)]
        assert statuses(d["cutter"].post(UPLOADS, json=upload_body(cuts))) == ["accepted"] * 3
        n1, n2 = d["notices"]
        notices = notice(n1.id, 11), notice(n2.id, 12, "summons_left", MORNING + timedelta(hours=3))
        reply = d["notifier"].post(UPLOADS, json=upload_body(list(notices))).get_json()
        assert [r["status"] for r in reply["results"]] == ["accepted", "accepted"]
        assert reply["missing_photos"] == [{"sha256": sha(SIGNATURE_JPEG), "size": len(SIGNATURE_JPEG),
                                            "content_type": "image/jpeg", "client_uuids": [uid(11)]}]
        session.expire_all()
        assert [session.get(WorkItem, i.id).status for i in (c1, c2, c3, n1, n2)] == ["done", "done", "failed", "done", "done"]
        accounts = d["accounts"]
        assert [session.get(Account, a.id).service_status for a in accounts[:3]] == ["restricted", "suspended",
                                                                                    "active"]
        log = session.scalars(select(ChangeLog).where(ChangeLog.entity == "account",
                                                      ChangeLog.field == "service_status")).all()
        assert {(row.source, row.source_ref) for row in log} == {("field", uid(1)), ("field", uid(2))}
        assert count(session, FieldReading) == 2
        assert count(session, Reading, Reading.source == "field") == 2
        assert session.get(WorkItem, n1.id).served_at is not None
        act = session.scalar(select(NoticeAct).where(NoticeAct.work_item_id == n1.id))
        assert (act.received_by, act.relationship, act.signature_sha256) == ("María López", "addressee",
                                                                             sha(SIGNATURE_JPEG))
        followup = session.scalar(select(WorkItem).where(WorkItem.subtype == "summons_followup"))
        # Left on Tuesday 24 November: the appointment is Wednesday 25 at 10:00 local time, 30 minutes.
        assert followup.window_start.astimezone(HMO) == datetime(2026, 11, 25, 10, 0, tzinfo=HMO)
        assert followup.window_end - followup.window_start == timedelta(minutes=30)
        # A domestic suspension breaks the restrict-only policy: the office hears of it.
        assert count(session, OfficeAlert, OfficeAlert.kind == "domestic_suspended") == 1
        office = as_role(app, tokens, "viewer")
        devices = {x["label"]: x for x in office.get("/api/v1/devices").get_json()["devices"]}
        cutter, notifier = devices["Teléfono corte"], devices["Teléfono notificador"]
        assert (cutter["records_received"], cutter["pending_photos"], cutter["conflicts_open"]) == (3, 0, 0)
        assert (notifier["records_received"], notifier["pending_photos"]) == (2, 1)
        assert notifier["last_sync_at"].startswith("2026-11-25T00:00:02")


class TestAFlakyNetwork:
    def test_a_resent_upload_gets_the_original_results_and_stores_nothing_twice(self, field_day, session):
        d = field_day
        body = upload_body([cut(i.id, n, "restricted", reading=(f"M-{n - 1}", 150.0))
                            for n, i in enumerate(d["cuts"], 1)])
        first = d["cutter"].post(UPLOADS, json=body).get_json()["results"]
        body["sent_at"] = (MORNING + timedelta(hours=8, minutes=5)).isoformat()  # the retry goes later
        again = d["cutter"].post(UPLOADS, json=body).get_json()["results"]
        assert [r["status"] for r in again] == ["duplicate"] * 3
        assert [r["original_status"] for r in again] == [r["status"] for r in first] == ["accepted"] * 3
        assert [r["record_id"] for r in again] == [r["record_id"] for r in first]
        assert count(session, FieldRecord) == 3 and count(session, FieldReading) == 3

    def test_the_same_uuid_with_other_content_is_a_conflict_and_is_kept_aside(self, field_day, session):
        d = field_day
        item = d["cuts"][0]
        assert statuses(d["cutter"].post(UPLOADS, json=upload_body([cut(item.id, 1, "no_access", reading=None)])))
        other = d["cutter"].post(UPLOADS, json=upload_body([cut(item.id, 1, "restricted")])).get_json()["results"]
        assert other[0]["status"] == "conflict" and other[0]["original_status"] == "accepted"
        assert "identificador nuevo" in other[0]["message"]
        session.expire_all()
        assert session.get(WorkItem, item.id).status == "failed"  # the first record stands
        assert count(session, FieldRecordVariant) == 1

    def test_a_half_sent_photo_resumes_where_it_stopped(self, field_day, session):
        d = field_day
        d["notifier"].post(UPLOADS, json=upload_body([notice(d["notices"][0].id, 11)]))
        url = f"/api/v1/sync/photos/{sha(SIGNATURE_JPEG)}"
        half = len(SIGNATURE_JPEG) // 2
        total = len(SIGNATURE_JPEG)
        first = d["notifier"].put(url, data=SIGNATURE_JPEG[:half], content_type="image/jpeg",
                                  headers={"Content-Range": f"bytes 0-{half - 1}/{total}"})
        assert first.status_code == 200 and first.get_json()["complete"] is False, first.get_json()
        assert d["notifier"].get(url).get_json()["received_bytes"] == half
        wrong = d["notifier"].put(url, data=SIGNATURE_JPEG[half + 10:], content_type="image/jpeg",
                                  headers={"Content-Range": f"bytes {half + 10}-{total - 1}/{total}"})
        assert wrong.status_code == 409 and wrong.headers["Upload-Offset"] == str(half)
        rest = d["notifier"].put(url, data=SIGNATURE_JPEG[half:], content_type="image/jpeg",
                                 headers={"Content-Range": f"bytes {half}-{total - 1}/{total}"})
        assert rest.get_json() == {"sha256": sha(SIGNATURE_JPEG), "received_bytes": total, "complete": True,
                                   "size": total}
        again = d["notifier"].put(url, data=SIGNATURE_JPEG, content_type="image/jpeg")
        assert again.status_code == 200 and again.get_json()["complete"] is True
        reply = d["notifier"].post(UPLOADS, json=upload_body([notice(d["notices"][0].id, 11)])).get_json()
        assert reply["results"][0]["status"] == "duplicate" and reply["missing_photos"] == []


class TestACutOnAnOrderCancelledWhileOffline:
    def test_the_cut_is_recorded_and_an_urgent_reconnection_reaches_the_crew(self, field_day, session, app, tokens):
        d = field_day
        item = d["cuts"][0]
        cursor = d["cutter"].get("/api/v1/sync/changes").get_json()["cursor"]
        change_status(session, session.get(WorkItem, item.id), "cancelled", "caja", "Pagado: referencia R-1")
        session.commit()
        reply = d["cutter"].post(UPLOADS, json=upload_body([cut(item.id, 1, "restricted")])).get_json()
        assert reply["results"][0]["status"] == "accepted"
        session.expire_all()
        assert session.get(WorkItem, item.id).status == "cancelled"
        assert session.get(Account, d["accounts"][0].id).service_status == "restricted"
        record = session.scalar(select(FieldRecord).where(FieldRecord.client_uuid == uid(1)))
        assert record.item_status_at_receipt == "cancelled"
        reconnection = session.scalar(select(WorkItem).where(WorkItem.type == "reconnection"))
        assert reconnection.account_id == d["accounts"][0].id and reconnection.assigned_crew_id == d["cutters"].id
        alerts = as_role(app, tokens, "dispatcher").get("/api/v1/alerts?severity=urgent").get_json()["alerts"]
        assert {a["kind"] for a in alerts} == {"cut_after_cancellation"}
        feed = d["cutter"].get(f"/api/v1/sync/changes?since={cursor}").get_json()
        kinds = [(c["change"], c["work_item_id"]) for c in feed["changes"]]
        assert kinds == [("cancelled", item.id), ("new", reconnection.id)]
        assert feed["changes"][0]["reason"] == "Pagado: referencia R-1"
        new = feed["changes"][1]
        assert new["urgent"] is True and new["stop"]["type"] == "reconnection" and new["status"] == "dispatched"

    def test_the_urgent_reconnection_goes_to_the_crew_the_order_was_given_to_meanwhile(self, field_day, session):
        d = field_day
        item = d["cuts"][0]
        other = make_crew(session, "Corte 2", ["cut"])
        reassign(session, session.get(WorkItem, item.id), other.id, "despacho", "Más cerca")
        change_status(session, session.get(WorkItem, item.id), "cancelled", "caja", "Pagado: referencia R-1")
        session.commit()
        assert statuses(d["cutter"].post(UPLOADS, json=upload_body([cut(item.id, 1, "restricted")]))) == ["accepted"]
        reconnection = session.scalar(select(WorkItem).where(WorkItem.type == "reconnection"))
        assert reconnection.assigned_crew_id == other.id  # it holds the order, and works the area now

    def test_with_nobody_left_in_the_crew_who_cuts_the_reconnection_waits_for_the_office(
            self, field_day, session, app, tokens):
        d = field_day
        item, cutters = d["cuts"][0], d["cutters"]
        dispatcher = as_role(app, tokens, "dispatcher")
        [member] = cutters.members
        reskilled = changing(dispatcher, member_path(cutters.id, member.id), cutters.id, json={"skills": ["reader"]})
        assert reskilled.status_code == 200 and reskilled.get_json()["skills"] == ["reader"]
        change_status(session, session.get(WorkItem, item.id), "cancelled", "caja", "Pagado: referencia R-1")
        session.commit()
        assert statuses(d["cutter"].post(UPLOADS, json=upload_body([cut(item.id, 1, "restricted")]))) == ["accepted"]
        reconnection = session.scalar(select(WorkItem).where(WorkItem.type == "reconnection"))
        assert (reconnection.assigned_crew_id, reconnection.status) == (None, "pending")
        alerts = {a["kind"]: a for a in dispatcher.get("/api/v1/alerts?severity=urgent").get_json()["alerts"]}
        assert set(alerts) == {"cut_after_cancellation", "urgent_work_unassigned"}
        unassigned = alerts["urgent_work_unassigned"]
        assert unassigned["message"] == (
            f"Ninguna cuadrilla pudo recibir la reconexión urgente de la orden {item.id}: la cuadrilla "
            f"{cutters.id} (Corte 1) no tiene integrantes activos con la habilidad 'cut'. Asígnela a una "
            "cuadrilla activa con la habilidad 'cut'")
        assert (unassigned["work_item_id"], unassigned["details"]) == (item.id, {"crews_passed_over": [cutters.id]})


class TestTwoCrewsCorrectingTheSamePremise:
    def test_the_second_different_correction_waits_for_the_office_and_the_visit_still_counts(
            self, field_day, session, app, tokens):
        d = field_day
        account = d["accounts"][3]  # a notice for the notifiers, and now a cut for the cutters too
        from tests.sync_support import publish_batch
        from tests.builders import make_item

        extra_cut = make_item(session, account, "cut", "restrict")
        publish_batch(session, d["cutters"], [extra_cut])
        session.commit()
        premise_id = account.premise_id
        first = cut(extra_cut.id, 1, reading=("M-3", 140.0),
                    corrections=[correction("premise", premise_id, "street", "Calle 5", "Calle 5 de Mayo")])
        assert statuses(d["cutter"].post(UPLOADS, json=upload_body([first]))) == ["accepted"]
        second = notice(d["notices"][0].id, 11,
                        corrections=[correction("premise", premise_id, "street", "Calle 5", "Calle Cinco de Mayo")])
        result = d["notifier"].post(UPLOADS, json=upload_body([second])).get_json()["results"][0]
        assert result["status"] == "conflict" and len(result["review_ids"]) == 1
        assert "Calle Cinco de Mayo" in result["message"]
        session.expire_all()
        assert session.get(WorkItem, d["notices"][0].id).status == "done"  # the observation was not blocked
        assert session.get(Premise, premise_id).street == "Calle 5 de Mayo"
        supervisor = as_role(app, tokens, "supervisor")
        url = f"/api/v1/reviews/{result['review_ids'][0]}"
        review = supervisor.get(url)
        assert review.get_json()["current"] == "Calle 5 de Mayo" and review.get_json()["kind"] == "hard"
        decided = supervisor.post(f"{url}/resolve", json={"decision": "accept_field", "reason": "Visto en campo"},
                                  headers={"If-Match": review.headers["ETag"]})
        assert decided.status_code == 200 and decided.get_json()["status"] == "accepted"
        session.expire_all()
        premise = session.get(Premise, premise_id)
        assert (premise.street, premise.version) == ("Calle Cinco de Mayo", 3)
        assert session.scalar(select(ChangeLog.source_ref).where(
            ChangeLog.entity == "premise", ChangeLog.version == 3)) == f"review {result['review_ids'][0]}"
        assert session.scalar(select(AuditEvent.reason).where(AuditEvent.action.like("%/resolve"))) == \
            "Visto en campo"
        assert supervisor.get("/api/v1/reviews").get_json()["reviews"] == []


class TestARevokedDevice:
    def test_revocation_takes_effect_on_the_very_next_request(self, field_day, app, tokens):
        d = field_day
        assert d["cutter"].get("/api/v1/sync/me").status_code == 200
        office = as_role(app, tokens, "dispatcher")
        revoked = office.post(f"/api/v1/devices/{d['cut_device'].id}/revoke", json={"reason": "Teléfono robado"})
        assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
        refused = d["cutter"].post(UPLOADS, json=upload_body([cut(d["cuts"][0].id, 1)]))
        assert refused.status_code == 401 and "revoked" in refused.get_json()["message"]
        assert d["cutter"].get("/api/v1/sync/package?date=2026-11-24").status_code == 401
        assert d["notifier"].get("/api/v1/sync/me").status_code == 200  # other devices go on


class TestADeviceClockThreeHoursOff:
    def test_times_are_kept_as_reported_and_ordered_by_the_server(self, field_day, session):
        d = field_day
        off = timedelta(hours=3)  # the phone's clock is 3 hours behind
        at = MORNING - off
        body = upload_body([notice(d["notices"][0].id, 11, at=at)], sent_at=RECEIVED - off - timedelta(seconds=2))
        reply = d["notifier"].post(UPLOADS, json=body).get_json()
        assert reply["clock_suspect"] is True and reply["clock_offset_s"] == 3 * 3600 + 2
        assert reply["results"][0]["status"] == "accepted"
        session.expire_all()
        record = session.scalar(select(FieldRecord).where(FieldRecord.client_uuid == uid(11)))
        assert record.captured_at == at + timedelta(minutes=13)  # as the device reported it
        assert record.captured_at_server == at + timedelta(minutes=13) + off + timedelta(seconds=2)
        served = session.get(WorkItem, d["notices"][0].id).served_at
        assert served == MORNING + timedelta(seconds=2)  # the server's estimate, within business hours
        assert count(session, OfficeAlert, OfficeAlert.kind == "notice_outside_business_hours") == 0


class TestAVerificationWalk:
    def test_premises_found_on_a_walk_wait_for_the_office_and_findings_raise_alerts(self, field_day, session, app,
                                                                                    tokens):
        from tests.builders import make_item
        from tests.sync_support import gps, publish_batch

        d = field_day
        walk = make_item(session, d["accounts"][1], "verification", "walk")
        publish_batch(session, d["notifiers"], [walk])
        session.commit()
        found = {"local_id": "n-1", "street": "Callejón sin nombre", "exterior_number": "S/N",
                 "gps": gps(-112.171, 30.712), "land_use": "domestic", "dwellings": 2}
        walked = {"client_uuid": uid(21), "work_item_id": walk.id, "outcome": "confirmed",
                  "captured_at": MORNING.isoformat(), "gps": gps(), "new_premises": [found]}
        inspected = {"client_uuid": uid(22), "work_item_id": d["inspection"].id, "outcome": "inspected",
                     "captured_at": MORNING.isoformat(), "gps": gps(),
                     "readings": [{"meter_serial": "M-5", "value_m3": 115.0}],
                     "inspection": {"meter_condition": "working", "seal_status": "broken", "tampering": True,
                                    "illegal_connection": False, "land_use_seen": "domestic", "dwellings": 1,
                                    "leak": True}}
        assert statuses(d["notifier"].post(UPLOADS, json=upload_body([walked, inspected]))) == ["accepted"] * 2
        office = as_role(app, tokens, "viewer")
        [pending] = office.get("/api/v1/pending-registrations").get_json()["registrations"]
        assert (pending["street"], pending["dwellings"], pending["location"]["coordinates"]) == (
            "Callejón sin nombre", 2, [-112.171, 30.712])
        kinds = {a["kind"] for a in office.get("/api/v1/alerts").get_json()["alerts"]}
        assert {"tampering_found", "leak_found"} <= kinds
