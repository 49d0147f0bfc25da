"""octokit/webhooks' payload examples through the real route and job, in order, reversed and shuffled.

GitHub does not order deliveries: whatever the order, the stored runs and jobs must be the newest example's.
The job examples' runs are not among the examples: a workflow_run delivery made from the completed run
example announces each, and is shuffled with the rest (a job that arrives before its run waits for it).
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.models import Workflow, WorkflowExecution
from autodevhub.models.workflows import WebhookDelivery, WorkflowJob
from autodevhub.projects import service as projects
from tests.support.webhook_helpers import app_db_on_both, example, hook_fixture  # noqa: F401 (fixtures)
from tests.support.workflow_helpers import github_project_fixture  # noqa: F401 (fixture)

# The order GitHub sent them in (oldest first); deliveries of other events are interleaved.
DELIVERIES = [
    ("ping", "ping/payload.json"),
    ("workflow_run", "workflow_run/requested.payload.json"),
    ("workflow_run", "workflow_run/requested.with-conclusion.payload.json"),
    ("workflow_job", "workflow_job/queued.payload.json"),
    ("workflow_job", "workflow_job/queued.with-deployment.payload.json"),
    ("ping", "ping/with-app_id.payload.json"),
    ("workflow_job", "workflow_job/waiting.payload.json"),
    ("workflow_job", "workflow_job/in_progress.payload.json"),
    ("workflow_job", "workflow_job/in_progress.with-queued-steps.payload.json"),
    ("push", "push/payload.json"),
    ("push", "push/1.payload.json"),
    ("push", "push/with-installation.payload.json"),
    ("push", "push/with-new-branch.payload.json"),
    ("push", "push/with-no-username-committer.payload.json"),
    ("push", "push/with-organization.payload.json"),
    ("deployment_status", "deployment_status/payload.json"),
    ("deployment_status", "deployment_status/with-installation.payload.json"),
    ("deployment_status", "deployment_status/gh-pages.payload.json"),
    ("workflow_job", "workflow_job/completed.failure.with-organization.payload.json"),
    ("workflow_job", "workflow_job/completed.success.with-organization.payload.json"),
    ("workflow_run", "workflow_run/completed.payload.json"),
    ("workflow_run", "workflow_run/completed.with-pull-requests.payload.json"),
    ("ping", "ping/with-organization.payload.json"),
]
# (repository, run id) -> the newest example of that run.
NEWEST_RUNS = {
    ("octo-org/octo-repo", 289782451): "workflow_run/completed.payload.json",
    ("Codertocat/Hello-World", 289782451): "deployment_status/gh-pages.payload.json",
}
# (repository, job id) -> the newest examples of that job; the two completed linters jobs contradict each
# other with the same times, so either may win.
NEWEST_JOBS = {
    ("Codertocat/Hello-World", 289782451): (
        "workflow_job/completed.failure.with-organization.payload.json",
        "workflow_job/completed.success.with-organization.payload.json",
    ),
    ("wolfy1339/github-events-schemas", 14541957942): (
        "workflow_job/in_progress.with-queued-steps.payload.json",
    ),
    ("lineville/elastic-machines-testing", 12877621891): ("workflow_job/waiting.payload.json",),
}


def announcement(job_example: str) -> dict[str, Any]:
    """The completed run example, moved to the repository and run of a job example."""
    job, payload = example(job_example), example("workflow_run/completed.payload.json")
    payload["repository"]["full_name"] = job["repository"]["full_name"]
    run = job["workflow_job"]
    payload["workflow_run"].update(id=run["run_id"], head_sha=run["head_sha"], run_attempt=run["run_attempt"])
    return payload


def ordered(order: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(event, name, payload) in `order`; in order, the job examples' runs come first."""
    runs = [("workflow_run", f"run of {names[0]}", announcement(names[0])) for names in NEWEST_JOBS.values()]
    deliveries = runs + [(event, name, example(name)) for event, name in DELIVERIES]
    if order == "reversed":
        return deliveries[::-1]
    if order == "shuffled":
        random.Random(12).shuffle(deliveries)
    return deliveries


def time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def link_projects(github_project) -> dict[str, Any]:
    """One project per repository of the examples; their ids by lower-case full name."""
    names = {repo for repo, _ in NEWEST_RUNS} | {repo for repo, _ in NEWEST_JOBS}
    with Session(get_engine()) as session:
        ids = {}
        for name in sorted(names):
            fields = projects.ProjectCreate(name=name.replace("/", " "), repo=name)
            ids[name] = projects.create_project(session, Actor.of(github_project.owner), fields).id
        session.commit()
    return ids


def stored(project_id, model, github_id_column, github_id: int):
    with Session(get_engine()) as session:
        query = select(model).where(model.project_id == project_id, github_id_column == github_id)
        return session.exec(query).one()


def run_state(row: WorkflowExecution) -> tuple:
    return (row.status.value, row.conclusion, row.run_attempt, row.github_updated_at, row.run_number)


def example_run_state(name: str) -> tuple:
    run = example(name)["workflow_run"]
    conclusion = run["conclusion"] if run["status"] == "completed" else None
    return (run["status"], conclusion, run["run_attempt"], time(run["updated_at"]), run["run_number"])


def job_state(job: dict[str, Any] | WorkflowJob) -> tuple:
    if isinstance(job, WorkflowJob):
        return (job.status, job.conclusion, job.name, job.started_at, job.completed_at)
    return (job["status"], job["conclusion"], job["name"], time(job["started_at"]), time(job["completed_at"]))


@pytest.mark.parametrize("order", ["in order", "reversed", "shuffled"])
def test_every_order_stores_the_newest_state(hook, github_project, order):
    ids = link_projects(github_project)

    for event, name, payload in ordered(order):
        response = hook(event, payload)
        assert response.status_code in (200, 202), (name, response.json())

    for (repo, run_id), name in NEWEST_RUNS.items():
        row = stored(ids[repo], WorkflowExecution, WorkflowExecution.github_run_id, run_id)
        assert run_state(row) == example_run_state(name), (order, repo)
    for (repo, job_id), names in NEWEST_JOBS.items():
        row = stored(ids[repo], WorkflowJob, WorkflowJob.github_job_id, job_id)
        assert job_state(row) in [job_state(example(name)["workflow_job"]) for name in names], (order, repo)
    with Session(get_engine()) as session:
        recorded = session.exec(select(WebhookDelivery)).all()
    assert len(recorded) == len(DELIVERIES) - 3 + len(NEWEST_JOBS)  # pings are answered, not recorded
    assert not [row.outcome for row in recorded if row.processed_at is None or "invalid" in row.outcome]
    assert github_project.fake.requests == []  # a delivery is applied without asking GitHub


def test_a_run_without_a_name_takes_its_workflows_name(hook, github_project):
    """workflow_run.name is empty in the examples: the workflow is named after the payload's workflow."""
    ids = link_projects(github_project)
    for event, name in [(e, n) for e, n in DELIVERIES if e in ("workflow_run", "deployment_status")]:
        assert hook(event, example(name)).status_code == 202
    with Session(get_engine()) as session:
        workflows = session.exec(select(Workflow.project_id, Workflow.github_id, Workflow.name)).all()
    assert sorted(workflows, key=lambda w: w[1]) == [
        (ids["octo-org/octo-repo"], 2823525, "test"),
        (ids["Codertocat/Hello-World"], 17248323, "pages build and deployment"),
    ]
