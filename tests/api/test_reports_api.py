"""The office's reports over HTTP, on both backends: a small field day whose figures are known by hand.

The day (Tuesday 24 November 2026, Hermosillo time), two cut crews:
- Corte 1 is sent c1..c4. c1 is cut; c2 is called off at 11:00 because the account paid in full;
  c3 finds no access (failed); c4 is reassigned to Corte 2 at 12:00, but Corte 1's phone, offline,
  had already cut it at 10:00 and says so at the 17:00 sync (it counts for Corte 1). The phone also
  sends one record about a work item that does not exist (rejected). Wednesday it has c7.
- Corte 2 is sent c5 (cut) and a reconnection c6 it has not reached yet; it gets c4 at 12:00.
Payments: P1 pays 400 of 1,000 on the 24th (and 100 on the 27th, outside the range), P2 pays its
600 on the 24th, P3 (a cut done earlier) its 800 on the 25th, which orders a reconnection; P5 and
P6 pay on the 24th but were not pursued by then.
"""
from datetime import date, datetime, time, timedelta, timezone

import pytest

import field_api.sync_service.upload as upload_module
import field_api.work.items as items_module
import field_api.work.payments as payments_module
from tests.api.conftest import as_role
from tests.builders import make_account, make_crew, make_item, make_sector
from tests.sync_support import HMO, cut, enroll_device, publish_batch, upload_body

DAY = date(2026, 11, 24)
CREW_WORK = "/api/v1/reports/crew-work"
ARREARS = "/api/v1/reports/arrears-recovery"


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of a Hermosillo day, in UTC as the server keeps it."""
    return datetime.combine(day, time(hour, minute), HMO).astimezone(timezone.utc)


class Clock:
    """The server's clock for work events, payments' reconnections and uploads, set by the test."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(local(DAY, 7))
    for module in (items_module, payments_module, upload_module):
        monkeypatch.setattr(module, "utcnow", clock)
    return clock


def collection(session, account, type_, subtype, pesos, created_on, status="pending"):
    """A work item as the generators leave it: the debt they read in `priority_value`, in pesos."""
    item = make_item(session, account, type_, subtype, value=pesos, status=status)
    item.created_at = local(created_on, 8)
    session.flush()
    return item


def pay(client, reference, account, amount, paid_on):
    reply = client.post("/api/v1/payments", json={"payments": [
        {"reference": reference, "account_number": account.number, "amount": amount, "paid_on": paid_on.isoformat()}]})
    assert reply.status_code == 200 and reply.get_json()["results"][0]["status"] == "accepted", reply.get_json()
    return reply.get_json()["results"][0]["effects"]


def device(app, token):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


