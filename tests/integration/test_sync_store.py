"""Storing uploads on both backends: isolation of bad records, remerge across uploads, bounded statements."""
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

import field_api.sync_service.upload as upload_module
from field_api.models import ChangeLog, FieldReading, FieldRecord, Premise, Reading, ReviewItem, WorkItem
from field_api.sync_service.status import device_status
from field_api.sync_service.upload import process_upload
from schemas.sync import UploadSchema
from tests.builders import make_account, make_crew, make_item, make_sector, meter_with_readings
from tests.sync_support import MORNING, correction, cut, enroll_device, publish_batch, uid, upload_body

RECEIVED = MORNING + timedelta(hours=8, seconds=2)


@pytest.fixture
def crew_day(session):
    sector = make_sector(session, "C", (-112.20, 30.70, -112.12, 30.74))
    crew = make_crew(session, "Corte 1", ["cut"])
    accounts = [make_account(session, f"A{i}", -112.19 + 0.001 * i, 30.71, sector=sector, months=3, cents=90000)
                for i in range(45)]
    for i, a in enumerate(accounts):
        meter_with_readings(session, a, f"M-{i}", [100.0])
    items = [make_item(session, a, "cut", "restrict") for a in accounts]
    publish_batch(session, crew, items)
    device, _ = enroll_device(session, crew)
    session.commit()
    return {"crew": crew, "device": device, "items": items, "accounts": accounts}


def upload(session, day, records, received=RECEIVED):
    body = UploadSchema().load(upload_body(records))
    result = process_upload(session, day["device"].id, day["crew"].id, body["sent_at"], body["records"],
                            "America/Hermosillo", received_at=received)
    session.commit()
    return result


def count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_when_the_batched_write_fails_each_record_is_stored_on_its_own(session, crew_day, monkeypatch):
    real = upload_module.plan_writer

    @contextmanager
    def fail_for_batches(together, plan, *args):
        with real(together, plan, *args) as writer:
            yield writer
            if len(plan.records) > 1:  # after the parts before the last went out
                raise RuntimeError("simulated: a row moved under the batch")

    monkeypatch.setattr(upload_module, "PARTS_FROM", 2)
    monkeypatch.setattr(upload_module, "plan_writer", fail_for_batches)
    records = [cut(i.id, n, reading=(f"M-{n - 1}", 120.0)) for n, i in enumerate(crew_day["items"][:3], 1)]
    result = upload(session, crew_day, records)
    assert [r["status"] for r in result["results"]] == ["accepted"] * 3
    assert count(session, FieldRecord) == 3 and count(session, FieldReading) == 3


@pytest.mark.parametrize("parts_from", [2, 16], ids=["in_parts", "whole"])
def test_a_row_that_moved_after_the_batch_read_it_stops_the_batch_and_each_record_is_redone(session, crew_day,
                                                                                             monkeypatch, parts_from):
    from sqlalchemy import update

    from field_api.models import WorkEvent

    real_load, real_write, batches = upload_module.load_context, upload_module.plan_writer, []
    target = crew_day["items"][0]

    def load_then_move(together, *args):
        ctx = real_load(together, *args)
        if not batches:  # someone bypassing the locks bumps the item after the batch read it
            together.conn.execute(update(WorkItem).where(WorkItem.id == target.id)
                                  .values(version=WorkItem.version + 5))
        return ctx

    @contextmanager
    def write(together, plan, *args):
        with real_write(together, plan, *args) as writer:
            yield writer
            batches.append(len(plan.records))

    monkeypatch.setattr(upload_module, "PARTS_FROM", parts_from)  # the moved item is in the first part
    monkeypatch.setattr(upload_module, "load_context", load_then_move)
    monkeypatch.setattr(upload_module, "plan_writer", write)
    records = [cut(i.id, n, reading=(f"M-{n - 1}", 120.0)) for n, i in enumerate(crew_day["items"][:3], 1)]
    result = upload(session, crew_day, records)
    assert batches == [3, 1, 1, 1]  # the version guard stopped the batch; its savepoint undid all of it
    assert [r["status"] for r in result["results"]] == ["accepted"] * 3
    session.expire_all()
    assert session.get(WorkItem, target.id).status == "done"
    assert count(session, FieldRecord) == 3 and count(session, FieldReading) == 3
    assert count(session, WorkEvent, WorkEvent.kind == "status_changed", WorkEvent.actor.like("device-%")) == 3


