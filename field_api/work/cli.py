"""CLI for office work: payments from a file, and the daily agreement check."""
from __future__ import annotations

import os

import click
from flask.cli import with_appcontext


@click.command("import-payments")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--sheet", default=None, help="XLSX sheet name (default: the first)")
@with_appcontext
def import_payments_command(path, sheet):
    """Apply a billing system's payments file; all or nothing, idempotent by reference."""
    from field_api import db
    from field_api.registry.import_files import ImportFileError

    from .calendar import utility_today, utility_zone
    from .payments import apply_payments
    from .payments_file import read_payments
    from .policy import get_policy

    try:
        parsed = read_payments(path, utility_today(), sheet)
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from None
    if parsed.errors:
        shown = parsed.errors[:50]
        more = f"\n... and {len(parsed.errors) - 50} more" if len(parsed.errors) > 50 else ""
        raise click.ClickException("nothing was applied; fix these rows:\n" + "\n".join(shown) + more)
    with db.new_session() as session:
        results = apply_payments(session, parsed.payments, get_policy(session),
                                 f"file:{os.path.basename(path)}", "import-payments", tz=utility_zone())
        session.commit()
    counts = {status: sum(r["status"] == status for r in results) for status in ("accepted", "duplicate", "rejected")}
    click.echo(f"{len(results)} payments: {counts['accepted']} accepted, {counts['duplicate']} duplicate, "
               f"{counts['rejected']} rejected")
    for r in results:
        if r["status"] == "rejected":
            click.echo(f"  {r['reference']}: {r['reason']}")


@click.command("check-agreements")
@with_appcontext
def check_agreements_command():
    """Mark breached the agreements with an instalment overdue past the grace period (run daily)."""
    from field_api import db

    from .agreements import mark_breaches
    from .calendar import utility_today
    from .policy import get_policy

    with db.new_session() as session:
        breached = mark_breaches(session, utility_today(), get_policy(session))
        session.commit()
    click.echo(f"{len(breached)} agreements marked breached" + (f": {breached}" if breached else ""))
