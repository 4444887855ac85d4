"""Migration 0007 on a database with uploads: each manifest row gets its record's device, and the
photos already in are marked, so nothing owed before the upgrade is lost or reported twice."""
from datetime import timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from field_api import migrate
from field_api.db import make_engine
from field_api.models import Photo, RecordPhoto
from field_api.models.base import utcnow
from field_api.sync_service.upload import process_upload
from schemas.sync import UploadSchema
from tests.builders import make_account, make_crew, make_item, make_sector
from tests.sync_support import cut, enroll_device, publish_batch, upload_body

A, B = "a" * 64, "b" * 64


def naive_utc(at):
    return at.astimezone(timezone.utc).replace(tzinfo=None) if at.tzinfo else at  # SQLite keeps UTC, no offset


def test_0007_copies_each_manifest_rows_device_and_marks_the_photos_already_in(db_url, tmp_path):
    if db_url.startswith("sqlite"):
        db_url = f"sqlite:///{tmp_path}/photos-owed.sqlite"
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine)
        with Session(engine, expire_on_commit=False) as session:
            crew = make_crew(session, "Corte 1", ["cut"])
            account = make_account(session, "A1", -112.19, 30.71,
                                   sector=make_sector(session, "C", (-112.2, 30.7, -112.1, 30.8)))
            item = make_item(session, account, "cut", "restrict")
            publish_batch(session, crew, [item])
            device, _ = enroll_device(session, crew)
            photos = [{"sha256": s, "size": 10, "content_type": "image/jpeg"} for s in (A, B)]
            body = UploadSchema().load(upload_body([cut(item.id, 1, "paid_on_site", reading=None, photos=photos)]))
            process_upload(session, device.id, crew.id, body["sent_at"], body["records"], "America/Hermosillo")
            arrived = utcnow() - timedelta(minutes=5)
            session.add(Photo(sha256=A, size=10, content_type="image/jpeg", device_id=device.id, received_at=arrived))
            session.commit()
        migrate.downgrade(engine, "0006")  # the columns go, the rows stay
        migrate.upgrade(engine)
        with Session(engine) as session:
            rows = {r.sha256: r for r in session.scalars(select(RecordPhoto))}
            assert {s: r.device_id for s, r in rows.items()} == {A: device.id, B: device.id}
            assert naive_utc(rows[A].arrived_at) == naive_utc(arrived)
            assert rows[B].arrived_at is None  # still owed
    finally:
        if not db_url.startswith("sqlite"):  # leave the shared test database empty, at head
            migrate.downgrade(engine, "base")
            migrate.upgrade(engine)
        engine.dispose()
