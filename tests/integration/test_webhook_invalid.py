"""Signed but malformed deliveries: refused with a reason, recorded as processed, never a 500 or retried."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from autodevhub.core import jobs
from autodevhub.core.db import get_engine
from autodevhub.models.workflows import WebhookDelivery
from autodevhub.workflows.github import tasks, webhooks
from tests.support import github_history as history
from tests.support.webhook_helpers import app_db_on_both, example, hook_fixture  # noqa: F401 (fixtures)
from tests.support.workflow_helpers import github_project_fixture, stored_jobs, stored_runs  # noqa: F401 (fixture)


def run_delivery(**changes) -> dict:
    """The completed run example, moved to the test project's repository, with `changes` to its run."""
    payload = example("workflow_run/completed.payload.json")
    payload["repository"]["full_name"] = history.FULL_NAME
    payload["workflow_run"].update(changes)
    return payload


def job_delivery(**changes) -> dict:
    payload = example("workflow_job/completed.failure.with-organization.payload.json")
    payload["repository"]["full_name"] = history.FULL_NAME
    payload["workflow_job"].update(run_id=289782451, **changes)
    return payload


def recorded(delivery: str) -> WebhookDelivery:
    with Session(get_engine()) as session:
        return session.get(WebhookDelivery, delivery)


MALFORMED = {
    "repository is a string": ("workflow_run", {"repository": "x"}, "invalid: repository: "),
    "no workflow_run": (
        "workflow_run",
        {"action": "completed", "repository": {"full_name": "octo/shop"}},
        "",
    ),
    "33-character conclusion": ("workflow_run", run_delivery(conclusion="c" * 33), ""),
    "run id beyond BIGINT": ("workflow_run", run_delivery(id=2**63), "invalid: workflow_run.id: "),
    "NUL in a branch": ("workflow_run", run_delivery(head_branch="main\x00"), ""),
    "unreadable time": ("workflow_run", run_delivery(updated_at="yesterday"), ""),
    "job conclusion too long": ("workflow_job", job_delivery(conclusion="c" * 33), ""),
    "push commit time unreadable": (
        "push",
        {"after": "a" * 40, "head_commit": {"timestamp": "soon"}, "repository": {"full_name": "octo/shop"}},
        "invalid: head_commit.timestamp: ",
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_deliveries_are_refused_and_recorded(hook, github_project, case):
    event, payload, reason = MALFORMED[case]
    delivery = str(uuid.uuid4())

    response = hook(event, payload, delivery)

    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith(reason or "invalid: ") and len(detail) <= 200
    row = recorded(delivery)
    assert (row.processed_at is not None, row.outcome, row.payload) == (True, detail, {})
    assert stored_runs(github_project.project_id) == {}


def test_shapes_github_may_send_are_applied(hook, github_project):
    """A head commit without a timestamp, steps: null: stored with what they have."""
    commit = {"id": "3484a3fb816e0859fd6e1cea078d76385ff50625", "message": "Change"}
    assert hook("workflow_run", run_delivery(head_commit=commit)).status_code == 202
    run = stored_runs(github_project.project_id)[289782451]
    assert (run.status.value, run.head_commit_time, run.title) == (
        "completed",
        None,
        "ci(action): update actions/setup-node digest to 8c91899",
    )

    assert hook("workflow_job", job_delivery(steps=None)).status_code == 202
    job = stored_jobs(github_project.project_id)[289782451]
    assert (job.status, job.conclusion) == ("completed", "failure")
    push = {
        "after": "a" * 40,
        "head_commit": {"id": "a" * 40},
        "commits": [{"message": "a field we do not read, with a NUL: \x00"}],
        "repository": {"full_name": "octo/shop"},
    }
    delivery = str(uuid.uuid4())
    assert hook("push", push, delivery).status_code == 202
    assert recorded(delivery).outcome == "push without a head commit"


def test_a_recorded_delivery_that_turns_out_malformed_is_processed_once(github_project):
    """Deliveries recorded by an older version (or tampered with in the table) end as invalid, not retried."""
    with Session(get_engine()) as session:
        session.add(WebhookDelivery(delivery_id="old-1", event="workflow_run", payload={"repository": "x"}))
        session.commit()

    outcome = tasks.webhook("old-1")

    assert outcome.startswith("invalid: repository: ")
    assert (recorded("old-1").outcome, recorded("old-1").processed_at is not None) == (outcome, True)


def test_a_delivery_never_applied_is_given_up_after_a_day(github_project):
    old = datetime.now(UTC) - timedelta(days=2)
    with Session(get_engine()) as session:
        session.add(WebhookDelivery(delivery_id="lost-old", event="push", received_at=old))
        session.commit()
        assert webhooks.stale_deliveries(session) == []

    tasks.schedule()
    assert jobs.local_runner().wait_idle(30)

    row = recorded("lost-old")
    assert (row.processed_at is not None, row.outcome) == (True, "failed: not applied within a day")


def test_a_deeply_nested_body_is_refused(hook, github_project):
    response = hook("workflow_run", None, body=b"[" * 100_000)
    assert (response.status_code, response.json()) == (400, {"detail": "The payload is not valid JSON."})
