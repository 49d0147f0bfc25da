"""`autodevhub notify`: notification channels (the same services as the settings page and the API)."""

from __future__ import annotations

import sys

import click

from autodevhub.cli.app import main
from autodevhub.cli.common import actor_for, project_by_name, run_service


@main.group()
def notify() -> None:
    """Notification channels."""


@notify.command("add")
@click.argument("project_name", metavar="PROJECT")
@click.argument("name")
@click.argument("url")
@click.option("--events", required=True, help="Comma-separated, e.g. run.failed,run.recovered.")
@click.option("--workflow", default=None, help="Only events of this workflow (by name).")
@click.option("--branch", default=None, help="Only events of this branch.")
@click.option("--as", "email", default=None, help="Acting user's email (default: the first admin).")
def notify_add(
    project_name: str,
    name: str,
    url: str,
    events: str,
    workflow: str | None,
    branch: str | None,
    email: str | None,
) -> None:
    """Add a channel to PROJECT: an Apprise URL (or - to read it from stdin, out of the shell history)."""
    from autodevhub.notifications import service

    if url == "-":
        url = sys.stdin.readline().strip()
    fields = {
        "name": name,
        "url": url,
        "events": [event.strip() for event in events.split(",") if event.strip()],
        "filters": {"workflow": workflow, "branch": branch},
    }

    def add(session):
        data = service.parse(service.ChannelCreate, fields)
        project = project_by_name(session, project_name)
        return service.create_channel(session, actor_for(session, email), project.id, data)

    channel = run_service(add)
    click.echo(f"{channel['id']} {channel['kind']} {channel['url_masked']} {','.join(channel['events'])}")


@notify.command("test")
@click.argument("channel_id")
@click.option("--as", "email", default=None, help="Acting user's email (default: the first admin).")
def notify_test(channel_id: str, email: str | None) -> None:
    """Send a test message to CHANNEL_ID now and print the outcome (exit 1 if it failed)."""
    from autodevhub.notifications import service

    outcome = run_service(
        lambda session: service.test_channel(session, actor_for(session, email), channel_id)
    )
    click.echo(f"{outcome['status']}{': ' + outcome['error'] if outcome.get('error') else ''}")
    if outcome["status"] != "sent":
        raise SystemExit(1)
