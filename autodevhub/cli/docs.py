"""`autodevhub docs`: documentation generated from a project's sources."""

from __future__ import annotations

import click

from autodevhub.cli.app import main
from autodevhub.cli.common import actor_for, project_by_name, run_service


@main.group()
def docs() -> None:
    """Documentation generated from a project's sources."""


@docs.command("generate")
@click.argument("project_name", metavar="PROJECT")
@click.option("--path", "directory", required=True, help="A local checkout to document.")
@click.option(
    "--engine",
    type=click.Choice(["auto", "rules", "claude"]),
    default="auto",
    help="auto = claude when ANTHROPIC_API_KEY is set, else rules.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the pages and the run's figures as JSON.")
@click.option("--as", "email", default=None, help="Act as this account (default: the first admin).")
def docs_generate(project_name: str, directory: str, engine: str, as_json: bool, email: str | None) -> None:
    """Generate (or refresh) PROJECT's docs from the directory at --path."""
    import json

    from autodevhub.documentation import service

    def run(session):
        project = project_by_name(session, project_name)
        generation = service.generate_from_directory(
            session, actor_for(session, email), project.id, directory, engine=engine
        )
        return {
            "pages": generation.pages,
            "stats": generation.stats,
            "skipped": generation.skipped,
            "claude": generation.claude,
        }

    result = run_service(run)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    stats = result["stats"]
    click.echo(
        f"{len(result['pages'])} pages from {stats['files_read']} files "
        f"({stats['symbols']} symbols) in {stats['duration_ms']} ms."
    )
    for reason, count in result["skipped"].items():
        click.echo(f"skipped {count}: {reason}")
    if result["claude"] is not None:
        from autodevhub.documentation.engine.claude import describe

        click.echo(describe(result["claude"]))


@docs.command("export")
@click.argument("project_name", metavar="PROJECT")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--as", "email", default=None, help="Act as this account (default: the first admin).")
def docs_export(project_name: str, directory: str, email: str | None) -> None:
    """Write PROJECT's docs tree (docs/...) as Markdown files under DIRECTORY."""
    from autodevhub.cli.common import identity_for
    from autodevhub.documentation import service

    def run(session):
        project = project_by_name(session, project_name)
        return service.export(session, identity_for(session, email), project.id, directory)

    written = run_service(run)
    click.echo(f"{len(written)} files written under {directory}.")
