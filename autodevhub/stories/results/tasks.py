"""The job on `workflows.run_completed`: a completed default-branch run of a project with a repository
and stories has its test-report artifacts read (outside any transaction), their scenarios' results
stored, the artifacts' outcomes noted on the run (`artifacts["reports"]`), and its stories moved when the
project's report settings ask for it."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from autodevhub.core import jobs
from autodevhub.core.db import session_scope
from autodevhub.integrations import github
from autodevhub.models import (
    Project,
    RunStatus,
    ScenarioResult,
    StoryStatus,
    UserStory,
    WorkflowExecution,
)
from autodevhub.models.workflows import WorkflowSync
from autodevhub.projects import github_access, report_settings
from autodevhub.stories.results import fetch, record
from autodevhub.stories.results.record import RunFacts
from autodevhub.stories.results.reports import ScenarioOutcome
from autodevhub.workflows.github.webhooks import RUN_COMPLETED


def default_branch(session: Session, project: Project) -> str:
    """The branch GitHub reports as the repository's default, else the project's setting, else main."""
    sync = session.get(WorkflowSync, project.id)
    return (sync.default_branch if sync else "") or str(project.settings.get("default_branch") or "main")


@jobs.job("stories.scenario_results", max_tries=4, listens=RUN_COMPLETED)
def scenario_results(execution_id: str) -> str:
    with session_scope() as session:
        plan = _plan(session, uuid.UUID(execution_id))
    if isinstance(plan, str):
        return plan
    project_id, repo_name, token, run, settings = plan
    try:
        outcomes, notes = fetch.read_reports(
            github.lazy_repository(repo_name, token), run.github_run_id, settings
        )
    except (github.GitHubDown, github.GitHubRateLimited) as error:
        raise jobs.RetryLater(error.message) from error
    except github.GitHubError as error:
        return f"artifacts not read: {error.message}"
    try:
        with session_scope() as session:
            return _record(session, project_id, run, outcomes, notes, settings.status_from_results)
    except IntegrityError as error:  # another run's job stored the same scenario first
        raise jobs.RetryLater("results stored concurrently", defer=1) from error


def _plan(session: Session, execution_id: uuid.UUID):
    """What to read, or why nothing is read."""
    row = session.get(WorkflowExecution, execution_id)
    project = session.get(Project, row.project_id) if row is not None else None
    if row is None or project is None or row.status is not RunStatus.completed or row.github_run_id is None:
        return "no completed run"
    if not project.repo:
        return "the project has no repository"
    if row.branch != default_branch(session, project):
        return f"not the default branch ({row.branch})"
    live = select(func.count()).where(
        UserStory.project_id == project.id, UserStory.status != StoryStatus.archived
    )
    if not session.exec(live).one():
        return "the project has no stories"
    try:
        token = github_access.token_for(project)
    except github.GitHubError as error:
        return f"artifacts not read: {error.message}"
    facts = RunFacts(row.id, row.github_run_id, row.html_url, row.branch, row.head_sha, row.created_at)
    return project.id, project.repo, token, facts, report_settings.of(project.settings)


def _record(
    session: Session,
    project_id: uuid.UUID,
    run: RunFacts,
    outcomes: list[ScenarioOutcome],
    notes: list[dict],
    move: bool,
) -> str:
    row = session.get(WorkflowExecution, run.execution_id)
    if row is not None:
        row.artifacts = {**row.artifacts, "reports": notes}
        session.add(row)
    stories = record.store(session, project_id, run, outcomes)
    moved = [
        f"{story.id}: {record.follow(session, story, run, sorted(failed_in(named)))}"
        for story, named in (stories if move else [])
    ]
    return f"{len(outcomes)} scenarios, {len(stories)} stories; " + (
        "; ".join(moved) or "statuses left alone"
    )


def failed_in(named: dict[str, ScenarioResult]) -> list[str]:
    return [name for name, result in named.items() if result is ScenarioResult.failed]
