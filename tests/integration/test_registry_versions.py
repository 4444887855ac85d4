"""Registry rows are versioned and every change is logged, on both backends."""
from datetime import date

import pytest
from shapely.geometry import Point, box
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from field_api.changes import set_source
from field_api.geo import to_element, to_geojson
from field_api.models import Account, Balance, ChangeLog, Premise, Sector, WorkItem
from field_api.domain.work_items import IllegalTransition


def make_account(session, number="A-1"):
    sector = Sector(code=f"S-{number}", name="Centro", geom=to_element(box(-112.2, 30.7, -112.1, 30.75)))
    premise = Premise(street="Av. Obregón", exterior_number="12", geom=to_element(Point(-112.15, 30.71)),
                      land_use="domestic", sector=sector)
    account = Account(number=number, holder_name="María López", tariff_class="domestic", premise=premise)
    session.add_all([sector, premise, account, Balance(account=account, amount_owed_cents=150000,
                                                        months_overdue=3)])
    session.flush()
    return account


def test_new_rows_start_at_version_one_with_geometry_round_trip(session):
    account = make_account(session)
    session.expire_all()
    premise = session.get(Premise, account.premise_id)
    assert account.version == 1 and premise.version == 1
    assert to_geojson(premise.geom) == {"type": "Point", "coordinates": (-112.15, 30.71)}


def test_each_change_raises_version_and_logs_field_old_new_and_source(session):
    account = make_account(session)
    set_source(session, "payment_feed", "PAY-77")
    account.service_status = "restricted"
    account.holder_name = "María López Ruiz"
    session.flush()
    assert account.version == 2
    logs = session.scalars(
        select(ChangeLog).where(ChangeLog.entity == "account", ChangeLog.entity_id == account.id)
        .order_by(ChangeLog.field)
    ).all()
    assert [(c.field, c.old_value, c.new_value, c.version, c.source, c.source_ref) for c in logs] == [
        ("holder_name", "María López", "María López Ruiz", 2, "payment_feed", "PAY-77"),
        ("service_status", "active", "restricted", 2, "payment_feed", "PAY-77"),
    ]


def test_setting_the_same_value_is_not_a_change(session):
    account = make_account(session)
    account.holder_name = "María López"
    session.flush()
    assert account.version == 1
    assert session.scalar(select(ChangeLog).where(ChangeLog.entity == "account")) is None


def test_a_write_from_a_stale_version_is_refused(session, connection):
    account = make_account(session)
    connection.exec_driver_sql(f"UPDATE account SET version = 5 WHERE id = {account.id}")
    account.holder_name = "Otro"
    with pytest.raises(StaleDataError):
        session.flush()


def test_balance_change_is_logged_under_its_account_id(session):
    account = make_account(session)
    account.balance.amount_owed_cents = 0
    account.balance.last_payment_date = date(2026, 11, 20)
    session.flush()
    fields = set(session.scalars(select(ChangeLog.field).where(
        ChangeLog.entity == "balance", ChangeLog.entity_id == account.id)))
    assert fields == {"amount_owed_cents", "last_payment_date"}


def test_work_item_moves_only_along_its_lifecycle(session):
    account = make_account(session)
    item = WorkItem(type="cut", subtype="restrict", account_id=account.id, reason="3 meses de adeudo",
                    priority_value=1500.0, required_skill="cut")
    session.add(item)
    session.flush()
    item.move_to("planned")
    item.move_to("dispatched")
    item.move_to("done")
    session.flush()
    with pytest.raises(IllegalTransition, match="state 'done' cannot move to 'pending'"):
        item.move_to("pending")


def test_a_work_item_is_versioned_but_keeps_its_history_as_events_not_change_log_lines(session):
    account = make_account(session, "A-9")
    item = WorkItem(type="cut", subtype="restrict", account_id=account.id, reason="3 meses de adeudo",
                    priority_value=1500.0, required_skill="cut")
    session.add(item)
    session.flush()
    item.move_to("planned")
    account.service_status = "restricted"
    session.flush()
    assert item.version == 2
    logged = session.execute(select(ChangeLog.entity, ChangeLog.field).where(
        ChangeLog.entity_id.in_([item.id, account.id]))).all()
    assert ("account", "service_status") in logged
    assert not [row for row in logged if row.entity == "work_item"]
