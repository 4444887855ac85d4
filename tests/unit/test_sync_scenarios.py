"""Stories of a field day, played against the in-memory server built on the pure functions.

Grouped like ODK Central's entity tests: offline edits in order, out of order, replayed; then
the stories of issue 5: a cancelled-while-offline cut, two crews on one premise, a clock off.
"""
from dataclasses import replace
from datetime import datetime, timedelta

from sync.clock import clock_offset
from sync.effects import CreateFollowUp, CreateUrgentReconnection, OfficeAlert
from sync.merge import ConflictKind, RegistryRow, row_key
from sync.photos import missing_by_record
from sync.process import RecordStatus
from sync.records import Correction, InspectionFindings
from tests.unit.test_sync_support import (
    HMO, MORNING, PROOF, SIGNATURE, FakeServer, item, notice, photo, reading, record, uid,
)

PREMISE = row_key("premise", 7)
ACCOUNT = row_key("account", 501)


def server(n_items=10, **statuses):
    registry = {
        PREMISE: RegistryRow(1, {"street": "Juárez", "exterior_number": "12", "dwellings": 1,
                                 "land_use": "domestic"}),
        ACCOUNT: RegistryRow(1, {"holder_name": "María López", "service_status": "active"}),
    }
    kinds = ["notice", "notice", "cut", "verification", "inspection", "verification", "verification",
             "cut", "reconnection", "verification"]
    items = {}
    for n in range(1, n_items + 1):
        w = item(kinds[n - 1], n=n, account_id=501, premise_id=7)
        items[w.id] = replace(w, status=statuses.get(f"i{n}", "dispatched"))
    return FakeServer(registry, items)


def street(seen, new):
    return Correction("premise", 7, "street", seen, new)


def walk(n, *corrections, at=MORNING):
    return record("corrections" if corrections else "confirmed", n=n, at=at, corrections=corrections)


def a_day_of_work():
    """Five visits of one crew, captured offline between 09:00 and 13:00."""
    return [
        notice("served_in_person", n=1),
        notice("summons_left", n=2, at=MORNING + timedelta(hours=1)),
        record("restricted", n=3, at=MORNING + timedelta(hours=2), readings=(reading("M-3", 815.0),)),
        walk(4, street("Juárez", "Benito Juárez"), Correction("premise", 7, "dwellings", 1, 2),
             at=MORNING + timedelta(hours=3)),
        record("inspected", n=5, at=MORNING + timedelta(hours=4), readings=(reading("M-5", 77.0),),
               inspection=InspectionFindings("working", "intact", False, False, "domestic", 2, False)),
    ]


class TestOfflineEditsInOrder:
    def test_a_day_offline_then_one_sync_stores_everything_once(self):
        s = server()
        replies = [s.upload(r) for r in a_day_of_work()]
        assert [r.status for r in replies] == [RecordStatus.ACCEPTED] * 5
        assert len(s.records) == 5 and [r.meter_serial for r in s.readings] == ["M-3", "M-5"]
        assert s.values()[PREMISE]["street"] == "Benito Juárez" and s.values()[PREMISE]["dwellings"] == 2
        assert s.registry[PREMISE].version == 2  # one record, one update of the row
        assert s.values()[ACCOUNT]["service_status"] == "restricted"
        (follow_up,) = [e for e in s.effects if isinstance(e, CreateFollowUp)]
        assert follow_up.window_start == datetime(2025, 3, 5, 10, 0, tzinfo=HMO)
        assert {w.status for w in s.items.values() if w.id <= 105} == {"done"}

    def test_a_crews_successive_edits_of_one_field_apply_in_turn(self):
        s = server()
        s.upload(walk(4, street("Juárez", "Hidalgo")))
        s.upload(walk(6, street("Hidalgo", "Miguel Hidalgo")))
        assert s.values()[PREMISE]["street"] == "Miguel Hidalgo" and s.open == []


