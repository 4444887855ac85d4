"""Registry import rows are checked without a database: columns, values, and rules across rows."""
import ast
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from field_api.registry.import_columns import map_header
from field_api.registry.import_files import ImportFileError, open_table
from field_api.registry.import_report import ImportReport
from field_api.registry.import_rows import RowError, validate_rows
from field_api.registry.import_values import BadValue, cents, day, yes_no

TODAY = date(2026, 11, 21)
HEADER = ["account_number", "holder_name", "street", "exterior_number", "lat", "lon", "land_use",
          "meter_serial", "amount_owed", "months_overdue", "last_payment_date", "protected",
          "protected_reason"]
GOOD = ["1001", "María López", "Av. Obregón", "12", "30.71", "-112.16", "domestico",
        "M-1", "1,234.50", "3", "15/10/2026", "no", ""]


def check(*rows, header=HEADER):
    """Validate rows numbered from 2, as under a header on row 1."""
    return validate_rows(map_header(header), [(n, list(r)) for n, r in enumerate(rows, start=2)], today=TODAY)


def row(**changes):
    cells = dict(zip(HEADER, GOOD))
    cells.update(changes)
    return [cells[name] for name in HEADER]


def only_error(result) -> RowError:
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_a_good_row_parses_into_typed_values():
    result = check(row())
    assert result.errors == []
    values = result.rows[0].values
    assert values["account_number"] == "1001"
    assert values["land_use"] == "domestic"
    assert values["amount_owed"] == 123450
    assert values["months_overdue"] == 3
    assert values["last_payment_date"] == date(2026, 10, 15)
    assert values["protected"] is False
    assert (values["lat"], values["lon"]) == (30.71, -112.16)


def test_spanish_headers_are_matched_without_case_or_accents():
    header = map_header(["Cuenta", "TITULAR", "Calle", "Número Exterior", "No. Int", "C.P.",
                         "Latitud", "LONGITUD", "Uso", "Clave Catastral", "Meses_Rezago",
                         "Fecha Último Pago", "Tarifa Preferencial", "Motivo Preferencial"])
    assert header.errors == []
    assert set(header.index) == {
        "account_number", "holder_name", "street", "exterior_number", "interior_number", "postal_code",
        "lat", "lon", "land_use", "cadastral_key", "months_overdue", "last_payment_date", "protected",
        "protected_reason"}
    assert header.label("exterior_number") == "Número Exterior"


def test_contrato_and_num_ext_are_aliases_too():
    header = map_header(["contrato", "nombre", "calle", "num_ext", "latitud", "longitud", "uso"])
    assert header.errors == [] and header.index["account_number"] == 0 and header.index["exterior_number"] == 3


def test_a_missing_required_column_is_named_with_its_accepted_names():
    header = map_header(["cuenta", "titular", "calle", "num_ext", "latitud", "longitud"])
    assert header.errors == [("land_use", "required column 'land_use' is missing "
                                          "(accepted names: land_use, uso, uso_suelo, clasificacion)")]


def test_two_columns_meaning_the_same_field_are_refused():
    header = map_header(HEADER + ["cuenta"])
    assert header.errors == [("cuenta", "columns 'account_number' and 'cuenta' both mean account_number; "
                                        "keep only one")]


def test_unknown_columns_are_listed():
    assert map_header(HEADER + ["ruta", "Giro"]).unknown == ["ruta", "Giro"]


@pytest.mark.parametrize("text, expected", [
    ("Doméstico", "domestic"), ("DOMESTICO", "domestic"), ("habitacional", "domestic"),
    ("comercial", "commercial"), ("Industrial", "industrial"), ("Público", "public"), ("mixto", "mixed"),
    ("mixed", "mixed"),
])
def test_land_use_accepts_spanish_and_english_words(text, expected):
    assert check(row(land_use=text)).rows[0].values["land_use"] == expected


def test_an_unknown_land_use_lists_the_accepted_values():
    error = only_error(check(row(land_use="rural")))
    assert (error.row, error.column) == (2, "land_use")
    assert error.message.startswith("'rural' is not a land use; use one of: domestic (domestico), commercial")


