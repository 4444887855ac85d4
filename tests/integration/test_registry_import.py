"""The registry import on both backends: creates, matches on re-import, logs changes, or changes nothing."""
from __future__ import annotations

import csv
from datetime import date, datetime

from geoalchemy2 import functions as gfunc
from shapely.geometry import box
from sqlalchemy import func, select

from field_api.geo import ewkt
from field_api.models import Account, Balance, ChangeLog, Meter, Premise, Sector
from field_api.registry.importer import import_registry

HEADER = ["cuenta", "titular", "calle", "num_ext", "colonia", "latitud", "longitud", "uso",
          "clave_catastral", "medidor", "adeudo", "meses_rezago", "fecha_ultimo_pago"]
ROWS = [
    ["1001", "María López", "Av. Obregón", "12", "Centro", "30.72", "-112.17", "Doméstico",
     "17-001-01", "M-1", "1,234.50", "3", "15/10/2026"],
    ["1002", "Juan Pérez", "Calle Hidalgo", "40", "Centro", "30.72", "-112.12", "comercial",
     "17-002-01", "", "0", "0", "2026-11-02"],
    ["1003", "Rosa Ruiz", "Camino Real", "s/n", "", "30.60", "-112.30", "publico",
     "", "M-3", "250.00", "1", ""],
]
WEST = box(-112.20, 30.70, -112.15, 30.75)
EAST = box(-112.15, 30.70, -112.10, 30.75)


def write_csv(tmp_path, rows=ROWS, header=HEADER, name="padron.csv", encoding="utf-8", delimiter=","):
    path = tmp_path / name
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def changed(index: int, **cells) -> list[list[str]]:
    rows = [list(r) for r in ROWS]
    for name, value in cells.items():
        rows[index][HEADER.index(name)] = value
    return rows


def make_sectors(connection) -> tuple[int, int]:
    table = Sector.__table__
    ids = []
    for code, shape in (("W", WEST), ("E", EAST)):
        ids.append(connection.execute(table.insert().returning(table.c.id), {
            "code": f"T-{code}", "name": code, "geom": ewkt(shape), "version": 1,
            "created_at": datetime(2026, 1, 1), "updated_at": datetime(2026, 1, 1)}).scalar_one())
    return ids[0], ids[1]


def run(connection, path, **kw):
    return import_registry(connection, path, progress=False, **kw)


def count(connection, model) -> int:
    return connection.scalar(select(func.count()).select_from(model))


def premise_of(connection, number: str):
    return connection.execute(
        select(Premise.id, Premise.version, Premise.sector_id, Premise.street, Premise.connection_status,
               gfunc.ST_X(Premise.geom).label("lon"), gfunc.ST_Y(Premise.geom).label("lat"))
        .join(Account, Account.premise_id == Premise.id).where(Account.number == number)).one()


def account(connection, number: str):
    return connection.execute(select(Account).where(Account.number == number)).one()


def balance(connection, number: str):
    return connection.execute(select(Balance).join(Account).where(Account.number == number)).one()


def logged(connection, entity: str, entity_id: int):
    return connection.execute(
        select(ChangeLog.field, ChangeLog.old_value, ChangeLog.new_value, ChangeLog.version,
               ChangeLog.source, ChangeLog.source_ref)
        .where(ChangeLog.entity == entity, ChangeLog.entity_id == entity_id).order_by(ChangeLog.field)).all()


def test_import_creates_accounts_premises_meters_and_balances_with_geometry_and_sector(connection, tmp_path):
    west, east = make_sectors(connection)
    report = run(connection, write_csv(tmp_path))
    assert report.errors == [] and report.written
    assert (report.accounts_created, report.premises_created, report.meters_created,
            report.balances_created) == (3, 3, 2, 3)

    first, second, third = (premise_of(connection, n) for n in ("1001", "1002", "1003"))
    assert (first.lon, first.lat, first.sector_id, first.version) == (-112.17, 30.72, west, 1)
    assert (second.sector_id, second.connection_status) == (east, "unmetered")
    assert third.sector_id is None  # outside both polygons
    assert account(connection, "1002").tariff_class == "commercial"  # implied by the land use
    owed = balance(connection, "1001")
    assert (owed.amount_owed_cents, owed.months_overdue, owed.last_payment_date) == (123450, 3, date(2026, 10, 15))
    meter = connection.execute(select(Meter).where(Meter.serial == "M-1")).one()
    assert (meter.account_id, meter.status, meter.version) == (account(connection, "1001").id, "working", 1)
    assert count(connection, ChangeLog) == 0


