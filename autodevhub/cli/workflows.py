"""`autodevhub sync`, `worker` and `demo`: GitHub Actions data and background jobs."""

from __future__ import annotations

import click

from autodevhub.cli.app import main
from autodevhub.cli.common import actor_for, project_by_name, run_service


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
                session, actor_for(session, email), project_by_name(session, project_name).id
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
    from autodevhub import features
    from autodevhub.core.jobs.arq import create_worker
    from autodevhub.core.logs import configure_logging

    configure_logging(get_settings())
    if get_settings().otel_endpoint:
        from autodevhub.core.tracing import start_tracing

        start_tracing()
    features.register()
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
