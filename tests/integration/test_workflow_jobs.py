"""Jobs: the in-process runner, and arq through a real Redis with a real `autodevhub worker` process."""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from arq import create_pool
from arq.connections import RedisSettings
from arq.jobs import Job
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlmodel import Session

from autodevhub import features
from autodevhub.cli import main
from autodevhub.core import jobs
from autodevhub.core.db import get_engine
from autodevhub.core.jobs import local, registry
from autodevhub.core.jobs.arq import QUEUE_NAME, cron_jobs
from autodevhub.core.settings import get_settings
from autodevhub.models.workflows import WebhookDelivery
from autodevhub.web.api import create_api
from autodevhub.workflows.github.tasks import SYNC, sync_job_id
from tests.support import github_history as history
from tests.support.helpers import api_client
from tests.support.workflow_helpers import github_project_fixture, stored_runs  # noqa: F401 (fixture)

CALLS: list[str] = []


@jobs.job("test.flaky", max_tries=3)
def flaky(name: str) -> str:
    CALLS.append(name)
    if len(CALLS) < 3:
        raise jobs.RetryLater("not yet", defer=0.05)
    return f"done {name}"


def test_local_runner_retries_and_deduplicates():
    runner = local.LocalRunner()
    CALLS.clear()
    assert runner.submit(jobs.JOBS["test.flaky"], ("x",), "flaky:1") is True
    assert runner.submit(jobs.JOBS["test.flaky"], ("x",), "flaky:1") is False  # queued or waiting to retry
    assert runner.wait_idle(10)
    assert (CALLS, runner.results["flaky:1"]) == (["x", "x", "x"], "done x")
    assert runner.submit(jobs.JOBS["test.flaky"], ("x",), "flaky:1") is True  # done: may run again
    assert runner.wait_idle(10)


def test_periodic_schedule_for_arq():
    features.register()
    assert cron_jobs(0) == []
    assert cron_jobs(15)[0].minute == {0, 15, 30, 45}
    assert (cron_jobs(120)[0].hour, cron_jobs(120)[0].minute) == (set(range(0, 24, 2)), {0})
    assert [backoff for backoff in map(registry.backoff, (1, 2, 3, 10))] == [5.0, 10.0, 20.0, 300.0]


async def _result(url: str, job_id: str, timeout: float) -> tuple[object, int]:
    pool = await create_pool(RedisSettings.from_dsn(url))
    try:
        job = Job(job_id, pool, _queue_name=QUEUE_NAME)
        result = await job.result(timeout=timeout)
        return result, (await job.result_info()).job_try
    finally:
        await pool.aclose()


