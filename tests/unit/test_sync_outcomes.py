"""Validation of uploaded records: outcome codes per type, readings, GPS, corrections, walks."""
from dataclasses import replace
from datetime import timedelta

import pytest

from field_api.domain.work_items import WORK_TYPES
from sync.outcomes import CORRECTABLE_FIELDS, MAX_READING_M3, OUTCOMES, validate
from sync.records import Correction, GpsFix, InspectionFindings, NewPremise
from tests.unit.test_sync_support import gps, notice, photo, reading, record

PROOF = "cd" * 32


def codes(problems):
    return sorted(p.code for p in problems)


def findings(**kw):
    base = dict(meter_condition="working", seal_status="intact", tampering=False, illegal_connection=False,
                land_use_seen="domestic", dwellings=1, leak=False)
    return InspectionFindings(**{**base, **kw})


def test_the_outcome_table_covers_exactly_the_work_types_of_the_domain():
    assert set(OUTCOMES) == set(WORK_TYPES)


def test_correctable_fields_exist_on_the_registry_models():
    from field_api.models import Account, Meter, Premise

    for entity, model in {"premise": Premise, "account": Account, "meter": Meter}.items():
        assert set(CORRECTABLE_FIELDS[entity]) <= set(model.__table__.columns.keys())


GOOD = [
    ("cut", record("restricted", readings=(reading(),))),
    ("cut", record("suspended", readings=(reading(),))),
    ("cut", record("paid_on_site", photos=(photo(PROOF),))),
    ("cut", record("no_access")),
    ("cut", record("already_cut")),
    ("cut", record("illegal_reconnection_found")),
    ("reconnection", record("done", readings=(reading(),))),
    ("reconnection", record("not_possible", readings=(reading(),))),
    ("inspection", record("inspected", inspection=findings(), readings=(reading(),))),
    ("inspection", record("inspected", inspection=findings(meter_condition="removed"))),
    ("inspection", record("no_access")),
    ("verification", record("confirmed")),
    ("verification", record("corrections", corrections=(Correction("premise", 7, "dwellings", 1, 2),))),
    ("verification", record("vacant")),
    ("verification", record("demolished")),
    ("verification", record("not_found")),
]


@pytest.mark.parametrize("work_type, rec", GOOD, ids=[f"{w}-{r.outcome}" for w, r in GOOD])
def test_a_complete_record_of_each_outcome_has_no_problems(work_type, rec):
    assert validate(rec, work_type) == []


def test_an_outcome_of_another_work_type_is_refused_with_the_valid_codes():
    problems = validate(record("restricted"), "verification")
    assert codes(problems) == ["outcome.unknown"]
    assert "confirmed" in problems[0].message and problems[0].field == "outcome"


def test_an_unknown_work_type_is_refused():
    assert codes(validate(record("done"), "painting")) == ["work_type.unknown"]


def test_a_record_id_that_is_not_a_uuid_is_refused():
    assert codes(validate(record("no_access", client_uuid="r-1"), "cut")) == ["uuid.invalid"]


def test_device_times_need_a_zone_and_capture_cannot_follow_the_send():
    naive = record("no_access")
    naive = replace(naive, captured_at=naive.captured_at.replace(tzinfo=None))
    assert codes(validate(naive, "cut")) == ["time.naive"]
    late = record("no_access")
    late = replace(late, captured_at=late.device_clock_at_send + timedelta(seconds=1))
    assert codes(validate(late, "cut")) == ["time.after_send"]


@pytest.mark.parametrize("value", [-0.1, MAX_READING_M3, 1e12, float("nan"), float("inf"), True, "12"])
def test_readings_must_be_numbers_from_zero_to_below_the_maximum(value):
    rec = record("done", readings=(reading("M-1", value),))
    assert codes(validate(rec, "reconnection")) == ["reading.out_of_range"]


def test_a_reading_of_zero_and_just_below_the_maximum_are_fine():
    for value in (0, MAX_READING_M3 - 0.001):
        assert validate(record("done", readings=(reading("M-1", value),)), "reconnection") == []


def test_a_reading_needs_a_meter_and_one_reading_per_meter():
    rec = record("done", readings=(reading(" ", 1), reading("M-1", 1), reading("M-1 ", 2)))
    assert codes(validate(rec, "reconnection")) == ["reading.no_meter", "reading.repeated"]


@pytest.mark.parametrize("fix, code", [
    (GpsFix(-181, 30, 5), "gps.out_of_range"),
    (GpsFix(-112, 90.5, 5), "gps.out_of_range"),
    (GpsFix(float("nan"), 30, 5), "gps.out_of_range"),
    (GpsFix(0, 0, 5), "gps.no_fix"),
    (GpsFix(-112, 30, -1), "gps.bad_accuracy"),
    (GpsFix(-112, 30, 50_000), "gps.bad_accuracy"),
])
def test_gps_fixes_must_be_in_range(fix, code):
    assert codes(validate(record("no_access", gps=fix), "cut")) == [code]


