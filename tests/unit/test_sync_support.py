"""Builders for the sync tests (no tests here): a complete, valid record by default, so that each
test changes only what it is about."""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from sync.business_calendar import fiscal_calendar
from sync.effects import SyncPolicy, WorkItemView
from sync.records import GpsFix, NoticeRecord, PhotoRef, Reading, UploadRecord

# Sonora keeps UTC-7 all year; a fixed offset needs no tz database.
HMO = timezone(timedelta(hours=-7), "America/Hermosillo")
UTC = timezone.utc
# Tuesday 4 March 2025, 09:00 in Caborca.
MORNING = datetime(2025, 3, 4, 9, 0, tzinfo=HMO)
CALENDAR = fiscal_calendar([2025, 2026], tz=HMO)
POLICY = SyncPolicy()
SIGNATURE = "ab" * 32
PROOF = "cd" * 32


def uid(n: int) -> str:
    return str(uuid.UUID(int=n))


def gps(lon: float = -112.16, lat: float = 30.71, accuracy_m: float = 8.0) -> GpsFix:
    return GpsFix(lon, lat, accuracy_m)


def notice_record(start: datetime = MORNING, **changes) -> NoticeRecord:
    base = NoticeRecord(
        address_verified_by="Placa con número 12 y nomenclatura de la calle",
        property_description="Casa de un piso, fachada blanca, portón negro",
        started_at=start,
        ended_at=start + timedelta(minutes=12),
        gps=gps(),
        received_by="María López Ruiz",
        relationship="addressee",
        id_shown="INE 1234567890",
        signature_sha256=SIGNATURE,
    )
    return replace(base, **changes)


def photo(sha: str = SIGNATURE, size: int = 200_000, content_type: str = "image/jpeg") -> PhotoRef:
    return PhotoRef(sha, size, content_type)


def notice(outcome: str = "served_in_person", n: int = 1, at: datetime = MORNING, **changes) -> UploadRecord:
    base = UploadRecord(
        client_uuid=uid(n), work_item_id=100 + n, outcome=outcome,
        captured_at=at + timedelta(minutes=13), device_clock_at_send=at + timedelta(hours=8),
        gps=gps(), notice_record=notice_record(at), photos=(photo(),),
    )
    return replace(base, **changes)


def record(outcome: str, n: int = 1, at: datetime = MORNING, **changes) -> UploadRecord:
    """A record with no notice parts: for cuts, reconnections, inspections and walks."""
    base = UploadRecord(
        client_uuid=uid(n), work_item_id=100 + n, outcome=outcome,
        captured_at=at, device_clock_at_send=at + timedelta(hours=8), gps=gps(),
    )
    return replace(base, **changes)


def reading(serial: str = "M-1", value: float = 1234.5) -> Reading:
    return Reading(serial, value)


def item(work_type: str = "notice", status: str = "dispatched", n: int = 1, **changes) -> WorkItemView:
    subtype = {"notice": "cut_warning", "cut": "restrict", "reconnection": "restore",
               "inspection": "requested", "verification": "walk"}[work_type]
    base = WorkItemView(id=100 + n, work_type=work_type, subtype=subtype, status=status,
                        account_id=500 + n, premise_id=700 + n, land_use="domestic")
    return replace(base, **changes)
