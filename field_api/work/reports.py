"""The office's afternoon reports: the work each crew did, and the share of arrears recovered.

A few aggregate queries each, whatever the number of accounts or work items, in SQL that runs on
SpatiaLite and PostGIS alike. Days are the utility's local days: a range of dates becomes one
half-open span of UTC instants here, and stored instants (kept in UTC) are compared with it.
The definitions of every figure are written in `schemas/reports.py` and the README.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal

from sqlalchemy import (
    BigInteger, Integer, and_, bindparam, case, cast, func, literal_column, or_, select, union_all,
)
from sqlalchemy.orm import Session

from field_api.domain.work_items import OPEN_STATUSES
from field_api.models import (
    Account, Batch, ChangeLog, Crew, CrewMember, Device, FieldRecord, Payment, PlanStop, Premise, Sector, WorkEvent,
    WorkItem,
)
from field_api.models.work import HANDED_KINDS

# Collection work: the notices of the arrears campaign and cut orders. A summons follow-up only
# finishes a notice already counted, and carries no debt of its own.
NOTICE_STAGES = ("reminder", "payment_demand", "cut_warning")
COUNTS = ("planned", "given", "done", "failed", "cancelled", "open", "moved")


def day_span(first: date, last: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants [start of `first`, start of the day after `last`) of local days."""
    start = datetime.combine(first, time(0), tz).astimezone(timezone.utc)
    end = datetime.combine(last + timedelta(days=1), time(0), tz).astimezone(timezone.utc)
    return start, end


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def pesos(cents: int) -> Decimal:
    return Decimal(cents) / 100


# --- Work done by each crew -------------------------------------------------------------------


