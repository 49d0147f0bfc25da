"""The `autodevhub` command: one entry point over the same services as the UI and the API."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlmodel import col, select

from autodevhub.settings import settings_or_exit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ROLES = ("admin", "member", "viewer")


def alembic_config():
    """Alembic configuration pointing at the project's migrations and the configured database."""
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    return config


def run_service(action):
    """Run `action(session)` in one transaction; a ServiceError becomes a one-line error, exit 1."""
    from autodevhub.db import session_scope
    from autodevhub.errors import ServiceError

    try:
        with session_scope() as session:
            return action(session)
    except ServiceError as error:
        raise click.ClickException(error.message) from None


def identity_for(session, email: str | None):
    """The acting user: the given account, or the first active admin."""
    from autodevhub.auth.sessions import identity_of
    from autodevhub.models import User, UserRole

    query = select(User).where(User.is_active)
    if email:
        query = query.where(User.email == email.strip().lower())
    else:
        query = query.where(User.role == UserRole.admin).order_by(col(User.created_at))
    user = session.exec(query).first()
    if user is None:
        raise click.ClickException(f"No active account {email}." if email else "Create an admin user first.")
    return identity_of(user)


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


@main.group()
def user() -> None:
    """User accounts."""


@user.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--first-name", default="")
@click.option("--last-name", default="")
def user_create(email: str, role: str, password_stdin: bool, first_name: str, last_name: str) -> None:
    """Create an account (without --password-stdin it can sign in with GitHub only)."""
    from autodevhub.auth import accounts
    from autodevhub.models import UserRole

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    created = run_service(
        lambda session: (
            accounts.create_user(
                session, email, password, role=UserRole(role), first_name=first_name, last_name=last_name
            ).role.value
        )
    )
    click.echo(f"created {email.strip().lower()} ({created})")


@main.group()
def token() -> None:
    """Personal API tokens."""


@token.command("create")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="A label to recognise the token by.")
@click.option("--expires-in-days", type=click.IntRange(1, 3650), default=None)
def token_create(email: str, name: str, expires_in_days: int | None) -> None:
    """Create an API token for EMAIL and print it (it is shown only once)."""
    from autodevhub.auth import api_tokens

    def create(session):
        owner = identity_for(session, email)
        return api_tokens.create_token(session, owner.id, name, expires_in_days=expires_in_days)[1]

    click.echo(run_service(create))


@main.group()
def project() -> None:
    """Projects."""


@project.command("create")
@click.argument("name")
@click.option("--repo", default=None, help="GitHub repository as OWNER/NAME.")
@click.option("--description", default="")
@click.option("--owner", "owner_email", default=None, help="Owner's email (default: the first admin).")
def project_create(name: str, repo: str | None, description: str, owner_email: str | None) -> None:
    """Create a project owned by --owner."""
    from autodevhub.projects import service

    def create(session):
        owner = identity_for(session, owner_email)
        fields = {"name": name, "repo": repo, "description": description}
        return str(service.create_project(session, owner, fields).id)

    click.echo(run_service(create))


if __name__ == "__main__":
    main()