def test_service_status_and_tariff_take_spanish_values():
    header = HEADER + ["estatus", "tarifa"]
    result = check(row() + ["Restringido", "Doméstico preferencial"], row(account_number="2", meter_serial="M-2")
                   + ["cancelado", "comercial"], header=header)
    assert [(r.values["service_status"], r.values["tariff_class"]) for r in result.rows] == [
        ("restricted", "domestic_preferential"), ("cancelled", "commercial")]


@pytest.mark.parametrize("text, expected", [
    ("1,234.50", 123450), ("1234.5", 123450), ("$ 12,345,678.09", 1234567809), ("0", 0), (" 7.00 ", 700),
    (1234.56, 123456), (15, 1500),
])
def test_amounts_become_exact_centavos(text, expected):
    assert cents(text) == expected


@pytest.mark.parametrize("text, message", [
    ("1234,50", "is not an amount in pesos"), ("12.345", "has more than two decimals"),
    ("-50.00", "cannot be negative"), ("mil", "is not an amount in pesos"), ("1,23.00", "is not an amount"),
])
def test_bad_amounts_say_why(text, message):
    with pytest.raises(BadValue, match=re.escape(message)):
        cents(text)


def test_a_negative_amount_names_the_row_and_column():
    error = only_error(check(row(), row(account_number="2", meter_serial="M-2", amount_owed="-10")))
    assert (error.row, error.column, error.message) == (3, "amount_owed", "cannot be negative (got -10)")


@pytest.mark.parametrize("text", ["2026-01-31", "31/01/2026", "31/1/2026", "2026-01-31 00:00:00",
                                  datetime(2026, 1, 31, 0, 0), date(2026, 1, 31)])
def test_dates_are_read_in_iso_and_mexican_order(text):
    assert day(TODAY)(text) == date(2026, 1, 31)


@pytest.mark.parametrize("text, message", [
    ("31/02/2026", "'31/02/2026' is not a real date"), ("01/31/2026", "not a real date"),
    ("31-01-26", "is not a date (write 2024-01-31 or 31/01/2024)"),
    ("2026-12-01", "2026-12-01 is in the future"), ("01/01/1899", "before 1900"),
])
def test_bad_dates_say_why(text, message):
    with pytest.raises(BadValue, match=re.escape(message)):
        day(TODAY)(text)


def test_swapped_coordinates_are_called_swapped():
    error = only_error(check(row(lat="-112.16", lon="30.71")))
    assert (error.row, error.column) == (2, "lat")
    assert error.message.startswith("latitude and longitude look swapped")


def test_swapped_coordinates_inside_the_latitude_range_are_still_caught():
    # Cancún with lat and lon exchanged: -86.85 is a valid latitude, but not in Mexico.
    error = only_error(check(row(lat="-86.85", lon="21.16")))
    assert "look swapped" in error.message


@pytest.mark.parametrize("lat, lon, message", [
    ("0", "0", "0, 0 is not a location"),
    ("30.71", "112.16", "is its minus sign missing?"),
    ("40.4", "-3.7", "is outside Mexico"),
    ("30.71", "oeste", "'oeste' is not a number"),
])
def test_other_bad_locations_say_why(lat, lon, message):
    assert message in only_error(check(row(lat=lat, lon=lon))).message


def test_a_lone_decimal_comma_in_a_coordinate_is_accepted():
    assert check(row(lat="30,71", lon="-112,16")).rows[0].values["lat"] == 30.71


def test_months_overdue_cannot_be_negative_or_fractional():
    result = check(row(months_overdue="-1"), row(account_number="2", meter_serial="M-2", months_overdue="2.5"))
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "months_overdue", "cannot be negative (got -1)"),
        (3, "months_overdue", "'2.5' is not a whole number"),
    ]


@pytest.mark.parametrize("text, expected", [("si", True), ("Sí", True), ("TRUE", True), ("1", True),
                                            ("no", False), ("false", False), ("0", False), (True, True)])
def test_protected_reads_yes_and_no_in_both_languages(text, expected):
    assert yes_no(text) is expected


def test_a_protected_account_needs_a_reason():
    error = only_error(check(row(protected="sí", protected_reason="")))
    assert (error.row, error.column) == (2, "protected_reason")
    assert "needs a reason" in error.message
    assert check(row(protected="sí", protected_reason="Tercera edad")).errors == []


