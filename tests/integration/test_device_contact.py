"""A device's last contact, on both backends: it never moves back, it is written at most once a minute,
and a database from before contacts were noted knows a device's older contacts from its uploads."""
from datetime import datetime, timedelta, timezone

from field_api.models import SyncUpload
from field_api.sync_service.contact import seen
from field_api.sync_service.status import device_status
from tests.builders import make_crew
from tests.sync_support import enroll_device

UPLOADED = datetime(2026, 11, 24, 17, 0, tzinfo=timezone.utc)


def last_seen(session, device):
    session.flush()
    return device_status(session, [device.id])[device.id]["last_seen_at"]


def test_a_device_is_last_seen_at_its_latest_contact_or_upload_whichever_came_later(session):
    device, _ = enroll_device(session, make_crew(session, "Contacto 1", ["cut"]))
    assert last_seen(session, device) is None
    session.add(SyncUpload(device_id=device.id, received_at=UPLOADED, device_sent_at=UPLOADED, clock_offset_s=0.0,
                           records=1, counts={"accepted": 1}))
    assert last_seen(session, device) == UPLOADED  # an upload from before contacts were noted

    seen(session, device.id, UPLOADED - timedelta(hours=1))
    assert last_seen(session, device) == UPLOADED
    seen(session, device.id, UPLOADED + timedelta(hours=1))
    assert last_seen(session, device) == UPLOADED + timedelta(hours=1)
    seen(session, device.id, UPLOADED + timedelta(minutes=30))  # a request that ended later, begun earlier
    assert last_seen(session, device) == UPLOADED + timedelta(hours=1)
    seen(session, device.id, UPLOADED + timedelta(hours=1, seconds=30))  # the same sync's next request
    assert last_seen(session, device) == UPLOADED + timedelta(hours=1)
    seen(session, device.id, UPLOADED + timedelta(hours=1, minutes=1))
    assert last_seen(session, device) == UPLOADED + timedelta(hours=1, minutes=1)
