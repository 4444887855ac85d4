"""Photos by sha256: verified, resumable, limited in size and type, listed by the office while missing."""
from sqlalchemy import func, select, update

from field_api.models import Photo, RecordPhoto
from sync.photos import MAX_PHOTO_BYTES
from tests.api.conftest import as_role
from tests.api.sync_fixtures import field_day, server_clock  # noqa: F401
from tests.sync_support import PROOF_JPEG, cut, download, sha, upload_body

PNG = b"\x89PNG\r\n\x1a\n" + b"png" * 100


def paid_on_site(field_day, photos=((PROOF_JPEG, "image/jpeg"),)):
    manifest = [{"sha256": sha(data), "size": len(data), "content_type": kind} for data, kind in photos]
    record = cut(field_day["cuts"][0].id, 1, "paid_on_site", reading=None, photos=manifest)
    reply = field_day["cutter"].post("/api/v1/sync/uploads", json=upload_body([record])).get_json()
    assert reply["results"][0]["status"] == "accepted", reply
    return reply


def url(data: bytes) -> str:
    return f"/api/v1/sync/photos/{sha(data)}"


def test_bytes_that_do_not_match_their_sha256_are_refused_and_not_kept(field_day, session):
    paid_on_site(field_day)
    tampered = PROOF_JPEG[:-1] + b"X"
    response = field_day["cutter"].put(url(PROOF_JPEG), data=tampered, content_type="image/jpeg")
    assert response.status_code == 422 and "do not match the sha256" in response.get_json()["message"]
    assert field_day["cutter"].get(url(PROOF_JPEG)).get_json()["received_bytes"] == 0
    assert session.scalar(select(func.count()).select_from(Photo)) == 0


def test_the_office_lists_records_missing_photos_until_the_bytes_arrive(field_day, app, tokens):
    reply = paid_on_site(field_day)
    assert [p["sha256"] for p in reply["missing_photos"]] == [sha(PROOF_JPEG)]
    office = as_role(app, tokens, "supervisor")
    waiting = office.get("/api/v1/field-records?missing_photos=true").get_json()["records"]
    assert [(r["outcome"], r["photos_missing"]) for r in waiting] == [("paid_on_site", [sha(PROOF_JPEG)])]
    assert field_day["cutter"].put(url(PROOF_JPEG), data=PROOF_JPEG, content_type="image/jpeg").status_code == 200
    assert office.get("/api/v1/field-records?missing_photos=true").get_json()["records"] == []
    record_id = waiting[0]["id"]
    image = office.get(f"/api/v1/field-records/{record_id}/photos/{sha(PROOF_JPEG)}")
    assert image.status_code == 200 and image.data == PROOF_JPEG and image.mimetype == "image/jpeg"
    alert = office.get("/api/v1/alerts?kind=payment_to_verify").get_json()["alerts"][0]
    assert alert["details"] == {"photos": [sha(PROOF_JPEG)]}


def test_too_large_a_photo_is_413_before_its_bytes_are_read(field_day):
    paid_on_site(field_day)
    response = field_day["cutter"].put(url(PROOF_JPEG), data=PROOF_JPEG[:10], content_type="image/jpeg",
                                       headers={"Content-Range": f"bytes 0-9/{MAX_PHOTO_BYTES + 1}"})
    assert response.status_code == 413 and "at most" in response.get_json()["message"]


def test_a_content_range_with_a_number_of_thousands_of_digits_is_422(field_day):
    paid_on_site(field_day)
    response = field_day["cutter"].put(url(PROOF_JPEG), data=PROOF_JPEG[:10], content_type="image/jpeg",
                                       headers={"Content-Range": "bytes 0-9/" + "9" * 5000})
    assert response.status_code == 422 and "Content-Range" in response.get_json()["message"]


def test_a_file_that_is_not_the_declared_image_type_is_415(field_day):
    paid_on_site(field_day)
    as_png = field_day["cutter"].put(url(PROOF_JPEG), data=PROOF_JPEG, content_type="image/png")
    assert as_png.status_code == 415
    as_text = field_day["cutter"].put(url(PROOF_JPEG), data=PROOF_JPEG, content_type="text/plain")
    assert as_text.status_code == 415 and "not accepted" in as_text.get_json()["message"]


def test_a_device_may_only_send_photos_its_own_records_list(field_day):
    paid_on_site(field_day)
    other = field_day["notifier"].put(url(PROOF_JPEG), data=PROOF_JPEG, content_type="image/jpeg")
    assert other.status_code == 403
    unlisted = field_day["cutter"].put(url(PNG), data=PNG, content_type="image/png")
    assert unlisted.status_code == 404 and "upload the record" in unlisted.get_json()["message"]
    assert field_day["cutter"].get("/api/v1/sync/photos/not-a-hash").status_code == 404


