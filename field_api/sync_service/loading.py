"""Everything one upload needs from the database, read in one round trip (see `together`), rows locked.

Registry rows, work items and open review items go into a `RowWriter`, which is then the working
copy every record of the upload is merged against, in order: record 2 sees what record 1 wrote.
"""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Iterator, Mapping

from sqlalchemy import bindparam, func, or_, select, union
from sqlalchemy.dialects.postgresql import ARRAY

from field_api.list_params import in_list, list_param
from field_api.models import (
    Account, Crew, CrewMember, FieldRecord, Meter, Photo, Premise, ReviewItem, WorkEvent, WorkItem,
)
from sync.effects import WorkItemView
from sync.followups import CREW_WORK_OUTCOMES
from sync.idempotency import PreviousResult
from sync.merge import MISSING, Conflict, ConflictKind, RegistryRow, row_key
from sync.outcomes import CORRECTABLE_FIELDS
from sync.records import Correction, UploadRecord

from .ownership import owned_by
from .prebuilt import prebuilt
from .rows import RowWriter
from .together import Together

ITEM_FIELDS = ("type", "subtype", "status", "status_reason", "account_id", "premise_id", "assigned_crew_id",
               "served_at", "open_key")
REVIEW_FIELDS = ("status", "current", "current_version", "kind", "reason", "message", "resolved_at",
                 "resolved_by", "resolution_note")
ENTITY_COLUMNS = {"premise": Premise, "account": Account, "meter": Meter}  # in the order rows are locked
EXTRA_FIELDS = {"account": ("service_status",)}


@dataclass
class Stored:
    """What is stored under a client UUID: its first record's result."""

    record_id: int | None
    device_id: int
    work_item_id: int | None
    previous: PreviousResult
    message: str | None
    problems: list | None


@dataclass
class OpenReview:
    review_id: int | None  # None until this upload inserts it
    client_uuid: str
    conflict: Conflict
    settled: Any = None  # Applied or NoOp once remerged


@dataclass(frozen=True)
class CrewFacts:
    """What decides whether a crew can be given work: disbanded or not, and its active members' skills."""

    name: str
    active: bool
    skills: frozenset[str]


@dataclass
class Context:
    crew_id: int | None
    writer: RowWriter
    stored: dict[str, Stored]
    owned: set[int]
    land_use: dict[int, str]
    has_meter: set[int]
    meter_ids: dict[str, int]
    meters_of: dict[int, set[int]] = field(default_factory=dict)  # meter ids by account, of the crew's items
    reviews: list[OpenReview] = field(default_factory=list)
    arrived: dict[str, datetime] = field(default_factory=dict)  # photos of the manifests already in, by sha256
    # The device's crew and the crews that hold the records' items or last held them, by id; and that
    # last holder by item (`_last_held`). Read only for records that may give a crew work
    # (`CREW_WORK_OUTCOMES`).
    crews: dict[int, CrewFacts] = field(default_factory=dict)
    last_held: dict[int, int] = field(default_factory=dict)

    def item_view(self, item_id: int) -> WorkItemView | None:
        row = self.writer.get("work_item", item_id)
        if row is None or row.id not in self.owned:
            return None
        v = row.values
        return WorkItemView(row.id, v["type"], v["subtype"], v["status"], v["account_id"], v["premise_id"],
                            self.land_use.get(v["premise_id"]), v["status_reason"])

    def correctable(self, view: WorkItemView) -> set[tuple[str, str]]:
        """The registry rows of the item's stop, the only ones its record may correct (as `row_key`s)."""
        rows = {row_key("premise", view.premise_id), row_key("account", view.account_id)}
        rows |= {row_key("meter", m) for m in self.meters_of.get(view.account_id, ())}
        return {r for r in rows if r[1] != "None"}

    def snapshot(self) -> Mapping[tuple[str, str], RegistryRow]:
        return _Snapshot(self.writer)


