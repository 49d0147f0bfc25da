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
@click.option("--path", "directory", default=None, help="A local checkout to document.")
@click.option(
    "--ref", default=None, help="A branch, tag or commit of the linked GitHub repository (default branch)."
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "rules", "claude"]),
    default="auto",
    help="auto = claude when ANTHROPIC_API_KEY is set, else rules.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the pages and the run's figures as JSON.")
@click.option("--as", "email", default=None, help="Act as this account (default: the first admin).")
def docs_generate(
    project_name: str, directory: str | None, ref: str | None, engine: str, as_json: bool, email: str | None
) -> None:
    """Generate (or refresh) PROJECT's docs from the directory at --path, else from its linked GitHub
    repository at --ref (its default branch without one)."""
    import json

    from autodevhub.documentation import service

    if directory is not None and ref is not None:
        raise click.UsageError(
            "--path and --ref are exclusive: a ref names a commit of the GitHub repository."
        )

    def run(session):
        project = project_by_name(session, project_name)
        actor = actor_for(session, email)
        generation = (
            service.generate_from_directory(session, actor, project.id, directory, engine=engine)
            if directory is not None
            else service.generate_from_github(session, actor, project.id, ref, engine=engine)
        )
        return {
            "pages": generation.pages,
            "stats": generation.stats,
            "skipped": generation.skipped,
            "claude": generation.claude,
            "source": {k: v for k, v in generation.source.items() if k in ("repository", "ref", "commit")},
        }

    result = run_service(run)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    stats, source = result["stats"], result["source"]
    origin = f" of {service.origin(source)}" if source.get("commit") else ""
    click.echo(
        f"{len(result['pages'])} pages from {stats['files_read']} files{origin} "
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
