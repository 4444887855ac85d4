"""The content fingerprint: equal for equal content, different for any change of content."""
from dataclasses import replace
from datetime import timedelta, timezone
from decimal import Decimal

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.records import Correction, GpsFix, Reading, canonical, canonical_json, fingerprint
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


def test_fingerprints_stored_by_earlier_versions_stay_valid():
    # Computed before `_dumps` moved from json to orjson: a retry of a record stored then must
    # still be a duplicate, so the text fingerprinted may never change (tiny floats included).
    base = notice()
    tiny = replace(base, gps=GpsFix(-112.16, 30.71, 2.5e-05), readings=(Reading("M-1", 1e-05), Reading("M-2", 120.75)))
    assert fingerprint(base) == "d5c5f8d0047a1e241befed4bbd5ee1b5193bc26ec9879de051281930d9b98a4f"
    assert fingerprint(tiny) == "ddef68ac06f287cb2af781b78f9974b5d7298a1f40735d2fab7a92ecc7193aff"
    raw = {"ñandú": [2**70, 1.5e-07, "é\u2028", {"b": None, "a": True}], "x": 0.0001}
    assert canonical_json({"unparsed": raw}) == \
        '{"unparsed":{"x":0.0001,"ñandú":[1180591620717411303424,1.5e-07,"é\u2028",{"a":true,"b":null}]}}'
    assert canonical_json({"x": "\ud800"}) == '{"x":"\ud800"}'  # a lone surrogate, as json writes it


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.decimals(allow_nan=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=20)


@given(_JSON)
def test_canonical_json_is_the_text_json_dumps_gives(value):
    body = canonical(value)
    try:
        expected = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except ValueError:  # a float json cannot spell never reaches it: canonical tags NaN and infinity
        pytest.fail("canonical left a non-finite number")
    assert canonical_json(value) == expected
