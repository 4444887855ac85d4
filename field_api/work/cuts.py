"""Cut candidates: accounts past the policy's threshold whose cut warning was served long enough ago.

The rules are one SQL CASE, so the same expression counts the exclusions and picks the candidates,
on SpatiaLite and PostGIS alike, at a million accounts.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo

from sqlalchemy import and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from field_api.db import locked
from field_api.domain.work_items import OPEN_STATUSES
from field_api.models import Account, Balance, CollectionPolicy, PaymentAgreement, Premise, WorkEvent, WorkItem
from field_api.models.base import as_utc
from sync.business_calendar import BusinessCalendar
from sync.effects import HOUSEHOLD_LAND_USES

from .areas import AreaFilter
from .calendar import missing_calendar_warning, term_calendar
from .generation import Generation, collect, pesos
from .items import NewItem, change_status

# The order in which exclusions are tested; the first that applies is the one counted.
EXCLUSIONS = ("below_threshold", "not_active", "already_open", "protected", "in_agreement",
              "no_warning_served", "warning_too_recent")


def over_threshold(policy: CollectionPolicy):
    months = Balance.months_overdue >= policy.cut_min_months_overdue
    amount = Balance.amount_owed_cents >= policy.cut_min_amount_cents
    return and_(months, amount) if policy.cut_threshold_rule == "months_and_amount" else or_(months, amount)


def warning_cutoff(policy: CollectionPolicy, as_of: date, tz: tzinfo,
                   terms: BusinessCalendar | None = None) -> datetime:
    """A warning served before this instant is at least `cut_warning_days` days old on `as_of`: the
    utility's midnight, as a warning served at 17:30 in Hermosillo is already tomorrow in UTC. The
    days are business days, counted by `terms`, when the policy says so."""
    days = policy.cut_warning_days
    if policy.business_day_terms and days:
        day = terms.business_days_back(as_of, days)
    else:
        day = as_of - timedelta(days=days - 1)
    return datetime.combine(day, time(0), tz).astimezone(timezone.utc)


def is_followup_of(followup, stage: str):
    """The condition on the WorkItem alias `followup` that it is the summons follow-up of a notice of
    `stage` (the follow-up made by sync names its notice in its `created` event)."""
    source = aliased(WorkItem)
    return and_(followup.type == "notice", followup.subtype == "summons_followup", exists().where(
        WorkEvent.work_item_id == followup.id, WorkEvent.kind == "created",
        source.id == WorkEvent.details["source_work_item_id"].as_integer(), source.subtype == stage))


def _served_warnings():
    """(account_id, served_at) of every cut warning served: on its own visit, or at the appointment
    of the summons left on it."""
    direct = select(WorkItem.account_id, WorkItem.served_at).where(
        WorkItem.type == "notice", WorkItem.subtype == "cut_warning", WorkItem.served_at.isnot(None))
    followup = aliased(WorkItem)
    at_appointment = select(followup.account_id, followup.served_at).where(
        is_followup_of(followup, "cut_warning"), followup.served_at.isnot(None))
    return union_all(direct, at_appointment).subquery()


def _classified(policy: CollectionPolicy, cutoff: datetime):
    """The accounts with the rule that excludes or selects each; a warning served at `cutoff` or later
    is too recent."""
    served = _served_warnings()
    last_warning = (
        select(served.c.account_id, func.max(served.c.served_at).label("served_at"))
        .group_by(served.c.account_id).subquery()
    )
    open_cut = exists().where(WorkItem.account_id == Account.id, WorkItem.type == "cut",
                              WorkItem.status.in_(OPEN_STATUSES))
    current_agreement = exists().where(PaymentAgreement.account_id == Account.id,
                                       PaymentAgreement.status == "current")
    protected = and_(Account.protected.is_(True), Account.protection_override_reason.is_(None))
    reason = case(
        (~over_threshold(policy), literal("below_threshold")),
        (Account.service_status != "active", literal("not_active")),
        (open_cut, literal("already_open")),
        (and_(literal(policy.exclude_protected), protected), literal("protected")),
        (and_(literal(policy.exclude_current_agreements), current_agreement), literal("in_agreement")),
        (last_warning.c.served_at.is_(None), literal("no_warning_served")),
        (last_warning.c.served_at >= cutoff, literal("warning_too_recent")),
        else_=literal("selected"),
    ).label("outcome")
    base = (
        select(Account.id, Account.number, Account.holder_name, Account.protection_override_reason,
               Premise.id.label("premise_id"), Premise.land_use, Balance.amount_owed_cents,
               Balance.amount_owed_cents.label("value_cents"), Balance.months_overdue,
               last_warning.c.served_at, reason)
        .join(Premise, Account.premise_id == Premise.id)
        .join(Balance, Balance.account_id == Account.id)
        .outerjoin(last_warning, last_warning.c.account_id == Account.id)
    )
    return base


def cut_candidates(session: Session, policy: CollectionPolicy, area: AreaFilter, as_of: date,
                   commit: bool, actor: str, limit: int = 100, max_items: int | None = None, *,
                   tz: tzinfo) -> Generation:
    """`tz` is the utility's: its days count the time since a warning was served."""
    dialect = session.get_bind().dialect.name
    in_business_days = policy.business_day_terms and policy.cut_warning_days
    cutoff = warning_cutoff(policy, as_of, tz, term_calendar(session, policy, as_of) if in_business_days else None)
    warnings = missing_calendar_warning(
        session, policy, range(cutoff.astimezone(tz).year, as_of.year + 1), "el plazo del aviso de corte",
        "vuelva a generar la lista") if in_business_days else []
    rows = area.apply(_classified(policy, cutoff), dialect).subquery()
    result = collect(session, "cut", rows, EXCLUSIONS, commit, limit, max_items,
                     describe=lambda row: _describe(row, policy, tz),
                     to_item=lambda row: _item(row, policy, tz), actor=actor, reason="lista de corte")
    result.warnings = warnings
    return result


