"""Device clocks are not trusted for ordering (DESIGN rule 5).

Each upload carries the device clock at send time; the server notes when it received it. Their
difference is the device's clock offset, measured at every upload. Device times are stored as
reported; a server-time estimate is derived from them, and events are ordered by server facts:
the receipt time, then the server's own sequence number.

Limit: the offset is measured at send, so a device whose clock was changed between capture and
send gets a wrong estimate for the earlier captures. The estimate is for display and planning;
it never replaces the reported time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")

# Beyond this, the office should be told the device's clock is wrong.
SUSPECT_OFFSET = timedelta(minutes=5)


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must carry a UTC offset; got the naive time {value.isoformat()}")


def clock_offset(server_received_at: datetime, device_clock_at_send: datetime) -> timedelta:
    """How far the device clock is behind the server: add it to a device time.

    It also contains the upload's transit time (seconds on a slow network); that is the price of
    measuring with one message, and it is small next to the clock errors this is for.
    """
    _require_aware("server_received_at", server_received_at)
    _require_aware("device_clock_at_send", device_clock_at_send)
    return server_received_at - device_clock_at_send


def server_time_of(device_time: datetime, offset: timedelta) -> datetime:
    """The server-time estimate of a time read from the device clock."""
    _require_aware("device_time", device_time)
    return device_time + offset


def clock_is_suspect(offset: timedelta, tolerance: timedelta = SUSPECT_OFFSET) -> bool:
    return abs(offset) > tolerance


@dataclass(frozen=True)
class Receipt:
    """The server facts about one received record, and its device time as reported."""

    client_uuid: str
    received_at: datetime  # server clock
    sequence: int  # server-assigned, strictly increasing (the change-feed cursor, for example)
    captured_at: datetime  # device clock, as reported
    offset: timedelta  # measured on the upload that carried this record

    @property
    def captured_at_server(self) -> datetime:
        return server_time_of(self.captured_at, self.offset)


def server_order(items: Iterable[T], key: Callable[[T], tuple[datetime, int]] | None = None) -> list[T]:
    """`items` ordered by server facts: receipt time, then sequence. Device times play no part.

    `key` gives (received_at, sequence) of an item; by default the item's own attributes.
    """
    if key is None:
        def key(item):
            return (item.received_at, item.sequence)
    return sorted(items, key=key)
