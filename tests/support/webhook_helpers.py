"""Signed deliveries to POST /api/webhooks/github, octokit/webhooks payload examples, both databases."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from autodevhub.core import jobs
from autodevhub.core.settings import get_settings
from tests.support import github_history as history
from tests.support.helpers import api_client

SECRET = "webhook-secret-for-tests"
URL = "/api/webhooks/github"
PAYLOADS = Path(__file__).parent / "github_payloads"
FORM = "application/x-www-form-urlencoded"

Send = Callable[..., httpx.Response]


def example(name: str) -> dict[str, Any]:
    """A payload example from tests/support/github_payloads (a fresh copy each time)."""
    return copy.deepcopy(json.loads((PAYLOADS / name).read_text()))


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def run_payload(run: history.Run, action: str = "completed") -> dict:
    """A workflow_run delivery of the fake history's run."""
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


def encode(payload: Any, content_type: str) -> bytes:
    """The body GitHub sends for `payload` with the webhook's content type."""
    text = json.dumps(payload)
    return urlencode({"payload": text}).encode() if content_type == FORM else text.encode()


def signed_headers(
    event: str, body: bytes, delivery: str | None = None, content_type: str = "application/json"
) -> dict[str, str]:
    """The headers GitHub sends with a delivery of `body`, signed with the tests' webhook secret."""
    return {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "Content-Type": content_type,
        "X-Hub-Signature-256": sign(body),
    }


@pytest.fixture(name="hook")
def hook_fixture(github_project, monkeypatch: pytest.MonkeyPatch) -> Send:
    """The webhook secret set, and a sender of signed deliveries that waits for their jobs."""
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    client = api_client()

    def send(
        event: str,
        payload: Any,
        delivery: str | None = None,
        signature: str | None = None,
        body: bytes | None = None,
        content_type: str = "application/json",
    ) -> httpx.Response:
        body = body if body is not None else encode(payload, content_type)
        headers = signed_headers(event, body, delivery, content_type)
        if signature is not None:
            headers["X-Hub-Signature-256"] = signature
        response = client.post(URL, content=body, headers=headers)
        assert jobs.local_runner().wait_idle(10)
        return response

    return send


@pytest.fixture(name="app_db", params=["sqlite", "postgres"])
def app_db_on_both(request: pytest.FixtureRequest, app_db: str) -> str:
    """Import into a test module to run its tests on SQLite and on a fresh, migrated PostgreSQL."""
    return request.getfixturevalue("app_postgres") if request.param == "postgres" else app_db
