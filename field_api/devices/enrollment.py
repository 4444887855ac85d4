"""One-time enrollment codes (text and QR), the exchange for a device token, and revocation."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from field_api.auth.service import AuthError
from field_api.auth.tokens import DEVICE_PREFIX, digest, new_token
from field_api.models import Crew, CrewMember, Device, EnrollmentCode
from field_api.models.base import as_utc, utcnow

# No 0/O, 1/I/L: a code is read off a screen and typed on a phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16  # about 79 bits: not guessable in a day


class EnrollmentError(AuthError):
    """The code is unknown, used or expired (a refused credential: 401); the message is safe to show."""


class DeviceStateError(Exception):
    """The request does not fit the device or crew member as they are now."""


@dataclass(frozen=True)
class NewCode:
    row: EnrollmentCode
    code: str  # shown once; only its hash is stored


@dataclass(frozen=True)
class Enrolled:
    device: Device
    member: CrewMember
    token: str  # shown once; only its hash is stored


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def pretty(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def create_code(session: Session, crew_member_id: int, label: str, hours: int, actor: str) -> NewCode:
    member = session.get(CrewMember, crew_member_id)
    if member is None:
        raise DeviceStateError(f"Crew member {crew_member_id} does not exist.")
    if not member.active:
        raise DeviceStateError(f"Crew member {crew_member_id} is not active.")
    if not session.get(Crew, member.crew_id).active:
        raise DeviceStateError(f"Crew member {crew_member_id}'s crew {member.crew_id} is inactive; move the "
                               "member to an active crew first.")
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    now = utcnow()
    row = EnrollmentCode(code_hash=digest(code), crew_member_id=member.id, label=label, created_by=actor,
                         created_at=now, expires_at=now + timedelta(hours=hours))
    session.add(row)
    session.flush()
    return NewCode(row, pretty(code))


def enroll(session: Session, code: str, now: datetime | None = None) -> Enrolled:
    """Exchange a code for a device token, once. A second use, or a late one, is refused."""
    now = now or utcnow()
    row = session.scalar(select(EnrollmentCode).where(EnrollmentCode.code_hash == digest(normalise_code(code)))
                         .with_for_update())
    if row is None:
        raise EnrollmentError("Unknown enrollment code; check it or ask the office for a new one.")
    if row.used_at is not None:
        raise EnrollmentError("This enrollment code was already used; ask the office for a new one.")
    if as_utc(row.expires_at) <= now:
        raise EnrollmentError("This enrollment code has expired; ask the office for a new one.")
    member = session.get(CrewMember, row.crew_member_id)
    if not member.active:
        raise EnrollmentError("The crew member of this code is no longer active.")
    if not session.get(Crew, member.crew_id).active:
        raise EnrollmentError("The crew of this code's member was disbanded; ask the office for a new code.")
    token = new_token(DEVICE_PREFIX)
    device = Device(crew_member_id=member.id, label=row.label, token_hash=digest(token), enrolled_at=now)
    session.add(device)
    session.flush()
    # Guarded update: of two phones racing with one code, only one gets a token.
    used = session.execute(update(EnrollmentCode).where(EnrollmentCode.id == row.id, EnrollmentCode.used_at.is_(None))
                           .values(used_at=now, device_id=device.id))
    if used.rowcount != 1:
        raise EnrollmentError("This enrollment code was already used; ask the office for a new one.")
    return Enrolled(device, member, token)


def revoke(session: Session, device: Device) -> None:
    """Takes effect on the device's very next request: the token is checked on every request."""
    if device.revoked_at is None:
        device.revoked_at = utcnow()


def qr_svg(payload: str) -> str:
    """The QR code of `payload` as an SVG document (pure Python, no image library)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    return qrcode.make(payload, image_factory=SvgPathImage, box_size=10, border=2).to_string(encoding="unicode")
