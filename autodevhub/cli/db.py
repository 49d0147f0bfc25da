"""`autodevhub db`: database schema commands."""

from __future__ import annotations

import click

from autodevhub.cli.app import main
from autodevhub.cli.common import alembic_config


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    from alembic import command

    command.upgrade(alembic_config(), revision)
    click.echo(f"database at {revision}")
