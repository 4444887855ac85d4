"""Incoming records: each loaded on its own by the wire schema, and the rows a stored one becomes."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from marshmallow import ValidationError

from field_api.json_faults import FAULTS, fault_of, storable
from schemas.compiled import CompiledLoader
from schemas.sync import MAX_ID, RecordSchema
from sync.idempotency import normalise_uuid
from sync.problems import Problem
from sync.records import UploadRecord, canonical_json

from .effects import utc

_SCHEMA = RecordSchema()
_LOADER = CompiledLoader(_SCHEMA)  # as _SCHEMA.load, several times faster


@dataclass
class Incoming:
    raw: dict
    uuid: str | None
    record: UploadRecord | None
    problems: list[Problem]

    @property
    def stored_payload(self):
        """What is stored of `raw`: itself, or, for a record refused as unstorable, a storable copy
        (U+FFFD for NUL and lone surrogates, text for numbers no column holds)."""
        return storable(self.raw) if self.unstorable else self.raw

    @property
    def unstorable(self) -> bool:
        return any(p.code in UNSTORABLE_CODES for p in self.problems)

    @property
    def fingerprinted(self):
        """What a record that did not load is keyed by: its raw JSON if that can be encoded (NUL
        can), else its storable copy; with its UUID as `uuid` spells it, since a resend may spell it
        in capitals or braces and is the same record (a loaded record's key leaves the UUID out)."""
        raw = self.stored_payload if self.unstorable and NUL_PROBLEM not in self.problems else self.raw
        if self.uuid is not None and isinstance(raw, dict) and raw.get("client_uuid") != self.uuid:
            raw = {**raw, "client_uuid": self.uuid}
        return raw


def _unstorable_problem(fault: str) -> Problem:
    code, message = FAULTS[fault]
    return Problem("", code, f"{message}; no se puede guardar. Corríjalo y envíe el registro con un client_uuid "
                             "nuevo")


UNSTORABLE_CODES = {code for code, _ in FAULTS.values()}
NUL_PROBLEM = _unstorable_problem("nul")


def parse(raw: dict, sent_at: datetime) -> Incoming:
    uuid = normalise_uuid(raw.get("client_uuid")) if isinstance(raw, dict) else None
    fault = fault_of(raw)
    if fault:  # no column can hold it: reject for good rather than fail on every retry
        return Incoming(raw, uuid, None, [_unstorable_problem(fault)])
    try:
        data = _LOADER.load(raw)
    except ValidationError as err:
        return Incoming(raw, uuid, None, schema_problems(err.messages))
    return Incoming(raw, uuid, _SCHEMA.to_record(data, sent_at), [])


def schema_problems(messages, prefix: str = "") -> list[Problem]:
    out = []
    for key, value in (messages.items() if isinstance(messages, dict) else [("", messages)]):
        where = f"{prefix}{key}"
        if isinstance(value, dict):
            out += schema_problems(value, f"{where}.")
        else:
            text = " ".join(str(m) for m in (value if isinstance(value, list) else [value]))
            out.append(Problem(where.rstrip("."), "schema.invalid", text))
    return out


def raw_fingerprint(raw: dict) -> str:
    """The content key of a record that did not load: equal raw JSON, equal key."""
    return hashlib.sha256(canonical_json({"unparsed": raw}).encode("utf-8")).hexdigest()


def problem_dicts(problems) -> list[dict]:
    return [{"field": p.field, "code": p.code, "message": p.message} for p in problems]


def record_row(inc: Incoming, *, status: str, fingerprint: str, message: str | None, problems, device_id: int,
               upload_id: int, sent_at: datetime, received_at: datetime, offset: timedelta,
               item_status: str | None) -> dict:
    rec, raw = inc.record, inc.raw
    row = {
        "client_uuid": inc.uuid, "device_id": device_id, "upload_id": upload_id, "status": status,
        "fingerprint": fingerprint, "message": message, "problems": problem_dicts(problems) or None,
        "device_sent_at": utc(sent_at), "received_at": received_at, "clock_offset_s": offset.total_seconds(),
        "item_status_at_receipt": item_status, "payload": inc.stored_payload,
        "work_item_id": None, "outcome": None, "captured_at": None, "captured_at_server": None,
        "gps_lon": None, "gps_lat": None, "gps_accuracy_m": None,
    }
    if rec is None:
        item = raw.get("work_item_id")
        if isinstance(item, int) and not isinstance(item, bool) and 1 <= item <= MAX_ID:
            row["work_item_id"] = item
        outcome = raw.get("outcome")  # as sent, if a column can hold it: PostgreSQL's text takes no NUL
        if isinstance(outcome, str) and len(outcome) <= 40 and fault_of(outcome) is None:
            row["outcome"] = outcome
        return row
    row.update(work_item_id=rec.work_item_id, outcome=rec.outcome, captured_at=utc(rec.captured_at),
               captured_at_server=utc(rec.captured_at + offset))
    if rec.gps is not None:
        row.update(gps_lon=rec.gps.lon, gps_lat=rec.gps.lat, gps_accuracy_m=rec.gps.accuracy_m)
    return row


def act_row(rec: UploadRecord, uuid: str) -> dict:
    n = rec.notice_record
    gps = n.gps
    return {
        "_uuid": uuid, "work_item_id": rec.work_item_id, "outcome": rec.outcome, "received_by": n.received_by,
        "relationship": n.relationship, "id_shown": n.id_shown, "id_refused": n.id_refused,
        "signature_sha256": n.signature_sha256, "signature_refused": n.signature_refused,
        "address_verified_by": n.address_verified_by, "property_description": n.property_description,
        "started_at": utc(n.started_at) if n.started_at else None,
        "ended_at": utc(n.ended_at) if n.ended_at else None,
        "gps_lon": gps.lon if gps else None, "gps_lat": gps.lat if gps else None,
        "gps_accuracy_m": gps.accuracy_m if gps else None, "notes": n.notes or None,
        "photos": sorted({p.sha256 for p in rec.photos}),
    }


def photo_rows(rec: UploadRecord, uuid: str, device_id: int, arrived: dict) -> list[dict]:
    """The manifest of a record, each photo once; `arrived`: the photos already in, by sha256."""
    seen, rows = set(), []
    for p in rec.photos:
        if p.sha256 not in seen:
            seen.add(p.sha256)
            rows.append({"_uuid": uuid, "sha256": p.sha256, "size": p.size, "content_type": p.content_type,
                         "device_id": device_id, "arrived_at": arrived.get(p.sha256)})
    return rows
