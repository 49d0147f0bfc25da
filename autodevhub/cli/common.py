"""Helpers shared by the command modules: the transaction wrapper, the acting user, lookups, Alembic."""

from __future__ import annotations

from pathlib import Path

import click
from sqlmodel import col, select

# The repository root (autodevhub/cli/common.py -> autodevhub/cli -> autodevhub -> root).
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
CLI_AGENT = "autodevhub-cli"  # the user agent the audit log shows for command-line actions


def alembic_config():
    """Alembic configuration pointing at the project's migrations and the configured database."""
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    return config


def run_service(action):
    """Run `action(session)` in one transaction; a ServiceError becomes a one-line error, exit 1."""
    from sqlalchemy.exc import IntegrityError

    from autodevhub.core.db import session_scope
    from autodevhub.core.errors import CONFLICT, ServiceError

    try:
        with session_scope() as session:
            return action(session)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    except IntegrityError:
        raise click.ClickException(CONFLICT) from None


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


def actor_for(session, email: str | None = None):
    """The acting user (as `identity_for` finds it) as the audit log records a CLI action."""
    from autodevhub.core.identity import Actor

    return Actor.of(identity_for(session, email), None, CLI_AGENT)


def project_by_name(session, name: str):
    """A project by its name (any case, any Unicode form) or id."""
    from autodevhub.models import Project
    from autodevhub.models.projects import name_key

    project = session.exec(select(Project).where(Project.name_key == name_key(name))).first()
    if project is None and len(name) == 36:
        project = session.exec(select(Project).where(col(Project.id) == name)).first()
    if project is None:
        raise click.ClickException(f"No project named {name!r}.")
    return project