@pytest.fixture
def day(app, session, tokens, clock):
    west = make_sector(session, "W", (-112.20, 30.70, -112.16, 30.74), "Poniente")
    east = make_sector(session, "E", (-112.16, 30.70, -112.12, 30.74), "Oriente")

    def account(number, sector, pesos, months, status="active"):
        lon = -112.19 if sector is west else -112.14
        return make_account(session, number, lon, 30.71, sector=sector, months=months, cents=pesos * 100,
                            status=status)

    p1, p2, p3 = account("P1", west, 1000, 6), account("P2", west, 600, 4), account("P3", west, 800, 5, "restricted")
    q1, q2, q3 = account("Q1", east, 700, 4), account("Q2", east, 900, 4), account("Q3", east, 500, 4)
    p4, p5, p6 = account("P4", east, 300, 1), account("P5", east, 500, 2), account("P6", east, 200, 1)
    r1 = make_account(session, "R1", -112.15, 30.72, status="restricted")  # in no sector, never pursued

    collection(session, p1, "notice", "cut_warning", 1000.0, date(2026, 11, 10), status="done")
    c1 = collection(session, p1, "cut", "restrict", 1000.0, date(2026, 11, 20))
    c2 = collection(session, p2, "cut", "restrict", 600.0, date(2026, 11, 23))
    collection(session, p3, "cut", "restrict", 800.0, date(2026, 11, 15), status="done")
    c3 = collection(session, q1, "cut", "restrict", 700.0, date(2026, 11, 23))
    c4 = collection(session, q2, "cut", "restrict", 900.0, date(2026, 11, 23))
    c5 = collection(session, q3, "cut", "restrict", 500.0, date(2026, 11, 23))
    collection(session, p4, "notice", "reminder", 300.0, DAY)
    collection(session, p5, "notice", "payment_demand", 500.0, date(2026, 11, 26))  # after the range
    c6 = collection(session, r1, "reconnection", "restore", 0.0, date(2026, 11, 23))
    c7 = collection(session, p6, "inspection", "requested", 10.0, DAY)  # not collection work

    one, two = make_crew(session, "Corte 1", ["cut"]), make_crew(session, "Corte 2", ["cut"])
    clock.now = local(DAY - timedelta(days=1), 18)  # the plan is published the evening before
    for crew, planned in ((one, [c1, c2, c3, c4, c7]), (two, [c5, c6])):
        for item in planned:
            items_module.reassign(session, item, crew.id, "despachador1", "plan 1")
    publish_batch(session, one, [c1, c2, c3, c4], DAY)
    publish_batch(session, two, [c5, c6], DAY)
    publish_batch(session, one, [c7], DAY + timedelta(days=1))
    one_phone, two_phone = device(app, enroll_device(session, one)[1]), device(app, enroll_device(session, two)[1])
    session.commit()

    supervisor, dispatcher = as_role(app, tokens, "supervisor"), as_role(app, tokens, "dispatcher")
    clock.now = local(DAY, 11)
    assert pay(supervisor, "PAGO-P2", p2, "600.00", DAY)["cancelled_work_items"] == [c2.id]
    assert pay(supervisor, "PAGO-P1", p1, "400.00", DAY)["cancelled_work_items"] == []  # still over the threshold
    pay(supervisor, "PAGO-P5", p5, "500.00", DAY)
    pay(supervisor, "PAGO-P6", p6, "200.00", DAY)

    clock.now = local(DAY, 12)
    url = f"/api/v1/work-items/{c4.id}"
    moved = dispatcher.post(f"{url}/reassign", json={"crew_id": two.id, "reason": "Apoyo a Corte 2"},
                            headers={"If-Match": dispatcher.get(url).headers["ETag"]})
    assert moved.status_code == 200, moved.get_json()

    clock.now = local(DAY, 17)
    records = [cut(c1.id, 1, "restricted", datetime(2026, 11, 24, 9, 0, tzinfo=HMO), reading=None),
               cut(c3.id, 2, "no_access", datetime(2026, 11, 24, 9, 30, tzinfo=HMO), reading=None),
               cut(c4.id, 3, "restricted", datetime(2026, 11, 24, 10, 0, tzinfo=HMO), reading=None),
               cut(999_999, 4, "restricted", reading=None)]
    reply = one_phone.post("/api/v1/sync/uploads", json=upload_body(records))
    assert [r["status"] for r in reply.get_json()["results"]] == ["accepted"] * 3 + ["rejected"]
    reply = two_phone.post("/api/v1/sync/uploads", json=upload_body([cut(c5.id, 5, "restricted", reading=None)]))
    assert [r["status"] for r in reply.get_json()["results"]] == ["accepted"]

    clock.now = local(DAY + timedelta(days=1), 12)
    assert pay(supervisor, "PAGO-P3", p3, "800.00", DAY + timedelta(days=1))["reconnection_work_item"] is not None
    clock.now = local(date(2026, 11, 27), 12)
    pay(supervisor, "PAGO-P1-2", p1, "100.00", date(2026, 11, 27))
    return {"one": one, "two": two, "west": west, "east": east, "office": as_role(app, tokens, "viewer")}


def report(client, url, **query):
    reply = client.get(url, query_string=query)
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()


def counts(row):
    return {k: row[k] for k in ("planned", "given", "done", "failed", "cancelled", "open", "moved", "share_done")}


def work(planned, given, done, failed, cancelled, open_, moved, share):
    return {"planned": planned, "given": given, "done": done, "failed": failed, "cancelled": cancelled,
            "open": open_, "moved": moved, "share_done": share}


def figures(row):
    return {k: row[k] for k in ("accounts_pursued", "owed_when_pursued", "paid_in_range", "share_recovered",
                                "accounts_paying", "accounts_paid_in_full", "reconnections_ordered")}


def recovery(pursued, owed, paid, share, paying, in_full, reconnections):
    return {"accounts_pursued": pursued, "owed_when_pursued": owed, "paid_in_range": paid, "share_recovered": share,
            "accounts_paying": paying, "accounts_paid_in_full": in_full, "reconnections_ordered": reconnections}


