"""Bad records are rejected one by one with a reason; a bad envelope or an oversized body is a clear 4xx."""
import json
from datetime import timedelta

import pytest

from tests.api.sync_fixtures import field_day, server_clock  # noqa: F401
from tests.sync_support import MORNING, cut, notice, upload_body

UPLOADS = "/api/v1/sync/uploads"


def results(field_day, records, client="cutter"):
    response = field_day[client].post(UPLOADS, json=upload_body(records))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


@pytest.mark.parametrize("change, field, code", [
    ({"outcome": "exploded"}, "outcome", "schema.invalid"),
    ({"outcome": "served_in_person"}, "outcome", "outcome.unknown"),  # an outcome of another work type
    ({"readings": [{"meter_serial": "M-0", "value_m3": -1}]}, "readings.0.value_m3", "schema.invalid"),
    ({"readings": [{"meter_serial": "M-0", "value_m3": 5_000_000}]}, "readings.0.value_m3", "schema.invalid"),
    ({"gps": {"lon": 30.71, "lat": -212.16, "accuracy_m": 5}}, "gps.lat", "schema.invalid"),
    ({"captured_at": "2026-11-24T09:00:00"}, "captured_at", "schema.invalid"),  # no UTC offset
    ({"corrections": [{"entity": "account", "entity_id": 1, "field": "protected", "seen": True, "new": False}]},
     "corrections.0", "correction.not_allowed"),
    ({"work_item_id": 2**40}, "work_item_id", "schema.invalid"),
    ({"captured_at": "0001-01-01T00:00:00+14:00"}, "captured_at", "schema.invalid"),  # overflowed on UTC
    ({"captured_at": "9999-12-31T23:59:59-12:00"}, "captured_at", "schema.invalid"),
    ({"readings": [{"meter_serial": "M-0\x00", "value_m3": 1}]}, "", "text.nul"),  # PostgreSQL cannot store it
    ({"outcome": "restricted\x00"}, "", "text.nul"),  # was copied to its column, and failed on every retry
    # What no column holds was stored with the refused record, and failed on every retry:
    ({"notes": "nota \ud800"}, "", "text.surrogate"),
    ({"notes": "\x00\ud800"}, "", "text.surrogate"),  # judged a NUL alone, kept as sent, and a 500
    ({"work_item_id": 2**70}, "", "json.integer"),
    ({"extra": float("nan")}, "", "json.not_finite"),
    ({"extra": json.loads("[" * 300 + "]" * 300)}, "", "json.depth"),
    ({"photos": [{"sha256": "ab" * 32 + "\n", "size": 10, "content_type": "image/jpeg"}]},  # "$" let it in
     "photos.0.sha256", "schema.invalid"),
])
def test_one_bad_record_is_rejected_with_its_reason_and_the_good_ones_go_on(field_day, change, field, code):
    good = cut(field_day["cuts"][0].id, 1)
    bad = {**cut(field_day["cuts"][1].id, 2), **change}
    first, second = results(field_day, [good, bad])
    assert first["status"] == "accepted"
    assert second["status"] == "rejected" and second["message"]
    assert (field, code) in [(p["field"], p["code"]) for p in second["problems"]]
    again = results(field_day, [bad])[0]  # judged once: a resend gets the same answer
    assert again["status"] == "duplicate" and again["original_status"] == "rejected"


def test_a_notice_record_missing_what_the_law_needs_is_rejected(field_day):
    record = notice(field_day["notices"][0].id, 11)
    del record["notice_record"]["id_shown"]
    record["notice_record"]["started_at"] = None
    [result] = results(field_day, [record], "notifier")
    codes = {p["code"] for p in result["problems"]}
    assert result["status"] == "rejected" and {"notice.id_either_or", "notice.no_times"} <= codes


def test_work_of_another_crew_is_rejected_for_that_record_only(field_day):
    theirs = notice(field_day["notices"][0].id, 11)
    [result] = results(field_day, [theirs])
    assert result["status"] == "rejected" and result["problems"][0]["code"] == "work_item.unknown"


def test_a_capture_after_the_send_time_is_rejected(field_day):
    record = cut(field_day["cuts"][0].id, 1, at=MORNING + timedelta(hours=9))
    assert results(field_day, [record])[0]["problems"][0]["code"] == "time.after_send"


@pytest.mark.parametrize("body, where", [
    ({"records": []}, "sent_at"),
    ({"sent_at": "2026-11-24T17:00:00-07:00", "records": []}, "records"),
    ({"sent_at": "ayer", "records": [{}]}, "sent_at"),
    ({"sent_at": "9999-12-31T23:59:59-12:00", "records": [{}]}, "sent_at"),  # overflowed on UTC: a 500
    ({"sent_at": "2026-11-24T17:00:00-07:00", "records": ["no soy un registro"]}, "records"),
])
def test_a_malformed_upload_is_422_and_names_the_field(field_day, body, where):
    response = field_day["cutter"].post(UPLOADS, json=body)
    assert response.status_code == 422 and where in response.get_json()["message"]


def test_an_oversized_upload_is_413_with_the_error_body(field_day):
    big = [cut(field_day["cuts"][0].id, n, notes="x" * 5000) for n in range(1, 500)]  # 2.5 MB > 2 MiB
    response = field_day["cutter"].post(UPLOADS, json=upload_body(big))
    assert response.status_code == 413
    assert set(response.get_json()) >= {"code", "status", "message"}


@pytest.mark.parametrize("since", ["99999999999999999999", str(2**63)])
def test_a_change_cursor_beyond_64_bits_is_422(field_day, since):
    response = field_day["cutter"].get(f"/api/v1/sync/changes?since={since}")
    assert response.status_code == 422 and "since" in response.get_json()["message"]


def test_a_change_cursor_this_server_never_gave_out_is_422_and_says_to_download_again(field_day):
    response = field_day["cutter"].get(f"/api/v1/sync/changes?since={2**62}")
    body = response.get_json()
    assert response.status_code == 422 and body["code"] == 422
    assert body["message"] == (f"The cursor {2**62} is not one this server gave out; download the package again "
                               "and read the changes from its cursor.")