def test_a_first_part_that_postgresql_refuses_is_undone_and_each_record_is_redone(session, crew_day, monkeypatch,
                                                                                  caplog):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("only PostgreSQL sends the plan in parts")
    import field_api.sync_service.pg_writes as pg_writes

    real, sent = pg_writes._statement, []

    def refused_first(*args):
        statement = real(*args)
        sent.append(statement)
        return ("SELECT 1 / 0", []) if len(sent) == 1 else statement  # the server refuses it

    monkeypatch.setattr(upload_module, "PARTS_FROM", 2)
    monkeypatch.setattr(pg_writes, "_statement", refused_first)
    records = [cut(i.id, n, reading=(f"M-{n - 1}", 120.0)) for n, i in enumerate(crew_day["items"][:3], 1)]
    assert [r["status"] for r in upload(session, crew_day, records)["results"]] == ["accepted"] * 3
    assert "record by record" in caplog.text and len(sent) == 2 + 3  # two parts, then one per record
    assert count(session, FieldRecord) == 3 and count(session, FieldReading) == 3
    assert count(session, WorkItem, WorkItem.status == "done") == 3


@pytest.mark.parametrize("parts_from", [2, 16], ids=["in_parts", "whole"])
def test_a_record_that_cannot_be_stored_is_answered_retry_and_stored_on_a_later_send(session, crew_day, monkeypatch,
                                                                                      parts_from):
    monkeypatch.setattr(upload_module, "PARTS_FROM", parts_from)  # the bad record is in the last part
    real = upload_module.apply_effects

    def broken(ctx, plan, record, *args):
        if record.client_uuid == uid(2):
            raise RuntimeError("simulated bug in one record")
        return real(ctx, plan, record, *args)

    monkeypatch.setattr(upload_module, "apply_effects", broken)
    records = [cut(i.id, n, reading=(f"M-{n - 1}", 120.0)) for n, i in enumerate(crew_day["items"][:3], 1)]
    result = upload(session, crew_day, records)["results"]
    assert [(r["status"], r.get("retry", False)) for r in result] == [
        ("accepted", False), ("rejected", True), ("accepted", False)]
    assert count(session, FieldRecord) == 2
    monkeypatch.setattr(upload_module, "apply_effects", real)
    assert [r["status"] for r in upload(session, crew_day, records)["results"]] == [
        "duplicate", "accepted", "duplicate"]
    assert count(session, FieldRecord) == 3


def test_an_item_the_device_never_downloaded_is_dispatched_by_its_upload_and_then_merged(session, crew_day):
    from field_api.models import WorkEvent

    reconnection = make_item(session, crew_day["accounts"][0], "reconnection", "restore", status="planned")
    publish_batch(session, crew_day["crew"], [reconnection], status="planned")
    session.commit()
    records = [cut(reconnection.id, 1, "done", reading=("M-0", 121.0)),
               cut(crew_day["items"][1].id, 2, reading=("M-1", 120.0))]
    assert [r["status"] for r in upload(session, crew_day, records)["results"]] == ["accepted", "accepted"]
    session.expire_all()
    assert session.get(WorkItem, reconnection.id).status == "done"
    events = session.scalars(select(WorkEvent).where(WorkEvent.work_item_id == reconnection.id,
                                                     WorkEvent.kind == "status_changed").order_by(WorkEvent.id))
    assert [e.details["status"] for e in events] == ["dispatched", "done"]


def two_edits_of_one_street(session, crew_day) -> tuple[int, dict, dict]:
    """The premise, and two records correcting its street from two of its stops (a cut and a walk):
    the later edit, then the earlier one."""
    a, account = crew_day["items"][0], crew_day["accounts"][0]
    b = make_item(session, account, "verification", "walk")
    publish_batch(session, crew_day["crew"], [b])
    session.commit()
    premise_id = account.premise_id
    later = cut(a.id, 2, reading=("M-0", 130.0),
                corrections=[correction("premise", premise_id, "street", "Calle Cinco", "Calle 5 de Mayo")])
    earlier = cut(b.id, 1, "corrections", reading=None,
                  corrections=[correction("premise", premise_id, "street", "Calle 5", "Calle Cinco")])
    return premise_id, later, earlier


