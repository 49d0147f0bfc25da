"""A sync meets objects GitHub sends without some fields (older Enterprise versions, odd objects): it reads
what they have, skips what it cannot use, says so in its summary, and stores everything else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from autodevhub.core.db import get_engine
from autodevhub.models.workflows import WorkflowSync
from autodevhub.workflows import service
from autodevhub.workflows.github.sync import sync_project
from tests.support import github_history as history
from tests.support.helpers import api_client, bearer
from tests.support.workflow_helpers import github_project_fixture, stored_jobs, stored_runs  # noqa: F401 (fixture)


def failed_run_and_others(fake, count: int = 12) -> history.Run:
    """A recent history whose newest completed run failed (so its jobs are read first)."""
    now = datetime.now(UTC).replace(microsecond=0)
    runs = [history.make_run(700 + n, 101, now - timedelta(hours=count - n)) for n in range(count)]
    failed = history.make_run(800, 101, now - timedelta(minutes=5), "failure")
    fake.runs = {run.id: run for run in [*runs, failed]}
    return failed


def summary(project_id) -> dict:
    with Session(get_engine()) as session:
        return dict(session.get(WorkflowSync, project_id).stats)


def test_a_job_without_created_at_is_stored_as_listed_without_asking_github_again(github_project):
    fake, project_id = github_project.fake, github_project.project_id
    failed = failed_run_and_others(fake)
    legacy = failed.jobs[0]
    fake.omit[legacy.id] = history.OLDER_ENTERPRISE_JOB_LACKS

    result = sync_project(project_id)

    assert result.state == "ok", result.message
    assert [path for _, path in fake.requests if "/actions/jobs/" in path] == []  # no completion request
    assert result.skipped == 0
    stored = stored_jobs(project_id)[legacy.id]
    assert (stored.name, stored.status, stored.conclusion) == (legacy.name, "completed", legacy.conclusion)
    assert (stored.started_at, stored.completed_at) == (legacy.started, legacy.completed)
    assert {job.id for job in failed.jobs} <= set(stored_jobs(project_id))


def test_a_run_without_created_at_is_skipped_recorded_and_the_others_are_stored(github_project):
    fake, project_id = github_project.fake, github_project.project_id
    fake.runs = {run.id: run for run in history.generate(days=88)[-40:]}
    broken = sorted(fake.runs)[20]
    fake.omit[broken] = ("created_at",)

    result = sync_project(project_id)

    assert (result.state, result.new_runs) == ("ok", 39), result.message
    assert set(stored_runs(project_id)) == set(fake.runs) - {broken}
    assert result.skipped == 1
    reason = {"object": "run", "id": broken, "reason": "created_at: Field required"}
    assert summary(project_id)["skipped_objects"] == [reason]
    with Session(get_engine()) as session:
        status = service.sync_status(session, github_project.owner, project_id)
    assert status["stats"]["skipped"] == 1 and "etags" not in status["stats"]


def test_a_job_without_an_id_is_skipped_and_the_run_keeps_its_other_jobs(github_project):
    fake, project_id = github_project.fake, github_project.project_id
    failed = failed_run_and_others(fake)
    nameless = failed.jobs[1]
    fake.omit[nameless.id] = ("id",)

    result = sync_project(project_id)

    assert result.state == "ok", result.message
    assert set(stored_jobs(project_id)) >= {job.id for job in failed.jobs} - {nameless.id}
    assert nameless.id not in stored_jobs(project_id) and result.skipped == 1
    assert summary(project_id)["skipped_objects"] == [
        {"object": "job", "id": None, "reason": "id: Field required"}
    ]


def test_an_unreadable_workflow_file_says_why_in_the_workflow_list_and_the_sync_summary(
    github_project, monkeypatch: pytest.MonkeyPatch
):
    fake, project_id = github_project.fake, github_project.project_id
    monkeypatch.setitem(history.FILES, 103, "on: &on\n  workflow_dispatch:\n    inputs:\n      again: *on\n")
    fake.runs = {run.id: run for run in history.generate(days=2)}

    result = sync_project(project_id)

    assert result.state == "ok", result.message
    answer = api_client().get(f"/api/projects/{project_id}/workflows", headers=bearer(github_project.token))
    errors = {item["name"]: item.get("error") for item in answer.json()["items"]}
    assert errors["Nightly"].startswith("workflow file not readable")
    assert errors["CI"] is None and errors["Deploy"] is None
    assert result.unreadable_workflows == summary(project_id)["unreadable_workflows"] == 1

    again = sync_project(project_id)  # the file is not read again (304), and it is still unreadable
    assert (again.unreadable_workflows, again.not_modified) == (1, 3)