def test_a_duplicate_account_number_names_the_first_row():
    result = check(row(), row(meter_serial="M-2"))
    error = only_error(result)
    assert (error.row, error.column, error.message) == (3, "account_number", "account number 1001 is already on row 2")
    assert [r.line for r in result.rows] == [2]


def test_a_duplicate_meter_serial_names_the_first_row():
    error = only_error(check(row(), row(account_number="2")))
    assert (error.row, error.column, error.message) == (3, "meter_serial", "meter serial M-1 is already on row 2")


def test_a_required_cell_left_empty_is_reported():
    error = only_error(check(row(street="  ")))
    assert (error.column, error.message) == ("street", "is required but empty")


def test_blank_optional_cells_clear_nullable_fields_but_not_defaulted_ones():
    values = check(row(meter_serial="", amount_owed="", last_payment_date="")).rows[0].values
    assert values["last_payment_date"] is None
    assert "amount_owed" not in values and "meter_serial" not in values


def test_a_row_wider_than_the_header_is_refused():
    error = only_error(check(row() + ["sobrante"]))
    assert error.column is None and "has 14 values but the header has 13 columns" in error.message


def test_blank_rows_are_skipped_and_not_counted():
    result = check(row(), [""] * len(HEADER), row(account_number="2", meter_serial="M-2"))
    assert result.rows_read == 2 and [r.line for r in result.rows] == [2, 4]


def test_a_too_long_value_is_refused():
    error = only_error(check(row(exterior_number="1" * 21)))
    assert error.message == "is 21 characters long; at most 20 fit"


def test_a_spreadsheet_number_keeps_the_leading_zero_of_a_postal_code():
    result = check(row() + [1000], header=HEADER + ["cp"])
    assert result.rows[0].values["postal_code"] == "01000"


def test_spreadsheet_numbers_in_text_columns_lose_the_trailing_point_zero():
    assert check(row(account_number=10234.0)).rows[0].values["account_number"] == "10234"


# Reading files: still no database.

def test_a_latin1_csv_with_semicolons_is_read(tmp_path):
    path = tmp_path / "padron.csv"
    path.write_bytes("cuenta;titular\n1;Peña Núñez\n".encode("cp1252"))
    with open_table(str(path)) as table:
        assert table.header == ["cuenta", "titular"]
        assert list(table.records) == [(2, ["1", "Peña Núñez"])]
        assert table.notes == ["read as cp1252 (not UTF-8)"]


def test_a_utf8_bom_does_not_reach_the_first_header(tmp_path):
    path = tmp_path / "padron.csv"
    path.write_bytes("\ufeffcuenta,titular\n1,Peña\n".encode("utf-8"))
    with open_table(str(path)) as table:
        assert table.header == ["cuenta", "titular"] and table.notes == []


def test_csv_rows_are_numbered_by_the_line_they_start_on(tmp_path):
    path = tmp_path / "padron.csv"
    path.write_text('cuenta,titular\n1,"Ana\nRuiz"\n\n2,Luis\n', encoding="utf-8")
    with open_table(str(path)) as table:
        assert [n for n, _ in table.records] == [2, 5]


def test_an_unknown_extension_is_a_clear_error(tmp_path):
    path = tmp_path / "padron.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ImportFileError, match=r"extension '\.xls' is not known; save the export as \.csv or \.xlsx"):
        with open_table(str(path)):
            pass


def test_a_broken_xlsx_is_a_clear_error(tmp_path):
    path = tmp_path / "padron.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(ImportFileError, match="is not a readable XLSX workbook"):
        with open_table(str(path)):
            pass


def test_the_report_lists_fifty_errors_then_counts_the_rest():
    report = ImportReport("padron.csv")
    report.errors = [RowError(n, "lat", "bad") for n in range(2, 62)]
    text = report.describe()
    assert "row 51, column 'lat': bad" in text and "row 52," not in text
    assert "... and 10 more" in text
    assert "Nothing was changed." in text and "--skip-invalid" in text


PURE_MODULES = ["import_values", "import_columns", "import_rows", "import_files", "import_report"]


def test_the_parsing_and_validation_modules_need_no_database():
    registry = Path(__file__).resolve().parents[2] / "field_api" / "registry"
    for name in PURE_MODULES:
        tree = ast.parse((registry / f"{name}.py").read_text(encoding="utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not {m for m in imported if m.split(".")[0] in ("sqlalchemy", "geoalchemy2", "flask")}, name
