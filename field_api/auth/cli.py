"""`cuadrilla create-user`: the first admin, and any user, from the command line."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from schemas import vocab


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--full-name", default=None, help="defaults to the username")
@click.option("--role", type=click.Choice(vocab.ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@click.option("--exist-ok", is_flag=True, help="succeed without changes if the username exists")
@with_appcontext
def create_user_command(username, full_name, role, password_stdin, exist_ok):
    """Create an office user; the password is prompted for, never passed as an argument."""
    from sqlalchemy import select

    from field_api import db
    from field_api.auth import service
    from field_api.models import OfficeUser

    if exist_ok:
        with db.new_session() as session:
            if session.scalar(select(OfficeUser.id).where(OfficeUser.username == username)):
                click.echo(f"User '{username}' exists; left as it is.")
                return

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with db.new_session() as session:
        try:
            user = service.create_user(session, username, full_name or username, role, password)
        except (service.WeakPassword, service.AccessConflict) as exc:
            raise click.ClickException(str(exc)) from None
        session.commit()
        click.echo(f"Created {role} '{user.username}' (id {user.id}).")