def test_a_second_edit_that_arrives_first_applies_once_the_first_arrives(session, crew_day):
    premise_id, later, earlier = two_edits_of_one_street(session, crew_day)
    assert upload(session, crew_day, [later])["results"][0]["status"] == "conflict"
    assert upload(session, crew_day, [earlier])["results"][0]["status"] == "accepted"
    session.expire_all()
    premise = session.get(Premise, premise_id)
    assert (premise.street, premise.version) == ("Calle 5 de Mayo", 3)
    assert session.scalars(select(ReviewItem.status)).all() == ["applied"]


def test_a_conflict_in_the_first_part_that_the_second_part_settles_is_stored_once_as_applied(
        session, crew_day, monkeypatch, caplog):
    monkeypatch.setattr(upload_module, "PARTS_FROM", 2)  # PostgreSQL sends each record in its own part
    premise_id, later, earlier = two_edits_of_one_street(session, crew_day)
    results = upload(session, crew_day, [later, earlier])["results"]
    assert "record by record" not in caplog.text  # stored in parts, not redone one by one
    session.expire_all()
    assert [r["status"] for r in results] == ["conflict", "accepted"]
    review = session.scalars(select(ReviewItem)).one()
    assert (review.status, review.record_id, results[0]["review_ids"]) == ("applied", results[0]["record_id"],
                                                                           [review.id])
    premise = session.get(Premise, premise_id)
    assert (premise.street, premise.version) == ("Calle 5 de Mayo", 3)


def test_reviews_that_a_later_record_settles_are_logged_under_the_records_that_proposed_each_value(session, crew_day):
    account = crew_day["accounts"][0]
    walk, inspection = (make_item(session, account, "verification", "walk"),
                        make_item(session, account, "inspection", "requested"))
    publish_batch(session, crew_day["crew"], [walk, inspection])
    session.commit()
    premise_id = account.premise_id
    street_next = cut(crew_day["items"][0].id, 1, reading=("M-0", 130.0),
                      corrections=[correction("premise", premise_id, "street", "Calle Cinco", "Calle 5 de Mayo")])
    dwellings_next = cut(inspection.id, 2, "no_access", reading=None,
                         corrections=[correction("premise", premise_id, "dwellings", 2, 3)])
    both_first = cut(walk.id, 3, "corrections", reading=None,
                     corrections=[correction("premise", premise_id, "street", "Calle 5", "Calle Cinco"),
                                  correction("premise", premise_id, "dwellings", 1, 2)])
    assert [r["status"] for r in upload(session, crew_day, [street_next, dwellings_next])["results"]] == [
        "conflict", "conflict"]
    assert upload(session, crew_day, [both_first])["results"][0]["status"] == "accepted"
    lines = session.execute(select(ChangeLog.version, ChangeLog.field, ChangeLog.new_value, ChangeLog.source_ref)
                            .where(ChangeLog.entity == "premise", ChangeLog.entity_id == premise_id)
                            .order_by(ChangeLog.version, ChangeLog.field)).all()
    assert lines == [(2, "dwellings", "2", uid(3)), (2, "street", "Calle Cinco", uid(3)),
                     (3, "dwellings", "3", uid(2)), (3, "street", "Calle 5 de Mayo", uid(1))]


def test_open_reviews_are_re_merged_in_the_order_their_corrections_came_whatever_their_ids(session, crew_day):
    account = crew_day["accounts"][0]
    walk = make_item(session, account, "verification", "walk")
    publish_batch(session, crew_day["crew"], [walk])
    session.commit()
    premise_id = account.premise_id
    ahead = cut(crew_day["items"][0].id, 1, reading=("M-0", 130.0),
                corrections=[correction("premise", premise_id, "dwellings", 2, 3),
                             correction("premise", premise_id, "dwellings", 3, 4)])
    assert upload(session, crew_day, [ahead])["results"][0]["status"] == "conflict"
    catching_up = cut(walk.id, 2, "corrections", reading=None,
                      corrections=[correction("premise", premise_id, "dwellings", 1, 2),
                                   correction("premise", premise_id, "dwellings", 2, 3)])
    assert upload(session, crew_day, [catching_up])["results"][0]["status"] == "accepted"
    session.expire_all()
    reviews = session.execute(select(ReviewItem.correction_index, ReviewItem.status)
                              .order_by(ReviewItem.correction_index)).all()
    assert reviews == [(0, "noop"), (1, "applied")]  # 2 -> 3 was done by the time 3 -> 4 applied
    assert session.get(Premise, premise_id).dwellings == 4


