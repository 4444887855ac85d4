"""What the office knows of each device's contact: when it was last heard from, and when each batch
first reached it. A dispatcher sees which phones went quiet and which crews do not have their route."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, text
from sqlalchemy.orm import Session

from field_api.models import Batch, BatchDelivery, CrewMember, Device, DeviceContact, SyncUpload

from .writes import dialect_insert, insert_ignoring_duplicates


# A contact this soon after the one noted is not written: a phone syncing makes several requests in a
# row, and the office reads minutes, not seconds.
NOTED_EVERY = timedelta(minutes=1)


def needs_noting(last_noted: datetime | None, at: datetime) -> bool:
    """Whether a contact at `at` is to be written, after the one noted at `last_noted`."""
    return last_noted is None or last_noted <= at - NOTED_EVERY


def seen(session: Session, device_id: int, at: datetime) -> None:
    """The device was heard from at `at`. Never moves back: two requests may end in either order."""
    table = DeviceContact.__table__
    insert = dialect_insert(session, table).values(device_id=device_id, last_seen_at=at)
    session.execute(insert.on_conflict_do_update(
        index_elements=[table.c.device_id], set_={"last_seen_at": insert.excluded.last_seen_at},
        where=table.c.last_seen_at <= at - NOTED_EVERY))


def note_contact(session: Session, device_id: int, at: datetime) -> None:
    """`seen`, in a transaction of the session's own that the caller commits: on PostgreSQL without
    waiting for the disk, since a contact lost in a crash only leaves an older one showing."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit = off"))
    seen(session, device_id, at)


def delivered(session: Session, device_id: int, batch_ids: list[int], at: datetime) -> None:
    """A package holding `batch_ids` was sent to the device; a batch's first sending is kept."""
    insert_ignoring_duplicates(session, BatchDelivery.__table__,
                               [{"batch_id": b, "device_id": device_id, "delivered_at": at} for b in batch_ids])


def last_contacts(session: Session, device_ids: list[int]) -> dict[int, datetime]:
    """Per device, its latest contact noted. A database from before contacts were noted knows older
    ones only from the uploads: callers take the later of this and the last upload (`latest`)."""
    return dict(session.execute(select(DeviceContact.device_id, DeviceContact.last_seen_at)
                                .where(DeviceContact.device_id.in_(device_ids))).all())


def latest_of_crews(session: Session, crew_ids: list[int], at) -> dict[int, datetime]:
    """Per crew, the latest `at` among its members' devices: `at` is a time column of a table keyed
    by device (`DeviceContact.last_seen_at`, `SyncUpload.received_at`)."""
    table = at.class_
    return dict(session.execute(
        select(CrewMember.crew_id, func.max(at))
        .join(Device, Device.crew_member_id == CrewMember.id).join(table, table.device_id == Device.id)
        .where(CrewMember.crew_id.in_(crew_ids)).group_by(CrewMember.crew_id)).all())


def silent_since(at: datetime):
    """The condition on Device that it was not heard from since `at`: no contact noted and no upload
    (`last_contacts`). A contact is noted at most once a minute, so a device heard only in the minute
    after `at` may still count as silent."""
    return (~exists().where(DeviceContact.device_id == Device.id, DeviceContact.last_seen_at >= at)
            & ~exists().where(SyncUpload.device_id == Device.id, SyncUpload.received_at >= at))


def latest(*times: datetime | None) -> datetime | None:
    known = [t for t in times if t is not None]
    return max(known) if known else None


def last_downloads(session: Session, device_ids: list[int]) -> dict[int, dict]:
    """Per device, the newest batch it was sent: the batch, its day, and when it was first sent."""
    newest = (select(BatchDelivery.device_id, func.max(BatchDelivery.delivered_at).label("at"))
              .where(BatchDelivery.device_id.in_(device_ids)).group_by(BatchDelivery.device_id).subquery())
    rows = session.execute(
        select(BatchDelivery.device_id, BatchDelivery.batch_id, Batch.service_date, BatchDelivery.delivered_at)
        .join(newest, (newest.c.device_id == BatchDelivery.device_id) & (newest.c.at == BatchDelivery.delivered_at))
        .join(Batch, Batch.id == BatchDelivery.batch_id).order_by(BatchDelivery.batch_id))
    # A crew has one active batch a day, so a package sends one; should two tie, the later batch stands.
    return {device_id: {"batch_id": batch_id, "service_date": day, "delivered_at": at}
            for device_id, batch_id, day, at in rows}


def first_deliveries(session: Session, batch_ids: list[int]) -> dict[int, datetime]:
    """Per batch, when it first reached any device."""
    return dict(session.execute(select(BatchDelivery.batch_id, func.min(BatchDelivery.delivered_at))
                                .where(BatchDelivery.batch_id.in_(batch_ids)).group_by(BatchDelivery.batch_id)).all())
