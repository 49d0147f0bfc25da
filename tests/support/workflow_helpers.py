"""Fixtures for the workflow tests: a project linked to the fake GitHub's repository, and its owner."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from autodevhub.auth.sessions import identity_of
from autodevhub.core import jobs
from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor, Identity
from autodevhub.models import Project, RepoTrust, UserRole, Workflow, WorkflowExecution
from autodevhub.models.workflows import WorkflowJob
from autodevhub.projects import service as projects
from autodevhub.workflows.github import store
from tests.support import github_history as history
from tests.support.fake_github_rest import FakeGitHubRest, environment_for
from tests.support.helpers import make_token, make_user


@dataclass
class GitHubProject:
    fake: FakeGitHubRest
    project_id: object
    owner: Identity
    token: str


@pytest.fixture(name="github_project")
def github_project_fixture(app_db, monkeypatch: pytest.MonkeyPatch) -> Iterator[GitHubProject]:
    """The fake GitHub (empty history) and a project on its repository owned by an admin."""
    fake = FakeGitHubRest().start()
    environment_for(fake, monkeypatch)
    user = make_user("owner@example.com", UserRole.admin)
    with Session(get_engine()) as session:
        fields = projects.ProjectCreate(name="Shop", repo=history.FULL_NAME)
        project = projects.create_project(session, Actor.of(identity_of(user)), fields)
        project_id = project.id
        session.commit()
    yield GitHubProject(fake, project_id, identity_of(user), make_token(user))
    assert jobs.local_runner().wait_idle(30), "background jobs still running"
    fake.stop()


def stored_runs(project_id) -> dict[int, WorkflowExecution]:
    with Session(get_engine()) as session:
        rows = session.exec(select(WorkflowExecution).where(WorkflowExecution.project_id == project_id))
        return {row.github_run_id: row for row in rows}


def stored_jobs(project_id) -> dict[int, WorkflowJob]:
    with Session(get_engine()) as session:
        rows = session.exec(
            select(WorkflowJob).join(WorkflowExecution).where(WorkflowExecution.project_id == project_id)
        )
        return {row.github_job_id: row for row in rows}


@contextlib.contextmanager
def github_world_in(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    """The fake GitHub with a failed and a running CI run, the app's settings pointed at it."""
    fake = FakeGitHubRest().start()
    environment_for(fake, monkeypatch)
    now = datetime.now(UTC)
    failed, running = history.make_run(601, 101, now, "failure"), history.make_run(602, 101, now, None)
    fake.runs = {failed.id: failed, running.id: running}
    yield {"fake": fake, "runs": (failed, running)}
    assert jobs.local_runner().wait_idle(30), "background jobs still running"
    fake.stop()


@pytest.fixture(name="github_world")
def github_world_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    """For the permission matrix: github_world_in for one test.

    Call link_world(world, github_world) to tie the matrix project to the fake's repository.
    """
    with github_world_in(monkeypatch) as world:
        yield world


def link_world(project_id, github_world: dict) -> dict[str, object]:
    """Link the project to octo/shop as an admin would and store the CI workflow and both runs; their ids
    by placeholder."""
    with Session(get_engine()) as session:
        project = session.get(Project, project_id)
        project.repo, project.repo_trust = history.FULL_NAME, RepoTrust.admin
        workflow = Workflow(project_id=project_id, github_id=101, name="CI", configuration={"dispatch": True})
        session.add_all([project, workflow])
        rows = {}
        for run in github_world["runs"]:
            rows[run.id] = store.apply_run(session, workflow, parse_run(run), None)
        session.commit()
        return {"workflow_id": workflow.id, "failed_id": rows[601].id, "running_id": rows[602].id}


def parse_run(run: history.Run):
    """The run as the sync would read it from GitHub."""
    from autodevhub.integrations import github

    return github.parse_run(github.client(), history.run_json(run, "https://api.github.com"))
