"""Offline sync: enrollment codes, uploads, field records and what they leave behind.

Field observations are append-only (DESIGN data rules): a FieldRecord, its readings, its notice
act and its photo manifest are written once and never updated. Only the review queue, office
alerts and pending registrations change state, when a person decides.
"""
from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import (
    JSON, BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime, Versioned, enum_column, utcnow

_ID = BigInteger().with_variant(Integer, "sqlite")
RECORD_STATUSES = ("accepted", "conflict", "rejected")
REVIEW_STATUSES = ("open", "accepted", "kept", "applied", "noop")
SEVERITIES = ("urgent", "normal", "info")
REGISTRATION_STATUSES = ("pending", "approved", "rejected")


class EnrollmentCode(Base):
    """A one-time code the office gives a crew member's phone; only its SHA-256 is stored."""

    __tablename__ = "enrollment_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    crew_member_id: Mapped[int] = mapped_column(ForeignKey("crew_member.id"), index=True)
    label: Mapped[str] = mapped_column(String(80))
    created_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))


class SyncUpload(Base):
    """One upload request: when it arrived, the device clock at send, and the offset between them."""

    __tablename__ = "sync_upload"
    __table_args__ = (Index("ix_sync_upload_device_id_received_at", "device_id", "received_at"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    device_sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    clock_offset_s: Mapped[float] = mapped_column(Float)
    records: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)  # per reply status


class FieldRecord(Base):
    """The first record stored under a client UUID, as the device sent it, with its result."""

    __tablename__ = "field_record"
    __table_args__ = (Index("ix_field_record_device_id_id", "device_id", "id"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"))
    upload_id: Mapped[int] = mapped_column(ForeignKey("sync_upload.id"), index=True)
    work_item_id: Mapped[int | None] = mapped_column(Integer, index=True)  # as sent: it may not exist
    outcome: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = enum_column(RECORD_STATUSES, "field_record_status")
    fingerprint: Mapped[str] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[list | None] = mapped_column(JSON)
    # Device clock as reported, the server's receipt, and the estimate derived from the offset.
    captured_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    device_sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Indexed for the crew-work report's records received on a day (server time: appended in order).
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    clock_offset_s: Mapped[float] = mapped_column(Float)
    captured_at_server: Mapped[datetime | None] = mapped_column(UtcDateTime)
    item_status_at_receipt: Mapped[str | None] = mapped_column(String(24))
    gps_lon: Mapped[float | None] = mapped_column(Float)
    gps_lat: Mapped[float | None] = mapped_column(Float)
    gps_accuracy_m: Mapped[float | None] = mapped_column(Float)
    payload: Mapped[dict] = mapped_column(JSON)  # the record exactly as received


class FieldRecordVariant(Base):
    """Other content sent under a UUID already used: not applied, but never thrown away."""

    __tablename__ = "field_record_variant"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    client_uuid: Mapped[str] = mapped_column(String(36), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"))
    upload_id: Mapped[int] = mapped_column(ForeignKey("sync_upload.id"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    payload: Mapped[dict] = mapped_column(JSON)


_WAITING = text("arrived_at IS NULL")


class RecordPhoto(Base):
    """A photo a record says it took (its manifest entry); the bytes arrive separately.

    `device_id` copies the record's device and `arrived_at` is set when the bytes are in, so that
    the photos a device still owes are found in a small partial index, however long its history.
    Whether a photo is missing is still decided by the `photo` table itself: `arrived_at` only
    narrows the search (a row that missed the mark is found, and filtered out there)."""

    __tablename__ = "record_photo"
    __table_args__ = (UniqueConstraint("record_id", "sha256"),
                      Index("ix_record_photo_waiting", "device_id", "id", postgresql_where=_WAITING,
                            sqlite_where=_WAITING))

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("field_record.id"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(40))
    device_id: Mapped[int | None] = mapped_column(Integer)  # its record's (none on rows older than 0007)
    arrived_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Photo(Base):
    """Bytes that arrived complete and matched their sha256; the file lives in the photo store."""

    __tablename__ = "photo"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(40))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class FieldReading(Base):
    """A meter reading taken in the field, kept even when the registry has one for that day."""

    __tablename__ = "field_reading"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("field_record.id"), index=True)
    work_item_id: Mapped[int] = mapped_column(Integer)
    meter_serial: Mapped[str] = mapped_column(String(40))
    meter_id: Mapped[int | None] = mapped_column(ForeignKey("meter.id"), index=True)  # None: unknown serial
    value_m3: Mapped[float] = mapped_column(Float)
    captured_at: Mapped[datetime] = mapped_column(UtcDateTime)  # device clock
    captured_at_server: Mapped[datetime] = mapped_column(UtcDateTime)


class NoticeAct(Base):
    """The acta de notificación as the notifier captured it: an immutable legal record."""

    __tablename__ = "notice_act"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("field_record.id"), unique=True)
    work_item_id: Mapped[int] = mapped_column(Integer, index=True)
    outcome: Mapped[str] = mapped_column(String(40))
    received_by: Mapped[str | None] = mapped_column(String(160))
    relationship: Mapped[str | None] = mapped_column(String(40))
    id_shown: Mapped[str | None] = mapped_column(String(120))
    id_refused: Mapped[bool] = mapped_column(Boolean, default=False)
    signature_sha256: Mapped[str | None] = mapped_column(String(64))
    signature_refused: Mapped[bool] = mapped_column(Boolean, default=False)
    address_verified_by: Mapped[str | None] = mapped_column(Text)
    property_description: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # device clock
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    gps_lon: Mapped[float | None] = mapped_column(Float)
    gps_lat: Mapped[float | None] = mapped_column(Float)
    gps_accuracy_m: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)
    photos: Mapped[list] = mapped_column(JSON, default=list)


class ReviewItem(Versioned, Base):
    """A registry correction that did not apply by itself: the office accepts it or keeps the registry."""

    __tablename__ = "review_item"
    __table_args__ = (
        UniqueConstraint("record_id", "correction_index"),
        Index("ix_review_item_entity_entity_id_field", "entity", "entity_id", "field"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("field_record.id"))
    correction_index: Mapped[int] = mapped_column(Integer)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(40))
    seen: Mapped[dict] = mapped_column(JSON)  # {"value": ...}: JSON null and SQL NULL stay apart
    new: Mapped[dict] = mapped_column(JSON)
    current: Mapped[dict] = mapped_column(JSON)  # the registry's value when compared; {} if missing
    current_version: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = enum_column(("soft", "hard"), "review_kind")
    reason: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = enum_column(REVIEW_STATUSES, "review_status", default="open", index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(80))
    resolution_note: Mapped[str | None] = mapped_column(Text)


class OfficeAlert(Base):
    """Something the office must look at, raised by a field record (e.g. a cut after cancellation)."""

    __tablename__ = "office_alert"
    __table_args__ = (Index("ix_office_alert_acknowledged_at_severity", "acknowledged_at", "severity"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    severity: Mapped[str] = enum_column(SEVERITIES, "alert_severity")
    message: Mapped[str] = mapped_column(Text)
    work_item_id: Mapped[int | None] = mapped_column(Integer, index=True)
    account_id: Mapped[int | None] = mapped_column(Integer)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("field_record.id"))
    details: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(80))


class PendingRegistration(Base):
    """A premise found on a verification walk, waiting for the office before it enters the registry."""

    __tablename__ = "pending_registration"
    __table_args__ = (UniqueConstraint("record_id", "local_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("field_record.id"))
    work_item_id: Mapped[int] = mapped_column(Integer)
    local_id: Mapped[str] = mapped_column(String(60))
    street: Mapped[str] = mapped_column(String(120))
    exterior_number: Mapped[str] = mapped_column(String(20))
    geom = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=False)
    gps_accuracy_m: Mapped[float] = mapped_column(Float)
    land_use: Mapped[str | None] = mapped_column(String(24))
    dwellings: Mapped[int | None] = mapped_column(Integer)
    connection_status: Mapped[str | None] = mapped_column(String(24))
    description: Mapped[str | None] = mapped_column(Text)
    photos: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = enum_column(REGISTRATION_STATUSES, "registration_status", default="pending")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The office's decision: who, when, why, and the registry premise an approval created.
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    premise_id: Mapped[int | None] = mapped_column(Integer)
