"""With Redis: `autodevhub worker` applies the webhook, tells of the failed run and sends it (arq jobs)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from autodevhub.core.settings import get_settings
from tests.integration.test_workflow_jobs import worker  # noqa: F401 (fixture)
from tests.support import github_history as history
from tests.support.helpers import api_client, bearer
from tests.support.receivers import HttpReceiver
from tests.support.webhook_helpers import SECRET, URL, encode, run_payload, sign
from tests.support.workflow_helpers import github_project_fixture, stored_runs  # noqa: F401 (fixture)


def test_the_arq_worker_sends_a_failure_once(worker, github_project, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    receiver = HttpReceiver().start()
    client = api_client()
    try:
        created = client.post(
            f"/api/projects/{github_project.project_id}/notifications/channels",
            json={"name": "hook", "url": receiver.json_url, "events": ["run.failed"]},
            headers=bearer(github_project.token),
        )
        assert created.status_code == 201
        worker()
        warm_up = encode(
            run_payload(history.make_run(400, 101, datetime.now(UTC) - timedelta(minutes=9))), ""
        )
        headers = {
            "X-GitHub-Event": "workflow_run",
            "X-GitHub-Delivery": "d-400",
            "X-Hub-Signature-256": sign(warm_up),
        }
        assert client.post(URL, content=warm_up, headers=headers).status_code == 202
        deadline = time.monotonic() + 60
        while 400 not in stored_runs(github_project.project_id) and time.monotonic() < deadline:
            time.sleep(0.05)  # the worker is up and has applied a first delivery
        body = encode(
            run_payload(history.make_run(401, 101, datetime.now(UTC) - timedelta(minutes=5), "failure")), ""
        )
        sent_at = time.monotonic()
        for delivery in ("d-401-a", "d-401-b"):  # GitHub redelivers: told once
            headers = {
                "X-GitHub-Event": "workflow_run",
                "X-GitHub-Delivery": delivery,
                "X-Hub-Signature-256": sign(body),
            }
            assert (
                client.post(
                    URL, content=body, headers={**headers, "Content-Type": "application/json"}
                ).status_code
                == 202
            )
        deadline = time.monotonic() + 60
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1)
        assert len(receiver.bodies) == 1 and "CI on main failed" in receiver.bodies[0]["title"]
        print(f"webhook -> json:// receiver through arq: {(receiver.received[0][0] - sent_at) * 1000:.0f} ms")
    finally:
        receiver.stop()
