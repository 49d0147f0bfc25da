"""POST /api/webhooks/github: signature test vector, refusals, content types, one application per delivery."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, func, select

from autodevhub.core.db import get_engine
from autodevhub.core.settings import get_settings
from autodevhub.models import WorkflowExecution
from autodevhub.models.workflows import WebhookDelivery
from autodevhub.web.api import create_api
from autodevhub.workflows.github.sync import sync_project
from autodevhub.workflows.github.webhooks import signature_valid
from tests.support import github_history as history
from tests.support.helpers import api_client
from tests.support.webhook_helpers import (  # noqa: F401 (fixture)
    FORM,
    SECRET,
    URL,
    example,
    hook_fixture,
    run_payload,
    sign,
)
from tests.support.workflow_helpers import github_project_fixture, stored_jobs, stored_runs  # noqa: F401 (fixture)


def test_github_published_test_vector():
    secret, payload = "It's a Secret to Everybody", b"Hello, World!"
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert signature_valid(secret, payload, expected)
    assert not signature_valid(secret, payload + b" ", expected)
    assert not signature_valid(secret, payload, expected.replace("sha256=7", "sha256=8"))
    assert not signature_valid(secret, payload, None)
    assert not signature_valid("", payload, expected)


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
    assert hook("star", {"action": "created"}).json() == {"status": "ignored"}
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

    headers = {"X-GitHub-Event": "push", "X-GitHub-Delivery": "big-1", "X-Hub-Signature-256": sign(b"")}
    streamed = api_client().post(URL, content=chunks(), headers=headers)
    assert streamed.status_code == 413


def test_a_repository_nobody_tracks_is_recorded_and_ignored(hook):
    payload = run_payload(history.make_run(780, 101, datetime.now(UTC)))
    payload["repository"]["full_name"] = payload["workflow_run"]["repository"]["full_name"] = "someone/else"
    delivery = str(uuid.uuid4())
    assert hook("workflow_run", payload, delivery).status_code == 202
    with Session(get_engine()) as session:
        assert session.get(WebhookDelivery, delivery).outcome == "no project tracks this repository"
        assert session.exec(select(func.count()).select_from(WorkflowExecution)).one() == 0


def test_form_encoded_deliveries_are_accepted(hook, github_project):
    """GitHub's default content type: payload=<json>, signed over the form body as sent."""
    ping = hook("ping", example("ping/payload.json"), content_type=FORM)
    assert (ping.status_code, ping.json()) == (200, {"status": "pong"})

    run = history.make_run(790, 101, datetime.now(UTC) - timedelta(minutes=10))
    assert hook("workflow_run", run_payload(run), content_type=FORM).json() == {"status": "queued"}
    assert stored_runs(github_project.project_id)[790].conclusion == "success"

    json_signature = sign(json.dumps(run_payload(run)).encode())
    assert (
        hook("workflow_run", run_payload(run), signature=json_signature, content_type=FORM).status_code == 401
    )
    response = hook("workflow_run", None, body=b"other=1", content_type=FORM)
    assert (response.status_code, response.json()) == (400, {"detail": "The form has no payload field."})


def asgi_post(headers: dict[str, str]) -> tuple[int, int]:
    """POST an endless body straight to the ASGI app: (status, how many body chunks it read)."""
    reads = []

    async def receive() -> dict:
        reads.append(1)
        return {"type": "http.request", "body": b" " * 1024 * 1024, "more_body": True}

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": URL,
        "raw_path": URL.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "server": ("localhost", 3000),
        "client": ("127.0.0.1", 50000),
    }
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright may leave a loop in this thread
        pool.submit(asyncio.run, create_api()(scope, receive, send)).result(timeout=60)
    return next(m["status"] for m in sent if m["type"] == "http.response.start"), len(reads)


def test_unsigned_or_unconfigured_is_refused_before_reading_the_body(app_db, monkeypatch):
    headers = {"X-GitHub-Event": "push", "X-GitHub-Delivery": str(uuid.uuid4())}
    signed = {**headers, "X-Hub-Signature-256": "sha256=" + "0" * 64}
    assert asgi_post(signed) == (401, 0)  # no secret configured
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    assert asgi_post(headers) == (401, 0)  # no signature
    assert asgi_post({**headers, "X-Hub-Signature-256": "sha1=0"}) == (401, 0)
    assert asgi_post(signed) == (413, 26)  # signed: read as a stream up to the cap, then refused


def test_a_late_older_attempt_never_undoes_a_newer_one(hook, github_project):
    run = history.make_run(791, 101, datetime.now(UTC) - timedelta(minutes=30))
    first_attempt = run_payload(run)
    run.attempt, run.status, run.conclusion = 2, "queued", None
    run.updated = run.updated + timedelta(minutes=5)
    assert hook("workflow_run", run_payload(run, "requested")).status_code == 202
    assert hook("workflow_run", first_attempt).status_code == 202  # attempt 1's completion, delivered late

    stored = stored_runs(github_project.project_id)[791]
    assert (stored.run_attempt, stored.status.value, stored.conclusion) == (2, "queued", None)


def test_a_completed_job_does_not_go_back_to_in_progress(hook, github_project):
    run = history.make_run(792, 101, datetime.now(UTC) - timedelta(minutes=30))
    assert hook("workflow_run", run_payload(run)).status_code == 202
    done = history.job_json(run, run.jobs[0], "https://api.github.com")
    running = {**done, "status": "in_progress", "conclusion": None, "completed_at": None}
    for job in (done, running):
        assert (
            hook(
                "workflow_job",
                {
                    "action": job["status"],
                    "workflow_job": job,
                    "repository": {"full_name": history.FULL_NAME},
                },
            ).status_code
            == 202
        )

    stored = stored_jobs(github_project.project_id)[run.jobs[0].id]
    assert (stored.status, stored.conclusion) == ("completed", done["conclusion"])


def test_a_sync_reading_an_older_state_keeps_the_webhooks_newer_one(hook, github_project):
    run = history.make_run(793, 101, datetime.now(UTC) - timedelta(minutes=30))
    assert hook("workflow_run", run_payload(run)).status_code == 202  # completed, by webhook
    stale = history.make_run(793, 101, datetime.now(UTC) - timedelta(minutes=30), conclusion=None)
    github_project.fake.runs = {stale.id: stale}  # GitHub's list, read a moment before the run completed

    sync_project(str(github_project.project_id))

    stored = stored_runs(github_project.project_id)[793]
    assert (stored.status.value, stored.conclusion) == ("completed", "success")


def test_a_job_that_arrives_before_its_run_waits_for_it(hook, github_project):
    run = history.make_run(794, 101, datetime.now(UTC) - timedelta(minutes=30))
    job = history.job_json(run, run.jobs[0], "https://api.github.com")
    delivery = str(uuid.uuid4())
    job_delivery = {
        "action": "completed",
        "workflow_job": job,
        "repository": {"full_name": history.FULL_NAME},
    }

    assert hook("workflow_job", job_delivery, delivery).status_code == 202
    with Session(get_engine()) as session:
        waiting = session.get(WebhookDelivery, delivery)
        assert (waiting.processed_at, waiting.outcome) == (None, "waiting for run 794")

    assert hook("workflow_run", run_payload(run)).status_code == 202  # storing the run queues the job again

    assert stored_jobs(github_project.project_id)[run.jobs[0].id].conclusion == job["conclusion"]
    with Session(get_engine()) as session:
        done = session.get(WebhookDelivery, delivery)
        assert (done.processed_at is not None, done.outcome) == (True, f"job {job['id']} completed")
