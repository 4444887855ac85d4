"""Payment agreements (convenios): instalments, completion, and breach after a grace period."""
from __future__ import annotations

import calendar
from datetime import date, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from field_api.changes import set_source
from field_api.models import Account, CollectionPolicy, PaymentAgreement

from .cuts import call_off_open_cuts
from .payments import PaymentIn, apply_payments


class AgreementError(ValueError):
    """An agreement request contradicts the account or the agreement's state."""


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(agreement: PaymentAgreement) -> date:
    """Instalments fall monthly from the start date; the first is due on the start date."""
    return add_months(agreement.start_date, agreement.instalments_paid)


def create_agreement(session: Session, account_id: int, total_cents: int, instalments: int,
                     start_date: date, actor: str = "system") -> tuple[PaymentAgreement, list[int]]:
    """The agreement, and the account's open cut orders it called off (by id): an account with a
    current agreement is not cut, and the cancellation reaches the crew's device like a payment's."""
    current = session.scalar(select(PaymentAgreement.id).where(
        PaymentAgreement.account_id == account_id, PaymentAgreement.status == "current"))
    if current is not None:
        raise AgreementError(f"Account {account_id} already has current agreement {current}.")
    agreement = PaymentAgreement(account_id=account_id, total_cents=total_cents, instalments=instalments,
                                 instalments_paid=0, start_date=start_date, status="current")
    session.add(agreement)
    session.flush()
    called_off = call_off_open_cuts(session, account_id, actor, f"Convenio de pago {agreement.id} vigente")
    session.flush()
    return agreement, called_off


def record_instalment(session: Session, agreement: PaymentAgreement, reference: str, amount_cents: int,
                      paid_on: date, policy: CollectionPolicy, source: str, actor: str, *, tz: tzinfo) -> dict:
    if agreement.status != "current":
        raise AgreementError(f"Agreement {agreement.id} is {agreement.status}; it takes no instalments.")
    number = session.scalar(select(Account.number).where(Account.id == agreement.account_id))
    [result] = apply_payments(session, [PaymentIn(reference, number, amount_cents, paid_on, "cashier",
                                                  agreement.id)], policy, source, actor, tz=tz)
    if result["status"] == "accepted":
        set_source(session, "payment_feed", reference)
        agreement.instalments_paid += 1
        if agreement.instalments_paid >= agreement.instalments:
            agreement.status = "completed"
        session.flush()
    return result


def mark_breaches(session: Session, today: date, policy: CollectionPolicy) -> list[int]:
    """Agreements with an instalment overdue past the grace period become breached."""
    set_source(session, "system", "agreement grace period")
    grace = timedelta(days=policy.agreement_grace_days)
    breached = []
    for agreement in session.scalars(select(PaymentAgreement).where(PaymentAgreement.status == "current")):
        if next_due(agreement) + grace < today:
            agreement.status = "breached"
            breached.append(agreement.id)
    session.flush()
    return breached
