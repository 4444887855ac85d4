"""The cuadrilla command: schema upgrades, OpenAPI output and clear start-up errors."""
import subprocess
import sys

from sqlalchemy import inspect

from field_api import create_app, db, migrate


def test_db_upgrade_creates_the_schema_and_reports_the_revision(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite"})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "current"])
    assert "empty" in result.output
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"Schema at {migrate.head_revision()}" in result.output
    tables = set(inspect(db.engine(app)).get_table_names())
    assert {"account", "premise", "meter", "sector", "work_item", "change_log"} <= tables
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0  # idempotent


def test_db_upgrade_and_downgrade_on_the_test_backend(db_url, tmp_path):
    # The test database is already at head: stepping down and up again must work on both backends.
    if db_url.startswith("sqlite"):
        db_url = f"sqlite:///{tmp_path}/updown.sqlite"
    app = create_app({"DATABASE_URL": db_url})
    runner = app.test_cli_runner()
    for args in (["db", "upgrade"], ["db", "downgrade", "base"], ["db", "upgrade"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    assert "account" in inspect(db.engine(app)).get_table_names()


def test_unknown_setting_stops_the_cli_with_its_name(tmp_path):
    env = {"CUADRILLA_DATABSE_URL": "sqlite://", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", "from field_api.cli import main; main()", "db", "current"],
                            capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "Unknown setting 'DATABSE_URL'" in result.stderr
    assert "Traceback" not in result.stderr


def test_openapi_command_writes_yaml(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})
    out = tmp_path / "openapi.yaml"
    result = app.test_cli_runner().invoke(args=["openapi", "-o", str(out)])
    assert result.exit_code == 0
    assert "/api/v1/accounts" in out.read_text()
