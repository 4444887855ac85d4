"""Inspection requests: made by staff, or raised by reading anomalies.

Readings are cumulative; a period's consumption is the difference with the previous reading.
Zero consumption on an active account, or a last period far below the account's average of the
six periods before it, raises an inspection.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, exists, func, literal, select
from sqlalchemy.orm import Session

from field_api.domain.work_items import OPEN_STATUSES
from field_api.models import Account, Balance, CollectionPolicy, Meter, Premise, Reading, WorkItem

from .areas import AreaFilter
from .generation import Generation, collect
from .items import NewItem

ANOMALIES = ("zero_consumption", "consumption_drop")
EXCLUSIONS = ("not_active", "already_open", "no_anomaly")


class UnknownAccounts(ValueError):
    """Some requested accounts do not exist."""


def _consumption():
    used = (Reading.value_m3 - func.lag(Reading.value_m3).over(
        partition_by=Reading.meter_id, order_by=Reading.read_on)).label("used")
    recent = func.row_number().over(partition_by=Reading.meter_id, order_by=Reading.read_on.desc()).label("rn")
    periods = select(Reading.meter_id, used, recent).subquery()
    return (
        select(periods.c.meter_id,
               func.max(case((periods.c.rn == 1, periods.c.used))).label("last_used"),
               func.avg(case((periods.c.rn.between(2, 7), periods.c.used))).label("avg_before"))
        .group_by(periods.c.meter_id).subquery()
    )


def _open_inspection():
    return exists().where(WorkItem.account_id == Account.id, WorkItem.type == "inspection",
                          WorkItem.status.in_(OPEN_STATUSES))


def anomaly_inspections(session: Session, rule: str, policy: CollectionPolicy, area: AreaFilter,
                        commit: bool, actor: str, limit: int = 100, max_items: int | None = None) -> Generation:
    usage = _consumption()
    if rule == "zero_consumption":
        anomaly = usage.c.last_used == 0
    else:
        anomaly = and_(usage.c.last_used > 0,
                       usage.c.last_used < usage.c.avg_before * (100 - policy.drop_ratio) / 100.0)
    outcome = case(
        (Account.service_status != "active", literal("not_active")),
        (_open_inspection(), literal("already_open")),
        (~func.coalesce(anomaly, False), literal("no_anomaly")),
        else_=literal("selected"),
    ).label("outcome")
    query = (
        select(Account.id, Account.number, Account.holder_name, Premise.id.label("premise_id"),
               Meter.serial, usage.c.last_used, usage.c.avg_before,
               func.coalesce(Balance.amount_owed_cents, 0).label("value_cents"), outcome)
        .join(Premise, Account.premise_id == Premise.id)
        .join(Meter, Meter.account_id == Account.id)
        .join(usage, usage.c.meter_id == Meter.id)
        .outerjoin(Balance, Balance.account_id == Account.id)
    )
    rows = area.apply(query, session.get_bind().dialect.name).subquery()

    def why(row) -> str:
        if rule == "zero_consumption":
            return f"Consumo cero en el último periodo (medidor {row.serial})"
        return (f"Caída de consumo: {row.last_used:.1f} m³ contra promedio de {row.avg_before:.1f} m³ "
                f"(medidor {row.serial})")

    def describe(row):
        return {"account_id": row.id, "account_number": row.number, "holder_name": row.holder_name,
                "premise_id": row.premise_id, "rule": why(row)}

    def to_item(row):
        return NewItem(type="inspection", subtype=rule, account_id=row.id, premise_id=row.premise_id,
                       reason=why(row), rule=why(row), priority_value=row.value_cents / 100)

    return collect(session, f"inspection.{rule}", rows, EXCLUSIONS, commit, limit, max_items,
                   describe, to_item, actor, reason=f"anomalía de lectura: {rule}")


def requested_inspections(session: Session, account_ids: list[int], reason: str, commit: bool, actor: str,
                          due_date: date | None = None) -> Generation:
    found = set(session.scalars(select(Account.id).where(Account.id.in_(account_ids))))
    missing = sorted(set(account_ids) - found)
    if missing:
        raise UnknownAccounts(f"Unknown account ids: {', '.join(map(str, missing))}.")
    outcome = case((_open_inspection(), literal("already_open")), else_=literal("selected")).label("outcome")
    rows = (select(Account.id, Account.number, Premise.id.label("premise_id"),
                   func.coalesce(Balance.amount_owed_cents, 0).label("value_cents"), outcome)
            .join(Premise, Account.premise_id == Premise.id)
            .outerjoin(Balance, Balance.account_id == Account.id)
            .where(Account.id.in_(account_ids))).subquery()

    def describe(row):
        return {"account_id": row.id, "account_number": row.number, "premise_id": row.premise_id,
                "rule": reason}

    def to_item(row):
        return NewItem(type="inspection", subtype="requested", account_id=row.id, premise_id=row.premise_id,
                       reason=reason, due_date=due_date, priority_value=row.value_cents / 100)

    return collect(session, "inspection.requested", rows, ("already_open",), commit, len(account_ids),
                   None, describe, to_item, actor, reason=reason)