class _Snapshot(Mapping):
    """The writer's registry rows as `sync.merge` reads them (keys from `row_key`)."""

    def __init__(self, writer: RowWriter):
        self.writer = writer

    def __getitem__(self, key):
        entity, entity_id = key
        row = self.writer.get(entity, entity_id) if entity in ENTITY_COLUMNS else None
        if row is None:
            raise KeyError(key)
        return RegistryRow(row.version, row.values)

    def __iter__(self) -> Iterator:
        return ((e, str(i)) for (e, i) in self.writer.rows if e in ENTITY_COLUMNS)

    def __len__(self) -> int:
        return sum(1 for _ in self)


# The statements below that read "the crew's items" take `former` (see `ownership.owned_by`): built
# once per dialect for a device whose member never moved, afresh for one that did (rare).

def _items(dialect: str, former=()):
    """The crew's work items among :ids, with their premise's land use, locked."""
    return (select(WorkItem.id, WorkItem.version, *[getattr(WorkItem, f) for f in ITEM_FIELDS], Premise.land_use)
            .outerjoin(Premise, WorkItem.premise_id == Premise.id)
            .where(in_list(WorkItem.id, "ids", dialect), owned_by(bindparam("crew_id"), former))
            .order_by(WorkItem.id).with_for_update(of=WorkItem))


def _item_accounts(dialect: str, former=()):
    """The accounts of the crew's work items among :item_ids (what `_items` finds, without waiting for it)."""
    return select(WorkItem.account_id).where(in_list(WorkItem.id, "item_ids", dialect),
                                             owned_by(bindparam("crew_id"), former))


def _ids_and_item_accounts(column, dialect: str, former=()):
    """`column` among :ids or among the accounts of the crew's items :item_ids. On PostgreSQL as one
    IN of a UNION: written with OR, the planner filters every row of the table instead of looking
    both up by key (4.5 ms instead of 0.4, measured on bench/sync.py's 20,000 accounts)."""
    if dialect == "postgresql":
        ids = select(func.unnest(bindparam("ids", type_=ARRAY(column.type))))
        return column.in_(union(ids, _item_accounts(dialect, former)))
    return in_list(column, "ids", dialect) | column.in_(_item_accounts(dialect, former))


def _meters(dialect: str, former=()):
    """The meters of the accounts of the crew's items among :item_ids, and the meters with a serial
    among :serials (a UNION, for the reason in `_ids_and_item_accounts`)."""
    columns = (Meter.id, Meter.serial, Meter.account_id)
    return union(select(*columns).where(Meter.account_id.in_(_item_accounts(dialect, former))),
                 select(*columns).where(in_list(Meter.serial, "serials", dialect)))


_PREBUILT = {build: prebuilt(build) for build in (_items, _meters)}


def _statement(build, conn, former):
    return build(conn.dialect.name, former) if former else _PREBUILT[build](conn)


def _last_held_of(dialect: str):
    """(item, crew) for the work items among :item_ids that some crew held: the crew that held it
    last, named by its last event that names one. Every event names the crew the item belonged to
    then (as `ownership.owned_by` reads them), and every change of crew writes one: publishing a
    batch or a reassignment (to none, too, naming the crew it leaves) or work created for a crew.
    Read after the items are locked, so that it agrees with them (every change of crew locks the
    item); a crew that took the item after the crews were read is then not among them, and is
    passed over as changed (`effects._taker`)."""
    last = (select(func.max(WorkEvent.id)).where(in_list(WorkEvent.work_item_id, "item_ids", dialect),
                                                 WorkEvent.crew_id.isnot(None))
            .group_by(WorkEvent.work_item_id))
    return select(WorkEvent.work_item_id, WorkEvent.crew_id).where(WorkEvent.id.in_(last))


_last_held = prebuilt(_last_held_of)


@prebuilt
def _crews(dialect: str):
    """The device's crew :crew_id and the crews holding the work items :item_ids or that held them
    last (`_last_held`), a row per active member (with its skills). Locked FOR KEY SHARE, as the
    foreign key of work given to one of them would be: a crew being disbanded meanwhile either sees
    that work or is seen disbanded here. Read before the items are locked, in the office's order
    (crew, then item): an item given to another crew in between (even if taken from it again) names
    a crew not read here, or was last held by one, which is then passed over."""
    held = select(WorkItem.assigned_crew_id).where(in_list(WorkItem.id, "item_ids", dialect))
    last = _last_held_of(dialect).subquery()
    return (select(Crew.id, Crew.name, Crew.active, CrewMember.skills)
            .outerjoin(CrewMember, (CrewMember.crew_id == Crew.id) & CrewMember.active.is_(True))
            .where((Crew.id == bindparam("crew_id")) | Crew.id.in_(held) | Crew.id.in_(select(last.c.crew_id)))
            .order_by(Crew.id).with_for_update(of=Crew, read=True, key_share=True))


