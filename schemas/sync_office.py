"""Wire contract of the office side of sync: devices, the review queue, field records, alerts."""
from __future__ import annotations

from datetime import timezone

from marshmallow import Schema, fields, validate

from . import vocab
from .common import Integer, ID_RANGE, REASON, PageArgs
from .sync import CLOCK_RANGE

DECISIONS = ("accept_field", "keep_registry")


class EnrollmentCodeInSchema(Schema):
    crew_member_id = Integer(required=True, validate=ID_RANGE)
    label = fields.String(required=True, validate=validate.Length(min=1, max=80),
                          metadata={"description": "how the office will recognise the phone"})


class EnrollmentCodeSchema(Schema):
    id = Integer()
    code = fields.String(metadata={"description": "shown once; the device types it or scans the QR code"})
    crew_member_id = Integer()
    label = fields.String()
    expires_at = fields.DateTime()
    qr_payload = fields.String(metadata={"description": "what the QR code holds"})
    qr_svg = fields.String(metadata={"description": "the QR code as an SVG document"})


class BatchDownloadSchema(Schema):
    batch_id = Integer()
    service_date = fields.Date()
    delivered_at = fields.DateTime(metadata={"description": "when the server first sent the batch to the device"})


class DeviceSchema(Schema):
    id = Integer()
    label = fields.String()
    crew_member_id = Integer()
    crew_member_name = fields.String()
    crew_id = Integer()
    enrolled_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    last_sync_at = fields.DateTime(allow_none=True, metadata={"description": "its latest upload"})
    last_seen_at = fields.DateTime(allow_none=True, metadata={
        "description": "its latest request answered without an error: a download, a poll, an upload, a photo"})
    last_download = fields.Nested(BatchDownloadSchema, allow_none=True, metadata={
        "description": "the newest batch sent to it in a package; null if none was"})
    records_received = Integer()
    pending_photos = Integer()
    conflicts_open = Integer()
    clock_offset_s = fields.Float(allow_none=True, metadata={"description": "at the last upload"})
    version = Integer()


class DeviceListArgs(PageArgs):
    crew = Integer(validate=ID_RANGE)
    revoked = fields.Boolean()
    silent_since = fields.AwareDateTime(default_timezone=timezone.utc, validate=CLOCK_RANGE, metadata={
        "description": "only the devices not heard from since this time: no contact and no upload since"})


class ReviewItemSchema(Schema):
    id = Integer()
    record_id = Integer()
    client_uuid = fields.String()
    device_id = Integer()
    work_item_id = Integer(allow_none=True)
    entity = fields.String()
    entity_id = Integer()
    field = fields.String()
    seen = fields.Raw(allow_none=True)
    new = fields.Raw(allow_none=True)
    current = fields.Raw(allow_none=True)
    current_missing = fields.Boolean()
    current_version = Integer(allow_none=True)
    kind = fields.String(metadata={"description": "soft: only form differs; hard: a real disagreement"})
    reason = fields.String()
    message = fields.String()
    status = fields.String(metadata={"description": "open, accepted, kept, applied (by a later record) or noop"})
    resolved_at = fields.DateTime(allow_none=True)
    resolved_by = fields.String(allow_none=True)
    resolution_note = fields.String(allow_none=True)
    created_at = fields.DateTime()
    version = Integer()


class ReviewListArgs(PageArgs):
    status = fields.String(load_default="open", validate=validate.OneOf(
        ("open", "accepted", "kept", "applied", "noop", "all")))
    entity = fields.String(validate=validate.OneOf(("premise", "account", "meter")))
    device = Integer(validate=ID_RANGE)


class ResolveSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    reason = fields.String(required=True, validate=REASON)


class FieldRecordListArgs(PageArgs):
    device = Integer(validate=ID_RANGE)
    work_item = Integer(validate=ID_RANGE)
    status = fields.String(validate=validate.OneOf(("accepted", "conflict", "rejected")))
    missing_photos = fields.Boolean(metadata={"description": "only records still waiting for photos"})


class FieldRecordSchema(Schema):
    id = Integer()
    client_uuid = fields.String()
    device_id = Integer()
    work_item_id = Integer(allow_none=True)
    outcome = fields.String(allow_none=True)
    status = fields.String()
    message = fields.String(allow_none=True)
    captured_at = fields.DateTime(allow_none=True, metadata={"description": "device clock, as reported"})
    received_at = fields.DateTime()
    clock_offset_s = fields.Float()
    captured_at_server = fields.DateTime(allow_none=True, metadata={"description": "estimate from the offset"})
    item_status_at_receipt = fields.String(allow_none=True)
    photos_expected = Integer()
    photos_missing = fields.List(fields.String())


class FieldRecordDetailSchema(FieldRecordSchema):
    payload = fields.Dict(metadata={"description": "the record exactly as the device sent it"})
    problems = fields.List(fields.Dict(), allow_none=True)


class RecordPageSchema(Schema):
    records = fields.List(fields.Nested(FieldRecordSchema))
    pagination = fields.Dict()


class ReviewPageSchema(Schema):
    reviews = fields.List(fields.Nested(ReviewItemSchema))
    pagination = fields.Dict()


class DevicePageSchema(Schema):
    devices = fields.List(fields.Nested(DeviceSchema))
    pagination = fields.Dict()


class AlertSchema(Schema):
    id = Integer()
    kind = fields.String()
    severity = fields.String()
    message = fields.String()
    work_item_id = Integer(allow_none=True)
    account_id = Integer(allow_none=True)
    record_id = Integer(allow_none=True)
    details = fields.Dict(allow_none=True)
    created_at = fields.DateTime()
    acknowledged_at = fields.DateTime(allow_none=True)
    acknowledged_by = fields.String(allow_none=True)


class AlertListArgs(PageArgs):
    open = fields.Boolean(load_default=True, metadata={"description": "only alerts nobody acknowledged"})
    severity = fields.String(validate=validate.OneOf(("urgent", "normal", "info")))
    kind = fields.String(validate=validate.Length(max=40))


class AlertPageSchema(Schema):
    alerts = fields.List(fields.Nested(AlertSchema))
    pagination = fields.Dict()


class AcknowledgeSchema(Schema):
    note = fields.String(validate=validate.Length(max=500))


class RegistrationSchema(Schema):
    id = Integer()
    record_id = Integer()
    work_item_id = Integer()
    local_id = fields.String()
    street = fields.String()
    exterior_number = fields.String()
    location = fields.Raw(metadata={"description": "GeoJSON Point, [lon, lat]"})
    gps_accuracy_m = fields.Float()
    land_use = fields.String(allow_none=True)
    dwellings = Integer(allow_none=True)
    connection_status = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    photos = fields.List(fields.String())
    status = fields.String()
    created_at = fields.DateTime()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    premise_id = Integer(allow_none=True, metadata={"description": "the premise an approval created"})


class ApproveRegistrationSchema(Schema):
    land_use = fields.String(validate=validate.OneOf(vocab.LAND_USES),
                             metadata={"description": "needed when the crew recorded none"})
    reason = fields.String(validate=validate.Length(min=3, max=500))


class RejectRegistrationSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=500))


class RegistrationPageSchema(Schema):
    registrations = fields.List(fields.Nested(RegistrationSchema))
    pagination = fields.Dict()
