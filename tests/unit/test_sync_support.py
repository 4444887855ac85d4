"""Builders for the sync tests (no tests here): a complete, valid record by default, so that each
test changes only what it is about."""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from sync.business_calendar import fiscal_calendar
from sync.effects import AppendReading, SetServiceStatus, SetWorkItemStatus, SyncPolicy, WorkItemView
from sync.idempotency import PreviousResult, normalise_uuid
from sync.merge import MISSING, Applied, Conflict, RegistryRow, remerge, resolve, row_key
from sync.process import RecordResult, process_record
from sync.records import GpsFix, NoticeRecord, PhotoRef, Reading, UploadRecord

# Sonora keeps UTC-7 all year; a fixed offset needs no tz database.
HMO = timezone(timedelta(hours=-7), "America/Hermosillo")
UTC = timezone.utc
# Tuesday 4 March 2025, 09:00 in Caborca.
MORNING = datetime(2025, 3, 4, 9, 0, tzinfo=HMO)
CALENDAR = fiscal_calendar([2025, 2026], tz=HMO)
POLICY = SyncPolicy()
SIGNATURE = "ab" * 32
PROOF = "cd" * 32


def uid(n: int) -> str:
    return str(uuid.UUID(int=n))


def gps(lon: float = -112.16, lat: float = 30.71, accuracy_m: float = 8.0) -> GpsFix:
    return GpsFix(lon, lat, accuracy_m)


def notice_record(start: datetime = MORNING, **changes) -> NoticeRecord:
    base = NoticeRecord(
        address_verified_by="Placa con número 12 y nomenclatura de la calle",
        property_description="Casa de un piso, fachada blanca, portón negro",
        started_at=start,
        ended_at=start + timedelta(minutes=12),
        gps=gps(),
        received_by="María López Ruiz",
        relationship="addressee",
        id_shown="INE 1234567890",
        signature_sha256=SIGNATURE,
    )
    return replace(base, **changes)


def photo(sha: str = SIGNATURE, size: int = 200_000, content_type: str = "image/jpeg") -> PhotoRef:
    return PhotoRef(sha, size, content_type)


def notice(outcome: str = "served_in_person", n: int = 1, at: datetime = MORNING, **changes) -> UploadRecord:
    base = UploadRecord(
        client_uuid=uid(n), work_item_id=100 + n, outcome=outcome,
        captured_at=at + timedelta(minutes=13), device_clock_at_send=at + timedelta(hours=8),
        gps=gps(), notice_record=notice_record(at), photos=(photo(),),
    )
    return replace(base, **changes)


def record(outcome: str, n: int = 1, at: datetime = MORNING, **changes) -> UploadRecord:
    """A record with no notice parts: for cuts, reconnections, inspections and walks."""
    base = UploadRecord(
        client_uuid=uid(n), work_item_id=100 + n, outcome=outcome,
        captured_at=at, device_clock_at_send=at + timedelta(hours=8), gps=gps(),
    )
    return replace(base, **changes)


def reading(serial: str = "M-1", value: float = 1234.5) -> Reading:
    return Reading(serial, value)


def item(work_type: str = "notice", status: str = "dispatched", n: int = 1, **changes) -> WorkItemView:
    subtype = {"notice": "cut_warning", "cut": "restrict", "reconnection": "restore",
               "inspection": "requested", "verification": "walk"}[work_type]
    base = WorkItemView(id=100 + n, work_type=work_type, subtype=subtype, status=status,
                        account_id=500 + n, premise_id=700 + n, land_use="domestic")
    return replace(base, **changes)