@prebuilt
def _arrived(dialect: str):
    """The photos among :shas whose bytes are in, and when they came."""
    return select(Photo.sha256, Photo.received_at).where(in_list(Photo.sha256, "shas", dialect))


@prebuilt
def _stored_records(dialect: str):
    """The stored records of the client UUIDs :uuids."""
    return select(FieldRecord.id, FieldRecord.client_uuid, FieldRecord.fingerprint, FieldRecord.status,
                  FieldRecord.received_at, FieldRecord.device_id, FieldRecord.work_item_id, FieldRecord.message,
                  FieldRecord.problems).where(in_list(FieldRecord.client_uuid, "uuids", dialect))


def _registry_rows(entity: str):
    """The rows :ids of `entity` (for accounts, also those of the crew's items among :item_ids), locked."""
    model = ENTITY_COLUMNS[entity]
    names = tuple(CORRECTABLE_FIELDS[entity]) + EXTRA_FIELDS.get(entity, ())

    def build(dialect: str, former=()):
        wanted = (_ids_and_item_accounts(model.id, dialect, former) if entity == "account"
                  else in_list(model.id, "ids", dialect))
        return (select(model.id, model.version, *[getattr(model, n) for n in names]).where(wanted)
                .order_by(model.id).with_for_update())
    _PREBUILT[build] = prebuilt(build)
    return names, build


_REGISTRY_ROWS = {entity: _registry_rows(entity) for entity in ENTITY_COLUMNS}

_REVIEWS = ReviewItem.__table__


@prebuilt
def _open_reviews(dialect: str):
    """The open review items of the rows :premise_ids, :account_ids and :meter_ids, with the UUID of
    the record that raised each, locked, in the order their corrections came (records are numbered
    as they arrive). Not by their own ids: PostgreSQL numbers one upload's review items in no set
    order, and a re-merge can end otherwise in another order (2 -> 3 is a no-op at 3, but a
    conflict once 3 -> 4 went first)."""
    of_rows = or_(*[(_REVIEWS.c.entity == entity) & in_list(_REVIEWS.c.entity_id, f"{entity}_ids", dialect)
                    for entity in ENTITY_COLUMNS])
    return (select(_REVIEWS, FieldRecord.client_uuid).join(FieldRecord, _REVIEWS.c.record_id == FieldRecord.id)
            .where(_REVIEWS.c.status == "open", of_rows)
            .order_by(_REVIEWS.c.record_id, _REVIEWS.c.correction_index).with_for_update(of=_REVIEWS))


# A row of `_open_reviews` by name, as `conflict_of` reads it.
_ReviewRow = namedtuple("_ReviewRow", [c.name for c in _REVIEWS.columns] + ["client_uuid"])


