"""The demo town: believable shares, planted findings, deterministic, on both backends."""
from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, datetime, timezone
from random import Random

import pytest
from geoalchemy2 import Geometry
from shapely import wkt
from shapely.geometry import Point
from sqlalchemy import func, select, text

from field_api import create_app
from field_api.db import make_engine
from field_api.models import (
    Account, Balance, Crew, CrewMember, HolidayCalendar, Meter, PaymentAgreement, Premise, Reading, Sector,
    StateHoliday, WorkEvent, WorkItem,
)
from field_api.registry.demo import (
    DEMO_AS_OF, RegistryNotEmpty, build_demo_town, crew_counts, registry_tables,
)
from field_api.registry.demo_accounts import RowFactory, plant
from field_api.registry.demo_layout import TownLayout
from field_api.registry.demo_names import METER_BRANDS
from schemas import vocab

ACCOUNTS = 1000


def build(connection, seed=11, accounts=ACCOUNTS, reset=False):
    return build_demo_town(connection, accounts=accounts, seed=seed, reset=reset, progress=False)


def rows(connection, *columns, where=None):
    query = select(*columns)
    if where is not None:
        query = query.where(where)
    return connection.execute(query).all()


def accounts_with_balances(connection):
    return connection.execute(
        select(Account.tariff_class, Account.protected, Account.protected_reason,
               Account.service_status, Balance.amount_owed_cents, Balance.months_overdue,
               Premise.land_use)
        .join(Balance, Balance.account_id == Account.id).join(Premise, Premise.id == Account.premise_id)
    ).all()


def readings_by_meter(connection):
    series = defaultdict(list)
    for meter_id, read_on, value in rows(connection, Reading.meter_id, Reading.read_on, Reading.value_m3):
        series[meter_id].append((read_on, value))
    return {meter_id: [v for _, v in sorted(values)] for meter_id, values in series.items()}


def is_true(connection, predicate):
    """SpatiaLite's predicates return 1 or 0, PostGIS's return booleans."""
    return predicate == 1 if connection.dialect.name == "sqlite" else predicate


def digest(connection) -> str:
    """A hash of every registry row except the build timestamps; geometry as text."""
    sha = hashlib.sha256()
    for table in registry_tables():
        columns = [func.ST_AsText(c) if isinstance(c.type, Geometry) else c
                   for c in table.c if c.name not in ("created_at", "updated_at")]
        for row in connection.execute(select(*columns).order_by(*table.primary_key.columns)):
            sha.update(repr(tuple(row)).encode())
    return sha.hexdigest()


def test_a_small_town_holds_exactly_what_its_summary_reports(connection):
    summary = build(connection)

    def count(model):
        return connection.scalar(select(func.count()).select_from(model))

    assert summary.accounts == count(Account) == count(Balance) == ACCOUNTS
    assert summary.premises == count(Premise) == ACCOUNTS + summary.illegal
    assert summary.meters == count(Meter) and summary.readings == count(Reading)
    assert summary.agreements == count(PaymentAgreement)
    assert (summary.crews, summary.crew_members) == (count(Crew), count(CrewMember))
    assert 0.90 * ACCOUNTS < summary.meters < ACCOUNTS
    described = summary.describe()
    assert f"{ACCOUNTS:,} accounts" in described and f"{summary.sectors} sectors" in described
    assert described.endswith(f"Built in {summary.seconds:.1f} s.")


