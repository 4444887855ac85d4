"""The payments feed: credit the balance, call off work no longer due, and order reconnections.

Idempotent by payment reference: a reference seen before gets its original result back.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from field_api.changes import set_source
from field_api.db import locked
from field_api.domain.work_items import OPEN_STATUSES
from field_api.models import Account, Balance, CollectionPolicy, Payment, Premise, WorkEvent, WorkItem
from field_api.models.base import utcnow

from .cuts import over_threshold
from .generation import pesos
from .items import NewItem, change_status, create_items
from .notices import stage_threshold


@dataclass(frozen=True)
class PaymentIn:
    reference: str
    account_number: str
    amount_cents: int
    paid_on: date
    channel: str = "cashier"
    agreement_id: int | None = None


def _same(existing: Payment, account_id: int | None, incoming: PaymentIn) -> bool:
    return (existing.account_id == account_id and existing.amount_cents == incoming.amount_cents
            and existing.paid_on == incoming.paid_on)


def apply_payments(session: Session, payments: list[PaymentIn], policy: CollectionPolicy, source: str,
                   actor: str, *, tz: tzinfo) -> list[dict]:
    """One result per payment: accepted, duplicate (original effects) or rejected (with a reason).
    `tz` is the utility's: the day a reconnection is due is its local day."""
    results = []
    for incoming in payments:
        account_id = session.scalar(select(Account.id).where(Account.number == incoming.account_number))
        existing = session.scalar(select(Payment).where(Payment.reference == incoming.reference))
        if existing is None and account_id is not None:
            payment = Payment(reference=incoming.reference, account_id=account_id, amount_cents=incoming.amount_cents,
                              paid_on=incoming.paid_on, channel=incoming.channel, agreement_id=incoming.agreement_id,
                              source=source, effects={})
            if _claim(session, payment):
                payment.effects = _apply(session, account_id, incoming, policy, actor, tz)
                results.append({"reference": incoming.reference, "status": "accepted", "effects": payment.effects})
                continue
            existing = session.scalar(select(Payment).where(Payment.reference == incoming.reference))
        if existing is None:
            results.append({"reference": incoming.reference, "status": "rejected",
                            "reason": f"Unknown account number {incoming.account_number!r}."})
        elif _same(existing, account_id, incoming):
            results.append({"reference": incoming.reference, "status": "duplicate", "effects": existing.effects})
        else:
            results.append({"reference": incoming.reference, "status": "rejected",
                            "reason": "This reference was already used for a different payment."})
    return results


def _claim(session: Session, payment: Payment) -> bool:
    """Store the payment's row before its effects: the same reference sent again meanwhile (a retry
    racing its first attempt) waits on it, then finds it taken. False if it was taken."""
    try:
        with session.begin_nested():
            session.add(payment)
    except IntegrityError:
        return False
    return True


def _apply(session: Session, account_id: int, incoming: PaymentIn, policy: CollectionPolicy, actor: str,
           tz: tzinfo) -> dict:
    set_source(session, "payment_feed", incoming.reference)
    # Locked in an upload's order (work items, then the account), and read afresh: a cut being
    # stored now is seen either before (and its order cancelled) or after (the account restricted).
    open_work = _open_collection_work(session, account_id)
    account = session.scalar(locked(select(Account).where(Account.id == account_id)))
    balance = session.scalar(locked(select(Balance).where(Balance.account_id == account_id))) or Balance(
        account_id=account_id, amount_owed_cents=0, months_overdue=0)
    session.add(balance)
    owed = balance.amount_owed_cents
    remaining = max(0, owed - incoming.amount_cents)
    # Months overdue shrink in proportion to the debt paid; billing's next export corrects them.
    balance.months_overdue = 0 if remaining == 0 or owed <= 0 else math.ceil(
        balance.months_overdue * remaining / owed)
    balance.amount_owed_cents = remaining
    if balance.last_payment_date is None or incoming.paid_on > balance.last_payment_date:
        balance.last_payment_date = incoming.paid_on
    session.flush()

    reason = f"Pagado: referencia {incoming.reference}"
    cancelled = []
    for item in open_work:
        if not _still_due(session, item, policy, account_id):
            change_status(session, item, "cancelled", actor, reason)
            cancelled.append(item.id)
    reconnection = None
    # An instalment honours a current agreement, and an account in a current agreement is not kept
    # cut (it would not be cut), whatever it still owes.
    if account.service_status in ("restricted", "suspended") and (
            incoming.agreement_id is not None or not _over_cut_threshold(session, policy, account_id)):
        reconnection = _order_reconnection(session, account, policy, incoming, actor, tz)
    session.flush()
    return {"amount_owed": remaining / 100, "months_overdue": balance.months_overdue,
            "cancelled_work_items": cancelled, "reconnection_work_item": reconnection}


def _open_collection_work(session: Session, account_id: int) -> list[WorkItem]:
    return session.scalars(locked(select(WorkItem).where(
        WorkItem.account_id == account_id, WorkItem.status.in_(OPEN_STATUSES),
        WorkItem.type.in_(("cut", "notice")),
    ).order_by(WorkItem.id))).all()


def _over_cut_threshold(session: Session, policy: CollectionPolicy, account_id: int) -> bool:
    return bool(session.scalar(select(over_threshold(policy)).where(Balance.account_id == account_id)))


def _still_due(session: Session, item: WorkItem, policy: CollectionPolicy, account_id: int) -> bool:
    rule = over_threshold(policy) if item.type == "cut" else stage_threshold(_stage_of(session, item), policy)
    return bool(session.scalar(select(rule).where(Balance.account_id == account_id)))


def _stage_of(session: Session, item: WorkItem) -> str:
    """A summons follow-up serves the notice whose summons set it, so it is due while that stage is;
    the lowest stage when that notice cannot be found (a follow-up made by hand)."""
    seen = set()
    while item.subtype == "summons_followup" and item.id not in seen:
        seen.add(item.id)
        details = session.scalar(select(WorkEvent.details).where(
            WorkEvent.work_item_id == item.id, WorkEvent.kind == "created")) or {}
        source = details.get("source_work_item_id")
        item = session.get(WorkItem, source) if source is not None else None
        if item is None or item.type != "notice":
            return "reminder"
    return item.subtype if item.subtype != "summons_followup" else "reminder"


def _order_reconnection(session: Session, account: Account, policy: CollectionPolicy, incoming: PaymentIn,
                        actor: str, tz: tzinfo) -> int | None:
    open_one = session.scalar(select(WorkItem.id).where(
        WorkItem.account_id == account.id, WorkItem.type == "reconnection", WorkItem.status.in_(OPEN_STATUSES)))
    if open_one is not None:
        return open_one
    now = utcnow()
    deadline = now + timedelta(hours=policy.reconnection_deadline_hours)
    premise_id = session.scalar(select(Premise.id).where(Premise.id == account.premise_id))
    [item_id] = create_items(session, [NewItem(
        type="reconnection", subtype="restore", account_id=account.id, premise_id=premise_id,
        reason=f"Reconexión por pago {incoming.reference} de {pesos(incoming.amount_cents)}",
        priority_value=incoming.amount_cents / 100, due_date=deadline.astimezone(tz).date(), window_start=now,
        window_end=deadline, rule=f"Servicio {account.service_status}; pago recibido. "
                                  f"Plazo: {policy.reconnection_deadline_hours} h")], actor,
        reason=f"pago {incoming.reference}")
    return item_id
