"""`autodevhub user` and `autodevhub token`: accounts and personal API tokens."""

from __future__ import annotations

import sys

import click

from autodevhub.cli.app import main
from autodevhub.cli.common import CLI_AGENT, actor_for, run_service

ROLES = ("admin", "member", "viewer")


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
    from autodevhub.core.identity import Actor

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    created = run_service(
        lambda session: (
            accounts.create_user(
                session,
                Actor(None, None, CLI_AGENT),
                accounts.NewAccount(
                    email=email, password=password, role=role, first_name=first_name, last_name=last_name
                ),
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
        owner = actor_for(session, email)
        return api_tokens.create_token(session, owner, name, expires_in_days=expires_in_days)[1]

    click.echo(run_service(create))