def test_readings_are_required_where_the_registry_takes_them_unless_there_is_no_meter():
    for work_type, outcome in [("cut", "restricted"), ("cut", "suspended"), ("reconnection", "done"),
                               ("reconnection", "not_possible")]:
        assert codes(validate(record(outcome), work_type)) == ["reading.required"]
        assert validate(record(outcome), work_type, has_meter=False) == []
    assert codes(validate(record("inspected", inspection=findings(meter_condition="stopped")), "inspection")) == [
        "reading.required"]


def test_a_payment_on_site_needs_a_proof_photo():
    assert codes(validate(record("paid_on_site"), "cut")) == ["photo.proof_required"]


def test_bad_photo_entries_reject_the_record():
    assert codes(validate(record("no_access", photos=(photo("zz"),)), "cut")) == ["photo.bad_hash"]


def test_an_inspection_needs_findings_from_the_vocabularies():
    assert codes(validate(record("inspected"), "inspection")) == ["inspection.missing"]
    bad = findings(meter_condition="melted", seal_status="?", land_use_seen="farm", dwellings=0, leak="yes")
    assert codes(validate(record("inspected", inspection=bad, readings=(reading(),)), "inspection")) == [
        "inspection.bad_value"] * 5


def test_findings_and_notice_records_belong_to_their_own_work_types():
    rec = record("no_access", inspection=findings(), notice_record=notice().notice_record)
    assert codes(validate(rec, "cut")) == ["inspection.not_an_inspection", "notice.not_a_notice"]


def test_a_verification_with_corrections_needs_them_and_a_confirmation_has_none():
    assert codes(validate(record("corrections"), "verification")) == ["verification.no_corrections"]
    rec = record("confirmed", corrections=(Correction("premise", 7, "dwellings", 1, 2),))
    assert codes(validate(rec, "verification")) == ["verification.confirmed_with_corrections"]


@pytest.mark.parametrize("correction, code", [
    (Correction("account", 5, "protected", False, True), "correction.not_allowed"),
    (Correction("account", 5, "service_status", "active", "restricted"), "correction.not_allowed"),
    (Correction("sector", 5, "name", "A", "B"), "correction.not_allowed"),
    (Correction("premise", 7, "land_use", "domestic", "farm"), "correction.bad_value"),
    (Correction("premise", 7, "dwellings", 1, 0), "correction.bad_value"),
    (Correction("premise", 7, "dwellings", 1, True), "correction.bad_value"),
    (Correction("premise", 7, "street", "Juárez", "  "), "correction.bad_value"),
    (Correction("premise", 7, "postal_code", "83600", "8" * 11), "correction.bad_value"),
    (Correction("account", 5, "holder_name", "A", 12), "correction.bad_value"),
    # 120 characters that NFC makes 360: measured as written, or PostgreSQL refused the accept with a 500
    (Correction("premise", 7, "street", "Juárez", "\ufb2c" * 120), "correction.bad_value"),
])
def test_crews_correct_only_allowed_fields_with_valid_values(correction, code):
    rec = record("corrections", corrections=(correction,))
    assert codes(validate(rec, "verification")) == [code]


def test_an_optional_text_field_may_be_cleared():
    rec = record("corrections", corrections=(Correction("premise", 7, "interior_number", "B", ""),))
    assert validate(rec, "verification") == []


def new_premise(**kw):
    base = NewPremise(local_id="n1", street="Calle 5", exterior_number="301", gps=gps(), land_use="domestic",
                      dwellings=2, photos=(PROOF,))
    return replace(base, **kw)


def test_a_walk_may_register_new_premises_with_their_photos_listed():
    rec = record("confirmed", new_premises=(new_premise(),), photos=(photo(PROOF),))
    assert validate(rec, "verification") == []


def test_new_premises_need_an_address_a_position_valid_values_and_listed_photos():
    rec = record("confirmed", new_premises=(
        new_premise(street=" ", gps=None, land_use="farm", photos=("ef" * 32,)),
        new_premise(local_id="n2", gps=GpsFix(0, 0, 3)),
    ))
    assert codes(validate(rec, "verification")) == [
        "gps.no_fix", "premise.bad_value", "premise.missing", "premise.no_gps", "premise.photo_not_listed",
        "premise.photo_not_listed"]


def test_new_premises_come_only_from_walks_and_only_once():
    twice = record("confirmed", new_premises=(new_premise(photos=()), new_premise(photos=())))
    assert codes(validate(twice, "verification")) == ["premise.repeated"]
    assert codes(validate(record("no_access", new_premises=(new_premise(),)), "cut")) == ["premise.not_a_walk"]


def test_every_problem_is_spanish_text_naming_its_field():
    rec = record("restricted", gps=GpsFix(-200, 30, 5), readings=(reading("M-1", -5),))
    problems = validate(rec, "cut")
    assert {p.field for p in problems} == {"gps.lon", "readings.0.value_m3"}
    assert all(str(p).startswith(p.field + ": ") for p in problems)
    assert any("longitud" in p.message for p in problems)
