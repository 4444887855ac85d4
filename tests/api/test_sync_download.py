"""The day's package (gzip JSON, ETag) and the change feed from a server cursor."""
import json

from field_api.models import WorkEvent, WorkItem
from field_api.sync_service.changes import PAGE
from field_api.work.items import change_status, reassign
from tests.api.sync_fixtures import field_day, server_clock  # noqa: F401
from tests.sync_support import DAY, download, publish_batch

PACKAGE = f"/api/v1/sync/package?date={DAY}"


def test_the_package_holds_the_stops_in_route_order_with_what_the_crew_needs(field_day, session):
    d = field_day
    _, body = download(d["cutter"])
    [batch] = body["batches"]
    assert batch["id"] == d["cut_batch"].id and batch["route"]["type"] == "LineString"
    stops = batch["stops"]
    assert [s["seq"] for s in stops] == [1, 2, 3] and [s["work_item_id"] for s in stops] == [i.id for i in d["cuts"]]
    first = stops[0]
    assert first["holder"] == "Titular A0" and first["owed"] == 1000.0 and first["account"] == "A0"
    assert first["meter"] == {"serial": "M-0", "last_reading": {"value_m3": 110.0, "on": "2026-06-01"}}
    assert first["registry"]["premise"]["version"] == 1 and first["registry"]["premise"]["values"]["street"] == \
        "Calle 5"
    assert set(first["registry"]["premise"]["values"]) >= {"street", "exterior_number", "land_use", "dwellings"}
    assert first["registry"]["account"]["values"] == {"holder_name": "Titular A0"}
    assert first["at"] == [-112.19, 30.71] and first["eta"] and first["status"] == "dispatched"
    assert body["sectors"][0]["polygon"]["type"] == "Polygon"
    assert "cut_warning" in body["forms"]["notice_texts"]


def test_nothing_sensitive_nor_another_crews_work_goes_into_a_package(field_day):
    d = field_day
    _, notices = download(d["notifier"])
    text = json.dumps(notices)
    assert "pensionado" not in text and "protected" not in text
    stops = notices["batches"][0]["stops"]
    assert {s["work_item_id"] for s in stops} == {d["notices"][0].id, d["notices"][1].id, d["inspection"].id}
    inspection = next(s for s in stops if s["type"] == "inspection")
    assert "owed" not in inspection  # amounts owed go with notices and cuts only


def test_an_unchanged_package_is_a_304_and_a_cancellation_changes_its_etag(field_day, session):
    d = field_day
    first, _ = download(d["cutter"])
    etag = first.headers["ETag"]
    assert d["cutter"].get(PACKAGE, headers={"If-None-Match": etag}).status_code == 304
    change_status(session, session.get(WorkItem, d["cuts"][1].id), "cancelled", "caja", "Pagado")
    session.commit()
    second, body = download(d["cutter"], **{"If-None-Match": etag})
    assert second.headers["ETag"] != etag and body["batches"][0]["stops"][1]["status"] == "cancelled"


def test_planned_items_become_dispatched_when_the_device_downloads_them(field_day, session):
    d = field_day
    from tests.builders import make_item

    item = make_item(session, d["accounts"][4], "cut", "restrict", status="planned")
    publish_batch(session, d["cutters"], [item], status="planned")
    session.commit()
    download(d["cutter"])
    session.expire_all()
    assert session.get(WorkItem, item.id).status == "dispatched"


def test_the_feed_tells_a_crew_of_moves_both_ways_and_304s_when_nothing_changed(field_day, session):
    d = field_day
    start = d["cutter"].get("/api/v1/sync/changes").get_json()["cursor"]
    item = session.get(WorkItem, d["notices"][0].id)
    reassign(session, item, d["cutters"].id, "despacho", "Apoyo")
    session.commit()
    to_cutters = d["cutter"].get(f"/api/v1/sync/changes?since={start}").get_json()
    [change] = to_cutters["changes"]
    assert change["change"] == "assigned" and change["stop"]["holder"] == "Titular A3"
    assert change["stop"]["status"] == "dispatched"
    away = d["notifier"].get(f"/api/v1/sync/changes?since={start}").get_json()
    assert [c["change"] for c in away["changes"]] == ["reassigned_away"]
    url = f"/api/v1/sync/changes?since={to_cutters['cursor']}"
    quiet = d["cutter"].get(url)
    assert quiet.get_json()["changes"] == []
    assert d["cutter"].get(url, headers={"If-None-Match": quiet.headers["ETag"]}).status_code == 304


def test_a_package_date_must_be_a_date(field_day):
    response = field_day["cutter"].get("/api/v1/sync/package?date=mañana")
    assert response.status_code == 422 and "date" in response.get_json()["message"]


def test_a_package_downloaded_after_a_move_holds_the_moved_item_on_both_sides(field_day, session):
    d = field_day
    item = session.get(WorkItem, d["notices"][0].id)
    reassign(session, item, d["cutters"].id, "despacho", "Apoyo")
    session.commit()
    _, cutters = download(d["cutter"])
    # The move is older than this package's cursor: the feed will not tell of it, so the package must.
    assert d["cutter"].get(f"/api/v1/sync/changes?since={cutters['cursor']}").get_json()["changes"] == []
    [moved_in] = cutters["assigned"]
    assert (moved_in["work_item_id"], moved_in["holder"], moved_in["status"]) == (item.id, "Titular A3", "dispatched")
    _, notifiers = download(d["notifier"])
    flags = {s["work_item_id"]: s.get("reassigned_away", False) for s in notifiers["batches"][0]["stops"]}
    assert flags == {d["notices"][0].id: True, d["notices"][1].id: False, d["inspection"].id: False}
    assert notifiers["assigned"] == []


def test_a_feed_longer_than_a_page_comes_in_pages_that_hand_on_each_change_once_in_order(field_day, session):
    d = field_day
    start = d["cutter"].get("/api/v1/sync/changes").get_json()["cursor"]
    item = d["cuts"][0]
    session.add_all([WorkEvent(work_item_id=item.id, kind="status_changed", actor="despacho", reason=f"aviso {n}",
                               crew_id=d["cutters"].id) for n in range(PAGE + 1)])
    session.commit()

    first = d["cutter"].get(f"/api/v1/sync/changes?since={start}").get_json()
    rest = d["cutter"].get(f"/api/v1/sync/changes?since={first['cursor']}").get_json()

    assert (len(first["changes"]), first["more"]) == (PAGE, True)
    assert (len(rest["changes"]), rest["more"]) == (1, False)
    assert [c["reason"] for c in first["changes"] + rest["changes"]] == [f"aviso {n}" for n in range(PAGE + 1)]
    assert first["cursor"] == first["changes"][-1]["cursor"] and rest["cursor"] == rest["changes"][0]["cursor"]
