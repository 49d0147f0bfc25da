"""The sync spends GitHub's quota where a feature needs it: jobs of failed, re-run and recent runs only, a
few per sync and newest first; conditional requests (a 304 is free); and it says what it spent and what is
left."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from statistics import mean

import pytest
from sqlmodel import Session

from autodevhub.core.db import get_engine
from autodevhub.models.workflows import WorkflowSync
from autodevhub.workflows import service
from autodevhub.workflows.github import job_reads, payloads, store
from autodevhub.workflows.github.store import FAILED
from autodevhub.workflows.github.sync import sync_project
from tests.integration.test_workflow_sync import needed, sync_until_jobs_are_read
from tests.support import github_history as history
from tests.support.workflow_helpers import github_project_fixture, stored_runs  # noqa: F401 (fixture)


def jobs_read(fake) -> list[int]:
    """The runs whose jobs were asked for, in order."""
    return [int(path.split("/")[-2]) for method, path in fake.requests if path.endswith("/jobs")]


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_first_sync_reads_the_jobs_of_the_newest_runs_a_feature_needs_and_no_others(request, database):
    if database == "postgresql":
        request.getfixturevalue("app_postgres")  # before the project, which is then made there
    github_project = request.getfixturevalue("github_project")
    fake, project_id = github_project.fake, github_project.project_id
    fake.runs = {run.id: run for run in history.generate(days=40)}
    newest_needed = sorted(needed(fake), key=lambda run_id: fake.runs[run_id].created, reverse=True)

    result = sync_project(project_id)

    assert result.state == "ok", result.message
    assert jobs_read(fake) == newest_needed[: job_reads.READS_PER_SYNC]
    assert result.jobs_pending == len(newest_needed) - job_reads.READS_PER_SYNC
    pages = -(-len(fake.runs) // 100)
    assert result.quota_used == fake.spent() == 1 + 1 + 3 + pages + job_reads.READS_PER_SYNC

    sync_until_jobs_are_read(project_id)
    assert sorted(jobs_read(fake)) == sorted(newest_needed)  # each once, and none of the others


def test_job_metrics_are_those_of_reading_every_run(github_project):
    fake, project_id = github_project.fake, github_project.project_id
    fake.runs = {run.id: run for run in history.generate(days=60)}
    sync_until_jobs_are_read(project_id)

    with Session(get_engine()) as session:
        bundle = service.project_metrics(session, github_project.owner, project_id, days=90)
        week = service.project_metrics(session, github_project.owner, project_id, days=7)["summary"]

    names = {wid: name for wid, (name, _, _) in history.WORKFLOWS.items()}
    failures = Counter(
        (names[run.workflow_id], job.name)
        for run in fake.runs.values()
        for job in run.jobs
        if job.conclusion in FAILED
    )
    assert {(f["workflow"], f["job"], f["failures"]) for f in bundle["failing_jobs"]} == {
        (*key, count) for key, count in failures.items()
    }
    flaky = Counter(
        (names[run.workflow_id], job.name)
        for run in fake.runs.values()
        for job in run.jobs
        if job.conclusion in FAILED
        and any(j.name == job.name and j.conclusion == "success" for j in run.jobs)
    )
    assert {(f["workflow"], f["job"], f["commits"]) for f in bundle["flaky_jobs"]} == {
        (*key, count) for key, count in flaky.items()
    }
    since = datetime.now(UTC) - timedelta(days=7)
    waits = [
        (min(j.started for j in run.jobs if j.attempt == run.attempt) - run.started).total_seconds()
        for run in fake.runs.values()
        if run.status == "completed" and run.created >= since
    ]
    assert week["mean_queue"] == pytest.approx(mean(waits))


def test_jobs_a_webhook_brought_are_not_read_again(github_project):
    fake, project_id = github_project.fake, github_project.project_id
    now = datetime.now(UTC)
    read, delivered = (
        history.make_run(n, 101, now - timedelta(minutes=n - 890), "failure") for n in (900, 901)
    )
    fake.runs = {read.id: read, delivered.id: delivered}
    with Session(get_engine()) as session:  # as the workflow_run and workflow_job deliveries store them
        run = payloads.Run.model_validate(history.run_json(delivered, fake.api_url)).data("CI")
        row = store.apply_run(session, store.workflow_for_run(session, project_id, run), run, None)
        jobs = [
            payloads.Job.model_validate(history.job_json(delivered, j, fake.api_url)) for j in delivered.jobs
        ]
        store.store_jobs(session, row, [job.data() for job in jobs])
        session.commit()

    result = sync_project(project_id)

    assert (result.state, jobs_read(fake), result.jobs_pending) == ("ok", [read.id], 0)


def test_an_unchanged_repository_costs_no_quota_and_the_summary_says_what_is_left(github_project):
    fake, project_id = github_project.fake, github_project.project_id
    fake.runs = {run.id: run for run in history.generate(days=10)}
    sync_until_jobs_are_read(project_id)
    spent = fake.spent()

    result = sync_project(project_id)

    assert (result.state, result.quota_used, result.not_modified, fake.spent()) == ("ok", 0, 3, spent)
    with Session(get_engine()) as session:
        status = service.sync_status(session, github_project.owner, project_id)
    stats = status["stats"]
    assert (stats["quota_remaining"], stats["quota_limit"], stats["not_modified"]) == (
        fake.remaining,
        5000,
        3,
    )
    assert stats["quota_reset"] == datetime.fromtimestamp(fake.reset, UTC).isoformat()
    assert status["quota_used"] == 0 and "etags" not in stats


def test_a_walk_stopped_midway_is_finished_by_the_next_sync(github_project):
    fake, project_id = github_project.fake, github_project.project_id
    old = {run.id: run for run in history.generate(days=88)[-40:]}
    fake.runs = dict(old)
    assert sync_project(project_id).state == "ok"
    newest = max(old.values(), key=lambda run: run.created)
    for offset in range(1, 151):  # two pages of new runs
        run = history.make_run(newest.id + offset, 101, newest.created + timedelta(seconds=offset))
        fake.runs[run.id] = run
    fake.remaining = 1  # the repository and workflows answer 304 (free), page 1 spends it, page 2 is refused

    stopped = sync_project(project_id)

    assert stopped.state == "delayed" and stopped.new_runs == 100
    with Session(get_engine()) as session:
        session.get(WorkflowSync, project_id).delayed_until = None
        session.commit()
    fake.remaining = 5000

    resumed = sync_project(project_id)

    assert resumed.state == "ok" and resumed.new_runs == 50
    assert set(stored_runs(project_id)) == set(fake.runs)