def test_a_conflict_whose_part_is_followed_only_by_its_resend_keeps_its_review(session, crew_day, monkeypatch,
                                                                                caplog):
    monkeypatch.setattr(upload_module, "PARTS_FROM", 2)  # the last part has no new record of its own
    premise_id = crew_day["accounts"][0].premise_id
    record = cut(crew_day["items"][0].id, 1, reading=("M-0", 120.0),
                 corrections=[correction("premise", premise_id, "street", "Otra", "Calle Nueva")])
    results = upload(session, crew_day, [record, record])["results"]
    assert "record by record" not in caplog.text
    review = session.scalars(select(ReviewItem)).one()
    assert [(r["status"], r["record_id"], r["review_ids"]) for r in results] == [
        ("conflict", review.record_id, [review.id]), ("duplicate", review.record_id, [review.id])]
    assert (review.status, count(session, FieldRecord)) == ("open", 1)


def test_a_record_rejected_as_sent_is_a_duplicate_when_sent_again_with_its_uuid_in_capitals(session, crew_day):
    from field_api.models import FieldRecordVariant

    record = {**cut(crew_day["items"][0].id, 1, reading=("M-0", -1.0)),  # no negative reading loads
              "client_uuid": "cafe0000-0000-4000-8000-00000000beef"}
    first = upload(session, crew_day, [record])["results"][0]
    again = upload(session, crew_day, [{**record, "client_uuid": record["client_uuid"].upper()}])["results"][0]
    assert (first["status"], again["status"], again["original_status"]) == ("rejected", "duplicate", "rejected")
    assert again["record_id"] == first["record_id"] and count(session, FieldRecordVariant) == 0


def test_two_readings_of_one_meter_on_one_day_are_both_kept_as_field_facts(session, crew_day):
    item = crew_day["items"][0]
    upload(session, crew_day, [cut(item.id, 1, reading=("M-0", 120.0))])
    reconnection = make_item(session, crew_day["accounts"][0], "reconnection", "restore")
    publish_batch(session, crew_day["crew"], [reconnection])
    session.commit()
    rec = cut(reconnection.id, 2, "done", MORNING + timedelta(hours=2), reading=("M-0", 121.0))
    assert upload(session, crew_day, [rec])["results"][0]["status"] == "accepted"
    assert count(session, FieldReading) == 2
    assert count(session, Reading, Reading.source == "field") == 1  # one registry reading per meter and day


def test_the_number_of_statements_does_not_grow_with_the_records_of_an_upload(session, crew_day, connection):
    statements = []
    event.listen(connection, "before_cursor_execute", lambda *a, **k: statements.append(1))
    items = crew_day["items"]
    upload(session, crew_day, [cut(i.id, n, reading=(f"M-{n - 1}", 150.0)) for n, i in enumerate(items[:5], 1)])
    few = len(statements)
    statements.clear()
    upload(session, crew_day, [cut(i.id, n, reading=(f"M-{n - 1}", 150.0))
                               for n, i in enumerate(items[5:45], 6)])
    assert len(statements) <= few + 2, (few, len(statements))
    assert count(session, WorkItem, WorkItem.status == "done") == 45


def test_device_status_counts_records_open_conflicts_and_the_last_offset(session, crew_day):
    premise_id = crew_day["accounts"][0].premise_id
    bad = cut(crew_day["items"][0].id, 1, reading=("M-0", 120.0),
              corrections=[correction("premise", premise_id, "street", "Otra", "Calle Nueva")])
    upload(session, crew_day, [bad], received=RECEIVED + timedelta(minutes=10))
    status = device_status(session, [crew_day["device"].id])[crew_day["device"].id]
    assert (status["records_received"], status["conflicts_open"]) == (1, 1)
    assert status["clock_offset_s"] == 602.0


