"""Wire contract of the device protocol: enrollment, the upload of field records, and the replies.

An upload is checked in two steps. The envelope (`UploadSchema`) must be well formed or the whole
request is a 422. Each record is then loaded on its own with `RecordSchema`: a record that does
not load is rejected with its reasons, and the other records go on (DESIGN rule 2).
"""
from __future__ import annotations

from datetime import datetime, timezone

from marshmallow import Schema, ValidationError, fields, validate

from sync.outcomes import CORRECTABLE_FIELDS, MAX_DWELLINGS, MAX_READING_M3, OUTCOMES, SEAL_STATUSES
from sync.photos import ALLOWED_CONTENT_TYPES, MAX_PHOTO_BYTES
from sync.records import (
    Correction, GpsFix, InspectionFindings, NewPremise, NoticeRecord, PhotoRef, Reading, UploadRecord,
)

from . import vocab
from .common import MAX_ID, WholeMatch

# A device clock may be years off (1970 after a flat battery) and is still taken, its offset measured;
# a year such as 1 or 9999 is not a clock, and its arithmetic overflows Python's datetime.
CLOCK_RANGE = validate.Range(datetime(1970, 1, 1, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc),
                             max_inclusive=False)

MAX_RECORDS_PER_UPLOAD = 500
ALL_OUTCOMES = tuple(sorted({o for codes in OUTCOMES.values() for o in codes}))
SHA256 = WholeMatch(r"^[0-9a-fA-F]{64}$", error="Must be 64 hexadecimal digits (sha256).")


def _text(max_len: int, **kw):
    return fields.String(validate=validate.Length(max=max_len), **kw)


class Scalar(fields.Field):
    """A registry value: text, number, boolean or null, never a list or an object."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value is not None and not isinstance(value, (str, int, float, bool)):
            raise ValidationError("Must be text, a number, true/false or null.")
        if isinstance(value, str) and len(value) > 500:
            raise ValidationError("Longer than 500 characters.")
        return value


class GpsSchema(Schema):
    lon = fields.Float(required=True, allow_nan=False, validate=validate.Range(-180, 180))
    lat = fields.Float(required=True, allow_nan=False, validate=validate.Range(-90, 90))
    accuracy_m = fields.Float(required=True, allow_nan=False, validate=validate.Range(0, 10_000))


class ReadingSchema(Schema):
    meter_serial = fields.String(required=True, validate=validate.Length(min=1, max=40))
    value_m3 = fields.Float(required=True, allow_nan=False,
                            validate=validate.Range(0, MAX_READING_M3, max_inclusive=False))


class CorrectionSchema(Schema):
    entity = fields.String(required=True, validate=validate.OneOf(tuple(CORRECTABLE_FIELDS)))
    entity_id = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_ID))
    field = fields.String(required=True, validate=validate.Length(min=1, max=40))
    seen = Scalar(required=True, allow_none=True)
    new = Scalar(required=True, allow_none=True)


class PhotoRefSchema(Schema):
    sha256 = fields.String(required=True, validate=SHA256)
    size = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_PHOTO_BYTES))
    content_type = fields.String(required=True, validate=validate.OneOf(sorted(ALLOWED_CONTENT_TYPES)))


class NewPremiseSchema(Schema):
    local_id = fields.String(required=True, validate=validate.Length(min=1, max=60))
    street = fields.String(required=True, validate=validate.Length(min=1, max=120))
    exterior_number = fields.String(required=True, validate=validate.Length(min=1, max=20))
    gps = fields.Nested(GpsSchema, required=True)
    land_use = fields.String(allow_none=True, validate=validate.OneOf(vocab.LAND_USES))
    dwellings = fields.Integer(allow_none=True, strict=True, validate=validate.Range(1, MAX_DWELLINGS))
    connection_status = fields.String(allow_none=True, validate=validate.OneOf(vocab.CONNECTION_STATUSES))
    description = _text(1000, load_default="")
    photos = fields.List(fields.String(validate=SHA256), load_default=list, validate=validate.Length(max=10))


class NoticeRecordSchema(Schema):
    address_verified_by = _text(1000, required=True)
    property_description = _text(1000, required=True)
    started_at = fields.AwareDateTime(required=True, allow_none=True, validate=CLOCK_RANGE)
    ended_at = fields.AwareDateTime(required=True, allow_none=True, validate=CLOCK_RANGE)
    gps = fields.Nested(GpsSchema, required=True, allow_none=True)
    received_by = _text(160, allow_none=True, load_default=None)
    relationship = _text(40, allow_none=True, load_default=None)
    id_shown = _text(120, allow_none=True, load_default=None)
    id_refused = fields.Boolean(load_default=False)
    signature_sha256 = fields.String(allow_none=True, load_default=None, validate=SHA256)
    signature_refused = fields.Boolean(load_default=False)
    notes = _text(2000, load_default="")


class InspectionSchema(Schema):
    meter_condition = fields.String(required=True, allow_none=True, validate=validate.OneOf(vocab.METER_STATUSES))
    seal_status = fields.String(required=True, validate=validate.OneOf(SEAL_STATUSES))
    tampering = fields.Boolean(required=True)
    illegal_connection = fields.Boolean(required=True)
    land_use_seen = fields.String(required=True, validate=validate.OneOf(vocab.LAND_USES))
    dwellings = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_DWELLINGS))
    leak = fields.Boolean(required=True)


class RecordSchema(Schema):
    """One record: the outcome of one visit to one work item, captured on the device."""

    client_uuid = fields.UUID(required=True, metadata={"description": "generated by the device, once"})
    work_item_id = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_ID))
    outcome = fields.String(required=True, validate=validate.OneOf(ALL_OUTCOMES),
                            metadata={"description": "an outcome code of the work item's type"})
    captured_at = fields.AwareDateTime(required=True, validate=CLOCK_RANGE,
                                       metadata={"description": "device clock, with its offset"})
    gps = fields.Nested(GpsSchema, allow_none=True, load_default=None)
    readings = fields.List(fields.Nested(ReadingSchema), load_default=list, validate=validate.Length(max=10))
    corrections = fields.List(fields.Nested(CorrectionSchema), load_default=list, validate=validate.Length(max=30))
    new_premises = fields.List(fields.Nested(NewPremiseSchema), load_default=list, validate=validate.Length(max=50))
    notice_record = fields.Nested(NoticeRecordSchema, allow_none=True, load_default=None)
    inspection = fields.Nested(InspectionSchema, allow_none=True, load_default=None)
    photos = fields.List(fields.Nested(PhotoRefSchema), load_default=list, validate=validate.Length(max=20),
                         metadata={"description": "the photo manifest: every photo this record took"})
    notes = _text(2000, load_default="")

    def to_record(self, data: dict, device_clock_at_send) -> UploadRecord:
        """The loaded record as `sync`'s dataclasses, nested ones included. Built here rather than by
        a post_load hook on each nested schema: marshmallow's hooks cost a fifth of loading a record."""
        notice, inspection = data["notice_record"], data["inspection"]
        return UploadRecord(**{
            **data, "client_uuid": str(data["client_uuid"]), "device_clock_at_send": device_clock_at_send,
            "gps": _gps(data["gps"]), "readings": [Reading(**r) for r in data["readings"]],
            "corrections": [Correction(**c) for c in data["corrections"]],
            "new_premises": [_new_premise(p) for p in data["new_premises"]],
            "notice_record": None if notice is None else _notice_record(notice),
            "inspection": None if inspection is None else InspectionFindings(**inspection),
            "photos": [PhotoRef(p["sha256"].lower(), p["size"], p["content_type"]) for p in data["photos"]]})