class TestOutOfOrder:
    def test_a_later_edit_that_arrives_first_waits_and_then_applies(self):
        s = server()
        second = s.upload(walk(6, street("Hidalgo", "Miguel Hidalgo")))
        assert second.status is RecordStatus.CONFLICT and len(s.open) == 1
        assert s.values()[PREMISE]["street"] == "Juárez"
        s.upload(walk(4, street("Juárez", "Hidalgo")))
        assert s.values()[PREMISE]["street"] == "Miguel Hidalgo" and s.open == []

    def test_an_office_edit_in_between_wins_and_the_crew_edit_goes_to_review(self):
        s = server()
        s.office_edit("premise", 7, "street", "Av. Morelos")
        reply = s.upload(walk(4, street("Juárez", "Hidalgo"), Correction("premise", 7, "dwellings", 1, 3)))
        assert reply.status is RecordStatus.CONFLICT and reply.applies
        assert (s.values()[PREMISE]["street"], s.values()[PREMISE]["dwellings"]) == ("Av. Morelos", 3)
        (_, conflict), = s.open
        assert conflict.kind is ConflictKind.HARD
        assert (conflict.correction.seen, conflict.correction.new, conflict.current) == ("Juárez", "Hidalgo",
                                                                                         "Av. Morelos")

    def test_observations_arriving_out_of_capture_order_are_all_kept_as_reported(self):
        s = server()
        day = a_day_of_work()
        for r in reversed(day):
            s.upload(r)
        assert sorted(r.client_uuid for r in s.records) == sorted(r.client_uuid for r in day)
        assert {r.captured_at_device for r in s.readings} == {day[2].captured_at, day[4].captured_at}


class TestReplayed:
    def test_a_batch_replayed_after_a_lost_reply_changes_nothing(self):
        s = server()
        day = a_day_of_work()
        first = [s.upload(r) for r in day]
        before = (s.values(), {k: v.version for k, v in s.registry.items()}, len(s.effects))
        later = [replace(r, device_clock_at_send=r.device_clock_at_send + timedelta(minutes=20)) for r in day]
        again = [s.upload(r) for r in later]
        assert [r.status for r in again] == [RecordStatus.DUPLICATE] * 5
        assert [r.original.status for r in again] == [r.status.value for r in first]
        assert (s.values(), {k: v.version for k, v in s.registry.items()}, len(s.effects)) == before
        assert len(s.records) == 5 and len(s.readings) == 2

    def test_a_batch_cut_off_halfway_is_finished_by_the_resend(self):
        s = server()
        day = a_day_of_work()
        for r in day[:2]:
            s.upload(r)
        replies = [s.upload(r) for r in day]
        assert [r.status.value for r in replies] == ["duplicate", "duplicate", "accepted", "accepted", "accepted"]
        assert len(s.records) == 5

    def test_a_bad_record_is_rejected_alone_and_a_resend_gets_the_same_rejection(self):
        s = server()
        bad = record("restricted", n=3, readings=(reading("M-3", -1.0),))
        replies = [s.upload(r) for r in (notice(n=1), bad, walk(4))]
        assert [r.status.value for r in replies] == ["accepted", "rejected", "accepted"]
        again = s.upload(bad)
        assert again.status is RecordStatus.DUPLICATE and again.original.status == "rejected"
        assert bad.client_uuid not in {r.client_uuid for r in s.records}

    def test_a_reused_uuid_with_other_content_keeps_the_first_and_says_why(self):
        s = server()
        s.upload(walk(4, street("Juárez", "Hidalgo")))
        other = walk(4, street("Juárez", "Allende"))
        reply = s.upload(other)
        assert reply.status is RecordStatus.CONFLICT and not reply.applies and uid(4) in reply.message
        assert s.values()[PREMISE]["street"] == "Hidalgo" and len(s.records) == 1

    def test_photos_still_missing_are_listed_until_they_arrive(self):
        s = server()
        s.upload(notice(n=1))
        s.upload(record("paid_on_site", n=3, photos=(photo(PROOF),)))
        manifests = {r.client_uuid: r.photos for r in s.records}
        assert {k: [p.sha256 for p in v] for k, v in missing_by_record(manifests, {SIGNATURE}).items()} == {
            uid(3): [PROOF]}
        assert missing_by_record(manifests, {SIGNATURE, PROOF}) == {}


