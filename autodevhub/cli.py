"""The `autodevhub` command: one entry point over the same services as the UI and the API."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlmodel import col, select

from autodevhub.core.settings import settings_or_exit

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
    from autodevhub.core.db import session_scope
    from autodevhub.core.errors import ServiceError

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


@main.group()
def story() -> None:
    """Gherkin user stories."""


@story.command("generate")
@click.argument("text")
@click.option("--project", "project_name", required=True, help="The project's name.")
@click.option("--json", "as_json", is_flag=True, help="Print the story as JSON (as the API answers).")
@click.option("--as", "email", default=None, help="Act as this account (default: the first admin).")
def story_generate(text: str, project_name: str, as_json: bool, email: str | None) -> None:
    """Generate a story from TEXT, a feature description, and print its Gherkin."""
    import json

    from sqlmodel import func

    from autodevhub.models import Project
    from autodevhub.stories import service

    def generate(session):
        project = session.exec(
            select(Project).where(func.lower(Project.name) == project_name.strip().lower())
        ).first()
        if project is None:
            raise click.ClickException(f"No project named {project_name!r}.")
        return service.story_public(
            service.generate_story(session, identity_for(session, email), project.id, text)
        )

    story_json = run_service(generate)
    fallback = story_json["metadata"].get("fallback")
    if fallback:
        click.echo(f"note: {fallback['message']}", err=True)
    click.echo(json.dumps(story_json, indent=2) if as_json else story_json["gherkin_output"].rstrip("\n"))


def project_by_name(session, name: str):
    """A project by its name (any case) or id."""
    from sqlmodel import func

    from autodevhub.models import Project

    project = session.exec(select(Project).where(func.lower(Project.name) == name.strip().lower())).first()
    if project is None and len(name) == 36:
        project = session.exec(select(Project).where(col(Project.id) == name)).first()
    if project is None:
        raise click.ClickException(f"No project {name!r}.")
    return project


@main.command("sync")
@click.argument("project_name", metavar="PROJECT")
@click.option("--full", is_flag=True, help="Walk the whole history window, not just what is new.")
@click.option("--as", "email", default=None, help="Acting user's email (default: the first admin).")
def sync_command(project_name: str, full: bool, email: str | None) -> None:
    """Sync PROJECT's workflows and runs from GitHub now, and print what changed."""
    from autodevhub.workflows import actions
    from autodevhub.workflows.github.sync import sync_project

    project_id = run_service(
        lambda session: (
            actions.authorize_sync(
                session, identity_for(session, email), project_by_name(session, project_name).id
            ).id
        )
    )
    result = sync_project(project_id, full=full)
    click.echo(
        f"{result.state}: {result.message} {result.workflows} workflows; "
        f"jobs read for {result.jobs_fetched} runs; {result.quota_used} API requests."
    )
    if result.state not in ("ok", "delayed"):
        raise SystemExit(1)


@main.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run background jobs (sync, webhooks) from Redis; start as many as you like."""
    from autodevhub.core.settings import get_settings

    if not get_settings().redis_url:
        raise click.ClickException("autodevhub worker needs REDIS_URL; without it the app runs jobs itself.")
    from autodevhub.core.jobs.arq import create_worker

    create_worker(burst=burst).run()


@main.command("demo")
def demo_command() -> None:
    """Load a demo project with stories and 90 days of workflow runs (running it again adds nothing twice)."""
    from autodevhub.workflows.demo import seed as demo

    result = run_service(demo.load)
    if result.admin_password:
        click.echo(f"created admin {result.admin_email} with password {result.admin_password} (shown once)")
    click.echo(
        f"demo project {result.project_id}: {result.new_runs} new runs, {result.new_stories} new stories"
    )


if __name__ == "__main__":
    main()