class TestWorkDoneByEachCrew:
    def test_each_crew_gets_what_it_was_given_and_what_became_of_it_that_day(self, day):
        body = report(day["office"], CREW_WORK, **{"from": "2026-11-24", "to": "2026-11-24"})
        assert (body["from"], body["to"], body["timezone"]) == ("2026-11-24", "2026-11-24", "America/Hermosillo")
        one, two = body["crews"]
        assert (one["crew_id"], one["crew_name"], two["crew_id"], two["crew_name"]) == (
            day["one"].id, "Corte 1", day["two"].id, "Corte 2")
        # c1 and c4 cut by its phone (c4 although reassigned meanwhile), c3 failed, c2 called off.
        assert counts(one) == work(4, 4, 2, 1, 1, 0, 0, 0.5)
        assert [(t["type"], counts(t)) for t in one["by_type"]] == [("cut", work(4, 4, 2, 1, 1, 0, 0, 0.5))]
        # c5 cut, c6 still open, c4 given at noon but cut by Corte 1.
        assert counts(two) == work(2, 3, 1, 0, 0, 1, 1, 0.3333)
        assert [(t["type"], counts(t)) for t in two["by_type"]] == [
            ("cut", work(1, 2, 1, 0, 0, 0, 1, 0.5)), ("reconnection", work(1, 1, 0, 0, 0, 1, 0, 0.0))]

    def test_field_records_count_by_the_day_the_server_received_them_in_local_time(self, day):
        # The 17:00 sync is 00:00 UTC on the 25th: still the 24th in Hermosillo.
        one, two = report(day["office"], CREW_WORK, **{"from": "2026-11-24", "to": "2026-11-24"})["crews"]
        assert (one["records_received"], one["records_rejected"]) == (4, 1)
        assert (two["records_received"], two["records_rejected"]) == (1, 0)
        assert report(day["office"], CREW_WORK, **{"from": "2026-11-25", "to": "2026-11-25"})["crews"] == [{
            "crew_id": day["one"].id, "crew_name": "Corte 1", **work(1, 1, 0, 0, 0, 1, 0, 0.0),
            "records_received": 0, "records_rejected": 0,
            "by_type": [{"type": "inspection", **work(1, 1, 0, 0, 0, 1, 0, 0.0)}]}]

    def test_a_longer_range_adds_the_next_days_batch_and_a_crew_filter_keeps_one_crew(self, day):
        body = report(day["office"], CREW_WORK, **{"from": "2026-11-24", "to": "2026-11-25",
                                                   "crew": day["one"].id})
        [one] = body["crews"]
        assert counts(one) == work(5, 5, 2, 1, 1, 1, 0, 0.4)

    def test_a_member_moved_to_another_crew_later_leaves_the_days_figures_as_they_were(
            self, day, app, tokens, session, clock, monkeypatch):
        import field_api.changes as changes_module

        monkeypatch.setattr(changes_module, "utcnow", clock)
        clock.now = local(date(2026, 11, 26), 9)
        dispatcher = as_role(app, tokens, "dispatcher")
        [member] = day["one"].members
        path = f"/api/v1/crews/{day['one'].id}"
        moved = dispatcher.patch(f"{path}/members/{member.id}", json={"crew_id": day["two"].id},
                                 headers={"If-Match": dispatcher.get(path).headers["ETag"]})
        assert moved.status_code == 200, moved.get_json()
        one, two = report(day["office"], CREW_WORK, **{"from": "2026-11-24", "to": "2026-11-24"})["crews"]
        assert counts(one) == work(4, 4, 2, 1, 1, 0, 0, 0.5)
        assert (one["records_received"], one["records_rejected"]) == (4, 1)
        assert counts(two) == work(2, 3, 1, 0, 0, 1, 1, 0.3333)
        assert (two["records_received"], two["records_rejected"]) == (1, 0)

    def test_work_published_the_evening_before_is_given_on_its_batchs_day_not_that_evening(self, day):
        assert report(day["office"], CREW_WORK, **{"from": "2026-11-01", "to": "2026-11-23"})["crews"] == []