class TestCancelledWhileOffline:
    def test_a_cut_on_an_order_paid_while_offline_is_kept_and_reversed_urgently(self):
        s = server()
        s.cancel(103, "pagó en caja a las 10:05")
        reply = s.upload(record("restricted", n=3, readings=(reading("M-3", 815.0),)))
        assert reply.status is RecordStatus.ACCEPTED and s.items[103].status == "cancelled"
        assert s.values()[ACCOUNT]["service_status"] == "restricted"
        (reconnection,) = [e for e in s.effects if isinstance(e, CreateUrgentReconnection)]
        assert reconnection.deadline == s.now + timedelta(hours=24)
        assert any(isinstance(e, OfficeAlert) and e.severity == "urgent" for e in s.effects)
        s.upload(record("done", n=9, readings=(reading("M-3", 815.0),)))
        assert s.values()[ACCOUNT]["service_status"] == "active"


class TestTwoCrewsOnOnePremise:
    def test_two_crews_making_the_same_correction_write_it_once(self):
        s = server()
        s.upload(walk(4, street("Juárez", "Hidalgo")))
        second = s.upload(walk(6, street("Juárez", "Hidalgo")))
        assert second.status is RecordStatus.ACCEPTED and len(second.merge.noops) == 1
        assert s.registry[PREMISE].version == 2

    def test_two_crews_disagreeing_keep_the_first_and_send_the_second_to_review(self):
        s = server()
        s.upload(walk(4, street("Juárez", "Hidalgo")))
        second = s.upload(walk(6, street("Juárez", "Allende")))
        assert second.status is RecordStatus.CONFLICT
        assert s.values()[PREMISE]["street"] == "Hidalgo"
        (_, conflict), = s.open
        assert (conflict.kind, conflict.correction.new, conflict.current) == (
            ConflictKind.HARD, "Allende", "Hidalgo")


class TestDeviceClockOff:
    def test_a_clock_three_hours_behind_is_measured_and_device_times_are_kept(self):
        s = server()
        real = datetime(2025, 3, 4, 16, 0, tzinfo=HMO)
        slow = real - timedelta(hours=3)
        rec = record("restricted", n=3, at=slow, readings=(reading("M-3", 815.0),))
        rec = replace(rec, device_clock_at_send=slow + timedelta(minutes=30))
        s.now = real + timedelta(minutes=30) - timedelta(seconds=1)  # the upload adds a second
        s.upload(rec)
        assert clock_offset(s.now, rec.device_clock_at_send) == timedelta(hours=3)
        (appended,) = s.readings
        assert appended.captured_at_device == slow and appended.captured_at_server == real

    def test_a_summons_left_late_in_the_evening_by_a_fast_clock_keeps_the_real_date(self):
        s = server()
        real = datetime(2025, 3, 4, 17, 30, tzinfo=HMO)  # Tuesday
        fast = real + timedelta(hours=7)  # the phone says Wednesday 00:30
        rec = notice("summons_left", n=2, at=fast)
        rec = replace(rec, device_clock_at_send=fast + timedelta(minutes=20))
        s.now = real + timedelta(minutes=20) - timedelta(seconds=1)  # the upload adds a second
        s.upload(rec)
        (follow_up,) = [e for e in s.effects if isinstance(e, CreateFollowUp)]
        assert follow_up.window_start == datetime(2025, 3, 5, 10, 0, tzinfo=HMO)
        assert [e.kind for e in s.effects if isinstance(e, OfficeAlert)] == []  # 17:30 is business hours
