"""The `cuadrilla` command: the Flask CLI with the app preloaded, plus Cuadrilla's own commands."""
from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from . import db, migrate


@click.group("db")
def db_group():
    """Create, upgrade or inspect the database schema."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision):
    """Create or upgrade the schema to REVISION (default: head)."""
    migrate.upgrade(db.engine(), revision)
    click.echo(f"Schema at {migrate.current_revision(db.engine())} ({db.engine().url.render_as_string()})")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision):
    """Step the schema back to REVISION (use 'base' to drop everything)."""
    migrate.downgrade(db.engine(), revision)
    click.echo(f"Schema at {migrate.current_revision(db.engine())}")


@db_group.command("current")
@with_appcontext
def db_current():
    """Print the schema revision of the database."""
    click.echo(migrate.current_revision(db.engine()) or "empty (run: cuadrilla db upgrade)")


@click.command("openapi")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="-",
              help="file to write, '-' for standard output")
@with_appcontext
def openapi_command(output):
    """Write the OpenAPI document generated from the code, as YAML."""
    from .openapi import spec_yaml

    text = spec_yaml(current_app)
    if output == "-":
        click.echo(text, nl=False)
    else:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
        click.echo(f"Wrote {output}", err=True)


def init_app(app: Flask) -> None:
    from .auth.cli import create_user_command
    from .registry.cli import demo_command, import_registry_command
    from .work.cli import check_agreements_command, import_payments_command

    for command in (db_group, openapi_command, demo_command, import_registry_command,
                    create_user_command, import_payments_command, check_agreements_command):
        app.cli.add_command(command)


def main() -> None:
    from . import create_app

    def factory():
        try:
            return create_app()
        except Exception as exc:  # settings errors must read as one clear line
            from .config import SettingsError

            if isinstance(exc, SettingsError):
                click.echo(f"Error: {exc}", err=True)
                sys.exit(2)
            raise

    FlaskGroup(create_app=factory, help="Cuadrilla: field work and offline sync.")(prog_name="cuadrilla")
