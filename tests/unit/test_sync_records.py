"""The content fingerprint: equal for equal content, different for any change of content."""
from dataclasses import replace
from datetime import timedelta, timezone
from decimal import Decimal

import pytest

from sync.records import Correction, canonical_json, fingerprint
from tests.unit.test_sync_support import notice, photo, reading, record


def test_the_fingerprint_is_a_sha256_hex_digest():
    fp = fingerprint(notice())
    assert len(fp) == 64 and int(fp, 16) >= 0


def test_equal_records_have_equal_fingerprints():
    assert fingerprint(notice()) == fingerprint(notice())


def test_a_retry_sent_later_keeps_its_fingerprint():
    first = notice()
    retry = replace(first, device_clock_at_send=first.device_clock_at_send + timedelta(hours=3))
    assert fingerprint(retry) == fingerprint(first)


def test_the_uuid_spelling_is_not_content():
    first = notice()
    assert fingerprint(replace(first, client_uuid=first.client_uuid.upper())) == fingerprint(first)


def test_the_order_of_readings_and_photos_is_not_content():
    a = record("inspected", readings=(reading("M-1", 10), reading("M-2", 20)),
               photos=(photo("aa" * 32), photo("bb" * 32)))
    b = replace(a, readings=a.readings[::-1], photos=a.photos[::-1])
    assert fingerprint(a) == fingerprint(b)


def test_numbers_compare_by_value_and_times_by_instant():
    a = record("done", readings=(reading("M-1", 12),))
    b = replace(a, readings=(reading("M-1", 12.0),))
    c = replace(a, readings=(reading("M-1", Decimal("12.00")),))
    utc = replace(a, captured_at=a.captured_at.astimezone(timezone.utc))
    assert fingerprint(a) == fingerprint(b) == fingerprint(c) == fingerprint(utc)


@pytest.mark.parametrize("change", [
    lambda r: {"outcome": "served_on_present"},
    lambda r: {"captured_at": r.captured_at + timedelta(seconds=1)},
    lambda r: {"readings": (reading("M-1", 12.5),)},
    lambda r: {"photos": ()},
    lambda r: {"notes": "Perro bravo"},
    lambda r: {"corrections": (Correction("premise", 7, "street", "Juárez", "Hidalgo"),)},
])
def test_any_change_of_content_changes_the_fingerprint(change):
    base = notice()
    assert fingerprint(replace(base, **change(base))) != fingerprint(base)


def test_a_changed_notice_fact_changes_the_fingerprint():
    base = notice()
    other = replace(base, notice_record=replace(base.notice_record, received_by="Juan Pérez"))
    assert fingerprint(other) != fingerprint(base)


def test_a_non_finite_reading_still_gets_a_fingerprint_so_it_can_be_rejected_once():
    bad = record("done", readings=(reading("M-1", float("nan")),))
    assert fingerprint(bad) == fingerprint(bad)
    assert fingerprint(bad) != fingerprint(record("done", readings=(reading("M-1", float("inf")),)))


def test_canonical_json_sorts_keys_and_unifies_text_and_numbers():
    assert canonical_json({"b": 1.0, "a": "e\u0301"}) == canonical_json({"a": "\u00e9", "b": 1})
    assert canonical_json({"x": -0.0}) == '{"x":0}'


def test_canonical_json_refuses_what_it_cannot_spell():
    with pytest.raises(TypeError):
        canonical_json({"x": object()})
