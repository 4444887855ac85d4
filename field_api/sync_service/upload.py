"""One upload of field records: a status per record, the photos still missing, nothing half-written.

The records are merged in order against one working copy and stored with a few multi-row
statements. If that fails as a whole (a row moved despite the locks, a UUID raced in from a second
request), the upload is redone one record at a time, each in its own savepoint, so one bad record
never sinks the others. A record that still cannot be stored is answered `rejected` with
`retry: true` and is not stored, so sending it again later processes it afresh: never a 5xx.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, case, func, insert, literal_column, select, update
from sqlalchemy.orm import Session

from field_api.auth.service import AuthError
from field_api.list_params import in_list, list_param
from field_api.models import Device, ReviewItem, SyncUpload
from field_api.models.base import utcnow
from field_api.work.calendar import (
    POLICY_STATE_DAYS, POLICY_STATE_YEARS, calendar_span, policy_calendar,
)
from field_api.work.holidays import published_years
from field_api.work.policy import POLICY_ROW, policy_of
from sync.clock import clock_is_suspect, clock_offset
from sync.effects import SyncPolicy
from sync.idempotency import DecisionKind, PreviousResult, decide
from sync.merge import Conflict, remerge, row_key
from sync.process import RecordStatus, process_record

from .effects import Plan, apply_effects, utc
from .loading import Context, OpenReview, Stored, load_context
from .ownership import dispatch_waiting, former_of, moves, waiting
from .prebuilt import prebuilt
from .records import Incoming, act_row, parse, photo_rows, problem_dicts, raw_fingerprint, record_row
from .reviews import proposers, remerged_values
from .status import MISSING_LIMIT, MISSING_OF_DEVICE, missing_of
from .together import Together
from .writes import plan_writer

log = logging.getLogger(__name__)


class DeviceRevoked(AuthError):
    """The device was revoked while its upload waited for the device's lock: nothing is stored."""


@dataclass(frozen=True)
class Uploader:
    """Who sent the upload and when: the device, its crew, the clocks."""

    device_id: int
    crew_id: int | None
    sent_at: datetime
    received_at: datetime
    tz: ZoneInfo
    upload_id: int = 0
    former: tuple = ()  # the crews the device's member left, and when (`ownership.owned_by`)

    @property
    def actor(self) -> str:
        return f"device-{self.device_id}"

    @property
    def offset(self) -> timedelta:
        return clock_offset(self.received_at, self.sent_at)


# Below this size of field_record (its file, not its statistics, which may be old), every statement
# of an upload is planned for its actual arguments; from it on, PostgreSQL may keep generic plans.
CACHED_PLANS_FROM_BYTES = 1 << 20  # 128 pages, about 1,500 records


@prebuilt
def _device_lock(dialect: str):
    """Lock the device :device_id: one upload per device at a time (a retry racing its own first
    attempt waits, then sees duplicates). Read under the lock, `revoked_at` refuses an upload that
    was authenticated before a revocation committed and waited for it."""
    lock = select(Device.id, Device.revoked_at).where(Device.id == bindparam("device_id")).with_for_update()
    if dialect == "postgresql":
        # The driver prepares repeated statements, and PostgreSQL may then keep one generic plan for
        # as long as the connection lives. Made while field_record (or sync_upload...) held a page
        # or two, that plan is a scan of the whole table, and it stays one as the table grows: each
        # lookup by client UUID, and each foreign-key check of a new record, got slower with every
        # upload. So a young database plans every statement anew (CACHED_PLANS_FROM_BYTES); a grown
        # one keeps plans, which saves planning a dozen statements per upload (about 2 ms measured).
        # Every read here is by key, from pages in memory: with the default random_page_cost (4, for
        # spinning disks) a table of a few pages, such as sync_upload in its first weeks, looked
        # cheaper to scan whole even in a plan made for it (measured: 43 µs a foreign-key check
        # instead of 4). 1.1 is the value PostgreSQL's manual gives for SSDs. Both settings last
        # until the end of the transaction and travel with the lock.
        young = func.pg_relation_size(literal_column("'field_record'::regclass")) < bindparam("cached_plans_from")
        lock = lock.add_columns(
            func.set_config("plan_cache_mode", case((young, "force_custom_plan"), else_="auto"), True),
            func.set_config("random_page_cost", "1.1", True))
    return lock


