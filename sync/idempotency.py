"""What to do with a record given its client UUID and what the server already holds for it.

DESIGN rule 1: the same UUID with the same content is a duplicate and gets the original result;
the same UUID with different content is a per-record conflict; a retry never fails the upload.
`decide` only reads its arguments: storing the first result under the UUID, atomically (a unique
key on the UUID), is the caller's job. If two requests race, the loser of the insert calls
`decide` again with the winner's row and gets a duplicate or a conflict.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Mapping


class DecisionKind(str, Enum):
    PROCESS = "process"  # first time this UUID is seen: validate, merge, store
    DUPLICATE = "duplicate"  # a resend: reply with the original result, change nothing
    CONFLICT = "conflict"  # a different record under a UUID already used: change nothing


@dataclass(frozen=True)
class PreviousResult:
    """What the server stored the first time it processed a UUID.

    `status` is the status it replied with then (accepted, conflict or rejected) and `reply`
    the per-record reply body, returned unchanged to every duplicate.
    """

    client_uuid: str
    fingerprint: str
    status: str
    reply: Mapping[str, Any] = field(default_factory=dict)
    received_at: datetime | None = None


@dataclass(frozen=True)
class Decision:
    kind: DecisionKind
    client_uuid: str
    original: PreviousResult | None = None
    message: str | None = None  # Spanish, for the crew and the office; set on conflicts

    @property
    def process(self) -> bool:
        return self.kind is DecisionKind.PROCESS


_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def normalise_uuid(value: str) -> str | None:
    """The canonical lowercase form of a UUID string, or None if it is not a UUID.

    Devices differ in case and braces; without this one record could be taken for two.
    """
    if not isinstance(value, str):
        return None
    if _CANONICAL.fullmatch(value):  # the usual spelling, already canonical: ten times cheaper than parsing
        return value
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return None


def decide(client_uuid: str, fingerprint: str, previous: PreviousResult | None) -> Decision:
    """New → process; same UUID and fingerprint → duplicate; same UUID, other content → conflict.

    A duplicate of a rejected record is a duplicate too: it gets the same rejection, because a
    record is judged once. A corrected record must be sent under a new UUID; the conflict
    message says so. Raises only for a caller error (a `previous` stored under another UUID).
    """
    key = normalise_uuid(client_uuid) or client_uuid
    if previous is None:
        return Decision(DecisionKind.PROCESS, key)
    if (normalise_uuid(previous.client_uuid) or previous.client_uuid) != key:
        raise ValueError(f"previous result belongs to {previous.client_uuid}, not {client_uuid}")
    if previous.fingerprint == fingerprint:
        return Decision(DecisionKind.DUPLICATE, key, original=previous)
    when = f" el {previous.received_at:%Y-%m-%d %H:%M}" if previous.received_at else ""
    message = (
        f"El registro {key} ya se recibió{when} con otro contenido (estado: {previous.status}). "
        "Se conserva el primero y este no se aplicó; si es un registro nuevo o corregido, "
        "envíelo con un identificador nuevo."
    )
    return Decision(DecisionKind.CONFLICT, key, original=previous, message=message)
