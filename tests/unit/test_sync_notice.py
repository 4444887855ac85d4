"""The notice record a court will read: complete for each outcome, and captured on site."""
from dataclasses import replace
from datetime import timedelta

import pytest

from sync.outcomes import validate
from tests.unit.test_sync_support import gps, notice, notice_record

RECORD = notice_record()


def codes(rec):
    return sorted(p.code for p in validate(rec, "notice"))


def with_notice(outcome="served_in_person", **changes):
    return notice(outcome, notice_record=replace(RECORD, **changes))


def test_a_notice_served_in_person_with_every_fact_is_valid():
    assert codes(notice()) == []


@pytest.mark.parametrize("outcome, relationship", [
    ("served_in_person", "legal_representative"), ("served_on_present", "family"),
    ("served_on_present", "employee"), ("served_on_neighbour", "neighbour"),
])
def test_each_served_outcome_accepts_its_relationships(outcome, relationship):
    assert codes(with_notice(outcome, relationship=relationship)) == []


@pytest.mark.parametrize("outcome, relationship", [
    ("served_in_person", "neighbour"), ("served_on_present", "addressee"), ("served_on_neighbour", "family"),
    ("served_in_person", None),
])
def test_a_served_outcome_refuses_a_relationship_that_contradicts_it(outcome, relationship):
    assert codes(with_notice(outcome, relationship=relationship)) == ["notice.bad_relationship"]


def test_a_served_notice_needs_the_receiver_name():
    assert codes(with_notice(received_by="  ")) == ["notice.no_receiver"]


@pytest.mark.parametrize("id_shown, id_refused, ok", [
    ("INE 123", False, True), (None, True, True), (None, False, False), ("INE 123", True, False),
])
def test_the_id_is_either_shown_or_refused(id_shown, id_refused, ok):
    result = codes(with_notice(id_shown=id_shown, id_refused=id_refused))
    assert result == ([] if ok else ["notice.id_either_or"])


@pytest.mark.parametrize("signed, refused, ok", [(True, False, True), (False, True, True),
                                                 (False, False, False), (True, True, False)])
def test_the_signature_is_either_captured_or_refused(signed, refused, ok):
    rec = with_notice(signature_sha256=RECORD.signature_sha256 if signed else None, signature_refused=refused)
    assert codes(rec) == ([] if ok else ["notice.signature_either_or"])


def test_the_signature_image_must_be_in_the_photo_manifest():
    assert codes(replace(notice(), photos=())) == ["notice.signature_not_listed"]


@pytest.mark.parametrize("outcome", ["served_in_person", "served_on_present", "served_on_neighbour",
                                     "posted_refused", "summons_left"])
def test_legal_acts_need_a_notice_record(outcome):
    assert codes(notice(outcome, notice_record=None)) == ["notice.missing"]


@pytest.mark.parametrize("field, code", [
    ("address_verified_by", "notice.missing_fact"), ("property_description", "notice.missing_fact"),
])
def test_the_address_check_and_property_description_are_required(field, code):
    assert codes(with_notice(**{field: ""})) == [code]


def test_the_record_needs_its_own_gps_fix_and_a_valid_one():
    assert codes(with_notice(gps=None)) == ["notice.no_gps"]
    assert codes(with_notice(gps=gps(lat=95))) == ["gps.out_of_range"]


def test_start_and_end_times_are_required_with_a_zone():
    assert codes(with_notice(started_at=None)) == ["notice.no_times"]
    assert codes(with_notice(ended_at=RECORD.ended_at.replace(tzinfo=None))) == ["notice.no_times"]


def test_a_record_whose_times_were_not_captured_is_refused():
    assert codes(with_notice(ended_at=RECORD.started_at)) == ["notice.bad_times"]
    assert codes(with_notice(ended_at=RECORD.started_at - timedelta(minutes=1))) == ["notice.bad_times"]
    assert codes(with_notice(ended_at=RECORD.started_at + timedelta(hours=5))) == ["notice.bad_times"]
    later = RECORD.started_at + timedelta(days=1)
    assert codes(with_notice(started_at=later, ended_at=later + timedelta(minutes=5))) == ["notice.future_times"]


def test_a_posted_notice_records_who_refused_and_the_refusal_to_sign():
    posted = with_notice("posted_refused", received_by="Mujer de unos 40 años que no dio su nombre",
                         relationship=None, id_shown=None, signature_sha256=None, signature_refused=True)
    assert codes(posted) == []
    assert codes(replace(posted, notice_record=replace(posted.notice_record, received_by=None))) == [
        "notice.who_refused"]
    assert codes(replace(posted, notice_record=replace(posted.notice_record, signature_refused=False))) == [
        "notice.refusal_not_recorded"]


def test_a_summons_may_be_left_with_nobody_but_still_records_the_visit():
    summons = with_notice("summons_left", received_by=None, relationship=None, id_shown=None,
                          signature_sha256=None)
    assert codes(summons) == []
    assert codes(replace(summons, notice_record=replace(summons.notice_record, relationship="cousin"))) == [
        "notice.bad_relationship"]
    assert codes(replace(summons, notice_record=replace(summons.notice_record, started_at=None))) == [
        "notice.no_times"]


def test_address_not_found_needs_only_a_position():
    assert codes(notice("address_not_found", notice_record=None)) == []
    assert codes(notice("address_not_found", notice_record=None, gps=None)) == ["notice.no_gps"]
    only_in_record = notice("address_not_found", gps=None)
    assert codes(only_in_record) == []