def test_file_with_one_bad_row_changes_nothing_and_names_the_row(connection, tmp_path):
    before = [count(connection, m) for m in (Account, Premise, Meter, Balance)]
    path = write_csv(tmp_path, changed(1, latitud="-112.12", longitud="30.72"))
    report = run(connection, path)
    assert [(e.row, e.column) for e in report.errors] == [(3, "latitud")]
    assert "latitude and longitude look swapped" in report.errors[0].message
    assert not report.written
    assert [count(connection, m) for m in (Account, Premise, Meter, Balance)] == before
    assert "row 3, column 'latitud': latitude and longitude look swapped" in report.describe()


def test_skip_invalid_imports_the_valid_rows_and_reports_the_rest(connection, tmp_path):
    path = write_csv(tmp_path, changed(2, adeudo="-5"))
    report = run(connection, path, skip_invalid=True)
    assert report.written and (report.accounts_created, report.rows_skipped) == (2, 1)
    assert [(e.row, e.column) for e in report.errors] == [(4, "adeudo")]
    numbers = set(connection.scalars(select(Account.number).where(Account.number.in_(["1001", "1002", "1003"]))))
    assert numbers == {"1001", "1002"}


def test_reimporting_the_same_file_changes_nothing(connection, tmp_path):
    make_sectors(connection)
    path = write_csv(tmp_path)
    run(connection, path)
    counts = [count(connection, m) for m in (Account, Premise, Meter, Balance)]
    report = run(connection, path)
    assert (report.accounts_created, report.accounts_updated, report.accounts_unchanged) == (0, 0, 3)
    assert (report.premises_updated, report.meters_updated, report.balances_updated, report.changes_logged) == (0, 0, 0, 0)
    assert [count(connection, m) for m in (Account, Premise, Meter, Balance)] == counts
    for model in (Account, Premise, Meter, Balance):
        assert set(connection.scalars(select(model.version))) == {1}
    assert count(connection, ChangeLog) == 0


def test_reimport_with_changed_holder_and_balance_bumps_version_and_logs_old_and_new(connection, tmp_path):
    run(connection, write_csv(tmp_path))
    path = write_csv(tmp_path, changed(0, titular="María López Ruiz", adeudo="500"), name="padron-dic.csv")
    report = run(connection, path)
    assert (report.accounts_updated, report.accounts_unchanged, report.balances_updated) == (1, 2, 1)
    holder = account(connection, "1001")
    assert (holder.holder_name, holder.version) == ("María López Ruiz", 2)
    assert logged(connection, "account", holder.id) == [
        ("holder_name", "María López", "María López Ruiz", 2, "import", "padron-dic.csv")]
    assert balance(connection, "1001").version == 2
    assert logged(connection, "balance", holder.id) == [
        ("amount_owed_cents", "123450", "50000", 2, "import", "padron-dic.csv")]
    assert account(connection, "1002").version == 1 and premise_of(connection, "1001").version == 1
    assert count(connection, Account) == len(set(connection.scalars(select(Account.number))))


def test_a_moved_premise_gets_the_sector_of_its_new_point(connection, tmp_path):
    west, east = make_sectors(connection)
    run(connection, write_csv(tmp_path))
    run(connection, write_csv(tmp_path, changed(1, longitud="-112.18"), name="moved.csv"))
    premise = premise_of(connection, "1002")
    assert (premise.lon, premise.sector_id, premise.version) == (-112.18, west, 2)
    assert logged(connection, "premise", premise.id) == [
        ("geom", "POINT (-112.12 30.72)", "POINT (-112.18 30.72)", 2, "import", "moved.csv"),
        ("sector_id", str(east), str(west), 2, "import", "moved.csv"),
    ]


def test_accounts_with_one_cadastral_key_share_one_premise(connection, tmp_path):
    rows = changed(1, clave_catastral="17-001-01", calle="Av. Obregón", num_ext="12",
                   latitud="30.72", longitud="-112.17", uso="Doméstico")
    report = run(connection, write_csv(tmp_path, rows))
    assert (report.accounts_created, report.premises_created) == (3, 2)
    assert premise_of(connection, "1001").id == premise_of(connection, "1002").id
    assert report.warnings == []
    again = run(connection, write_csv(tmp_path, rows))
    assert (again.premises_created, again.premises_updated, again.accounts_unchanged) == (0, 0, 3)