_UPLOAD_COLUMNS = ("device_id", "received_at", "device_sent_at", "clock_offset_s", "records", "counts")
_INSERT_UPLOAD = (insert(SyncUpload.__table__).values({c: bindparam(c) for c in _UPLOAD_COLUMNS})
                  .returning(SyncUpload.id))
_UPLOAD_COUNTS = (update(SyncUpload.__table__).where(SyncUpload.id == bindparam("upload_id"))
                  .values(counts=bindparam("counts")))


@prebuilt
def _reviews_of(dialect: str):
    """The review items of the records :record_ids."""
    return (select(ReviewItem.id, ReviewItem.record_id).where(in_list(ReviewItem.record_id, "record_ids", dialect))
            .order_by(ReviewItem.id))


def process_upload(session: Session, device_id: int, crew_id: int | None, sent_at: datetime, raw_records: list,
                   zone: str, received_at: datetime | None = None) -> dict:
    """Process and store an upload in the session's transaction (the caller commits)."""
    received_at = (received_at or utcnow()).astimezone(timezone.utc)  # SQLite keeps no offset: store UTC
    incoming = [parse(raw, sent_at) for raw in raw_records]
    together = Together(session)
    who = Uploader(device_id, crew_id, sent_at, received_at, ZoneInfo(zone))
    item_ids = list_param(int(i.record.work_item_id) for i in incoming if i.record)
    contact = crew_id is not None and bool(item_ids)
    around = (received_at - timedelta(days=7)).date()  # records captured offline days before the upload
    opening = together.run([
        (_device_lock(together.conn), {"device_id": device_id, "cached_plans_from": CACHED_PLANS_FROM_BYTES}),
        (_INSERT_UPLOAD, {"device_id": device_id, "received_at": received_at, "device_sent_at": utc(sent_at),
                          "clock_offset_s": who.offset.total_seconds(), "records": len(incoming), "counts": {}}),
        (POLICY_ROW, {}),
        (POLICY_STATE_DAYS, calendar_span(around)),
        (POLICY_STATE_YEARS, {}),
        (moves(together.conn), {"device_id": device_id}),
        *([(waiting(together.conn), {"ids": item_ids, "crew_id": crew_id})] if contact else [])])
    if opening[0] and opening[0][0][1] is not None:
        raise DeviceRevoked("This device was revoked; ask the office for a new enrollment code.")
    upload_id = opening[1][0][0]
    who = Uploader(device_id, crew_id, sent_at, received_at, who.tz, upload_id, former_of(opening[5]))
    policy = policy_of(session, opening[2][0] if opening[2] else None)
    if contact:  # items this device gets with its own upload: moved as a download would have
        dispatch_waiting(session, [row[0] for row in opening[6]], who.actor)
    # With no policy row yet, the joins found no state days or years: policy_of made the row, ask again.
    years = frozenset([row[0] for row in opening[4]] if opening[2] else published_years(session, policy.holiday_state))
    rules = (policy_calendar(session, policy, around, zone,
                             days_of_state=[row[0] for row in opening[3]] if opening[2] else None),
             SyncPolicy(policy.summons_followup_time, policy.summons_window_minutes,
                        policy.reconnection_deadline_hours, policy.domestic_cut_action,
                        policy.holiday_state, years))
    try:
        with together.savepoint("upload_merge"):
            results = _run(together, who, rules, incoming)
    except Exception:  # noqa: BLE001 - any failure: isolate the records from each other
        log.warning("Upload %s: the batched merge failed; retrying record by record", upload_id, exc_info=True)
        results = []
        for inc in incoming:
            try:
                with together.savepoint("upload_record"):
                    results += _run(together, who, rules, [inc])
            except Exception:  # noqa: BLE001
                log.exception("Upload %s: record %s could not be stored", upload_id, inc.uuid)
                results.append({"client_uuid": inc.uuid, "status": "rejected", "retry": True,
                                "message": "El servidor no pudo guardar este registro; envíelo de nuevo más tarde"})
    counts: dict[str, int] = {}
    for r in results:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    closing = together.run([(_UPLOAD_COUNTS, {"upload_id": upload_id, "counts": counts}),
                            (MISSING_OF_DEVICE, {"device_id": device_id, "limit": MISSING_LIMIT})])
    return {"received_at": received_at, "clock_offset_s": who.offset.total_seconds(),
            "clock_suspect": clock_is_suspect(who.offset), "results": results,
            "missing_photos": missing_of(closing[1])}


