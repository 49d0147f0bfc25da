"""Sync through the real PyGithub against a fake GitHub REST server: exact copies, cheap re-syncs, limits."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from autodevhub.core.db import get_engine
from autodevhub.models import Workflow
from autodevhub.models.workflows import WorkflowSync
from autodevhub.workflows.github import job_reads
from autodevhub.workflows.github.store import FAILED
from autodevhub.workflows.github.sync import sync_project
from tests.support import github_history as history
from tests.support.workflow_helpers import github_project_fixture, stored_jobs, stored_runs  # noqa: F401 (fixture)

READS = job_reads.READS_PER_SYNC


def needed(fake) -> set[int]:
    """The runs whose jobs a feature needs, worked out from the fake's history: completed runs that failed,
    were re-run, ran in the last week or share a failed run's commit and workflow."""
    failed = {(r.workflow_id, r.sha) for r in fake.runs.values() if r.conclusion in FAILED}
    recent = datetime.now(UTC) - timedelta(days=job_reads.RECENT_DAYS)
    return {
        run.id
        for run in fake.runs.values()
        if run.status == "completed"
        and (
            run.conclusion in FAILED
            or run.attempt > 1
            or run.created >= recent
            or (run.workflow_id, run.sha) in failed
        )
    }


def assert_stored_as_served(fake, project_id) -> None:
    """Every run the fake holds is stored as served; the runs a feature needs with the jobs of every attempt,
    the others without jobs (webhooks bring theirs)."""
    rows = stored_runs(project_id)
    assert set(rows) == set(fake.runs)
    for run in fake.runs.values():
        row = rows[run.id]
        completed = run.status == "completed"
        assert (row.status.value, row.conclusion, row.run_attempt) == (
            run.status,
            run.conclusion,
            run.attempt,
        )
        assert (row.branch, row.head_sha, row.event, row.run_number) == (
            run.branch,
            run.sha,
            run.event,
            run.run_number,
        )
        assert (row.created_at, row.started_at, row.head_commit_time) == (
            run.created,
            run.started,
            run.commit_time,
        )
        assert row.completed_at == (run.updated if completed else None)
        assert row.duration_seconds == ((run.updated - run.started).total_seconds() if completed else None)
        assert row.actor == run.actor and row.html_url.endswith(f"/actions/runs/{run.id}")
    wanted = needed(fake)
    assert {run_id for run_id, row in rows.items() if "jobs" in row.logs} == wanted
    for run_id in wanted:
        assert [job["id"] for job in rows[run_id].logs["jobs"]] == [job.id for job in fake.runs[run_id].jobs]
    served_jobs = {job.id: job for run_id in wanted for job in fake.runs[run_id].jobs}
    jobs = stored_jobs(project_id)
    assert set(jobs) == set(served_jobs)
    for job_id, job in served_jobs.items():
        stored = jobs[job_id]
        assert (stored.name, stored.run_attempt, stored.conclusion) == (job.name, job.attempt, job.conclusion)
        assert (stored.started_at, stored.completed_at) == (job.started, job.completed)


def sync_until_jobs_are_read(project_id, limit: int = 60) -> int:
    """Sync until no needed run lacks its jobs; how many syncs that took."""
    for count in range(1, limit + 1):
        result = sync_project(project_id)
        assert result.state == "ok", result.message
        if result.jobs_pending == 0:
            return count
    raise AssertionError("jobs still pending")


def test_sync_stores_the_history_and_the_jobs_features_need_and_an_unchanged_repository_costs_nothing(
    github_project,
):
    fake, project_id = github_project.fake, github_project.project_id
    fake.runs = {run.id: run for run in history.generate()}
    assert len(fake.runs) >= 500

    first = sync_project(project_id)

    assert (first.state, first.new_runs, first.workflows) == ("ok", len(fake.runs), 3), first.message
    assert (first.jobs_fetched, first.jobs_pending) == (READS, len(needed(fake)) - READS)
    assert all(not path.endswith("/artifacts") for _, path in fake.requests)
    with Session(get_engine()) as session:
        workflows = {w.github_id: w for w in session.exec(select(Workflow))}
        state = session.get(WorkflowSync, project_id)
    assert workflows[101].configuration["inputs"] == {"debug": {"type": "boolean"}}
    assert workflows[102].configuration["inputs"]["environment"]["required"] is True
    assert workflows[103].configuration["dispatch"] is False
    assert (state.state.value, state.default_branch, state.history_complete) == ("ok", "main", True)
    assert state.quota_used == len(fake.requests) == fake.spent() <= 30 * len(fake.runs) / 1000

    sync_until_jobs_are_read(project_id)
    assert_stored_as_served(fake, project_id)

    fake.requests.clear()
    spent = fake.spent()
    second = sync_project(project_id)

    assert (second.state, second.new_runs, second.updated_runs, second.jobs_fetched) == ("ok", 0, 0, 0)
    asked = [
        ("GET", "/api/v3/repos/octo/shop"),
        ("GET", "/api/v3/repos/octo/shop/actions/workflows"),
        ("GET", "/api/v3/repos/octo/shop/actions/runs"),
    ]
    assert fake.requests == asked and fake.not_modified[-3:] == [path for _, path in asked]
    assert (second.quota_used, second.not_modified, fake.spent()) == (0, 3, spent)

    running = [run for run in fake.runs.values() if run.status != "completed"]
    running[0].status, running[0].conclusion = "completed", "failure"
    running[0].updated = running[0].started + timedelta(minutes=7)
    newest = max(fake.runs.values(), key=lambda run: run.created)
    for offset in (1, 2, 3):
        run = history.make_run(newest.id + offset, 101, newest.created + timedelta(seconds=offset))
        fake.runs[run.id] = run
    fake.requests.clear()

    third = sync_project(project_id)

    assert (third.new_runs, third.updated_runs, third.jobs_fetched) == (3, 1, 4)
    assert len(fake.requests) == 3 + 4 and third.quota_used == 1 + 4  # the repository and workflows: 304
    assert_stored_as_served(fake, project_id)