def load_context(together: Together, crew_id: int | None, uuids: Iterable[str], records: list[UploadRecord],
                 at: datetime, former: tuple = ()) -> Context:
    """Everything in one round trip where the database allows it, rows locked in one order: crews and
    the items' last holders (only for records that may give one work), work items, premises,
    accounts, meters, review items.
    `former`: see `ownership.owned_by`."""
    conn = together.conn
    item_ids = list_param(int(r.work_item_id) for r in records) if crew_id is not None else []
    corrected: dict[str, set[int]] = {"premise": set(), "account": set(), "meter": set()}
    for record in records:
        for c in record.corrections:
            if c.entity in corrected and isinstance(c.entity_id, int):
                corrected[c.entity].add(c.entity_id)
    serials = list_param(r.meter_serial.strip() for rec in records for r in rec.readings)
    steps: dict[str, tuple] = {}
    gives_work = bool(item_ids) and any(r.outcome in CREW_WORK_OUTCOMES for r in records)
    if gives_work:
        steps["crews"] = (_crews(conn), {"crew_id": crew_id, "item_ids": item_ids})
    if uuids := list_param(uuids):
        steps["stored"] = (_stored_records(conn), {"uuids": uuids})
    if item_ids:
        steps["items"] = (_statement(_items, conn, former), {"ids": item_ids, "crew_id": crew_id})
    if gives_work:  # after the items' locks: see `_last_held_of`
        steps["last_held"] = (_last_held(conn), {"item_ids": item_ids})
    for entity, ids in corrected.items():
        if ids or (entity == "account" and item_ids):
            steps[entity] = (_statement(_REGISTRY_ROWS[entity][1], conn, former),
                             {"ids": list_param(ids), "item_ids": item_ids, "crew_id": crew_id})
    if item_ids or serials:
        steps["meters"] = (_statement(_meters, conn, former),
                           {"item_ids": item_ids, "crew_id": crew_id, "serials": serials})
    if any(corrected.values()):  # only a correction re-merges a review
        steps["reviews"] = (_open_reviews(conn), {f"{e}_ids": list_param(ids) for e, ids in corrected.items()})
    if shas := list_param(p.sha256 for rec in records for p in rec.photos):
        steps["arrived"] = (_arrived(conn), {"shas": shas})
    found = dict(zip(steps, together.run(list(steps.values()))))

    writer = RowWriter(at)
    land_use, accounts = {}, set()
    for row in found.get("items", []):  # (id, version, *ITEM_FIELDS, land_use): by position
        values = dict(zip(ITEM_FIELDS, row[2:-1]))
        writer.add("work_item", row[0], row[1], values)
        land_use[values["premise_id"]] = row[-1]
        if values["account_id"] is not None:
            accounts.add(values["account_id"])
    for entity in corrected:
        names = _REGISTRY_ROWS[entity][0]
        for row in found.get(entity, []):  # (id, version, *names)
            writer.add(entity, row[0], row[1], dict(zip(names, row[2:])))
    has_meter, meter_ids, meters_of = set(), {}, {}
    for meter_id, serial, account_id in found.get("meters", []):
        if account_id in accounts:
            has_meter.add(account_id)
            meters_of.setdefault(account_id, set()).add(meter_id)
        if serial in serials:
            meter_ids[serial] = meter_id
    ctx = Context(crew_id, writer, _stored(found.get("stored", [])), {row[0] for row in found.get("items", [])},
                  land_use, has_meter, meter_ids, meters_of, arrived=dict(found.get("arrived", [])),
                  crews=_crew_facts(found.get("crews", [])), last_held=dict(found.get("last_held", [])))
    for review in map(_ReviewRow._make, found.get("reviews", [])):
        writer.add("review_item", review.id, review.version, {f: getattr(review, f) for f in REVIEW_FIELDS})
        ctx.reviews.append(OpenReview(review.id, review.client_uuid, conflict_of(review)))
    return ctx


def _crew_facts(rows) -> dict[int, CrewFacts]:
    """The rows of `_crews` by crew."""
    skills: dict[int, set[str]] = {}
    crews = {}
    for crew_id, name, active, member_skills in rows:  # a row per active member, or one for none
        skills.setdefault(crew_id, set()).update(member_skills or ())
        crews[crew_id] = (name, bool(active))
    return {crew_id: CrewFacts(name, active, frozenset(skills[crew_id])) for crew_id, (name, active) in crews.items()}


def _stored(rows) -> dict[str, Stored]:
    out = {}
    for record_id, uuid, fingerprint, status, received_at, device_id, work_item_id, message, problems in rows:
        out[uuid] = Stored(record_id, device_id, work_item_id,
                           PreviousResult(uuid, fingerprint, status, received_at=received_at), message, problems)
    return out


def conflict_of(review) -> Conflict:
    """A stored review item (the model, or a row of its table) as the `sync.merge` conflict it came from."""
    current = review.current["value"] if "value" in (review.current or {}) else MISSING
    correction = Correction(review.entity, review.entity_id, review.field, review.seen.get("value"),
                            review.new.get("value"))
    return Conflict(correction, current, review.current_version, ConflictKind(review.kind), review.reason,
                    review.message, review.correction_index)
