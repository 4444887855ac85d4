"""process_record: one record from arrival to a status, a merge and its effects."""
from dataclasses import replace
from datetime import timedelta

from sync.effects import AppendReading, SetWorkItemStatus
from sync.idempotency import PreviousResult
from sync.merge import RegistryRow, row_key
from sync.process import RecordStatus, process_record
from sync.records import Correction
from tests.unit.test_sync_support import CALENDAR, POLICY, item, reading, record

SNAPSHOT = {row_key("premise", 7): RegistryRow(3, {"street": "Juárez", "dwellings": 1})}


def process(rec, previous=None, work_item="default", snapshot=SNAPSHOT):
    work_item = item("verification") if work_item == "default" else work_item
    return process_record(rec, previous=previous, work_item=work_item, registry_snapshot=snapshot,
                          calendar=CALENDAR, policy=POLICY, received_at=rec.device_clock_at_send)


def walk(*corrections, **kw):
    return record("corrections" if corrections else "confirmed", corrections=corrections,
                  readings=(reading(),), **kw)


def test_a_clean_record_is_accepted_with_its_merge_and_effects():
    result = process(walk(Correction("premise", 7, "street", "Juárez", "Hidalgo")))
    assert result.status is RecordStatus.ACCEPTED and result.first_seen and result.applies
    assert len(result.merge.applied) == 1 and result.message is None
    assert any(isinstance(e, SetWorkItemStatus) for e in result.effects)
    assert any(isinstance(e, AppendReading) for e in result.effects)


def test_a_record_with_a_conflicting_correction_is_stored_and_its_observations_still_apply():
    result = process(walk(Correction("premise", 7, "street", "Morelos", "Hidalgo"),
                          Correction("premise", 7, "dwellings", 1, 2)))
    assert result.status is RecordStatus.CONFLICT and result.applies
    assert len(result.merge.conflicts) == 1 and len(result.merge.applied) == 1
    assert any(isinstance(e, AppendReading) for e in result.effects)
    assert "Morelos" in result.message


def test_a_resend_is_a_duplicate_that_applies_nothing():
    rec = walk()
    first = process(rec)
    prior = PreviousResult(first.client_uuid, first.fingerprint, first.status.value)
    again = process(replace(rec, device_clock_at_send=rec.device_clock_at_send + timedelta(hours=1)), prior)
    assert again.status is RecordStatus.DUPLICATE and not again.first_seen and not again.applies
    assert again.original is prior and again.effects == ()


def test_a_reused_uuid_with_other_content_is_a_conflict_that_applies_nothing():
    rec = walk()
    first = process(rec)
    prior = PreviousResult(first.client_uuid, first.fingerprint, first.status.value)
    other = process(replace(rec, readings=(reading(value=1.0),)), prior)
    assert other.status is RecordStatus.CONFLICT and not other.first_seen and not other.applies
    assert "otro contenido" in other.message


def test_a_bad_record_is_rejected_with_its_reasons_and_kept_so_a_resend_gets_the_same_answer():
    bad = record("confirmed", readings=(reading(value=-3),))
    result = process(bad)
    assert result.status is RecordStatus.REJECTED and result.first_seen and not result.applies
    assert [p.code for p in result.problems] == ["reading.out_of_range"]
    assert "lectura" in result.message and result.effects == ()


def test_a_record_for_an_unknown_work_item_is_rejected():
    result = process(walk(), work_item=None)
    assert result.status is RecordStatus.REJECTED
    assert [p.code for p in result.problems] == ["work_item.unknown"]


def test_a_correction_outside_the_rows_of_the_stop_rejects_the_record():
    rec = walk(Correction("premise", 7, "street", "Juárez", "Hidalgo"))
    result = process_record(rec, previous=None, work_item=item("verification"), registry_snapshot=SNAPSHOT,
                            calendar=CALENDAR, policy=POLICY, received_at=rec.device_clock_at_send,
                            correctable={row_key("premise", 701)})
    assert result.status is RecordStatus.REJECTED and result.first_seen and not result.applies
    assert [p.code for p in result.problems] == ["correction.not_this_stop"]
