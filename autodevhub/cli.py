"""The `autodevhub` command: one entry point over the same services as the UI and the API."""

from __future__ import annotations

from pathlib import Path

import click

from autodevhub.settings import settings_or_exit

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def alembic_config():
    """Alembic configuration pointing at the project's migrations and the configured database."""
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    return config


@click.group()
def main() -> None:
    """AutoDevHub: AI-powered DevOps tracker."""
    settings_or_exit()


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


if __name__ == "__main__":
    main()