def test_a_record_with_a_nul_character_is_rejected_for_good_and_the_others_are_stored(session, crew_day):
    records = [cut(i.id, n, reading=(f"M-{n - 1}", 120.0)) for n, i in enumerate(crew_day["items"][:2], 1)]
    records[0]["readings"][0]["meter_serial"] = "M-0\x00"
    result = upload(session, crew_day, records)["results"]
    assert [r["status"] for r in result] == ["rejected", "accepted"]
    assert not result[0].get("retry") and "NUL" in result[0]["message"]
    assert count(session, FieldRecord) == 2  # the rejected record is kept, with its reason
    stored = session.scalar(select(FieldRecord.payload).where(FieldRecord.client_uuid == uid(1)))
    assert stored["readings"][0]["meter_serial"] == "M-0\ufffd"  # NUL shown as the replacement character
    assert [r["status"] for r in upload(session, crew_day, records)["results"]] == ["duplicate", "duplicate"]


def test_an_upload_keeps_cached_plans_only_once_field_record_has_grown(session, crew_day, monkeypatch):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("plan caching is PostgreSQL's")
    import field_api.sync_service.upload as upload_module
    from sqlalchemy import text

    items = crew_day["items"]
    # Young by the threshold, whatever earlier runs left in this database's file (rolled-back rows
    # grow it until a vacuum: a test database used for many runs outgrew the real 1 MiB).
    grown = session.execute(text("SELECT pg_relation_size('field_record')")).scalar()
    monkeypatch.setattr(upload_module, "CACHED_PLANS_FROM_BYTES", grown + (1 << 20))
    upload(session, crew_day, [cut(items[0].id, 1, reading=("M-0", 120.0))])
    mode = session.execute(text("SHOW plan_cache_mode")).scalar()
    assert mode == "force_custom_plan"  # a young field_record: plan every statement anew
    size = session.execute(text("SELECT pg_relation_size('field_record')")).scalar()
    monkeypatch.setattr(upload_module, "CACHED_PLANS_FROM_BYTES", size)  # as if it had reached the size
    body = UploadSchema().load(upload_body([cut(items[1].id, 2, reading=("M-1", 120.0))]))
    process_upload(session, crew_day["device"].id, crew_day["crew"].id, body["sent_at"], body["records"],
                   "America/Hermosillo", received_at=RECEIVED)
    assert session.execute(text("SHOW plan_cache_mode")).scalar() == "auto"


def test_an_upload_costs_its_key_lookups_as_reads_from_memory_for_its_own_transaction_only(
        session, connection, crew_day):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("planner costs are PostgreSQL's")
    from sqlalchemy import text

    default = session.execute(text("SHOW random_page_cost")).scalar()
    assert default != "1.1"
    upload(session, crew_day, [cut(crew_day["items"][0].id, 1, reading=("M-0", 120.0))])
    assert session.execute(text("SHOW random_page_cost")).scalar() == "1.1"
    session.close()
    connection.get_transaction().rollback()  # the end of the upload's transaction (here, the test's)
    assert connection.execute(text("SHOW random_page_cost")).scalar() == default


def test_a_new_item_whose_kind_is_already_open_is_not_made_twice_nor_announced(session, crew_day):
    from field_api.models import WorkEvent
    from field_api.work.items import change_status

    items, accounts = crew_day["items"], crew_day["accounts"]
    open_already = make_item(session, accounts[0], "reconnection", "restore")  # the office made one
    for item in items[:2]:  # both orders paid while the phone was offline
        change_status(session, session.get(WorkItem, item.id), "cancelled", "caja", "Pagado")
    session.commit()
    records = [cut(i.id, n, reading=(f"M-{n - 1}", 120.0)) for n, i in enumerate(items[:2], 1)]
    assert [r["status"] for r in upload(session, crew_day, records)["results"]] == ["accepted", "accepted"]
    reconnections = session.scalars(select(WorkItem).where(WorkItem.type == "reconnection")
                                    .order_by(WorkItem.id)).all()
    assert [(w.id, w.account_id) for w in reconnections][0] == (open_already.id, accounts[0].id)
    assert [w.account_id for w in reconnections] == [accounts[0].id, accounts[1].id]  # one new, for the other
    created = session.scalars(select(WorkEvent.work_item_id).where(WorkEvent.kind == "created")).all()
    assert created == [reconnections[1].id]


def captured_contexts(monkeypatch) -> list:
    """The contexts the uploads load, in order."""
    real, seen = upload_module.load_context, []

    def load(*args):
        seen.append(real(*args))
        return seen[-1]

    monkeypatch.setattr(upload_module, "load_context", load)
    return seen


