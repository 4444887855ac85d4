"""What the office and the device see of sync: missing photos, and each device's sync status."""
from __future__ import annotations

from sqlalchemy import and_, bindparam, exists, func, select
from sqlalchemy.orm import Session

from field_api.models import FieldRecord, Photo, RecordPhoto, ReviewItem, SyncUpload

from .contact import last_contacts, last_downloads, latest

MISSING_LIMIT = 500


def photo_missing():
    """The condition on RecordPhoto that its bytes are not in: looked for among the rows not marked
    arrived (the partial index), and decided by the photo table."""
    return RecordPhoto.arrived_at.is_(None) & ~exists().where(Photo.sha256 == RecordPhoto.sha256)


# Built once: every upload's reply runs it.
MISSING_OF_DEVICE = (select(RecordPhoto.sha256, RecordPhoto.size, RecordPhoto.content_type, FieldRecord.client_uuid)
                     .join(FieldRecord, RecordPhoto.record_id == FieldRecord.id)
                     .where(RecordPhoto.device_id == bindparam("device_id"), photo_missing())
                     .order_by(RecordPhoto.id).limit(bindparam("limit")))


def missing_of(rows) -> list[dict]:
    """The rows of MISSING_OF_DEVICE: photos this device's stored records list and whose bytes have
    not arrived, oldest first, each with the records that list it."""
    out: dict[str, dict] = {}
    for sha, size, content_type, uuid in rows:
        entry = out.setdefault(sha, {"sha256": sha, "size": size, "content_type": content_type, "client_uuids": []})
        entry["client_uuids"].append(uuid)
    return list(out.values())


def missing_photos_of(session: Session, device_id: int) -> list[dict]:
    """The photos this device still owes, for a sync reply (DESIGN rule 3: every reply lists them)."""
    return missing_of(session.execute(MISSING_OF_DEVICE, {"device_id": device_id, "limit": MISSING_LIMIT}))


def device_status(session: Session, device_ids: list[int]) -> dict[int, dict]:
    """Per device: last upload, last contact, newest batch sent, records received, photos pending,
    conflicts open, last clock offset."""
    out = {d: {"last_sync_at": None, "last_seen_at": None, "last_download": None, "records_received": 0,
               "pending_photos": 0, "conflicts_open": 0, "clock_offset_s": None} for d in device_ids}
    if not device_ids:
        return out
    for d, download in last_downloads(session, device_ids).items():
        out[d]["last_download"] = download
    for d, last, n in session.execute(select(SyncUpload.device_id, func.max(SyncUpload.received_at), func.count())
                                      .where(SyncUpload.device_id.in_(device_ids)).group_by(SyncUpload.device_id)):
        out[d]["last_sync_at"] = last
    contacts = last_contacts(session, device_ids)
    for d in device_ids:
        out[d]["last_seen_at"] = latest(contacts.get(d), out[d]["last_sync_at"])
    last_upload = (select(SyncUpload.device_id, func.max(SyncUpload.id).label("last_id"))
                   .where(SyncUpload.device_id.in_(device_ids)).group_by(SyncUpload.device_id).subquery())
    for d, offset in session.execute(select(SyncUpload.device_id, SyncUpload.clock_offset_s)
                                     .join(last_upload, and_(last_upload.c.last_id == SyncUpload.id))):
        out[d]["clock_offset_s"] = offset
    for d, n in session.execute(select(FieldRecord.device_id, func.count()).where(
            FieldRecord.device_id.in_(device_ids)).group_by(FieldRecord.device_id)):
        out[d]["records_received"] = n
    for d, n in session.execute(select(RecordPhoto.device_id, func.count(func.distinct(RecordPhoto.sha256)))
                                .where(RecordPhoto.device_id.in_(device_ids), photo_missing())
                                .group_by(RecordPhoto.device_id)):
        out[d]["pending_photos"] = n
    for d, n in session.execute(select(FieldRecord.device_id, func.count()).join(
            ReviewItem, ReviewItem.record_id == FieldRecord.id).where(
            FieldRecord.device_id.in_(device_ids), ReviewItem.status == "open").group_by(FieldRecord.device_id)):
        out[d]["conflicts_open"] = n
    return out
