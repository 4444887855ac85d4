"""Everything one upload needs from the database, read in a few batched queries, rows locked.

Registry rows, work items and open review items go into a `RowWriter`, which is then the working
copy every record of the upload is merged against, in order: record 2 sees what record 1 wrote.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Iterator, Mapping

from sqlalchemy import Connection, bindparam, select, tuple_

from field_api.list_params import in_list, list_param
from field_api.models import Account, FieldRecord, Meter, Premise, ReviewItem, WorkItem
from sync.effects import WorkItemView
from sync.idempotency import PreviousResult
from sync.merge import MISSING, Conflict, ConflictKind, RegistryRow
from sync.outcomes import CORRECTABLE_FIELDS
from sync.records import Correction, UploadRecord

from .ownership import owned_by
from .prebuilt import prebuilt
from .rows import RowWriter

ITEM_FIELDS = ("type", "subtype", "status", "status_reason", "account_id", "premise_id", "assigned_crew_id",
               "served_at", "open_key")
REVIEW_FIELDS = ("status", "current", "current_version", "kind", "reason", "message", "resolved_at",
                 "resolved_by", "resolution_note")
ENTITY_COLUMNS = {"premise": Premise, "account": Account, "meter": Meter}
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


@dataclass
class Context:
    crew_id: int | None
    writer: RowWriter
    stored: dict[str, Stored]
    owned: set[int]
    land_use: dict[int, str]
    has_meter: set[int]
    meter_ids: dict[str, int]
    reviews: list[OpenReview] = field(default_factory=list)

    def item_view(self, item_id: int) -> WorkItemView | None:
        row = self.writer.get("work_item", item_id)
        if row is None or row.id not in self.owned:
            return None
        v = row.values
        return WorkItemView(row.id, v["type"], v["subtype"], v["status"], v["account_id"], v["premise_id"],
                            self.land_use.get(v["premise_id"]), v["status_reason"])

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


@prebuilt
def _items(dialect: str):
    """The crew's work items among :ids, with their premise's land use, locked."""
    return (select(WorkItem.id, WorkItem.version, *[getattr(WorkItem, f) for f in ITEM_FIELDS], Premise.land_use)
            .outerjoin(Premise, WorkItem.premise_id == Premise.id)
            .where(in_list(WorkItem.id, "ids", dialect), owned_by(bindparam("crew_id")))
            .order_by(WorkItem.id).with_for_update(of=WorkItem))


@prebuilt
def _meters(dialect: str):
    """The meters of :accounts and the meters with a serial among :serials."""
    return select(Meter.id, Meter.serial, Meter.account_id).where(
        in_list(Meter.account_id, "accounts", dialect) | in_list(Meter.serial, "serials", dialect))


@prebuilt
def _stored_records(dialect: str):
    """The stored records of the client UUIDs :uuids."""
    return select(FieldRecord.id, FieldRecord.client_uuid, FieldRecord.fingerprint, FieldRecord.status,
                  FieldRecord.received_at, FieldRecord.device_id, FieldRecord.work_item_id, FieldRecord.message,
                  FieldRecord.problems).where(in_list(FieldRecord.client_uuid, "uuids", dialect))


def _registry_rows(entity: str):
    model = ENTITY_COLUMNS[entity]
    names = tuple(CORRECTABLE_FIELDS[entity]) + EXTRA_FIELDS.get(entity, ())
    return names, prebuilt(lambda dialect: select(model.id, model.version, *[getattr(model, n) for n in names])
                           .where(in_list(model.id, "ids", dialect)).order_by(model.id).with_for_update())


_REGISTRY_ROWS = {entity: _registry_rows(entity) for entity in ENTITY_COLUMNS}


def load_context(conn: Connection, crew_id: int | None, uuids: Iterable[str], records: list[UploadRecord],
                 at: datetime) -> Context:
    writer = RowWriter(at)
    stored = _stored(conn, uuids)
    item_ids = {int(r.work_item_id) for r in records}
    land_use, accounts = {}, set()
    rows = conn.execute(_items(conn), {"ids": list_param(item_ids), "crew_id": crew_id}).all() \
        if crew_id is not None and item_ids else []
    owned = {row.id for row in rows}
    for row in rows:  # (id, version, *ITEM_FIELDS, land_use): by position, cheaper than by name
        values = dict(zip(ITEM_FIELDS, row[2:-1]))
        writer.add("work_item", row[0], row[1], values)
        land_use[values["premise_id"]] = row[-1]
        if values["account_id"] is not None:
            accounts.add(values["account_id"])
    corrected: dict[str, set[int]] = {"premise": set(), "account": set(), "meter": set()}
    for record in records:
        for c in record.corrections:
            if c.entity in corrected and isinstance(c.entity_id, int):
                corrected[c.entity].add(c.entity_id)
    wanted = {entity: ids | (accounts if entity == "account" else set()) for entity, ids in corrected.items()}
    for entity, ids in wanted.items():
        _load_rows(conn, writer, entity, ids)
    serials = {r.meter_serial.strip() for rec in records for r in rec.readings}
    has_meter, meter_ids = set(), {}
    if accounts or serials:  # one query for both: the accounts with a meter, the meters read by serial
        for meter_id, serial, account_id in conn.execute(
                _meters(conn), {"accounts": list_param(accounts), "serials": list_param(serials)}):
            if account_id in accounts:
                has_meter.add(account_id)
            if serial in serials:
                meter_ids[serial] = meter_id
    ctx = Context(crew_id, writer, stored, owned, land_use, has_meter, meter_ids)
    ctx.reviews = _open_reviews(conn, writer, corrected)  # only a correction re-merges a review
    return ctx


def _stored(conn: Connection, uuids: Iterable[str]) -> dict[str, Stored]:
    out = {}
    uuids = set(uuids)
    if not uuids:
        return out
    rows = conn.execute(_stored_records(conn), {"uuids": list_param(uuids)})
    for r in rows:
        out[r.client_uuid] = Stored(r.id, r.device_id, r.work_item_id,
                                    PreviousResult(r.client_uuid, r.fingerprint, r.status, received_at=r.received_at),
                                    r.message, r.problems)
    return out


def _load_rows(conn: Connection, writer: RowWriter, entity: str, ids: set[int]) -> None:
    if not ids:
        return
    names, statement = _REGISTRY_ROWS[entity]
    rows = conn.execute(statement(conn), {"ids": list_param(ids)}).all()
    for row in rows:  # (id, version, *names)
        writer.add(entity, row[0], row[1], dict(zip(names, row[2:])))


_REVIEWS = ReviewItem.__table__
# The open review items of the registry rows :keys, (entity, id) pairs, locked; with the record's UUID.
_OPEN_REVIEWS = (select(_REVIEWS, FieldRecord.client_uuid).join(FieldRecord, _REVIEWS.c.record_id == FieldRecord.id)
                 .where(_REVIEWS.c.status == "open",
                        tuple_(_REVIEWS.c.entity, _REVIEWS.c.entity_id).in_(bindparam("keys", expanding=True)))
                 .order_by(_REVIEWS.c.id).with_for_update(of=_REVIEWS))


def _open_reviews(conn: Connection, writer: RowWriter, wanted: dict[str, set[int]]) -> list[OpenReview]:
    keys = [(e, i) for e, ids in wanted.items() for i in sorted(ids)]
    if not keys:
        return []
    rows = conn.execute(_OPEN_REVIEWS, {"keys": keys}).all()
    out = []
    for review in rows:  # Core rows: the same attributes as the model, without the ORM's bookkeeping
        writer.add("review_item", review.id, review.version, {f: getattr(review, f) for f in REVIEW_FIELDS})
        out.append(OpenReview(review.id, review.client_uuid, conflict_of(review)))
    return out


def conflict_of(review) -> Conflict:
    """A stored review item (the model, or a row of its table) as the `sync.merge` conflict it came from."""
    current = review.current["value"] if "value" in (review.current or {}) else MISSING
    correction = Correction(review.entity, review.entity_id, review.field, review.seen.get("value"),
                            review.new.get("value"))
    return Conflict(correction, current, review.current_version, ConflictKind(review.kind), review.reason,
                    review.message, review.correction_index)
