"""CLI commands for the registry: the demo town and the billing-system import."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("demo")
@click.option("--accounts", type=click.IntRange(min=10), default=5000, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--reset/--no-reset", default=False, help="empty the registry first")
@click.option("--progress/--no-progress", default=True, show_default=True)
@with_appcontext
def demo_command(accounts, seed, reset, progress):
    """Build a deterministic demo town around Caborca, Sonora."""
    from field_api import db
    from field_api.registry.demo import build_demo_town

    with db.engine().begin() as conn:
        summary = build_demo_town(conn, accounts=accounts, seed=seed, reset=reset, progress=progress)
    click.echo(summary.describe())


@click.command("import-registry")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--skip-invalid", is_flag=True, help="import the valid rows, report the others")
@click.option("--sheet", default=None, help="XLSX sheet name (default: the first)")
@click.option("--progress/--no-progress", default=True, show_default=True)
@with_appcontext
def import_registry_command(path, skip_invalid, sheet, progress):
    """Import accounts, premises, meters and balances from a billing CSV or XLSX export."""
    from field_api import db
    from field_api.registry.importer import import_registry
    from field_api.work.calendar import utility_today

    with db.engine().begin() as conn:
        report = import_registry(conn, path, skip_invalid=skip_invalid, sheet=sheet, progress=progress,
                                 today=utility_today())
    click.echo(report.describe())
    if report.errors and (not skip_invalid or report.fatal):
        raise SystemExit(1)