@dataclass
class WorkCounts:
    planned: int = 0
    given: int = 0
    done: int = 0
    failed: int = 0
    cancelled: int = 0
    open: int = 0

    def add(self, other: "WorkCounts") -> None:
        for name in ("planned", "given", "done", "failed", "cancelled", "open"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        moved = self.given - self.done - self.failed - self.cancelled - self.open
        return {"planned": self.planned, "given": self.given, "done": self.done, "failed": self.failed,
                "cancelled": self.cancelled, "open": self.open, "moved": moved,
                "share_done": share(self.done, self.given)}


@dataclass
class CrewWork:
    crew_id: int
    totals: WorkCounts = field(default_factory=WorkCounts)
    by_type: dict[str, WorkCounts] = field(default_factory=dict)
    records_received: int = 0
    records_rejected: int = 0


def _given(first: date, last: date, start: datetime, end: datetime, crew_id: int | None):
    """(crew_id, item_id, planned) for every item given to a crew in the range: on one of its
    published batches for those days (planned = 1), or, never on a batch of the crew, handed to it
    on those days by a reassignment or created for it (urgent work raised in the field) (planned = 0).
    An item on a batch belongs to the batch's day, not to the evening its plan was published."""
    on_batch = (select(Batch.crew_id.label("crew_id"), PlanStop.work_item_id.label("item_id"),
                       literal_column("1").label("planned"))
                .join(PlanStop, PlanStop.route_id == Batch.route_id)
                .where(Batch.service_date >= first, Batch.service_date <= last))
    # A reassignment writes two events: one for the crew it leaves, one for the crew it reaches.
    reached = or_(WorkEvent.kind == "created", WorkEvent.details["to_crew"].as_integer() == WorkEvent.crew_id)
    on_its_batches = (select(PlanStop.id).join(Batch, Batch.route_id == PlanStop.route_id)
                      .where(PlanStop.work_item_id == WorkEvent.work_item_id, Batch.crew_id == WorkEvent.crew_id)
                      .exists())
    # The kinds written into the SQL, not bound: so the statement holds the predicate of the partial
    # index ix_work_event_handed_at, which SQLite (and a generic PostgreSQL plan) needs to use it.
    kinds = bindparam("handed_kinds", HANDED_KINDS, expanding=True, literal_execute=True)
    handed = (select(WorkEvent.crew_id, WorkEvent.work_item_id, literal_column("0"))
              .where(WorkEvent.kind.in_(kinds), WorkEvent.crew_id.isnot(None), reached,
                     WorkEvent.at >= start, WorkEvent.at < end, ~on_its_batches))
    if crew_id is not None:
        on_batch = on_batch.where(Batch.crew_id == crew_id)
        handed = handed.where(WorkEvent.crew_id == crew_id)
    rows = union_all(on_batch, handed).subquery("given_rows")
    # A CTE: the three uses below read it once, where a subquery was planned and run three times.
    return (select(rows.c.crew_id, rows.c.item_id, func.max(rows.c.planned).label("planned"))
            .group_by(rows.c.crew_id, rows.c.item_id).cte("given"))


def crew_at(moment):
    """The crew the member of `Device` (joined to `CrewMember`) was in at `moment`: the one they left
    at their first move after it, else the one they are in now. A move changes no past report."""
    left = (select(cast(ChangeLog.old_value, Integer)).where(
        ChangeLog.entity == "crew_member", ChangeLog.entity_id == CrewMember.id, ChangeLog.field == "crew_id",
        ChangeLog.changed_at > moment).order_by(ChangeLog.changed_at, ChangeLog.id).limit(1).scalar_subquery())
    return func.coalesce(left, CrewMember.crew_id)


def crew_work(session: Session, first: date, last: date, tz: tzinfo, crew_id: int | None = None) -> list[dict]:
    """Per crew (and per work type): what it was given in the range and what became of it."""
    start, end = day_span(first, last, tz)
    given = _given(first, last, start, end, crew_id)
    # Each given item's events by a LEFT JOIN from the items (no event gives NULL, as no row would):
    # PostgreSQL hashes a long range and probes a short one, where `IN (SELECT item_id FROM given)`
    # took any range for 200 items and probed each (seconds over a year); SQLite loops over the items,
    # where a plain join scanned every event. An item given to two crews is grouped once.
    # Who finished an item: the crew of the device whose field record did it (its member's crew when
    # the record came in), else (the office set the status) the crew the item was assigned to then.
    # Final states have no way out: one event.
    of_given = given.alias("of_given")
    finished = (select(of_given.c.item_id, func.max(func.coalesce(crew_at(WorkEvent.at), WorkEvent.crew_id))
                       .label("crew_id"))
                .outerjoin(WorkEvent, and_(WorkEvent.work_item_id == of_given.c.item_id,
                                           WorkEvent.kind == "status_changed",
                                           WorkEvent.details["status"].as_string().in_(("done", "failed"))))
                .outerjoin(Device, Device.id == WorkEvent.details["device_id"].as_integer())
                .outerjoin(CrewMember, CrewMember.id == Device.crew_member_id)
                .group_by(of_given.c.item_id).subquery("finished"))
    cancelled_given = given.alias("cancelled_given")
    called_off = (select(cancelled_given.c.item_id, func.max(WorkEvent.crew_id).label("crew_id"))
                  .outerjoin(WorkEvent, and_(WorkEvent.work_item_id == cancelled_given.c.item_id,
                                             WorkEvent.kind == "cancelled"))
                  .group_by(cancelled_given.c.item_id).subquery("called_off"))
    mine = given.c.crew_id
    # An item finished without an event saying by whom (none in the normal flows) counts for the
    # crew it is assigned to.
    finisher = func.coalesce(finished.c.crew_id, WorkItem.assigned_crew_id)
    canceller = func.coalesce(called_off.c.crew_id, WorkItem.assigned_crew_id)

    def count_if(condition):
        return func.sum(case((condition, 1), else_=0))

    rows = session.execute(
        select(mine, WorkItem.type, func.sum(given.c.planned), func.count(),
               count_if(and_(WorkItem.status == "done", finisher == mine)),
               count_if(and_(WorkItem.status == "failed", finisher == mine)),
               count_if(and_(WorkItem.status == "cancelled", canceller == mine)),
               count_if(and_(WorkItem.status.in_(OPEN_STATUSES), WorkItem.assigned_crew_id == mine)))
        .select_from(given).join(WorkItem, WorkItem.id == given.c.item_id)
        .outerjoin(finished, finished.c.item_id == WorkItem.id)
        .outerjoin(called_off, called_off.c.item_id == WorkItem.id)
        .group_by(mine, WorkItem.type))
    crews: dict[int, CrewWork] = {}
    for crew, work_type, *figures in rows:
        counts = WorkCounts(*(int(n or 0) for n in figures))
        entry = crews.setdefault(crew, CrewWork(crew))
        entry.by_type[work_type] = counts
        entry.totals.add(counts)

    sender = crew_at(FieldRecord.received_at).label("crew_id")
    by_sender = (select(sender, FieldRecord.status).join(Device, Device.id == FieldRecord.device_id)
                 .join(CrewMember, CrewMember.id == Device.crew_member_id)
                 .where(FieldRecord.received_at >= start, FieldRecord.received_at < end).subquery("by_sender"))
    received = (select(by_sender.c.crew_id, func.count(), func.sum(case((by_sender.c.status == "rejected", 1),
                                                                          else_=0)))
                .group_by(by_sender.c.crew_id))
    if crew_id is not None:
        received = received.where(by_sender.c.crew_id == crew_id)
    for crew, n, rejected in session.execute(received):
        entry = crews.setdefault(crew, CrewWork(crew))
        entry.records_received, entry.records_rejected = int(n), int(rejected or 0)

    names = {row.id: row.name for row in session.execute(select(Crew.id, Crew.name).where(Crew.id.in_(list(crews))))}
    return [{"crew_id": crew, "crew_name": names.get(crew), **entry.totals.as_dict(),
             "records_received": entry.records_received, "records_rejected": entry.records_rejected,
             "by_type": [{"type": t, **c.as_dict()} for t, c in sorted(entry.by_type.items())]}
            for crew, entry in sorted(crews.items(), key=lambda pair: (names.get(pair[0]) or "", pair[0]))]


# --- Share of arrears recovered ---------------------------------------------------------------


def collection_work():
    return and_(WorkItem.account_id.isnot(None),
                or_(WorkItem.type == "cut", and_(WorkItem.type == "notice", WorkItem.subtype.in_(NOTICE_STAGES))))


def _figures(pursued: int, owed: int, paid: int, paying: int, in_full: int, reconnections: int) -> dict:
    return {"accounts_pursued": pursued, "owed_when_pursued": pesos(owed), "paid_in_range": pesos(paid),
            "share_recovered": share(paid, owed), "accounts_paying": paying, "accounts_paid_in_full": in_full,
            "reconnections_ordered": reconnections}


def arrears_recovery(session: Session, first: date, last: date, tz: tzinfo, sector_id: int | None = None,
                     pursued_since: date | None = None) -> dict:
    """Of the accounts pursued with collection work on or before `last`: what they owed when pursued,
    what they paid from `first` to `last`, and how many paid, paid in full or were ordered a
    reconnection; in total and by sector."""
    start, end = day_span(first, last, tz)
    # The generators record the debt they read on the item, in pesos (`priority_value`); back to centavos.
    debt_cents = cast(func.round(WorkItem.priority_value * 100), BigInteger)
    pursued = (select(WorkItem.account_id.label("account_id"), func.max(debt_cents).label("owed"))
               .where(collection_work(), WorkItem.created_at < end))
    if pursued_since is not None:
        pursued = pursued.where(WorkItem.created_at >= day_span(pursued_since, pursued_since, tz)[0])
    pursued = pursued.group_by(WorkItem.account_id).subquery("pursued")
    paid = (select(Payment.account_id.label("account_id"), func.sum(Payment.amount_cents).label("cents"))
            .where(Payment.paid_on >= first, Payment.paid_on <= last)
            .group_by(Payment.account_id).subquery("paid"))
    reconnections = (select(WorkItem.account_id.label("account_id"), func.count().label("n"))
                     .where(WorkItem.type == "reconnection", WorkItem.created_at >= start, WorkItem.created_at < end)
                     .group_by(WorkItem.account_id).subquery("reconnections"))
    paid_cents = func.coalesce(paid.c.cents, 0)
    query = (
        select(Premise.sector_id, Sector.code, Sector.name, func.count(), func.sum(pursued.c.owed),
               func.sum(paid_cents), func.sum(case((paid_cents > 0, 1), else_=0)),
               func.sum(case((and_(paid_cents > 0, paid_cents >= pursued.c.owed), 1), else_=0)),
               func.sum(func.coalesce(reconnections.c.n, 0)))
        .select_from(pursued)
        .join(Account, Account.id == pursued.c.account_id)
        .join(Premise, Premise.id == Account.premise_id)
        .outerjoin(Sector, Sector.id == Premise.sector_id)
        .outerjoin(paid, paid.c.account_id == pursued.c.account_id)
        .outerjoin(reconnections, reconnections.c.account_id == pursued.c.account_id)
        .group_by(Premise.sector_id, Sector.code, Sector.name)
    )
    if sector_id is not None:
        query = query.where(Premise.sector_id == sector_id)
    by_sector, totals = [], [0] * 6
    for sector, code, name, *figures in session.execute(query):
        figures = [int(n or 0) for n in figures]
        totals = [a + b for a, b in zip(totals, figures)]
        by_sector.append({"sector_id": sector, "sector_code": code, "sector_name": name, **_figures(*figures)})
    by_sector.sort(key=lambda row: (row["sector_code"] is None, row["sector_code"] or ""))
    return {**_figures(*totals), "by_sector": by_sector}