def _run(together: Together, who: Uploader, rules, incoming: list[Incoming]) -> list[dict]:
    ctx = load_context(together, who.crew_id, [i.uuid for i in incoming if i.uuid],
                       [i.record for i in incoming if i.record], who.received_at, who.former)
    plan, replies = Plan(), []
    together.flush()  # the savepoint, if no load took it along, before the write
    with plan_writer(together, plan, ctx, who.actor, who.received_at) as writer:
        for n, part in enumerate(_parts(incoming)):
            if n:
                writer.send()  # PostgreSQL stores the part before while Python merges this one
            replies += [_one(ctx, plan, who, rules, inc) for inc in part]
    record_ids, review_ids = writer.record_ids, writer.review_ids
    originals = {s.record_id for s in ctx.stored.values() if s.record_id is not None}
    stored_reviews: dict[int, list[int]] = {}
    if originals:  # duplicates answer with the review ids their first record got
        [rows] = together.run([(_reviews_of(together.conn), {"record_ids": list_param(originals)})])
        for review_id, record_id in rows:
            stored_reviews.setdefault(record_id, []).append(review_id)
    for reply in replies:
        key = reply.pop("_record", None)
        if key is None:
            continue
        reply["record_id"] = record_ids.get(key) or ctx.stored[key].record_id
        if "review_ids" in reply:
            found = sorted(i for (u, _), i in review_ids.items() if u == key)
            reply["review_ids"] = found or stored_reviews.get(reply["record_id"], [])
    return replies


# From this many records an upload's plan goes out in two parts, the first with this share of them.
# Measured on bench/sync.py's uploads of 40, alternating with and without: 5-14 % faster than whole,
# and a third part gained nothing. 16 is judged, not measured: below it, a part hides less than a
# millisecond of merging, about what a second statement costs PostgreSQL.
PARTS_FROM = 16
PART_CUTS = (0.4,)


def _parts(incoming: list[Incoming]) -> list[list[Incoming]]:
    """The records in the parts the plan is sent in, in order. PostgreSQL takes longer to store a
    record than Python to merge one, so the first part is the smaller: its write hides the merging
    of the second. A small upload goes whole: a second statement would cost more than it hides."""
    n = len(incoming)
    if n < PARTS_FROM:
        return [incoming]
    cuts = [0, *(round(n * f) for f in PART_CUTS), n]
    return [incoming[a:b] for a, b in zip(cuts, cuts[1:])]


def _one(ctx: Context, plan: Plan, who: Uploader, rules, inc: Incoming) -> dict:
    if inc.uuid is None:
        return {"client_uuid": None, "status": "rejected", "problems": problem_dicts(inc.problems),
                "message": "El registro no tiene un client_uuid válido (UUID); no se guardó"}
    stored = ctx.stored.get(inc.uuid)
    if stored is not None and stored.device_id != who.device_id:
        plan.variants.append(_variant(who, inc, raw_fingerprint(inc.fingerprinted)))
        return {"client_uuid": inc.uuid, "status": "conflict",
                "message": "Este identificador ya lo usó otro dispositivo; envíe el registro con uno nuevo"}
    previous = stored.previous if stored else None
    if inc.record is None:
        return _unloadable(ctx, plan, who, inc, previous)
    rec = inc.record
    view = ctx.item_view(rec.work_item_id)
    has_meter = view is not None and view.account_id in ctx.has_meter
    result = process_record(rec, previous=previous, work_item=view, registry_snapshot=ctx.snapshot(),
                            calendar=rules[0], policy=rules[1], received_at=who.received_at, has_meter=has_meter,
                            correctable=ctx.correctable(view) if view is not None else None)
    if result.status is RecordStatus.DUPLICATE:
        return _duplicate(inc, stored)
    if not result.first_seen:  # the UUID was used for other content
        plan.variants.append(_variant(who, inc, result.fingerprint))
        return {"client_uuid": inc.uuid, "status": "conflict", "message": result.message,
                "original_status": previous.status, "_record": inc.uuid}
    plan.records.append(record_row(inc, status=result.status.value, fingerprint=result.fingerprint,
                                   message=result.message, problems=result.problems, device_id=who.device_id,
                                   upload_id=who.upload_id, sent_at=who.sent_at, received_at=who.received_at,
                                   offset=who.offset, item_status=view.status if view else None))
    _remember(ctx, inc, result.fingerprint, result.status.value, result.message, result.problems, who)
    if result.applies:
        _merge(ctx, rec, result, inc.uuid)
        plan.photos += photo_rows(rec, inc.uuid, who.device_id, ctx.arrived)
        if rec.notice_record is not None:
            plan.acts.append(act_row(rec, inc.uuid))
        apply_effects(ctx, plan, rec, result.effects, inc.uuid, who.actor, who.device_id, who.tz, who.received_at)
    reply = {"client_uuid": inc.uuid, "status": result.status.value, "work_item_id": rec.work_item_id,
             "message": result.message, "problems": problem_dicts(result.problems), "_record": inc.uuid}
    if result.status is RecordStatus.CONFLICT:
        reply["review_ids"] = []
    return reply


