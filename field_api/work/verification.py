"""Verification walks: one item per premise inside a sector or a drawn polygon."""
from __future__ import annotations

from datetime import date

from sqlalchemy import case, exists, literal, select
from sqlalchemy.orm import Session

from field_api.domain.work_items import OPEN_STATUSES
from field_api.models import Premise, WorkItem

from .areas import AreaFilter
from .generation import Generation, collect
from .items import NewItem

EXCLUSIONS = ("already_open",)


def verification_walk(session: Session, area: AreaFilter, as_of: date, commit: bool, actor: str,
                      limit: int = 100, due_date: date | None = None) -> Generation:
    open_walk = exists().where(WorkItem.premise_id == Premise.id, WorkItem.type == "verification",
                               WorkItem.status.in_(OPEN_STATUSES))
    outcome = case((open_walk, literal("already_open")), else_=literal("selected")).label("outcome")
    query = select(Premise.id, Premise.street, Premise.exterior_number, Premise.land_use,
                   Premise.sector_id, literal(0).label("value_cents"), outcome)
    rows = area.apply(query, session.get_bind().dialect.name, with_balance=False).subquery()

    def describe(row):
        return {"premise_id": row.id, "address": f"{row.street} {row.exterior_number}",
                "land_use": row.land_use, "sector_id": row.sector_id}

    def to_item(row):
        return NewItem(type="verification", subtype="walk", premise_id=row.id, due_date=due_date,
                       reason="Recorrido de verificación del padrón")

    return collect(session, "verification", rows, EXCLUSIONS, commit, limit, None, describe, to_item,
                   actor, reason="recorrido de verificación")
