"""A device's PUT of photo bytes: only for photos its own records list, resumable, hash-checked."""
from __future__ import annotations

import os
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from field_api.models import FieldRecord, Photo, RecordPhoto
from field_api.models.base import utcnow
from sync.photos import SNIFF_BYTES, normalise_sha256, sniff_content_type

from .photos import Chunk, FilesystemPhotoStore, PhotoError, PhotoStore, check_declared, check_type
from .writes import insert_ignoring_duplicates


def photo_store() -> PhotoStore:
    root = current_app.config["PHOTO_DIR"] or os.path.join(current_app.instance_path, "photos")
    return FilesystemPhotoStore(root)


def address(sha: str) -> str:
    key = normalise_sha256(sha)
    if key is None:
        raise PhotoError(404, f"{sha!r} is not a photo address: use the photo's sha256, 64 hexadecimal digits.")
    return key


def expected(session: Session, sha: str, device_id: int) -> RecordPhoto:
    """The manifest entry of this device's records for `sha` (403 if only other devices list it)."""
    rows = session.execute(select(RecordPhoto, FieldRecord.device_id).join(
        FieldRecord, RecordPhoto.record_id == FieldRecord.id).where(RecordPhoto.sha256 == sha)).all()
    mine = [p for p, d in rows if d == device_id]
    if mine:
        return mine[0]
    if rows:
        raise PhotoError(403, "This photo belongs to another device's records.")
    raise PhotoError(404, "No record of this device lists this photo; upload the record (with its photo "
                          "manifest) first.")


def state(session: Session, store: PhotoStore, sha: str, ref: RecordPhoto) -> dict:
    photo = session.get(Photo, sha)
    if photo is not None:
        return {"sha256": sha, "received_bytes": photo.size, "complete": True, "size": photo.size}
    return {"sha256": sha, "received_bytes": store.received(sha), "complete": False, "size": ref.size}


def put_photo(session: Session, store: PhotoStore, device_id: int, sha: str, chunk: Chunk,
              stream: BinaryIO, content_type: str | None) -> dict:
    ref = expected(session, sha, device_id)
    photo = session.get(Photo, sha)
    if photo is not None:  # already complete: a retry changes nothing but a row listed meanwhile
        _mark_arrived(session, sha, photo.received_at)
        return state(session, store, sha, ref)
    with store.exclusive(sha) as partial:  # one PUT of this photo at a time, from check to move
        if store.has(sha):  # verified earlier (by a PUT racing this one, or whose row was not committed)
            _register(session, sha, ref.content_type, device_id, store.received(sha))
            return state(session, store, sha, ref)
        have = partial.size()
        if chunk.start not in (0, have):
            raise PhotoError(409, f"The server has the first {have} bytes of this photo; resume from byte "
                                  f"{have}.", have)
        size = partial.write_at(chunk.start, stream, chunk.length)
        head = min(SNIFF_BYTES, chunk.total)  # the bytes that tell an image's type
        if chunk.start == 0 or chunk.start < head <= size:
            # Checked on the first part, against its Content-Type; if that part was too short to show
            # the type, on the part that completes the head, against the type the manifest declared.
            try:
                if chunk.start == 0 and size < head:
                    check_declared(content_type)
                else:
                    check_type(content_type if chunk.start == 0 else ref.content_type, partial.head(head))
            except PhotoError:
                partial.write_at(0, stream, 0)  # drop the bytes of a refused file
                raise
        if size < chunk.total:
            return {"sha256": sha, "received_bytes": size, "complete": False, "size": chunk.total}
        kind = sniff_content_type(partial.head(SNIFF_BYTES))  # verified below by the hash
        if size > chunk.total or not partial.finish():
            raise PhotoError(422, "The bytes do not match the sha256 they were sent under; they were discarded. "
                                  "Send the photo again from the start.", 0)
        _register(session, sha, kind, device_id, size)
    return {"sha256": sha, "received_bytes": size, "complete": True, "size": size}


def _register(session: Session, sha: str, content_type: str, device_id: int, size: int) -> None:
    at = utcnow()
    insert_ignoring_duplicates(session, Photo.__table__, [{
        "sha256": sha, "size": size, "content_type": content_type, "device_id": device_id, "received_at": at}])
    _mark_arrived(session, sha, at)


def _mark_arrived(session: Session, sha: str, at) -> None:
    """The manifest rows of `sha` leave the index of photos owed (see RecordPhoto)."""
    session.execute(update(RecordPhoto).where(RecordPhoto.sha256 == sha, RecordPhoto.arrived_at.is_(None))
                    .values(arrived_at=at))
