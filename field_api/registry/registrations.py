"""The office's decision on a premise found in the field: it enters the registry, or it does not."""
from __future__ import annotations

from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from field_api.geo import intersects, to_element
from field_api.models import PendingRegistration, Premise, Sector
from field_api.models.base import utcnow
from schemas import vocab


class RegistrationDecided(Exception):
    """The registration was approved or rejected already."""


class RegistrationIncomplete(ValueError):
    """The office must add what the crew did not record."""


def _open(registration: PendingRegistration) -> None:
    if registration.status != "pending":
        raise RegistrationDecided(f"Registration {registration.id} was {registration.status} already.")


def approve(session: Session, registration: PendingRegistration, actor: str, land_use: str | None,
            reason: str | None) -> Premise:
    """Create the premise as the crew found it, in the sector that contains it."""
    _open(registration)
    land_use = land_use or registration.land_use
    if land_use not in vocab.LAND_USES:
        raise RegistrationIncomplete("The crew did not record a land use; say which one (land_use).")
    point = to_shape(registration.geom)
    sector = session.scalars(select(Sector).where(intersects(
        Sector.geom, "sector", Sector.id, point, session.get_bind().dialect.name)).order_by(Sector.id)).first()
    connection = registration.connection_status
    premise = Premise(street=registration.street, exterior_number=registration.exterior_number,
                      geom=to_element(point), land_use=land_use, dwellings=registration.dwellings or 1,
                      connection_status=connection if connection in vocab.CONNECTION_STATUSES else "none",
                      sector_id=sector.id if sector else None, neighborhood=sector.name if sector else None)
    session.add(premise)
    session.flush()
    _decide(registration, "approved", actor, reason)
    registration.premise_id = premise.id
    return premise


def reject(registration: PendingRegistration, actor: str, reason: str) -> None:
    _open(registration)
    _decide(registration, "rejected", actor, reason)


def _decide(registration: PendingRegistration, status: str, actor: str, reason: str | None) -> None:
    registration.status = status
    registration.decided_by, registration.decided_at, registration.decision_reason = actor, utcnow(), reason