def _action(row, policy: CollectionPolicy) -> str:
    household = row.land_use in HOUSEHOLD_LAND_USES
    return policy.domestic_cut_action if household else policy.non_domestic_cut_action


def _rule_text(row, policy: CollectionPolicy, tz: tzinfo) -> str:
    joiner = " y " if policy.cut_threshold_rule == "months_and_amount" else " o "
    threshold = f"{policy.cut_min_months_overdue} meses{joiner}{pesos(policy.cut_min_amount_cents)}"
    served = as_utc(row.served_at).astimezone(tz).date().isoformat() if row.served_at else "?"
    text = (f"{row.months_overdue} meses de rezago y adeudo de {pesos(row.amount_owed_cents)} "
            f"(umbral: {threshold}); aviso de corte notificado el {served} "
            f"(mínimo {policy.cut_warning_days} {_days(policy)}); uso {row.land_use}: {_action(row, policy)}")
    if row.protection_override_reason:
        text += "; tarifa preferencial con autorización de corte"
    return text


def _days(policy: CollectionPolicy) -> str:
    return "días hábiles" if policy.business_day_terms else "días"


def _describe(row, policy: CollectionPolicy, tz: tzinfo) -> dict:
    return {"account_id": row.id, "account_number": row.number, "holder_name": row.holder_name,
            "premise_id": row.premise_id, "action": _action(row, policy),
            "amount_owed": row.amount_owed_cents / 100, "months_overdue": row.months_overdue,
            "rule": _rule_text(row, policy, tz)}


def _item(row, policy: CollectionPolicy, tz: tzinfo) -> NewItem:
    action = _action(row, policy)
    verb = "Restricción" if action == "restrict" else "Suspensión"
    return NewItem(type="cut", subtype=action, account_id=row.id, premise_id=row.premise_id,
                   reason=f"{verb} por adeudo de {pesos(row.amount_owed_cents)}",
                   priority_value=row.amount_owed_cents / 100, rule=_rule_text(row, policy, tz))


def call_off_open_cuts(session: Session, account_id: int, actor: str, reason: str) -> list[int]:
    """Cancel the account's open cut orders (dispatched ones too: the cancellation reaches the crew's
    devices through the change feed); returns their ids."""
    open_cuts = session.scalars(locked(select(WorkItem).where(
        WorkItem.account_id == account_id, WorkItem.type == "cut", WorkItem.status.in_(OPEN_STATUSES))
        .order_by(WorkItem.id))).all()
    for item in open_cuts:
        change_status(session, item, "cancelled", actor, reason)
    return [item.id for item in open_cuts]