def _merge(ctx: Context, rec, result, uuid: str) -> None:
    w = ctx.writer
    for u in result.merge.row_updates:
        w.change(u.entity, u.entity_id, dict(u.values), "field", uuid, expect_version=u.base_version)
    ctx.reviews += [OpenReview(None, uuid, c) for c in result.merge.conflicts]
    touched = {(row_key(a.correction.entity, a.correction.entity_id), a.correction.field)
               for a in result.merge.applied}
    chosen = [r for r in ctx.reviews if r.settled is None
              and (row_key(r.conflict.correction.entity, r.conflict.correction.entity_id),
                   r.conflict.correction.field) in touched]
    if not chosen:
        return
    remerged = remerge([r.conflict for r in chosen], ctx.snapshot())
    # One step per row, but each field logged under the record whose correction left its value:
    # the reviews settled together may come from several records.
    proposed = proposers([r.client_uuid for r in chosen], remerged.outcomes)
    for u in remerged.row_updates:
        key = row_key(u.entity, u.entity_id)
        refs = {f: proposed[(key, f, v)] for f, v in u.values.items()}
        w.change(u.entity, u.entity_id, dict(u.values), "field", refs, expect_version=u.base_version)
    for review, outcome in zip(chosen, remerged.outcomes):
        if isinstance(outcome, Conflict):
            review.conflict = outcome
        else:
            review.settled = outcome
        if review.review_id is not None:
            w.change("review_item", review.review_id, remerged_values(outcome, w.at), "system", uuid)


def _unloadable(ctx: Context, plan: Plan, who: Uploader, inc: Incoming, previous) -> dict:
    fp = raw_fingerprint(inc.fingerprinted)
    decision = decide(inc.uuid, fp, previous)
    if decision.kind is DecisionKind.DUPLICATE:
        return _duplicate(inc, ctx.stored[inc.uuid])
    if decision.kind is DecisionKind.CONFLICT:
        plan.variants.append(_variant(who, inc, fp))
        return {"client_uuid": inc.uuid, "status": "conflict", "message": decision.message,
                "original_status": previous.status, "_record": inc.uuid}
    message = "; ".join(str(p) for p in inc.problems)
    plan.records.append(record_row(inc, status="rejected", fingerprint=fp, message=message, problems=inc.problems,
                                   device_id=who.device_id, upload_id=who.upload_id, sent_at=who.sent_at,
                                   received_at=who.received_at, offset=who.offset, item_status=None))
    _remember(ctx, inc, fp, "rejected", message, inc.problems, who)
    return {"client_uuid": inc.uuid, "status": "rejected", "message": message,
            "problems": problem_dicts(inc.problems), "_record": inc.uuid}


def _remember(ctx: Context, inc: Incoming, fp: str, status: str, message, problems, who: Uploader) -> None:
    """So that the same UUID later in this very upload is a duplicate (or a conflict) of this one."""
    ctx.stored[inc.uuid] = Stored(None, who.device_id, inc.record.work_item_id if inc.record else None,
                                  PreviousResult(inc.uuid, fp, status, received_at=who.received_at),
                                  message, problem_dicts(problems) or None)


def _duplicate(inc: Incoming, stored: Stored) -> dict:
    return {"client_uuid": inc.uuid, "status": "duplicate", "original_status": stored.previous.status,
            "work_item_id": stored.work_item_id, "message": stored.message, "problems": stored.problems or [],
            "review_ids": [], "_record": inc.uuid}


def _variant(who: Uploader, inc: Incoming, fp: str) -> dict:
    return {"client_uuid": inc.uuid, "device_id": who.device_id, "upload_id": who.upload_id, "fingerprint": fp,
            "received_at": who.received_at, "payload": inc.stored_payload}