class TestShareOfArrearsRecovered:
    def test_pursued_accounts_owed_and_paid_in_the_range_in_total_and_by_sector(self, day):
        body = report(day["office"], ARREARS, **{"from": "2026-11-23", "to": "2026-11-25"})
        # P1 1,000 + P2 600 + P3 800 + Q1 700 + Q2 900 + Q3 500 + P4 300; paid 400 + 600 + 800.
        assert figures(body) == recovery(7, "4800.00", "1800.00", 0.375, 3, 2, 1)
        assert (body["sector"], body["pursued_since"]) == (None, None)
        east, west = body["by_sector"]
        assert (east["sector_id"], east["sector_code"], east["sector_name"]) == (day["east"].id, "E", "Oriente")
        assert figures(east) == recovery(4, "2400.00", "0.00", 0.0, 0, 0, 0)
        assert (west["sector_id"], west["sector_code"]) == (day["west"].id, "W")
        assert figures(west) == recovery(3, "2400.00", "1800.00", 0.75, 3, 2, 1)

    def test_a_one_day_range_leaves_out_the_next_days_payment_and_reconnection(self, day):
        body = report(day["office"], ARREARS, **{"from": "2026-11-24", "to": "2026-11-24"})
        assert figures(body) == recovery(7, "4800.00", "1000.00", 0.2083, 2, 1, 0)

    def test_work_created_after_the_range_does_not_make_an_account_pursued(self, day):
        body = report(day["office"], ARREARS, **{"from": "2026-11-20", "to": "2026-11-22"})
        # Only P1 (warning of the 10th, cut of the 20th) and P3 (cut of the 15th); nobody paid then.
        assert figures(body) == recovery(2, "1800.00", "0.00", 0.0, 0, 0, 0)

    def test_the_sector_filter_keeps_that_sector_only(self, day):
        body = report(day["office"], ARREARS, **{"from": "2026-11-23", "to": "2026-11-25", "sector": day["west"].id})
        assert body["sector"] == day["west"].id
        assert figures(body) == recovery(3, "2400.00", "1800.00", 0.75, 3, 2, 1)
        assert [row["sector_code"] for row in body["by_sector"]] == ["W"]

    def test_pursued_since_leaves_out_accounts_pursued_only_before_it(self, day):
        body = report(day["office"], ARREARS, **{"from": "2026-11-23", "to": "2026-11-25",
                                                 "pursued_since": "2026-11-16"})
        # P3's only cut is of the 15th: it and its payment and reconnection are left out.
        assert body["pursued_since"] == "2026-11-16"
        assert figures(body) == recovery(6, "4000.00", "1000.00", 0.25, 2, 1, 0)


def test_the_debt_a_notice_campaign_records_is_what_the_report_counts_as_owed(app, tokens, town):
    dispatcher, supervisor = as_role(app, tokens, "dispatcher"), as_role(app, tokens, "supervisor")
    today = datetime.now(HMO).date()
    made = dispatcher.post("/api/v1/work-generation/notice-campaigns",
                           json={"stage": "reminder", "commit": True}).get_json()
    assert made["created"] == 1  # account 0003, owing 980.00 (0002 is restricted, not active)
    pay(supervisor, "PAGO-0003", town["accounts"]["0003"], "300.00", today)
    body = report(as_role(app, tokens, "viewer"), ARREARS, **{"from": (today - timedelta(days=1)).isoformat(),
                                                              "to": (today + timedelta(days=1)).isoformat()})
    assert figures(body) == recovery(1, "980.00", "300.00", 0.3061, 1, 0, 0)


@pytest.mark.parametrize("url", [CREW_WORK, ARREARS])
@pytest.mark.parametrize("query, message", [
    ({"from": "2026-11-24", "to": "2026-11-23"}, "query.to: to (2026-11-23) is before from (2026-11-24)."),
    ({"from": "2025-11-23", "to": "2026-11-24"},
     "query.to: A report covers at most 366 days; from 2025-11-23 to 2026-11-24 is 367 days."),
    ({"to": "2026-11-24"}, "query.from: Missing data for required field."),
    ({"from": "2026-11-24", "to": "2026-13-01"}, "query.to: Not a valid date."),
    ({"from": "1800-01-01", "to": "1800-01-02"}, "query.from: Must be a date from 1900-01-01 to 2099-12-31."),
])
def test_a_bad_range_is_422_naming_the_problem(app, tokens, url, query, message):
    reply = as_role(app, tokens, "viewer").get(url, query_string=query)
    assert reply.status_code == 422
    body = reply.get_json()
    assert (body["code"], body["status"]) == (422, "Unprocessable Entity")
    assert message in body["message"], body["message"]


@pytest.mark.parametrize("url, query, message", [
    (CREW_WORK, {"crew": 999_999}, "Crew 999999 does not exist."),
    (ARREARS, {"sector": 999_999}, "Sector 999999 does not exist."),
    (ARREARS, {"sector": 0}, "query.sector: Must be greater than or equal to 1"),
    (ARREARS, {"pursued_since": "2026-11-25"}, "query.pursued_since: pursued_since (2026-11-25) is after to "
                                               "(2026-11-24)."),
    (CREW_WORK, {"crew": "1.5"}, "query.crew: Not a valid integer."),
])
def test_an_unknown_crew_or_sector_or_a_bad_filter_is_422_naming_it(app, tokens, url, query, message):
    reply = as_role(app, tokens, "viewer").get(url, query_string={"from": "2026-11-24", "to": "2026-11-24", **query})
    assert reply.status_code == 422, reply.get_json()
    assert message in reply.get_json()["message"], reply.get_json()["message"]


@pytest.mark.parametrize("url", [CREW_WORK, ARREARS])
def test_a_range_of_exactly_366_days_is_allowed(app, tokens, url):
    reply = as_role(app, tokens, "viewer").get(url, query_string={"from": "2025-11-24", "to": "2026-11-24"})
    assert reply.status_code == 200, reply.get_json()