def test_the_crews_are_read_with_the_items_for_records_that_may_give_a_crew_work_and_only_then(
        session, crew_day, monkeypatch):
    from field_api.models import CrewMember
    from field_api.sync_service.loading import CrewFacts

    crew, items = crew_day["crew"], crew_day["items"]
    other = make_crew(session, "Corte 2", ["cut"])  # given the first order while the phone was offline
    session.add(CrewMember(crew_id=other.id, name="De baja", skills=["inspector"], active=False))
    session.get(WorkItem, items[0].id).assigned_crew_id = other.id
    session.commit()
    contexts = captured_contexts(monkeypatch)
    upload(session, crew_day, [cut(items[0].id, 1, "restricted", reading=("M-0", 120.0))])
    upload(session, crew_day, [cut(items[1].id, 2, "no_access", reading=("M-1", 120.0))])
    assert contexts[0].crews == {crew.id: CrewFacts("Corte 1", True, frozenset({"cut"})),
                                 other.id: CrewFacts("Corte 2", True, frozenset({"cut"}))}
    assert contexts[1].crews == {}


def test_the_crew_that_last_held_an_order_left_to_none_is_read_with_the_crews_and_only_for_such_records(
        session, crew_day, monkeypatch):
    from field_api.sync_service.loading import CrewFacts
    from field_api.work.items import change_status, reassign

    crew, items = crew_day["crew"], crew_day["items"]
    other, third = make_crew(session, "Corte 2", ["cut"]), make_crew(session, "Corte 3", ["cut"])
    for to in (other.id, third.id, None):  # the last crew to hold it is the third, then nobody
        reassign(session, session.get(WorkItem, items[0].id), to, "despacho", "prueba")
    reassign(session, session.get(WorkItem, items[1].id), other.id, "despacho", "prueba")  # held now
    change_status(session, session.get(WorkItem, items[0].id), "cancelled", "caja", "Pagado")
    session.commit()
    contexts = captured_contexts(monkeypatch)
    upload(session, crew_day, [cut(items[0].id, 1, "restricted", reading=("M-0", 120.0)),
                               cut(items[1].id, 2, "restricted", reading=("M-1", 120.0))])
    upload(session, crew_day, [cut(items[2].id, 3, "no_access", reading=("M-2", 120.0))])
    assert contexts[0].last_held == {items[0].id: third.id, items[1].id: other.id}
    assert set(contexts[0].crews) == {crew.id, other.id, third.id}
    assert contexts[0].crews[third.id] == CrewFacts("Corte 3", True, frozenset({"cut"}))
    assert (contexts[1].crews, contexts[1].last_held) == ({}, {})
    reconnection = session.scalar(select(WorkItem).where(WorkItem.type == "reconnection"))
    assert reconnection.assigned_crew_id == third.id


def test_an_upload_whose_cut_raises_urgent_work_makes_no_more_round_trips_than_one_whose_cut_does_not(
        session, crew_day, connection, monkeypatch):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("round trips are PostgreSQL's; SpatiaLite runs in process")
    from field_api.sync_service.together import Together
    from field_api.work.items import change_status, reassign

    items, trips = crew_day["items"], []
    # Left to no crew before it was paid: the crew that held it last is read too.
    reassign(session, session.get(WorkItem, items[0].id), None, "despacho", "Sin cuadrilla")
    change_status(session, session.get(WorkItem, items[0].id), "cancelled", "caja", "Pagado")
    session.commit()
    upload(session, crew_day, [cut(items[2].id, 3, "no_access", reading=("M-2", 120.0))])  # the policy row made
    real_run = Together.run  # a call is a round trip; the plan's write is one more, for any upload
    monkeypatch.setattr(Together, "run", lambda self, steps: trips.append(len(steps)) or real_run(self, steps))
    event.listen(connection, "before_cursor_execute", lambda conn, cursor, statement, *a: trips.append(statement))
    upload(session, crew_day, [cut(items[1].id, 2, "no_access", reading=("M-1", 120.0))])
    plain, trips[:] = list(trips), []
    upload(session, crew_day, [cut(items[0].id, 1, "restricted", reading=("M-0", 120.0))])
    assert len(trips) == len(plain), (plain, trips)
    assert session.scalar(select(WorkItem.assigned_crew_id).where(WorkItem.type == "reconnection")) == \
        crew_day["crew"].id
