"""What a device uploads, as plain frozen dataclasses, and the content fingerprint of a record.

The schemas layer parses the wire format into these; everything in `sync` works on them.
Device times (`captured_at`, `device_clock_at_send`, notice start/end) are kept as the device
reported them; `sync.clock` relates them to server time.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal
from enum import Enum
from typing import Any

import orjson

FINGERPRINT_VERSION = "cuadrilla.sync.record/1"
# Lists whose order carries no meaning: a resend may list them in another order.
_UNORDERED_LISTS = frozenset({"readings", "corrections", "new_premises", "photos"})
# Not content: the send clock changes on every retry, and the UUID is the key, not content.
_NOT_CONTENT = frozenset({"device_clock_at_send", "client_uuid"})


@dataclass(frozen=True)
class GpsFix:
    lon: float
    lat: float
    accuracy_m: float


@dataclass(frozen=True)
class Reading:
    meter_serial: str
    value_m3: float


@dataclass(frozen=True)
class Correction:
    """The crew says `field` of registry row (`entity`, `entity_id`) should be `new`; the
    package it worked from showed `seen`. Values are scalars: str, int, float, bool, date, None."""

    entity: str  # "account" | "premise" | "meter"
    entity_id: int | str
    field: str
    seen: Any
    new: Any


@dataclass(frozen=True)
class PhotoRef:
    sha256: str
    size: int
    content_type: str


@dataclass(frozen=True)
class NewPremise:
    """A premise found on a verification walk that the registry does not have."""

    local_id: str  # the device's id for it, so photos and later records can refer to it
    street: str
    exterior_number: str
    gps: GpsFix
    land_use: str | None = None
    dwellings: int | None = None
    connection_status: str | None = None
    description: str = ""
    photos: tuple[str, ...] = ()  # sha256 of photos also listed in the record's manifest

    def __post_init__(self):
        object.__setattr__(self, "photos", tuple(self.photos))


@dataclass(frozen=True)
class NoticeRecord:
    """The acta de notificación: facts only the notifier on site can know (never pre-filled).

    `received_by` names the person dealt with (or describes them if they refused to give a
    name); `relationship` is one of `sync.outcomes.RELATIONSHIPS`. The ID is either shown
    (`id_shown`: type and number as written down) or refused; the signature is either captured
    (`signature_sha256`, an image also listed in the photo manifest) or refused.
    """

    address_verified_by: str
    property_description: str
    started_at: datetime | None
    ended_at: datetime | None
    gps: GpsFix | None
    received_by: str | None = None
    relationship: str | None = None
    id_shown: str | None = None
    id_refused: bool = False
    signature_sha256: str | None = None
    signature_refused: bool = False
    notes: str = ""


@dataclass(frozen=True)
class InspectionFindings:
    """What an inspection saw. The reading itself travels in `UploadRecord.readings`."""

    meter_condition: str | None  # a meter status (working, stopped, damaged, removed); None if no meter
    seal_status: str  # sync.outcomes.SEAL_STATUSES
    tampering: bool
    illegal_connection: bool
    land_use_seen: str
    dwellings: int
    leak: bool


@dataclass(frozen=True)
class UploadRecord:
    """One record a device created: the outcome of one visit to one work item."""

    client_uuid: str
    work_item_id: int
    outcome: str
    captured_at: datetime  # device clock
    device_clock_at_send: datetime  # device clock when this upload was sent
    gps: GpsFix | None = None
    readings: tuple[Reading, ...] = ()
    corrections: tuple[Correction, ...] = ()
    new_premises: tuple[NewPremise, ...] = ()
    notice_record: NoticeRecord | None = None
    inspection: InspectionFindings | None = None
    photos: tuple[PhotoRef, ...] = ()
    notes: str = ""

    def __post_init__(self):
        for name in ("readings", "corrections", "new_premises", "photos"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


def canonical(value: Any, *, unordered: frozenset[str] = frozenset(),
              skip: frozenset[str] = frozenset()) -> Any:
    """A JSON-ready form of `value` in which equal content has one spelling.

    Numbers are compared by value (5 == 5.0 == Decimal("5.00"), -0.0 == 0); aware datetimes
    are moved to UTC; text is Unicode-NFC; dataclasses become dicts; lists named in `unordered`
    are sorted; top-level keys in `skip` are left out. NaN and infinity are tagged, not refused,
    so that a bad record can still be fingerprinted, stored and rejected once.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {name: getattr(value, name) for name in _field_names(type(value))}
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in skip:
                continue
            item = _canon(item)
            if key in unordered and isinstance(item, list) and len(item) > 1:
                item = sorted(item, key=_dumps)
            out[str(key)] = item
        return out
    return _canon(value)