def _gps(data: dict | None) -> GpsFix | None:
    return None if data is None else GpsFix(**data)


def _notice_record(data: dict) -> NoticeRecord:
    signature = data["signature_sha256"]
    return NoticeRecord(**{**data, "gps": _gps(data["gps"]), "signature_sha256": signature.lower() if signature
                           else signature})


def _new_premise(data: dict) -> NewPremise:
    return NewPremise(**{**data, "gps": _gps(data["gps"]), "photos": tuple(p.lower() for p in data["photos"])})


class UploadSchema(Schema):
    sent_at = fields.AwareDateTime(required=True, validate=CLOCK_RANGE,
                                   metadata={"description": "the device clock when sending"})
    records = fields.List(fields.Dict(), required=True,
                          validate=validate.Length(min=1, max=MAX_RECORDS_PER_UPLOAD),
                          metadata={"description": "records as in the Record schema, each checked on its own"})


class ProblemSchema(Schema):
    field = fields.String()
    code = fields.String()
    message = fields.String()


class RecordResultSchema(Schema):
    client_uuid = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "accepted, duplicate, conflict or rejected"})
    original_status = fields.String(metadata={"description": "for a duplicate: the status first given"})
    record_id = fields.Integer(allow_none=True)
    work_item_id = fields.Integer(allow_none=True)
    review_ids = fields.List(fields.Integer(), metadata={"description": "corrections waiting for the office"})
    message = fields.String(allow_none=True)
    problems = fields.List(fields.Nested(ProblemSchema))
    retry = fields.Boolean(metadata={"description": "true: not stored, send it again later"})


class MissingPhotoSchema(Schema):
    sha256 = fields.String()
    size = fields.Integer()
    content_type = fields.String()
    client_uuids = fields.List(fields.String())


class UploadResultSchema(Schema):
    received_at = fields.DateTime()
    clock_offset_s = fields.Float(metadata={"description": "server time minus device time at send"})
    clock_suspect = fields.Boolean(metadata={"description": "the device clock is more than 5 minutes off"})
    results = fields.List(fields.Nested(RecordResultSchema))
    missing_photos = fields.List(fields.Nested(MissingPhotoSchema),
                                 metadata={"description": "photos this device's records expect and the server lacks"})


class EnrollSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=4, max=40))


class EnrolledSchema(Schema):
    device_token = fields.String(metadata={"description": "shown once; send as 'Authorization: Bearer ...'"})
    device_id = fields.Integer()
    label = fields.String()
    crew_member_id = fields.Integer()
    crew_member_name = fields.String()
    crew_id = fields.Integer()


class ChangesArgs(Schema):
    since = fields.Integer(load_default=0, validate=validate.Range(0, 2**63 - 1), metadata={
        "description": "the last `cursor` returned: a position in the feed's order, which may be a smaller "
                       "number than the one before (0: from the start)"})


class PackageArgs(Schema):
    date = fields.Date(required=True, metadata={"description": "the service date, YYYY-MM-DD"})


class PhotoStateSchema(Schema):
    sha256 = fields.String()
    received_bytes = fields.Integer()
    complete = fields.Boolean()
    size = fields.Integer(allow_none=True)


class DeviceMeSchema(Schema):
    device_id = fields.Integer()
    crew_member_id = fields.Integer()
    crew_id = fields.Integer()
    server_time = fields.DateTime()

