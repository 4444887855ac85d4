"""Filtered, paginated reads of work items."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from field_api.geo import bbox_polygon, intersects
from field_api.models import Account, Premise, WorkItem
from field_api.registry.queries import Page, paginate


def list_work_items(session: Session, page: int, page_size: int, type=None, subtype=None, status=None,
                    sector=None, bbox=None, crew=None, account=None, due_before=None) -> Page:
    query = (select(WorkItem, Premise, Account.number)
             .outerjoin(Premise, WorkItem.premise_id == Premise.id)
             .outerjoin(Account, WorkItem.account_id == Account.id))
    for column, value in ((WorkItem.type, type), (WorkItem.subtype, subtype), (WorkItem.status, status),
                          (Premise.sector_id, sector), (WorkItem.assigned_crew_id, crew),
                          (WorkItem.account_id, account)):
        if value is not None:
            query = query.where(column == value)
    if due_before is not None:
        query = query.where(WorkItem.due_date < due_before)
    if bbox:
        dialect = session.get_bind().dialect.name
        query = query.where(intersects(Premise.geom, "premise", Premise.id, bbox_polygon(bbox), dialect))
    return paginate(session, query, WorkItem.id, page, page_size)
