"""`autodevhub story`: Gherkin user stories."""

from __future__ import annotations

import click

from autodevhub.cli.app import main
from autodevhub.cli.common import actor_for, project_by_name, run_service


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

    from autodevhub.stories import service

    def generate(session):
        project = project_by_name(session, project_name)
        actor = actor_for(session, email)
        request = service.StoryGenerate.of(project.id, text)
        return service.story_public(service.generate_story(session, actor, request))

    story_json = run_service(generate)
    fallback = story_json["metadata"].get("fallback")
    if fallback:
        click.echo(f"note: {fallback['message']}", err=True)
    if as_json:
        click.echo(json.dumps(story_json, indent=2))
        return
    uncovered = (story_json["metadata"].get("score") or {}).get("uncovered") or []
    missing = f"; not covered by any scenario: {'; '.join(uncovered)}" if uncovered else ""
    click.echo(f"score: {round((story_json['confidence_score'] or 0) * 100)}%{missing}", err=True)
    click.echo(story_json["gherkin_output"].rstrip("\n"))


@story.command("push")
@click.argument("story_id")
@click.option("--issue", "target", flag_value="issue", default=True, help="As a GitHub issue (the default).")
@click.option("--pr", "target", flag_value="pull_request", help="As a .feature file in a pull request.")
@click.option("--as", "email", default=None, help="Act as this account (default: the first admin).")
def story_push(story_id: str, target: str, email: str | None) -> None:
    """Push the story STORY_ID to its project's GitHub repository and print the issue's URL."""
    from autodevhub.stories import github_push

    def push(session):
        request = github_push.PushRequest(target=target)
        return github_push.push(session, actor_for(session, email), story_id, request)

    pushed = run_service(push)
    click.echo(f"{pushed['target'].replace('_', ' ')} #{pushed['number']} ({pushed['state']})", err=True)
    click.echo(pushed["url"])