def small_history(runs: int = 40):
    return {run.id: run for run in history.generate(days=88)[-runs:]}


def test_rate_limit_reserve_stops_the_sync_and_records_when_it_may_resume(github_project):
    fake, project_id = github_project.fake, github_project.project_id
    fake.runs = small_history()
    fake.remaining = 32  # enough for the repository, workflows, files, runs and two runs' jobs

    result = sync_project(project_id)

    assert result.state == "delayed"
    reset = datetime.fromtimestamp(fake.reset, UTC)
    assert result.message == f"Sync delayed until {reset:%H:%M} UTC (GitHub rate limit)."
    assert fake.remaining >= 24  # stopped with the reserve left for dispatch, re-run and cancel
    with Session(get_engine()) as session:
        state = session.get(WorkflowSync, project_id)
        assert (state.state.value, state.delayed_until, state.history_complete) == ("delayed", reset, False)
        assert (state.stats["quota_remaining"], state.quota_used) == (fake.remaining, 32 - fake.remaining)
        assert state.stats["jobs_pending"] == len(needed(fake)) - 2  # what the next syncs read
    stored = stored_runs(project_id).values()  # the page's runs are stored first, then their jobs are read
    assert set(fake.runs) == {row.github_run_id for row in stored}
    assert sum("jobs" in row.logs for row in stored) == 2

    fake.requests.clear()
    again = sync_project(project_id)
    assert again.state == "delayed" and fake.requests == []

    with Session(get_engine()) as session:
        session.get(WorkflowSync, project_id).delayed_until = datetime.now(UTC) - timedelta(seconds=1)
        session.commit()
    fake.remaining = 5000
    resumed = sync_project(project_id)
    assert resumed.state == "ok"
    sync_until_jobs_are_read(project_id)
    assert_stored_as_served(fake, project_id)


def test_primary_rate_limit_is_not_waited_for(github_project):
    fake, project_id = github_project.fake, github_project.project_id
    fake.remaining = 0
    started = time.monotonic()

    result = sync_project(project_id)

    assert result.state == "delayed"
    assert time.monotonic() - started < 5
    assert fake.requests == [("GET", "/api/v3/repos/octo/shop")]  # no retry until the reset an hour away


def test_failed_reads_are_retried_a_bounded_number_of_times(github_project):
    fake, project_id = github_project.fake, github_project.project_id
    fake.runs = small_history(10)
    fake.fail("GET", "/actions/runs", 502, times=2)

    assert sync_project(project_id).state == "ok"
    sync_until_jobs_are_read(project_id)
    assert_stored_as_served(fake, project_id)

    fake.fail("GET", "", 503, times=50)
    fake.requests.clear()
    down = sync_project(project_id)
    assert (down.state, down.retryable) == ("failed", True)
    assert down.message == "GitHub is unreachable (RetryError)."
    assert len(fake.requests) == 4  # one try and three retries, then the job runner's back-off takes over


def test_a_project_without_repository_is_not_synced(app_db):
    from autodevhub.auth.sessions import identity_of
    from autodevhub.core.identity import Actor
    from autodevhub.projects import service
    from tests.support.helpers import make_user

    with Session(get_engine()) as session:
        owner = Actor.of(identity_of(make_user("a@example.com")))
        project = service.create_project(session, owner, service.ProjectCreate(name="Bare"))
        session.commit()
        result = sync_project(project.id)
    assert (result.state, result.message) == ("failed", "The project has no GitHub repository.")