def test_about_a_quarter_of_accounts_are_in_arrears_and_one_in_twenty_is_protected(connection):
    build(connection)
    accounts = accounts_with_balances(connection)
    arrears = [a for a in accounts if a.amount_owed_cents > 0]
    assert 0.19 < len(arrears) / ACCOUNTS < 0.31
    assert all(a.months_overdue >= 1 for a in arrears)
    assert all(a.months_overdue == 0 for a in accounts if a.amount_owed_cents == 0)
    owed = sorted(a.amount_owed_cents for a in arrears)
    assert owed[-1] > 5 * owed[len(owed) // 2]  # a long lognormal tail, not a flat amount
    protected = [a for a in accounts if a.protected]
    assert 0.02 < len(protected) / ACCOUNTS < 0.09
    assert all(a.tariff_class == "domestic_preferential" and a.protected_reason for a in protected)
    assert all(not a.protected and a.protected_reason is None
               for a in accounts if a.tariff_class != "domestic_preferential")


def test_land_use_is_mostly_domestic_and_tariffs_follow_it(connection):
    build(connection)
    accounts = accounts_with_balances(connection)
    shares = {use: sum(a.land_use == use for a in accounts) / len(accounts) for use in vocab.LAND_USES}
    assert 0.79 < shares["domestic"] < 0.91 and 0.05 < shares["commercial"] < 0.15
    expected = {"domestic": {"domestic", "domestic_preferential"}, "commercial": {"commercial"},
                "industrial": {"industrial"}, "public": {"public"}, "mixed": {"commercial"}}
    assert all(a.tariff_class in expected[a.land_use] for a in accounts)


def test_every_premise_lies_inside_its_own_sector_in_python_and_in_sql(connection):
    summary = build(connection)
    sectors = {i: wkt.loads(g) for i, g in rows(connection, Sector.id, func.ST_AsText(Sector.geom))}
    assert 10 <= len(sectors) == summary.sectors <= 20
    polygons = list(sectors.values())
    assert all(a.intersection(b).area == 0 for i, a in enumerate(polygons) for b in polygons[i + 1:])
    points = rows(connection, Premise.sector_id, func.ST_X(Premise.geom), func.ST_Y(Premise.geom))
    for sector_id, x, y in points:
        assert sectors[sector_id].contains(Point(x, y))
        assert 30.5 < y < 30.9 and -112.4 < x < -111.9  # around Caborca
    outside = connection.scalar(
        select(func.count()).select_from(Premise).join(Sector, Sector.id == Premise.sector_id)
        .where(~is_true(connection, func.ST_Within(Premise.geom, Sector.geom)))
    )
    pairs = connection.execute(
        select(Premise.sector_id, Sector.id)
        .join(Sector, is_true(connection, func.ST_Intersects(Premise.geom, Sector.geom)))
    ).all()
    assert outside == 0
    assert len(pairs) == summary.premises and all(own == found for own, found in pairs)


def test_readings_rise_monthly_with_some_idle_meters_and_sharp_drops(connection):
    build(connection)
    series = readings_by_meter(connection)
    working = set(connection.scalars(
        select(Meter.id).join(Account, Account.id == Meter.account_id)
        .where(Meter.status == "working", Account.service_status == "active")))
    assert all(len(series[m]) == 6 for m in working)
    assert all(a <= b for values in series.values() for a, b in zip(values, values[1:]))
    use = {m: [b - a for a, b in zip(series[m], series[m][1:])] for m in working}
    idle = [m for m, u in use.items() if sum(u) == 0]
    drops = [m for m, u in use.items() if sum(u[:3]) / 3 >= 8 and max(u[3:]) < 0.25 * sum(u[:3]) / 3]
    assert 3 <= len(idle) < 0.1 * len(working)
    assert 3 <= len(drops) < 0.1 * len(working)
    typical = sorted(sum(u) / 5 for u in use.values())[len(use) // 2]
    assert 8 < typical < 40  # m3 a month, like a Sonoran household
    assert set(connection.scalars(select(Reading.source).distinct())) == {"import"}


def test_illegal_connections_and_cancelled_meters_that_still_turn_are_planted(connection):
    build(connection)
    unregistered = rows(connection, Premise.connection_status, Premise.land_use,
                        where=~Premise.id.in_(select(Account.premise_id)))
    assert len(unregistered) >= 2
    assert all(status == "none" and use in vocab.LAND_USES for status, use in unregistered)
    series = readings_by_meter(connection)
    cancelled_meters = rows(connection, Meter.id, Meter.status, where=Meter.account_id.in_(
        select(Account.id).where(Account.service_status == "cancelled")))
    still_there = [m for m, status in cancelled_meters if status == "working"]
    assert len(still_there) >= 2 and all(series[m][-1] > series[m][0] for m in still_there)
    assert any(status == "removed" for _, status in cancelled_meters)


def test_only_deep_unprotected_arrears_are_cut_and_domestic_supply_is_only_restricted(connection):
    build(connection)
    accounts = accounts_with_balances(connection)
    cut = [a for a in accounts if a.service_status in ("restricted", "suspended")]
    assert cut and all(a.months_overdue >= 3 and not a.protected for a in cut)
    assert all(a.land_use in ("domestic", "mixed") for a in cut if a.service_status == "restricted")
    assert all(a.land_use not in ("domestic", "mixed") for a in cut if a.service_status == "suspended")
    current = set(connection.scalars(select(PaymentAgreement.account_id)
                                     .where(PaymentAgreement.status == "current")))
    cut_ids = set(connection.scalars(select(Account.id).where(
        Account.service_status.in_(("restricted", "suspended")))))
    assert current and not current & cut_ids


def test_payment_agreements_are_current_breached_or_completed_and_belong_to_accounts_in_arrears(connection):
    build(connection)
    agreements = connection.execute(
        select(PaymentAgreement.status, PaymentAgreement.instalments, PaymentAgreement.instalments_paid,
               Balance.months_overdue)
        .join(Balance, Balance.account_id == PaymentAgreement.account_id)
    ).all()
    assert {a.status for a in agreements} == {"current", "breached", "completed"}
    assert all(a.months_overdue >= 1 for a in agreements)
    for a in agreements:
        assert 0 <= a.instalments_paid <= a.instalments
        assert (a.instalments_paid == a.instalments) == (a.status == "completed")


def test_meters_have_unique_serials_known_brands_and_standard_diameters(connection):
    build(connection)
    meters = rows(connection, Meter.serial, Meter.brand, Meter.diameter_mm, Meter.install_date)
    assert len({m.serial for m in meters}) == len(meters)
    assert {m.brand for m in meters} <= {brand for brand, _ in METER_BRANDS}
    assert {m.diameter_mm for m in meters} <= {13, 19, 25} and all(m.install_date for m in meters)
    numbers = list(connection.scalars(select(Account.number)))
    assert all(len(n) == 9 and n[7] == "-" and n.replace("-", "").isdigit() for n in numbers)
    keys = list(connection.scalars(select(Premise.cadastral_key)))
    assert len(set(keys)) == len(keys) and None not in keys
    holders = list(connection.scalars(select(Account.holder_name)))
    assert len(set(holders)) > 0.9 * len(holders)


def test_same_seed_builds_the_same_town(connection):
    build(connection)
    first = digest(connection)
    build(connection, reset=True)
    assert digest(connection) == first


def test_a_different_seed_builds_a_different_town(connection):
    build(connection)
    first = digest(connection)
    build(connection, seed=12, reset=True)
    assert digest(connection) != first


def test_a_registry_that_is_not_empty_is_not_replaced_without_reset(connection):
    build(connection)
    with pytest.raises(RegistryNotEmpty, match=f"already holds {ACCOUNTS:,} accounts; use --reset"):
        build(connection, seed=12)
    assert connection.scalar(select(func.count()).select_from(Account)) == ACCOUNTS


def test_reset_replaces_the_registry_and_the_work_that_hangs_off_it(connection):
    build(connection)
    account_id = connection.scalar(select(func.min(Account.id)))
    item_id = connection.execute(WorkItem.__table__.insert().values(
        type="cut", subtype="restrict", account_id=account_id, reason="3 meses de adeudo",
        required_skill="cut",
    ).returning(WorkItem.id)).scalar_one()
    connection.execute(WorkEvent.__table__.insert().values(work_item_id=item_id, kind="created"))
    summary = build(connection, seed=12, accounts=150, reset=True)
    assert connection.scalar(select(func.count()).select_from(WorkItem)) == 0
    assert connection.scalar(select(func.count()).select_from(WorkEvent)) == 0
    assert connection.scalar(select(func.count()).select_from(Account)) == summary.accounts == 150


def test_the_demo_enters_an_example_sonora_calendar_but_never_over_one_the_office_entered(connection):
    now = datetime.now(timezone.utc)
    connection.execute(HolidayCalendar.__table__.insert().values(state="Sonora", year=2027, version=1,
                                                                 created_at=now, updated_at=now))
    connection.execute(StateHoliday.__table__.insert().values(state="Sonora", day=date(2027, 9, 13),
                                                              name="Día de la oficina"))
    summary = build(connection)
    assert summary.holiday_years == (2026,) and "Example Sonora holiday calendar entered for 2026" in summary.describe()
    days = rows(connection, StateHoliday.state, StateHoliday.day, StateHoliday.name)
    assert sorted(days) == [  # Easter 2026 is 5 April
        ("Sonora", date(2026, 4, 2), "Jueves Santo (ejemplo)"), ("Sonora", date(2026, 4, 3), "Viernes Santo (ejemplo)"),
        ("Sonora", date(2026, 11, 2), "Día de Muertos (ejemplo)"),
        ("Sonora", date(2026, 12, 12), "Día de la Virgen de Guadalupe (ejemplo)"),
        ("Sonora", date(2027, 9, 13), "Día de la oficina")]
    assert build(connection, reset=True).holiday_years == ()  # a rebuilt town keeps the calendars


def test_rows_added_after_the_demo_get_fresh_ids(connection):
    build(connection)
    premise_id = connection.scalar(select(func.min(Premise.id)))
    new_id = connection.execute(Account.__table__.insert().values(
        number="9999999-9", holder_name="Nueva Cuenta", tariff_class="domestic", premise_id=premise_id,
    ).returning(Account.id)).scalar_one()
    assert new_id == ACCOUNTS + 1


def test_crews_leave_from_the_office_in_centro_with_skilled_members(connection):
    build(connection)
    centro = wkt.loads(connection.scalar(select(func.ST_AsText(Sector.geom)).where(Sector.name == "Centro")))
    crews = rows(connection, Crew.id, Crew.name, Crew.travel_mode,
                 func.ST_X(Crew.depot), func.ST_Y(Crew.depot))
    members = defaultdict(list)
    for crew_id, skills in rows(connection, CrewMember.crew_id, CrewMember.skills):
        members[crew_id].append(set(skills))
    kind = {"Notificación": "notifier", "Cortes": "cut", "Inspección": "inspector", "Lecturas": "reader"}
    assert {kind[c.name.rsplit(" ", 1)[0]] for c in crews} == set(vocab.SKILLS)
    for crew in crews:
        skill = kind[crew.name.rsplit(" ", 1)[0]]
        assert centro.contains(Point(crew[3], crew[4]))
        assert crew.travel_mode == ("walk" if skill in ("notifier", "reader") else "drive")
        assert 1 <= len(members[crew.id]) <= 3
        assert all(skill in s and s <= set(vocab.SKILLS) for s in members[crew.id])


def test_the_town_and_its_crews_grow_with_the_number_of_accounts():
    small, big = TownLayout(5_015, Random(1)), TownLayout(1_003_000, Random(1))
    assert big.cols * big.rows > 150 * small.cols * small.rows
    assert 10 <= len(big.sectors) <= 20 and 10 <= len(small.sectors) <= 20
    for layout, premises in ((small, 5_015), (big, 1_003_000)):
        assert 0.6 < premises / layout.lots_total < 0.8  # density stays that of a town
    few, many = crew_counts(5_000), crew_counts(1_000_000)
    assert all(1 <= few[s] <= many[s] for s in vocab.SKILLS)
    assert sum(many.values()) <= 80 and many["reader"] > few["reader"]


def test_across_twenty_thousand_accounts_no_protected_or_current_agreement_account_is_cut():
    premises, roles = plant(20_000, Random(3))
    layout = TownLayout(premises, Random(4))
    factory = RowFactory(Random(5), DEMO_AS_OF, datetime.now(timezone.utc))
    for position, lot in enumerate(layout.lots(premises, Random(6))):
        factory.add(position + 1, lot, roles.get(position))
    generated = factory.take()
    current = {a["account_id"] for a in generated["payment_agreement"] if a["status"] == "current"}
    months = {b["account_id"]: b["months_overdue"] for b in generated["balance"]}
    cut = [a for a in generated["account"] if a["service_status"] in ("restricted", "suspended")]
    protected_in_deep_arrears = [a for a in generated["account"] if a["protected"] and months[a["id"]] >= 6]
    assert len(cut) > 200 and len(protected_in_deep_arrears) > 20 and len(current) > 100
    assert not [a for a in cut if a["protected"] or a["id"] in current or months[a["id"]] < 3]


def test_the_demo_command_builds_a_town_in_a_fresh_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    runner = create_app({"DATABASE_URL": url, "TESTING": True}).test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["demo", "--accounts", "200", "--seed", "7", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "Demo town (seed 7): 200 accounts" in result.output and "Built in" in result.output
    again = runner.invoke(args=["demo", "--accounts", "200", "--seed", "7", "--no-progress"])
    assert again.exit_code == 1 and "already holds 200 accounts; use --reset" in again.output
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(Account)) == 200
            assert conn.scalar(text("SELECT count(*) FROM sector")) >= 10
    finally:
        engine.dispose()
