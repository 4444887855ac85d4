"""One uploaded record from arrival to result: idempotency, validation, merge, effects.

`process_record` is the whole pure decision for one record; field_api loads its inputs, stores
the record with its result under the client UUID (the first time only), applies the row updates
and the effects in one transaction, and builds the reply. One record's result never depends on
another record of the same upload failing.

Statuses follow DESIGN rule 2. "conflict" covers two cases, told apart by `first_seen`:
  - the UUID was used before for other content: nothing of this record is stored;
  - the record was stored and its observations applied, but some registry corrections wait for
    the office in the review queue (`merge.conflicts`; field_api gives each a review id).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Collection, Mapping

from sync.business_calendar import BusinessCalendar
from sync.effects import Effect, SyncPolicy, WorkItemView
from sync.followups import effects_of
from sync.idempotency import DecisionKind, PreviousResult, decide
from sync.merge import MergeResult, RegistryRow, merge_record, row_key
from sync.outcomes import validate
from sync.problems import Problem
from sync.records import UploadRecord, fingerprint


class RecordStatus(str, Enum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    REJECTED = "rejected"


@dataclass(frozen=True)
class RecordResult:
    client_uuid: str  # normalised
    status: RecordStatus
    fingerprint: str
    first_seen: bool  # save this result under the UUID (rejections too, so resends get the same)
    problems: tuple[Problem, ...] = ()  # why it was rejected
    merge: MergeResult = MergeResult()
    effects: tuple[Effect, ...] = ()
    message: str | None = None  # Spanish: the rejection reason or the conflict explanation
    original: PreviousResult | None = None  # for duplicates and UUID conflicts

    @property
    def applies(self) -> bool:
        """Store the observations, write `merge.row_updates` and apply `effects`."""
        return self.first_seen and self.status in (RecordStatus.ACCEPTED, RecordStatus.CONFLICT)


def process_record(
    record: UploadRecord,
    *,
    previous: PreviousResult | None,
    work_item: WorkItemView | None,
    registry_snapshot: Mapping[tuple[str, str], RegistryRow],
    calendar: BusinessCalendar,
    policy: SyncPolicy,
    received_at: datetime,
    has_meter: bool = True,
    correctable: Collection[tuple[str, str]] | None = None,
) -> RecordResult:
    """Decide what `record` does. `previous` is what is stored under its UUID, if anything.

    `work_item` is None when the item does not exist or never belonged to this device. An item
    that was this device's when it downloaded its package, and was cancelled or reassigned while
    it was offline, must be passed in: its outcome is then recorded as it happened, with an
    office alert, instead of being lost to a rejection (DESIGN rule 6).

    `correctable`, when given, holds the registry rows (as `row_key`s) of the work item's stop: a
    correction of any other row is a problem (a device writes only to its own work, DESIGN rule 7).
    """
    fp = fingerprint(record)
    decision = decide(record.client_uuid, fp, previous)
    key = decision.client_uuid
    if decision.kind is DecisionKind.DUPLICATE:
        return RecordResult(key, RecordStatus.DUPLICATE, fp, first_seen=False, original=decision.original)
    if decision.kind is DecisionKind.CONFLICT:
        return RecordResult(key, RecordStatus.CONFLICT, fp, first_seen=False, message=decision.message,
                            original=decision.original)
    if work_item is None:
        problems = (Problem("work_item_id", "work_item.unknown",
                            f"El trabajo {record.work_item_id} no existe o no está asignado a este dispositivo"),)
    else:
        problems = tuple(validate(record, work_item.work_type, has_meter=has_meter))
        if correctable is not None:
            problems += tuple(_outside(record, correctable))
    if problems:
        # Stored as rejected, so that a resend gets the same answer and not a second judgement.
        return RecordResult(key, RecordStatus.REJECTED, fp, first_seen=True, problems=problems,
                            message="; ".join(str(p) for p in problems))
    merged = merge_record(record.corrections, registry_snapshot)
    effects = tuple(effects_of(record, work_item, calendar, policy, received_at=received_at))
    status = RecordStatus.CONFLICT if merged.conflicts else RecordStatus.ACCEPTED
    message = "; ".join(c.message for c in merged.conflicts) or None
    return RecordResult(key, status, fp, first_seen=True, merge=merged, effects=effects, message=message)


def _outside(record: UploadRecord, correctable: Collection[tuple[str, str]]) -> list[Problem]:
    return [Problem(f"corrections.{i}", "correction.not_this_stop",
                    f"{c.entity} {c.entity_id} no es de la parada de este trabajo; la cuadrilla solo corrige "
                    "el predio, la cuenta y el medidor del trabajo que reporta")
            for i, c in enumerate(record.corrections) if row_key(c.entity, c.entity_id) not in correctable]
