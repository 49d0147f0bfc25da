"""`autodevhub project`: projects."""

from __future__ import annotations

import click

from autodevhub.cli.app import main
from autodevhub.cli.common import actor_for, run_service


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
        owner = actor_for(session, owner_email)
        data = service.ProjectCreate.parse({"name": name, "repo": repo, "description": description})
        return str(service.create_project(session, owner, data).id)

    click.echo(run_service(create))
