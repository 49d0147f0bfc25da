"""Issue 10's "done when" in Chromium: a new user adds an e-mail and a webhook channel on the project's
Notifications page, sends a test to each, and hears one failure and one recovery when signed workflow_run
webhooks tell the app that a workflow failed twice and then passed; the bell shows them without a reload."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from unittest import mock

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from autodevhub.auth import api_tokens
from autodevhub.auth.sessions import identity_of
from autodevhub.core.db import session_scope
from autodevhub.core.identity import Actor
from autodevhub.core.settings import get_settings
from autodevhub.models import RepoTrust, User
from autodevhub.projects import service as projects
from tests.support import github_history as history
from tests.support.browser_accounts import create_account, sign_in
from tests.support.helpers import bearer
from tests.support.live_app import LiveApp
from tests.support.receivers import HttpReceiver, SmtpReceiver, http_receiver_fixture, smtp_receiver_fixture  # noqa: F401 (fixtures)
from tests.support.webhook_helpers import URL, encode, run_payload, signed_headers

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.support.browser_session",)

HOOK_TOKEN = "hook-token-never-shown"
PROJECT = "Notify Shop"
WAIT_MS = 30_000


def project_of_new_user(live_app: LiveApp, email: str) -> tuple[str, str]:
    """In the live app's database: the user's own project on the fake history's repository (linked as an
    administrator would link it: a member's own link needs proof from GitHub) and an API token of theirs."""
    with mock.patch.dict(os.environ, {"AUTODEVHUB_DATA_DIR": str(live_app.data_dir)}):
        get_settings.cache_clear()
        try:
            with session_scope() as session:
                owner = Actor.of(identity_of(session.exec(select(User).where(User.email == email)).one()))
                project = projects.create_project(session, owner, projects.ProjectCreate(name=PROJECT))
                project.repo, project.repo_trust = history.FULL_NAME, RepoTrust.admin
                session.add(project)
                _, token = api_tokens.create_token(session, owner, "browser test")
                return str(project.id), token
        finally:
            get_settings.cache_clear()


def deliver_run(live_app: LiveApp, run_id: int, conclusion: str, minutes: int) -> float:
    """A signed workflow_run delivery to the live app; the monotonic time it was sent."""
    created = datetime.now(UTC) - timedelta(hours=1) + timedelta(minutes=minutes)
    body = encode(run_payload(history.make_run(run_id, 101, created, conclusion)), "application/json")
    sent = time.monotonic()
    response = httpx.post(
        live_app.url + URL, content=body, headers=signed_headers("workflow_run", body), timeout=30
    )
    assert response.status_code == 202, response.text
    return sent


def wait_for(check, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def run_stored(live_app: LiveApp, project_id: str, token: str, run_id: int) -> bool:
    """Whether the app stored the run as completed (read through the REST API)."""
    response = httpx.get(
        f"{live_app.url}/api/projects/{project_id}/executions?limit=50", headers=bearer(token), timeout=30
    )
    return any(
        item["github_run_id"] == run_id and item["status"] == "completed" for item in response.json()["items"]
    )


@pytest.fixture
def owner_page(new_context, live_app: LiveApp, admin_state) -> Iterator[tuple[Page, str, str]]:
    account = create_account(live_app, "Nora", f"Notify{uuid.uuid4().hex[:4]}")
    project_id, token = project_of_new_user(live_app, account.email)
    context = new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto("/login")
    sign_in(page, account)
    expect(page).to_have_url(re.compile(r"/$"))
    yield page, project_id, token
    context.close()


def add_channel(page: Page, name: str, url: str) -> None:
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Apprise URL").fill(url)
    expect(page.get_by_label("Run failed", exact=True)).to_be_checked()  # the defaults
    expect(page.get_by_label("Recovered", exact=True)).to_be_checked()
    page.get_by_role("button", name="Add channel").click()
    expect(page.get_by_role("status")).to_have_text(f"Channel {name} added.")
    expect(page.get_by_label("Name", exact=True)).to_have_value("")  # the form is ready for the next


def test_a_new_user_gets_one_failure_and_one_recovery_on_email_webhook_and_bell(
    owner_page: tuple[Page, str, str],
    live_app: LiveApp,
    http_receiver: HttpReceiver,
    smtp_receiver: SmtpReceiver,
) -> None:
    page, project_id, token = owner_page
    page.goto(f"/settings/projects/{project_id}")
    page.get_by_role("link", name="Notification channels").click()
    expect(page.get_by_role("heading", name=f"Notifications: {PROJECT}")).to_be_visible()
    expect(page.get_by_text("No channels yet")).to_be_visible()

    add_channel(page, "CI hook", f"{http_receiver.json_url}?token={HOOK_TOKEN}")
    add_channel(page, "Team mail", smtp_receiver.url("team@example.com"))
    expect(page.get_by_text("json://127.0.0.1…", exact=False)).to_be_visible()
    assert HOOK_TOKEN not in page.content()

    sent_to = {"CI hook": lambda: http_receiver.bodies, "Team mail": lambda: smtp_receiver.messages}
    for name, received in sent_to.items():
        page.get_by_role("button", name=f"Send a test message to {name}").click()
        wait_for(lambda received=received: len(received()) == 1, f"the test message to {name}")
        expect(page.get_by_role("status")).to_have_text("Test message sent.")
    assert len(http_receiver.bodies) == 1 and len(smtp_receiver.messages) == 1
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()  # nothing unread

    sent = deliver_run(live_app, 7001, "failure", 0)
    wait_for(lambda: len(http_receiver.bodies) == 2, "the failure message")
    latency = http_receiver.received[1][0] - sent
    deliver_run(live_app, 7002, "failure", 10)  # same streak: counted, not sent
    wait_for(lambda: run_stored(live_app, project_id, token, 7002), "the second failed run")
    deliver_run(live_app, 7003, "success", 20)
    wait_for(lambda: len(http_receiver.bodies) == 3, "the recovery message")
    wait_for(lambda: len(smtp_receiver.messages) == 3, "both e-mails")
    print(f"\nwebhook -> message at the local receiver: {latency * 1000:.0f} ms")

    failure, recovery = http_receiver.bodies[1:]
    assert "failed" in failure["title"].lower() and "recovered" in recovery["title"].lower()
    assert "2" in recovery["message"]  # the streak's two failures, counted into the recovery
    assert len(http_receiver.bodies) == 3  # the second failure sent nothing

    bell = page.get_by_role("link", name="Notifications, 2 unread")
    expect(bell).to_be_visible(timeout=WAIT_MS)  # live: no reload
    page.get_by_role("button", name="Refresh").click()
    log = page.get_by_role("table")
    expect(log.get_by_role("row")).to_have_count(7)  # a header, two tests, two failures, two recoveries
    expect(log.get_by_text("failed", exact=True)).to_have_count(0)

    bell.click()
    expect(page).to_have_url(re.compile(r"/notifications$"))
    expect(page.get_by_text("2 unread")).to_be_visible()
    expect(page.get_by_text("Recovered", exact=True)).to_be_visible()
    expect(page.get_by_text("Run failed", exact=True)).to_be_visible()
    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_text("All read", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
