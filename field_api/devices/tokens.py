"""A device token resolves to a device principal in the one authorization layer."""
from __future__ import annotations

from typing import Callable, NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from field_api.auth.principal import Principal
from field_api.auth.tokens import digest
from field_api.models import Crew, CrewMember, Device, DeviceContact


def device_principal(session: Session, token: str, unauthorized: Callable[[str], NoReturn]) -> Principal:
    """Principal(kind="device") for a live device token; a revoked one is refused on this very request."""
    row = session.execute(
        select(Device, CrewMember, Crew.active, DeviceContact.last_seen_at)
        .join(CrewMember, Device.crew_member_id == CrewMember.id).join(Crew, Crew.id == CrewMember.crew_id)
        .outerjoin(DeviceContact, DeviceContact.device_id == Device.id).where(Device.token_hash == digest(token))
    ).first()
    if row is None:
        unauthorized("Unknown device token.")
    device, member, crew_active, last_seen_at = row
    if device.revoked_at is not None:
        unauthorized("This device was revoked; ask the office for a new enrollment code.")
    if not member.active:
        unauthorized("The crew member of this device is no longer active.")
    if not crew_active:
        unauthorized("The crew of this device's member was disbanded; ask the office to move the member to "
                     "an active crew.")
    return Principal("device", device.id, f"device-{device.id}", crew_member_id=member.id, crew_id=member.crew_id,
                     last_seen_at=last_seen_at)
