"""POST /api/webhooks/github: GitHub's signature test vector, refusals, one application per delivery."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, func, select

from autodevhub.core import jobs
from autodevhub.core.db import get_engine
from autodevhub.core.settings import get_settings
from autodevhub.models import WorkflowExecution
from autodevhub.models.workflows import WebhookDelivery
from autodevhub.workflows.github.webhooks import signature_valid
from tests.support import github_history as history
from tests.support.helpers import api_client
from tests.support.workflow_helpers import github_project_fixture, stored_jobs, stored_runs  # noqa: F401 (fixture)

SECRET = "webhook-secret-for-tests"
URL = "/api/webhooks/github"


def test_github_published_test_vector():
    secret, payload = "It's a Secret to Everybody", b"Hello, World!"
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert signature_valid(secret, payload, expected)
    assert not signature_valid(secret, payload + b" ", expected)
    assert not signature_valid(secret, payload, expected.replace("sha256=7", "sha256=8"))
    assert not signature_valid(secret, payload, None)
    assert not signature_valid("", payload, expected)


@pytest.fixture
def hook(github_project, monkeypatch):
    """The webhook secret set, a client, and a sender of signed deliveries."""
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    client = api_client()

    def send(event: str, payload, delivery: str | None = None, signature: str | None = None, body=None):
        body = body if body is not None else json.dumps(payload).encode()
        headers = {
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
            "Content-Type": "application/json",
        }
        digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        headers["X-Hub-Signature-256"] = signature if signature is not None else f"sha256={digest}"
        response = client.post(URL, content=body, headers=headers)
        assert jobs.local_runner().wait_idle(10)
        return response

    return send


def run_payload(run: history.Run, action: str = "completed") -> dict:
    repository = {"id": 1296269, "full_name": history.FULL_NAME, "name": history.NAME}
    workflow = {
        "id": run.workflow_id,
        "name": run.workflow_name,
        "path": history.WORKFLOWS[run.workflow_id][1],
    }
    return {
        "action": action,
        "workflow_run": history.run_json(run, "https://api.github.com"),
        "workflow": workflow,
        "repository": repository,
    }


def deliveries() -> int:
    with Session(get_engine()) as session:
        return session.exec(select(func.count()).select_from(WebhookDelivery)).one()


def test_a_workflow_run_delivery_is_stored_once(hook, github_project):
    run = history.make_run(777, 101, datetime.now(UTC) - timedelta(minutes=10), conclusion=None)
    delivery = str(uuid.uuid4())

    first = hook("workflow_run", run_payload(run, "in_progress"), delivery)

    assert (first.status_code, first.json()) == (202, {"status": "queued"})
    stored = stored_runs(github_project.project_id)[777]
    assert (stored.status.value, stored.branch, stored.head_sha, stored.run_attempt) == (
        "in_progress",
        "main",
        run.sha,
        1,
    )
    with Session(get_engine()) as session:
        row = session.get(WebhookDelivery, delivery)
        assert row.processed_at is not None and row.outcome == "run 777 in_progress" and row.payload == {}

    run.status, run.conclusion, run.updated = "completed", "success", run.started + timedelta(minutes=4)
    replay = hook("workflow_run", run_payload(run), delivery)
    assert (replay.status_code, replay.json()) == (200, {"status": "duplicate"})
    assert (
        stored_runs(github_project.project_id)[777].status.value == "in_progress"
    )  # the replay changed nothing

    assert hook("workflow_run", run_payload(run)).status_code == 202
    done = stored_runs(github_project.project_id)[777]
    assert (done.status.value, done.conclusion, done.duration_seconds) == ("completed", "success", 240.0)
    assert deliveries() == 2


def test_workflow_job_and_push_deliveries(hook, github_project):
    run = history.make_run(778, 101, datetime.now(UTC) - timedelta(minutes=30))
    assert hook("workflow_run", run_payload(run)).status_code == 202
    job = history.job_json(run, run.jobs[2], "https://api.github.com")

    job_delivery = {"action": "completed", "workflow_job": job, "repository": {"full_name": "OCTO/Shop"}}
    assert hook("workflow_job", job_delivery).status_code == 202

    stored = stored_jobs(github_project.project_id)[run.jobs[2].id]
    assert (stored.name, stored.conclusion, stored.run_attempt) == ("integration-tests", "success", 1)
    execution = stored_runs(github_project.project_id)[778]
    assert execution.logs["jobs"][0]["failed_steps"] == [] and execution.logs["jobs"][0]["steps"] == 2

    with Session(get_engine()) as session:
        session.get(WorkflowExecution, execution.id).head_commit_time = None
        session.commit()
    push = {
        "after": run.sha,
        "head_commit": {"id": run.sha, "timestamp": "2025-03-01T10:00:00+02:00"},
        "repository": {"full_name": history.FULL_NAME},
    }
    assert hook("push", push).status_code == 202
    assert stored_runs(github_project.project_id)[778].head_commit_time == datetime(2025, 3, 1, 8, tzinfo=UTC)


def test_refusals(hook, github_project):
    payload = run_payload(history.make_run(779, 101, datetime.now(UTC)))
    assert hook("workflow_run", payload, signature="sha256=" + "0" * 64).status_code == 401
    assert hook("workflow_run", payload, signature="").status_code == 401
    broken = b'{"action": "completed", '
    response = hook("workflow_run", None, body=broken)
    assert (response.status_code, response.json()) == (400, {"detail": "The payload is not valid JSON."})
    assert hook("workflow_run", payload, delivery="not a delivery id!").status_code == 400
    assert deliveries() == 0
    assert hook("ping", {"zen": "Keep it logically awesome."}).json() == {"status": "pong"}
    assert hook("issues", {"action": "opened"}).json() == {"status": "ignored"}
    assert deliveries() == 0


def test_unsigned_when_no_secret_is_configured(github_project, monkeypatch):
    response = api_client().post(
        URL, content=b"{}", headers={"X-GitHub-Event": "push", "X-Hub-Signature-256": ""}
    )
    assert response.status_code == 401


def test_bodies_over_25_mb_are_refused(hook, github_project):
    big = b" " * (25 * 1024 * 1024 + 1)
    response = hook("push", None, body=big)
    assert (response.status_code, response.json()) == (413, {"detail": "The payload is larger than 25 MB."})

    def chunks():  # no Content-Length: the streamed size is what counts
        for _ in range(26):
            yield b" " * (1024 * 1024)

    streamed = api_client().post(URL, content=chunks(), headers={"X-GitHub-Event": "push"})
    assert streamed.status_code == 413


def test_a_repository_nobody_tracks_is_recorded_and_ignored(hook):
    payload = run_payload(history.make_run(780, 101, datetime.now(UTC)))
    payload["repository"]["full_name"] = payload["workflow_run"]["repository"]["full_name"] = "someone/else"
    delivery = str(uuid.uuid4())
    assert hook("workflow_run", payload, delivery).status_code == 202
    with Session(get_engine()) as session:
        assert session.get(WebhookDelivery, delivery).outcome == "no project tracks this repository"
        assert session.exec(select(func.count()).select_from(WorkflowExecution)).one() == 0