@pytest.fixture
def worker(redis_url, github_project, monkeypatch):
    """REDIS_URL set for this process; start() launches `autodevhub worker` with the same environment."""
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("AUTODEVHUB_SYNC_INTERVAL_MINUTES", "0")
    get_settings.cache_clear()
    processes = []

    def start():
        cli = os.path.join(os.path.dirname(sys.executable), "autodevhub")
        process = subprocess.Popen(
            [cli, "worker"], env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


def test_arq_worker_runs_syncs_and_retries_after_github_failed(worker, github_project, redis_url):
    fake, project_id = github_project.fake, github_project.project_id
    now = datetime.now(UTC)
    fake.runs = {
        run.id: run for run in (history.make_run(n, 101, now - timedelta(hours=n)) for n in (1, 2, 3))
    }
    fake.fail("GET", "", 503, times=4)  # the first attempt fails: one try and three retries of GET /repos/...
    job_id = sync_job_id(project_id)

    assert jobs.enqueue(SYNC, str(project_id), job_id=job_id) is True
    assert jobs.enqueue(SYNC, str(project_id), job_id=job_id) is False  # one sync per project at a time
    worker()
    # In its own thread: a browser test earlier in the session may leave Playwright's loop running here.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        result, tries = pool.submit(asyncio.run, _result(redis_url, job_id, timeout=90)).result()

    assert (result["state"], result["new_runs"], tries) == ("ok", 3, 2)  # retried after the back-off
    assert set(stored_runs(project_id)) == {1, 2, 3}


def test_arq_worker_applies_webhooks(worker, github_project, monkeypatch):
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", "s3cret")
    get_settings.cache_clear()
    worker()
    run = history.make_run(42, 101, datetime.now(UTC) - timedelta(minutes=5))
    body = json.dumps(
        {
            "action": "completed",
            "workflow_run": history.run_json(run, "https://api.github.com"),
            "repository": {"full_name": history.FULL_NAME},
        }
    ).encode()
    delivery = str(uuid.uuid4())
    signature = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    headers = {
        "X-GitHub-Event": "workflow_run",
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": signature,
    }

    assert api_client().post("/api/webhooks/github", content=body, headers=headers).status_code == 202

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with Session(get_engine()) as session:
            if session.get(WebhookDelivery, delivery).processed_at is not None:
                break
        time.sleep(0.2)
    assert stored_runs(github_project.project_id)[42].conclusion == "success"


def test_cli_sync_prints_what_changed(github_project):
    fake = github_project.fake
    fake.runs = {run.id: run for run in (history.make_run(7, 102, datetime.now(UTC) - timedelta(hours=2)),)}

    first = CliRunner().invoke(main, ["sync", "shop"])
    again = CliRunner().invoke(main, ["sync", "Shop"])

    assert first.exit_code == 0, first.output
    assert first.output.startswith("ok: 1 new and 0 updated runs. 3 workflows; jobs read for 1 runs;")
    assert again.output.startswith("ok: 0 new and 0 updated runs.")
    assert "0 API requests" in again.output  # three conditional requests, answered 304: free
    missing = CliRunner().invoke(main, ["sync", "nope"])
    assert (missing.exit_code, missing.output.strip()) == (1, "Error: No project named 'nope'.")


def test_periodic_run_syncs_every_linked_project_and_requeues_lost_webhooks(github_project, monkeypatch):
    fake = github_project.fake
    fake.runs = {run.id: run for run in (history.make_run(11, 101, datetime.now(UTC) - timedelta(hours=1)),)}
    stale = history.make_run(12, 101, datetime.now(UTC) - timedelta(hours=2))
    with Session(get_engine()) as session:
        payload = {"workflow_run": history.run_json(stale, "https://api.github.com")}
        old = datetime.now(UTC) - timedelta(hours=1)
        session.add(
            WebhookDelivery(
                delivery_id="lost-1",
                event="workflow_run",
                repository=history.FULL_NAME,
                payload=payload,
                received_at=old,
            )
        )
        session.add(
            WebhookDelivery(delivery_id="ancient", event="push", received_at=old - timedelta(days=40))
        )
        session.commit()

    registry.run_periodic()
    assert jobs.local_runner().wait_idle(60)  # a sync that raced the webhook job retries after 5, 10, 20 s

    assert set(stored_runs(github_project.project_id)) == {11, 12}
    with Session(get_engine()) as session:
        assert session.get(WebhookDelivery, "lost-1").processed_at is not None
        assert session.get(WebhookDelivery, "ancient") is None  # ids are kept 30 days


def test_the_app_schedules_syncs_itself_only_without_redis(monkeypatch):
    monkeypatch.setenv("AUTODEVHUB_SYNC_INTERVAL_MINUTES", "0")
    get_settings.cache_clear()
    assert local.start_local_scheduler() is None
    monkeypatch.setenv("AUTODEVHUB_SYNC_INTERVAL_MINUTES", "15")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/15")
    get_settings.cache_clear()
    assert local.start_local_scheduler() is None
    monkeypatch.delenv("REDIS_URL")
    get_settings.cache_clear()
    with TestClient(create_api()):  # the API's lifespan starts the scheduler, once per process
        assert local.LocalScheduler.running is not None and local.LocalScheduler.running.interval == 900
        assert local.start_local_scheduler() is None
    assert local.LocalScheduler.running is None