def _canon(value: Any) -> Any:
    """`canonical` of a nested value (no `unordered`, no `skip`): a dispatch on the exact type for
    what records are made of, the general rules for anything else. Same output either way."""
    t = type(value)
    if t is str:  # ASCII is NFC already, and isascii() is a flag lookup
        return value if value.isascii() else unicodedata.normalize("NFC", value)
    if value is None or t is bool or t is int:
        return value
    if t is float:
        return _number(value)
    if t is tuple or t is list:
        return [_canon(v) for v in value]
    if t is dict:
        return {str(key): _canon(item) for key, item in value.items()}
    if t is datetime:
        if value.tzinfo is not None:
            return {"$datetime": value.astimezone(timezone.utc).isoformat()}
        return {"$naive_datetime": value.isoformat()}
    names = _DATACLASS_FIELDS.get(t)
    if names is not None:
        return {name: _canon(getattr(value, name)) for name in names}
    return _canonical_general(value)


_DATACLASS_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _DATACLASS_FIELDS.get(cls)
    if names is None:
        names = _DATACLASS_FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _canonical_general(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _canon(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, dict):
        return {str(key): _canon(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canon(v) for v in value]
    if isinstance(value, Enum):
        return _canon(value.value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, (int, float, Decimal)):
        return _number(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return {"$datetime": value.astimezone(timezone.utc).isoformat()}
        return {"$naive_datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    raise TypeError(f"Cannot fingerprint a value of type {type(value).__name__}")


def _number(value: int | float | Decimal) -> int | float | dict:
    if isinstance(value, int):
        return value
    if not (math.isfinite(value) if isinstance(value, float) else value.is_finite()):
        # JSON has no NaN; tag it so that a bad record still gets a fingerprint (and a rejection).
        return {"$nonfinite": str(value).lower()}
    # Integral values become ints so that 5.0 and 5 are spelled the same; ints stay exact.
    if value == int(value):
        return int(value)
    value = float(value)
    return _Tiny(value) if -1e-4 < value < 1e-4 else value


class _Tiny(float):
    """A float below 1e-4 in size, which json spells in exponent form (1e-05) and orjson does not
    (0.00001). Fingerprints are json's spelling; orjson hands these back to `_tiny` to keep it."""


def _tiny(value: Any) -> orjson.Fragment:
    if type(value) is _Tiny:
        return orjson.Fragment(float.__repr__(value))
    raise TypeError(f"Cannot fingerprint a value of type {type(value).__name__}")


def _dumps(value: Any) -> str:
    """The text `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
    gives, written by orjson in a tenth of the time (every float orjson spells differently is a
    `_Tiny`); json writes what orjson refuses: integers beyond 64 bits, lone surrogates."""
    try:
        return orjson.dumps(value, default=_tiny, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value: Any) -> str:
    """Canonical JSON text of any value `canonical` accepts (sorted keys, no spaces)."""
    return _dumps(canonical(value))


def fingerprint(record: UploadRecord) -> str:
    """sha256 (hex) of the record's content.

    Equal for equal content whatever the order of readings, corrections, new premises and
    photos, and whatever the send clock: a retry sends the same record later, and that must
    stay a duplicate, not become a conflict.
    """
    body = canonical(record, unordered=_UNORDERED_LISTS, skip=_NOT_CONTENT)
    text = _dumps({"v": FINGERPRINT_VERSION, "record": body})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
