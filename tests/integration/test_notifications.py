"""Notifications end to end: real Apprise sending to local SMTP and HTTP receivers, driven by signed
workflow_run webhooks; retries, the delivery log and channel health; the URL never leaves the server."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from autodevhub.core import jobs
from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.models import NotificationChannel
from autodevhub.notifications import deliveries
from autodevhub.stories.service import StoryGenerate, StoryUpdate, generate_story, update_story
from autodevhub.workflows.github.sync import sync_project
from tests.support import github_history as history
from tests.support.helpers import api_client, bearer, make_token, make_user
from tests.support.receivers import http_receiver_fixture, smtp_receiver_fixture  # noqa: F401 (fixtures)
from tests.support.webhook_helpers import hook_fixture, run_payload  # noqa: F401 (fixture)
from tests.support.workflow_helpers import github_project_fixture  # noqa: F401 (fixture)

SECRET_TOKEN = "s3cr3t-hook-token"
STORY = "Users can export monthly reports as CSV or PDF."
T0 = datetime.now(UTC) - timedelta(hours=2)


def add_channel(github_project, url: str, events=("run.failed", "run.recovered"), **extra) -> dict:
    response = api_client().post(
        f"/api/projects/{github_project.project_id}/notifications/channels",
        json={"name": f"channel {url[:8]}", "url": url, "events": list(events), **extra},
        headers=bearer(github_project.token),
    )
    assert response.status_code == 201, response.text
    return response.json()


def run(hook, run_id: int, conclusion: str, minutes: int, workflow_id: int = 101) -> float:
    """Deliver a completed run; the monotonic time the webhook was sent."""
    sent = time.monotonic()
    payload = run_payload(history.make_run(run_id, workflow_id, T0 + timedelta(minutes=minutes), conclusion))
    assert hook("workflow_run", payload).status_code == 202
    assert jobs.local_runner().wait_idle(20)
    return sent


def test_one_failure_and_one_recovery_reach_email_webhook_and_inbox(
    hook, github_project, http_receiver, smtp_receiver
):
    add_channel(github_project, http_receiver.json_url)
    add_channel(github_project, smtp_receiver.url())

    run(hook, 201, "success", 0)
    failed_at = run(hook, 202, "failure", 10)
    run(hook, 203, "failure", 20)
    hook("workflow_run", run_payload(history.make_run(203, 101, T0 + timedelta(minutes=20), "failure")))
    run(hook, 204, "timed_out", 30)
    run(hook, 205, "success", 40)
    run(hook, 206, "success", 50)

    titles = [body["title"] for body in http_receiver.bodies]
    assert len(titles) == 2, titles
    assert "CI on main failed" in titles[0]
    assert "CI on main recovered after 3 failed run(s)" in titles[1]
    assert "/actions/runs/202\nIn AutoDevHub: " in http_receiver.bodies[0]["message"]
    assert f"/projects/{github_project.project_id}" in http_receiver.bodies[0]["message"]
    latency = http_receiver.received[0][0] - failed_at
    print(f"webhook -> json:// receiver: {latency * 1000:.0f} ms")
    assert latency < 5
    subjects = [message["Subject"] for message in smtp_receiver.messages]
    assert len(subjects) == 2 and "failed" in subjects[0] and "recovered" in subjects[1]
    mail = smtp_receiver.messages[0]
    text = (mail.get_payload(0) if mail.is_multipart() else mail).get_payload(decode=True).decode()
    assert "Workflow: CI #202" in text and "Branch: main" in text

    client, headers = api_client(), bearer(github_project.token)
    notices = client.get("/api/me/notifications?unread=true", headers=headers).json()
    assert notices["total"] == 2
    marked = client.post(
        "/api/me/notifications/read", json={"ids": [notices["items"][0]["id"]]}, headers=headers
    )
    assert marked.json() == {"marked": 1}
    assert client.get("/api/me/notifications?unread=true", headers=headers).json()["total"] == 1
    client.post("/api/me/notifications/read", json={"all": True}, headers=headers)
    assert client.get("/api/me/notifications?unread=true", headers=headers).json()["total"] == 0

    log = client.get(f"/api/projects/{github_project.project_id}/notifications/deliveries", headers=headers)
    assert log.json()["total"] == 4
    assert {item["status"] for item in log.json()["items"]} == {"sent"}


def test_receiver_down_retries_then_logs_the_error_and_marks_the_channel_unhealthy(
    hook, github_project, http_receiver, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(deliveries, "RETRY_SECONDS", 0.05)
    channel = add_channel(github_project, http_receiver.json_url)
    http_receiver.stop()

    run(hook, 301, "failure", 0)
    assert jobs.local_runner().wait_idle(20)

    client, headers = api_client(), bearer(github_project.token)
    log = client.get(
        f"/api/projects/{github_project.project_id}/notifications/deliveries", headers=headers
    ).json()
    assert log["total"] == 1
    entry = log["items"][0]
    assert entry["status"] == "failed" and entry["attempts"] == deliveries.MAX_TRIES and entry["error"]
    listed = client.get(f"/api/projects/{github_project.project_id}/notifications/channels", headers=headers)
    [shown] = [item for item in listed.json()["items"] if item["id"] == channel["id"]]
    assert shown["healthy"] is False and shown["consecutive_failures"] == deliveries.MAX_TRIES


def test_test_message_is_sent_now_and_the_url_never_leaves_the_server(
    github_project, http_receiver, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    url = http_receiver.json_url.replace("/hook", f"/hook/{SECRET_TOKEN}")
    client, headers = api_client(), bearer(github_project.token)
    channel = add_channel(github_project, url, filters={"branch": "main"})

    tested = client.post(f"/api/notifications/channels/{channel['id']}/test", headers=headers)
    changed = client.patch(
        f"/api/notifications/channels/{channel['id']}", json={"events": ["run.failed"]}, headers=headers
    )
    listed = client.get(f"/api/projects/{github_project.project_id}/notifications/channels", headers=headers)
    log = client.get(f"/api/projects/{github_project.project_id}/notifications/deliveries", headers=headers)

    assert tested.status_code == 200 and tested.json()["status"] == "sent"
    assert http_receiver.bodies[0]["title"].startswith("AutoDevHub test message")
    assert changed.json()["events"] == ["run.failed"] and changed.json()["filters"] == {"branch": "main"}
    for response in (tested, changed, listed, log):
        assert SECRET_TOKEN not in response.text
    assert channel["url_masked"] == "json://127.0.0.1…"
    assert SECRET_TOKEN not in caplog.text
    with Session(get_engine()) as session:
        stored = session.exec(select(NotificationChannel)).one()
    assert SECRET_TOKEN not in stored.url_sealed

    deleted = client.delete(f"/api/notifications/channels/{channel['id']}", headers=headers)
    assert deleted.status_code == 204


def test_a_member_below_maintainer_cannot_manage_channels_and_bad_urls_are_refused(github_project):
    client, headers = api_client(), bearer(github_project.token)
    path = f"/api/projects/{github_project.project_id}/notifications/channels"
    refused = client.post(
        path, json={"name": "x", "url": "bogus://x", "events": ["run.failed"]}, headers=headers
    )
    assert refused.status_code == 422 and "bogus://" in refused.json()["detail"]
    unknown = client.post(path, json={"name": "x", "url": "json://h/x", "events": ["nope"]}, headers=headers)
    assert unknown.status_code == 422

    outsider = make_token(make_user("outsider@example.com"))
    assert client.get(path, headers=bearer(outsider)).status_code == 403


def test_a_story_status_change_is_told_once(github_project, http_receiver):
    add_channel(github_project, http_receiver.json_url, events=["story.status"], filters={"branch": "main"})
    actor = Actor.of(github_project.owner)
    with Session(get_engine()) as session:
        story = generate_story(session, actor, StoryGenerate.of(github_project.project_id, STORY))
        session.commit()
        story_id = story.id
    with Session(get_engine()) as session:
        update_story(session, actor, story_id, StoryUpdate.of(status="approved"))
        session.commit()
    assert jobs.local_runner().wait_idle(20)

    [body] = http_receiver.bodies
    assert "story draft -> approved" in body["title"]
    assert f"/stories/{story_id}" in body["message"] and "By: owner@example.com" in body["message"]


def test_a_sync_held_back_by_a_github_outage_is_told_once_an_hour(github_project, http_receiver):
    add_channel(github_project, http_receiver.json_url, events=["sync.delayed"])
    github_project.fake.fail("GET", "", 503, times=20)

    first = sync_project(github_project.project_id)
    sync_project(github_project.project_id)
    assert jobs.local_runner().wait_idle(20)

    assert first.state == "failed" and first.retryable
    [body] = http_receiver.bodies
    assert "GitHub sync held back" in body["title"] and "What happened: " in body["message"]
