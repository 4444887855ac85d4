"""`cuadrilla import-payments`: all or nothing, idempotent by reference."""
from sqlalchemy import select

from field_api import create_app
from field_api.models import Balance, Payment
from tests.builders import make_account
from tests.conftest import bind_app


def run(db_url, connection, *args):
    app = create_app({"DATABASE_URL": db_url})
    bind_app(app, connection)
    return app.test_cli_runner().invoke(args=["import-payments", *args])


def test_a_good_file_applies_and_a_second_run_only_finds_duplicates(db_url, connection, session, tmp_path):
    account = make_account(session, "C-1", -112.16, 30.71, months=3, cents=300000)
    session.commit()
    path = tmp_path / "pagos.csv"
    path.write_text("Referencia;Cuenta;Importe;Fecha de pago;Canal\nR-1;C-1;1,000.50;20/11/2026;caja\n"
                    "R-2;NOPE;10;2026-11-20;banco\n", encoding="cp1252")
    first = run(db_url, connection, str(path))
    assert first.exit_code == 0, first.output
    assert "2 payments: 1 accepted, 0 duplicate, 1 rejected" in first.output and "Unknown account" in first.output
    session.expire_all()
    assert session.get(Balance, account.id).amount_owed_cents == 300000 - 100050
    second = run(db_url, connection, str(path))
    assert "0 accepted, 1 duplicate, 1 rejected" in second.output


def test_a_file_with_a_bad_row_applies_nothing_and_names_the_row(db_url, connection, session, tmp_path):
    make_account(session, "C-2", -112.16, 30.71, months=3, cents=300000)
    session.commit()
    path = tmp_path / "pagos.csv"
    path.write_text("reference,account_number,amount,paid_on\nR-3,C-2,100,2026-11-20\nR-4,C-2,0,2026-11-20\n"
                    "R-3,C-2,5,2026-11-20\n")
    result = run(db_url, connection, str(path))
    assert result.exit_code == 1
    assert "row 3, column amount: must be more than zero" in result.output
    assert "row 4, column reference: 'R-3' repeats row 2" in result.output
    assert session.scalar(select(Payment.id)) is None


def test_a_file_without_the_needed_columns_says_which(db_url, connection, tmp_path):
    path = tmp_path / "pagos.csv"
    path.write_text("folio,monto\nR-1,10\n")
    result = run(db_url, connection, str(path))
    assert result.exit_code == 1 and "missing column(s): account_number, paid_on" in result.output
