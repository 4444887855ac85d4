"""Filtered, paginated reads of sectors, premises and accounts."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from field_api.geo import bbox_polygon, intersects
from field_api.models import Account, Balance, Premise, Sector


@dataclass
class Page:
    rows: list[Any]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return (self.total + self.page_size - 1) // self.page_size


def paginate(session: Session, query: Select, order_by, page: int, page_size: int) -> Page:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.execute(
        query.order_by(order_by).limit(page_size).offset((page - 1) * page_size)
    ).all()
    return Page(rows=rows, total=total or 0, page=page, page_size=page_size)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def list_sectors(session: Session, page: int, page_size: int, bbox=None) -> Page:
    query = select(Sector)
    if bbox:
        query = query.where(
            intersects(Sector.geom, "sector", Sector.id, bbox_polygon(bbox), _dialect(session))
        )
    return paginate(session, query, Sector.id, page, page_size)


def list_premises(
    session: Session, page: int, page_size: int, sector=None, bbox=None, land_use=None,
    connection_status=None,
) -> Page:
    query = select(Premise)
    if sector is not None:
        query = query.where(Premise.sector_id == sector)
    if bbox:
        query = query.where(
            intersects(Premise.geom, "premise", Premise.id, bbox_polygon(bbox), _dialect(session))
        )
    if land_use:
        query = query.where(Premise.land_use == land_use)
    if connection_status:
        query = query.where(Premise.connection_status == connection_status)
    return paginate(session, query, Premise.id, page, page_size)


def premises_in_polygon_count(session: Session, polygon) -> int:
    """How many premises lie in a polygon (used by the benchmark and the verification walk)."""
    clause = intersects(Premise.geom, "premise", Premise.id, polygon, _dialect(session))
    return session.scalar(select(func.count()).select_from(Premise).where(clause)) or 0


def list_accounts(
    session: Session, page: int, page_size: int, sector=None, bbox=None, status=None,
    land_use=None, in_arrears=None, min_months_overdue=None, min_amount_owed=None,
    protected=None,
) -> Page:
    query = (
        select(Account, Premise, Balance)
        .join(Premise, Account.premise_id == Premise.id)
        .outerjoin(Balance, Balance.account_id == Account.id)
    )
    if sector is not None:
        query = query.where(Premise.sector_id == sector)
    if bbox:
        query = query.where(
            intersects(Premise.geom, "premise", Premise.id, bbox_polygon(bbox), _dialect(session))
        )
    if status:
        query = query.where(Account.service_status == status)
    if land_use:
        query = query.where(Premise.land_use == land_use)
    if in_arrears is True:
        query = query.where(Balance.amount_owed_cents > 0, Balance.months_overdue > 0)
    elif in_arrears is False:
        query = query.where((Balance.account_id.is_(None)) | (Balance.months_overdue == 0)
                            | (Balance.amount_owed_cents <= 0))
    if min_months_overdue is not None:
        query = query.where(Balance.months_overdue >= min_months_overdue)
    if min_amount_owed is not None:
        query = query.where(Balance.amount_owed_cents >= int(Decimal(min_amount_owed) * 100))
    if protected is not None:
        query = query.where(Account.protected.is_(protected))
    return paginate(session, query, Account.id, page, page_size)


def address_of(premise: Premise) -> str:
    parts = [f"{premise.street} {premise.exterior_number}"]
    if premise.interior_number:
        parts[0] += f" int. {premise.interior_number}"
    if premise.neighborhood:
        parts.append(f"Col. {premise.neighborhood}")
    if premise.municipality:
        parts.append(premise.municipality)
    return ", ".join(parts)