class FakeServer:
    """An in-memory server built only on the pure sync functions: a registry dict, an idempotency
    store keyed by client UUID, and append-only lists of what was stored. It applies results
    the way field_api is meant to: row updates under an optimistic version check, then effects,
    then a `remerge` of the open conflicts on the fields just written. The office decides open
    conflicts with `decide`, as `field_api.sync_service.reviews` does."""

    def __init__(self, registry, items, start=MORNING + timedelta(hours=9)):
        self.registry = {k: RegistryRow(v.version, dict(v.values)) for k, v in registry.items()}
        self.items = dict(items)
        self.store: dict[str, PreviousResult] = {}
        self.records: list[UploadRecord] = []  # stored observations, append-only
        self.readings: list[AppendReading] = []
        self.effects: list = []
        self.open: list[tuple[str, Conflict]] = []  # the review queue: (client uuid, conflict)
        self.settled: dict[tuple[str, int], object] = {}  # (uuid, index) -> Applied | NoOp, final
        self.decided: dict[tuple[str, int], tuple[bool, object]] = {}  # (uuid, index) -> (accepted?, outcome)
        self.now = start
        self.replies: list[RecordResult] = []

    def upload(self, rec: UploadRecord) -> RecordResult:
        self.now += timedelta(seconds=1)
        key = normalise_uuid(rec.client_uuid) or rec.client_uuid
        result = process_record(
            rec, previous=self.store.get(key), work_item=self.items.get(rec.work_item_id),
            registry_snapshot=self.registry, calendar=CALENDAR, policy=POLICY, received_at=self.now,
        )
        if result.first_seen:
            self.store[result.client_uuid] = PreviousResult(
                result.client_uuid, result.fingerprint, result.status.value,
                reply={"status": result.status.value, "message": result.message}, received_at=self.now)
        if result.applies:
            self.records.append(rec)
            self._write(result.merge.row_updates)
            for outcome in result.merge.applied + result.merge.noops:
                self.settled[(result.client_uuid, outcome.index)] = outcome
            self.open.extend((result.client_uuid, c) for c in result.merge.conflicts)
            for effect in result.effects:
                self._apply(effect)
            self._remerge({(row_key(a.correction.entity, a.correction.entity_id), a.correction.field)
                           for a in result.merge.applied})
        self.replies.append(result)
        return result

    def _write(self, updates) -> None:
        for update in updates:
            key = row_key(update.entity, update.entity_id)
            row = self.registry[key]
            assert row.version == update.base_version, "the snapshot was current: no lost update"
            self.registry[key] = RegistryRow(update.new_version, {**row.values, **update.values})

    def _remerge(self, touched) -> None:
        chosen = [i for i, (_, c) in enumerate(self.open)
                  if (row_key(c.correction.entity, c.correction.entity_id), c.correction.field) in touched]
        if not chosen:
            return
        remerged = remerge([self.open[i][1] for i in chosen], self.registry)
        self._write(remerged.row_updates)
        for i, outcome in zip(chosen, remerged.outcomes):
            uuid_ = self.open[i][0]
            if isinstance(outcome, Conflict):
                self.open[i] = (uuid_, outcome)
            else:
                self.settled[(uuid_, outcome.index)] = outcome
                self.open[i] = None
        self.open = [entry for entry in self.open if entry is not None]

    def _apply(self, effect) -> None:
        self.effects.append(effect)
        if isinstance(effect, AppendReading):
            self.readings.append(effect)
        elif isinstance(effect, SetServiceStatus):
            self.office_edit("account", effect.account_id, "service_status", effect.status)
        elif isinstance(effect, SetWorkItemStatus):
            self.items[effect.work_item_id] = replace(self.items[effect.work_item_id], status=effect.status)

    def office_edit(self, entity, entity_id, field, value) -> None:
        key = row_key(entity, entity_id)
        row = self.registry[key]
        self.registry[key] = RegistryRow(row.version + 1, {**row.values, field: value})

    def decide(self, uuid_, index, accept: bool):
        """The office's decision on an open conflict (`resolve`): a write only over the value the
        reviewer was shown; a `Conflict` back means the registry moved and the item stays open with
        the new value. Like the service, an accepted value re-merges the field's other open conflicts,
        as a field correction applied by an upload does."""
        i = next(i for i, (u, c) in enumerate(self.open) if (u, c.index) == (uuid_, index))
        conflict = self.open[i][1]
        c = conflict.correction
        row = self.registry.get(row_key(c.entity, c.entity_id))
        current = row.values.get(c.field, MISSING) if row is not None else MISSING
        outcome = resolve(conflict, accept, current, row.version if row is not None else None)
        if isinstance(outcome, Conflict):
            self.open[i] = (uuid_, outcome)
            return outcome
        if isinstance(outcome, Applied):
            self.office_edit(c.entity, c.entity_id, c.field, outcome.new)
        del self.open[i]
        self.decided[(uuid_, index)] = (accept, outcome)
        if isinstance(outcome, Applied):
            self._remerge({(row_key(c.entity, c.entity_id), c.field)})
        return outcome

    def cancel(self, work_item_id, reason="pagó") -> None:
        self.items[work_item_id] = replace(self.items[work_item_id], status="cancelled", status_reason=reason)

    def values(self) -> dict:
        return {k: dict(v.values) for k, v in self.registry.items()}
