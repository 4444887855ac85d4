"""Clock offsets measured at upload, server-time estimates, and ordering by server facts."""
from datetime import datetime, timedelta, timezone

import pytest

from sync.clock import Receipt, clock_is_suspect, clock_offset, server_order, server_time_of
from tests.unit.test_sync_support import HMO, MORNING, uid

UTC = timezone.utc


def test_a_device_three_hours_slow_has_an_offset_of_three_hours():
    received = datetime(2025, 3, 4, 20, 0, tzinfo=UTC)
    device_says = datetime(2025, 3, 4, 17, 0, tzinfo=UTC)
    assert clock_offset(received, device_says) == timedelta(hours=3)


def test_the_offset_does_not_depend_on_the_zones_the_times_are_written_in():
    received = datetime(2025, 3, 4, 20, 0, tzinfo=UTC)
    assert clock_offset(received, datetime(2025, 3, 4, 13, 0, tzinfo=HMO)) == timedelta(0)


def test_a_device_time_is_moved_by_the_offset_and_the_reported_time_is_kept():
    receipt = Receipt(uid(1), datetime(2025, 3, 4, 20, 0, tzinfo=UTC), 7, MORNING, timedelta(hours=-3))
    assert receipt.captured_at == MORNING
    assert receipt.captured_at_server == MORNING - timedelta(hours=3)
    assert server_time_of(MORNING, timedelta(minutes=5)) == MORNING + timedelta(minutes=5)


def test_naive_times_are_refused_because_their_zone_is_unknown():
    with pytest.raises(ValueError, match="naive"):
        clock_offset(datetime(2025, 3, 4, 20, 0, tzinfo=UTC), datetime(2025, 3, 4, 20, 0))
    with pytest.raises(ValueError, match="naive"):
        server_time_of(datetime(2025, 3, 4, 20, 0), timedelta(0))


def test_a_clock_is_suspect_beyond_five_minutes_either_way():
    assert not clock_is_suspect(timedelta(minutes=5))
    assert clock_is_suspect(timedelta(minutes=-6))
    assert clock_is_suspect(timedelta(hours=3))


def test_events_are_ordered_by_receipt_then_sequence_whatever_the_device_clocks_say():
    t = datetime(2025, 3, 4, 20, 0, tzinfo=UTC)
    late_device = Receipt(uid(1), t, 2, MORNING + timedelta(hours=5), timedelta(0))
    early_device = Receipt(uid(2), t, 1, MORNING - timedelta(days=300), timedelta(0))
    first_received = Receipt(uid(3), t - timedelta(seconds=1), 9, MORNING + timedelta(days=1), timedelta(0))
    assert [r.client_uuid for r in server_order([late_device, early_device, first_received])] == [
        uid(3), uid(2), uid(1)]


def test_server_order_takes_a_key_for_other_shapes():
    rows = [{"at": 2, "seq": 1}, {"at": 1, "seq": 5}, {"at": 1, "seq": 2}]
    assert server_order(rows, key=lambda r: (r["at"], r["seq"])) == [rows[2], rows[1], rows[0]]