def test_rows_sharing_a_premise_with_different_addresses_keep_the_first_and_warn(connection, tmp_path):
    rows = changed(1, clave_catastral="17-001-01", calle="Av. Obregon", num_ext="12",
                   latitud="30.72", longitud="-112.17", uso="Doméstico")
    report = run(connection, write_csv(tmp_path, rows))
    assert report.warnings == ["row 3: same premise as row 2 but different street; "
                               "the values of row 2 were kept"]
    assert premise_of(connection, "1002").street == "Av. Obregón"


def test_without_a_cadastral_key_the_accounts_own_premise_is_updated(connection, tmp_path):
    header = [h for h in HEADER if h != "clave_catastral"]
    drop = HEADER.index("clave_catastral")
    rows = [r[:drop] + r[drop + 1:] for r in ROWS]
    run(connection, write_csv(tmp_path, rows, header))
    premise_id = premise_of(connection, "1003").id
    rows[2][header.index("calle")] = "Camino Real Norte"
    report = run(connection, write_csv(tmp_path, rows, header))
    assert (report.premises_created, report.premises_updated) == (0, 1)
    premise = premise_of(connection, "1003")
    assert (premise.id, premise.street, premise.version) == (premise_id, "Camino Real Norte", 2)


def test_xlsx_import_reads_the_named_sheet_with_typed_cells(connection, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Resumen"
    workbook.active.append(["no es el padrón"])
    sheet = workbook.create_sheet("Padron")
    sheet.append(["Cuenta", "Titular", "Calle", "Número Exterior", "Latitud", "Longitud", "Uso", "Adeudo",
                  "Fecha Último Pago"])
    sheet.append([2001, "Ana Soto", "Calle Pitic", 7, 30.71, -112.16, "Doméstico", 99.5, datetime(2026, 3, 1)])
    sheet.append([2002, "Luis Félix", "Calle Pitic", 9, -112.16, 30.71, "Doméstico", 0, None])
    path = tmp_path / "padron.xlsx"
    workbook.save(path)

    refused = run(connection, str(path), sheet="Padron")
    assert [(e.row, e.column) for e in refused.errors] == [(3, "Latitud")]
    report = run(connection, str(path), sheet="Padron", skip_invalid=True)
    assert report.accounts_created == 1
    assert (account(connection, "2001").holder_name, balance(connection, "2001").amount_owed_cents) == ("Ana Soto", 9950)
    assert balance(connection, "2001").last_payment_date == date(2026, 3, 1)


def test_a_missing_required_column_stops_the_whole_file(connection, tmp_path):
    header = [h for h in HEADER if h != "uso"]
    rows = [r[:7] + r[8:] for r in ROWS]
    report = run(connection, write_csv(tmp_path, rows, header), skip_invalid=True)
    assert report.fatal and not report.written
    assert [(e.column, e.message.split(" (")[0]) for e in report.errors] == [
        ("land_use", "required column 'land_use' is missing")]
    assert connection.scalar(select(func.count()).select_from(Account).where(Account.number == "1001")) == 0


def test_unknown_columns_are_ignored_with_a_warning_and_cp1252_is_read(connection, tmp_path):
    path = write_csv(tmp_path, [r + ["R-7"] for r in ROWS], HEADER + ["ruta"], encoding="cp1252", delimiter=";")
    report = run(connection, path)
    assert report.accounts_created == 3
    assert report.warnings == ["unknown columns ignored: ruta"]
    assert account(connection, "1001").holder_name == "María López"


def test_later_inserts_do_not_collide_with_imported_ids(connection, tmp_path):
    run(connection, write_csv(tmp_path))
    table = Premise.__table__
    new_id = connection.execute(table.insert().returning(table.c.id), {
        "street": "Nueva", "exterior_number": "1", "geom": ewkt(box(0, 0, 1, 1).centroid),
        "land_use": "domestic", "dwellings": 1, "connection_status": "none", "version": 1,
        "created_at": datetime(2026, 1, 1), "updated_at": datetime(2026, 1, 1)}).scalar_one()
    assert new_id > premise_of(connection, "1003").id


def test_cli_imports_a_good_file_and_exits_1_naming_the_bad_row(tmp_path):
    from field_api import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    good = runner.invoke(args=["import-registry", write_csv(tmp_path, name="good.csv"), "--no-progress"])
    assert good.exit_code == 0, good.output
    assert "Accounts: 3 created, 0 updated, 0 unchanged." in good.output
    bad = runner.invoke(args=["import-registry", write_csv(tmp_path, changed(2, meses_rezago="-2"), name="bad.csv"),
                              "--no-progress"])
    assert bad.exit_code == 1
    assert "row 4, column 'meses_rezago': cannot be negative (got -2)" in bad.output
    assert "Nothing was changed." in bad.output
