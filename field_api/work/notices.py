"""Notice campaigns: reminders, payment demands and cut warnings for accounts in arrears."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, case, exists, literal, or_, select
from sqlalchemy.orm import Session, aliased

from field_api.domain.work_items import OPEN_STATUSES
from field_api.models import Account, Balance, CollectionPolicy, PaymentAgreement, Premise, WorkItem

from .areas import AreaFilter
from .calendar import missing_calendar_warning, term_calendar
from .cuts import is_followup_of, over_threshold
from .generation import Generation, collect, pesos
from .items import NewItem

STAGES = ("reminder", "payment_demand", "cut_warning")
STAGE_NAMES = {"reminder": "Aviso de adeudo", "payment_demand": "Requerimiento de pago",
               "cut_warning": "Aviso de corte"}
EXCLUSIONS = ("below_threshold", "not_active", "already_open", "protected", "in_agreement")


def stage_threshold(stage: str, policy: CollectionPolicy):
    """Who a stage is for: reminders and demands by months overdue; cut warnings by the cut rule."""
    if stage == "reminder":
        return and_(Balance.months_overdue >= policy.reminder_min_months, Balance.amount_owed_cents > 0)
    if stage == "payment_demand":
        return and_(Balance.months_overdue >= policy.demand_min_months, Balance.amount_owed_cents > 0)
    return over_threshold(policy)


def _open_followup(stage: str):
    """An open summons follow-up of a notice of `stage`: the appointment will serve that notice, so
    another notice of the stage would send a notifier twice for one act."""
    followup = aliased(WorkItem)
    return exists().where(followup.account_id == Account.id, followup.status.in_(OPEN_STATUSES),
                          is_followup_of(followup, stage))


def _classified(stage: str, policy: CollectionPolicy):
    open_notice = or_(exists().where(WorkItem.account_id == Account.id, WorkItem.type == "notice",
                                     WorkItem.subtype == stage, WorkItem.status.in_(OPEN_STATUSES)),
                      _open_followup(stage))
    current_agreement = exists().where(PaymentAgreement.account_id == Account.id,
                                       PaymentAgreement.status == "current")
    # Warning a protected account of a cut it cannot get would mislead it.
    protected = and_(literal(stage == "cut_warning" and policy.exclude_protected),
                     Account.protected.is_(True), Account.protection_override_reason.is_(None))
    outcome = case(
        (~stage_threshold(stage, policy), literal("below_threshold")),
        (Account.service_status != "active", literal("not_active")),
        (open_notice, literal("already_open")),
        (protected, literal("protected")),
        (and_(literal(policy.exclude_current_agreements), current_agreement), literal("in_agreement")),
        else_=literal("selected"),
    ).label("outcome")
    return (
        select(Account.id, Account.number, Account.holder_name, Premise.id.label("premise_id"),
               Balance.amount_owed_cents, Balance.amount_owed_cents.label("value_cents"),
               Balance.months_overdue, outcome)
        .join(Premise, Account.premise_id == Premise.id)
        .join(Balance, Balance.account_id == Account.id)
    )


def notice_campaign(session: Session, policy: CollectionPolicy, area: AreaFilter, as_of: date, commit: bool,
                    actor: str, limit: int = 100, max_items: int | None = None, *, stage: str) -> Generation:
    dialect = session.get_bind().dialect.name
    rows = area.apply(_classified(stage, policy), dialect).subquery()
    due, warnings = as_of + timedelta(days=policy.notice_due_days), []
    if policy.business_day_terms:
        due = term_calendar(session, policy, as_of).business_days_after(as_of, policy.notice_due_days)
        warnings = missing_calendar_warning(session, policy, range(as_of.year, due.year + 1),
                                            "la fecha límite de las notificaciones", "vuelva a generar la campaña")

    def describe(row):
        return {"account_id": row.id, "account_number": row.number, "holder_name": row.holder_name,
                "premise_id": row.premise_id, "amount_owed": row.amount_owed_cents / 100,
                "months_overdue": row.months_overdue, "rule": _rule(row)}

    def _rule(row):
        return (f"{STAGE_NAMES[stage]}: {row.months_overdue} meses de rezago, "
                f"adeudo de {pesos(row.amount_owed_cents)}")

    def to_item(row):
        return NewItem(type="notice", subtype=stage, account_id=row.id, premise_id=row.premise_id,
                       reason=f"{STAGE_NAMES[stage]} por adeudo de {pesos(row.amount_owed_cents)}",
                       priority_value=row.amount_owed_cents / 100, due_date=due, rule=_rule(row))

    result = collect(session, f"notice.{stage}", rows, EXCLUSIONS, commit, limit, max_items,
                     describe, to_item, actor, reason=f"campaña: {STAGE_NAMES[stage]}")
    result.warnings = warnings
    return result