def test_a_photo_that_arrived_leaves_the_index_of_photos_owed_also_for_records_that_list_it_later(field_day,
                                                                                                session):
    paid_on_site(field_day)
    owed = select(RecordPhoto.record_id, RecordPhoto.device_id, RecordPhoto.arrived_at)
    [(_, device_id, arrived_at)] = session.execute(owed).all()
    assert device_id == field_day["cut_device"].id and arrived_at is None
    assert field_day["cutter"].put(url(PROOF_JPEG), data=PROOF_JPEG, content_type="image/jpeg").status_code == 200
    assert all(row.arrived_at is not None for row in session.execute(owed))
    manifest = [{"sha256": sha(PROOF_JPEG), "size": len(PROOF_JPEG), "content_type": "image/jpeg"}]
    later = cut(field_day["cuts"][1].id, 2, "paid_on_site", reading=None, photos=manifest)  # the same photo again
    reply = field_day["cutter"].post("/api/v1/sync/uploads", json=upload_body([later])).get_json()
    assert reply["results"][0]["status"] == "accepted" and reply["missing_photos"] == []
    rows = session.execute(owed).all()
    assert len(rows) == 2 and all(row.arrived_at is not None for row in rows)


def test_a_manifest_row_that_missed_its_mark_is_not_reported_missing_and_a_resend_marks_it(field_day, session):
    paid_on_site(field_day)
    assert field_day["cutter"].put(url(PROOF_JPEG), data=PROOF_JPEG, content_type="image/jpeg").status_code == 200
    session.execute(update(RecordPhoto).values(arrived_at=None))  # as if the record raced the photo's arrival
    session.commit()
    record = cut(field_day["cuts"][0].id, 1, "paid_on_site", reading=None, photos=[
        {"sha256": sha(PROOF_JPEG), "size": len(PROOF_JPEG), "content_type": "image/jpeg"}])
    again = field_day["cutter"].post("/api/v1/sync/uploads", json=upload_body([record])).get_json()
    assert again["results"][0]["status"] == "duplicate" and again["missing_photos"] == []  # the photo table decides
    assert field_day["cutter"].put(url(PROOF_JPEG), data=PROOF_JPEG, content_type="image/jpeg").status_code == 200
    assert session.scalar(select(RecordPhoto.arrived_at)) is not None


def test_the_package_and_the_change_feed_list_the_photos_a_device_still_owes_until_they_arrive(field_day):
    paid_on_site(field_day)
    cutter, notifier = field_day["cutter"], field_day["notifier"]
    feed = cutter.get("/api/v1/sync/changes")
    package, content = download(cutter)
    owed = [{"sha256": sha(PROOF_JPEG), "size": len(PROOF_JPEG), "content_type": "image/jpeg"}]
    assert [{k: p[k] for k in owed[0]} for p in feed.get_json()["missing_photos"]] == owed
    assert [{k: p[k] for k in owed[0]} for p in content["missing_photos"]] == owed
    assert notifier.get("/api/v1/sync/changes").get_json()["missing_photos"] == []  # owed by the cutter only
    assert cutter.put(url(PROOF_JPEG), data=PROOF_JPEG, content_type="image/jpeg").status_code == 200
    after = cutter.get("/api/v1/sync/changes", headers={"If-None-Match": feed.headers["ETag"]})
    assert after.status_code == 200 and after.get_json()["missing_photos"] == []
    assert download(cutter, **{"If-None-Match": package.headers["ETag"]})[1]["missing_photos"] == []


def test_a_first_part_too_short_to_show_its_type_is_kept_and_the_type_checked_when_the_head_arrives(field_day):
    gif = b"GIF89a" + b"\x00" * 300  # listed as a JPEG, but it is not one
    paid_on_site(field_day, photos=((PROOF_JPEG, "image/jpeg"), (gif, "image/jpeg")))
    for data, last in ((PROOF_JPEG, 200), (gif, 415)):
        total = len(data)
        first = field_day["cutter"].put(url(data), data=data[:2], content_type="image/jpeg",
                                        headers={"Content-Range": f"bytes 0-1/{total}"})
        assert first.status_code == 200 and first.get_json()["received_bytes"] == 2, first.get_json()
        rest = field_day["cutter"].put(url(data), data=data[2:], content_type="application/octet-stream",
                                       headers={"Content-Range": f"bytes 2-{total - 1}/{total}"})
        assert rest.status_code == last, rest.get_json()
        state = field_day["cutter"].get(url(data)).get_json()
        assert (state["received_bytes"], state["complete"]) == ((total, True) if last == 200 else (0, False))
