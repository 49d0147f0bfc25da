"""Lead time per story (issue 14, item 4): from its approval to the first successful deploy of the default
branch that carried it (its pull request merged, or its issue closed, before the deploy; or the deploy ran
the merge commit), whatever order GitHub's signed webhooks arrive in; shown on the story, as a median beside
DORA's lead time, and on /metrics."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from autodevhub.core import jobs
from autodevhub.core.db import get_engine
from autodevhub.core.settings import get_settings
from autodevhub.models import Project, UserStory
from autodevhub.stories.ui.detail_view import story_detail
from autodevhub.ui.metric_text import format_duration
from autodevhub.workflows.metrics import dora
from tests.integration.test_story_pull_request import pull_event
from tests.integration.test_story_push import approve, issue_event, new_story, push
from tests.support import github_history as history
from tests.support.helpers import api_client, bearer
from tests.support.webhook_helpers import example, hook_fixture, run_payload  # noqa: F401 (fixture)
from tests.support.workflow_helpers import github_project_fixture  # noqa: F401 (fixture)

CI, DEPLOY = 101, 102


def story_row(story_id: str) -> UserStory:
    with Session(get_engine(), expire_on_commit=False) as session:
        return session.get(UserStory, uuid.UUID(story_id))


def run_hook(hook, run_id: int, workflow_id: int, created: datetime, **changes) -> None:
    run = history.make_run(run_id, workflow_id, created)
    for name, value in changes.items():
        setattr(run, name, value)
    assert hook("workflow_run", run_payload(run)).status_code == 202
    assert jobs.local_runner().wait_idle(20)


def merged(hook, number: int, at: datetime, sha: str = "") -> None:
    payload = pull_event(number, "closed", merged=True)
    payload["pull_request"].update(merged_at=at.strftime("%Y-%m-%dT%H:%M:%SZ"), merge_commit_sha=sha or None)
    assert hook("pull_request", payload).status_code == 202
    assert jobs.local_runner().wait_idle(20)


def approved_pull_request(github_project) -> dict:
    story = new_story(github_project)
    approve(github_project, story["id"])
    assert push(github_project, story["id"], target="pull_request").status_code == 200
    return story


def test_the_first_deploy_after_the_merge_ships_the_story(github_project, hook, monkeypatch) -> None:
    story = approved_pull_request(github_project)
    assert story_row(story["id"]).approved_at is not None and story_row(story["id"]).shipped_at is None
    now = datetime.now(UTC) - timedelta(minutes=30)  # deployed in the last 30 minutes
    approved_at = now - timedelta(days=2)  # approved two days before
    with Session(get_engine()) as session:
        session.get(UserStory, uuid.UUID(story["id"])).approved_at = approved_at
        session.commit()
    merged(hook, 1, now)
    run_hook(hook, 500, DEPLOY, now + timedelta(minutes=1), conclusion="failure")  # deployed nothing
    run_hook(hook, 501, CI, now + timedelta(minutes=2))  # not a deploy workflow
    run_hook(hook, 502, DEPLOY, now + timedelta(minutes=3), branch="feature")  # not the default branch
    assert story_row(story["id"]).shipped_at is None
    run_hook(hook, 503, DEPLOY, now + timedelta(minutes=4))
    run_hook(hook, 504, DEPLOY, now + timedelta(minutes=9))  # later deploys do not move it
    shipped = story_row(story["id"])
    expected = now + timedelta(minutes=4, seconds=5) + timedelta(minutes=5)  # make_run's completion
    assert abs((shipped.shipped_at - expected).total_seconds()) < 1
    assert shipped.shipped_run_url.endswith("/actions/runs/503")
    seconds = (shipped.shipped_at - approved_at).total_seconds()
    with Session(get_engine()) as session:
        project = session.get(Project, github_project.project_id)
        found = dora.dora_many(session, [project], now - timedelta(days=30), now + timedelta(days=1), 30)
    lead = found[project.id]["story_lead_time"]
    assert lead["stories"] == 1 and abs(lead["seconds"] - seconds) < 1 and lead["band"] == "high"
    detail = api_client().get(f"/api/stories/{story['id']}", headers=bearer(github_project.token)).json()
    assert abs(detail["lead_time_seconds"] - seconds) < 1 and detail["shipped_at"]
    with Session(get_engine()) as session:
        page = story_detail(session, github_project.owner, story["id"])
    assert page.lead_time.startswith(f"Lead time {format_duration(seconds)}: approved ")
    assert page.shipped_run_url == shipped.shipped_run_url
    monkeypatch.setenv("AUTODEVHUB_METRICS_TOKEN", "a-scrape-token-for-the-gauges")
    get_settings.cache_clear()
    scrape = api_client().get("/metrics", headers=bearer("a-scrape-token-for-the-gauges")).text
    gauge = f'autodevhub_story_lead_time_seconds{{project="Shop",project_id="{github_project.project_id}"}}'
    assert abs(float(scrape.split(gauge, 1)[1].split()[0]) - seconds) < 1


def test_a_deploy_stored_before_the_merge_arrives_ships_the_story_when_it_does(github_project, hook) -> None:
    story = approved_pull_request(github_project)
    now = datetime.now(UTC)
    run_hook(hook, 600, DEPLOY, now - timedelta(minutes=10), sha="c" * 40)  # ran the merge commit
    assert story_row(story["id"]).shipped_at is None
    merged(hook, 1, now - timedelta(minutes=12), sha="c" * 40)  # the merge's delivery comes late
    assert story_row(story["id"]).shipped_run_url.endswith("/actions/runs/600")


def test_a_closed_issue_lands_the_story_and_a_reopened_one_takes_it_back(github_project, hook) -> None:
    story = new_story(github_project)
    approve(github_project, story["id"])
    assert push(github_project, story["id"]).status_code == 200
    assert hook("issues", issue_event(1, "closed")).status_code == 202
    assert hook("issues", issue_event(1, "reopened")).status_code == 202
    assert jobs.local_runner().wait_idle(20)
    run_hook(hook, 700, DEPLOY, datetime.now(UTC) - timedelta(minutes=1))
    assert story_row(story["id"]).shipped_at is None  # it was reopened: nothing landed
    assert hook("issues", issue_event(1, "closed")).status_code == 202
    assert jobs.local_runner().wait_idle(20)
    run_hook(hook, 701, DEPLOY, datetime.now(UTC) + timedelta(minutes=2))
    assert story_row(story["id"]).shipped_run_url.endswith("/actions/runs/701")


def test_a_story_never_approved_has_no_lead_time(github_project, hook) -> None:
    story = new_story(github_project)
    assert push(github_project, story["id"], target="pull_request").status_code == 200
    now = datetime.now(UTC)
    merged(hook, 1, now)
    run_hook(hook, 800, DEPLOY, now + timedelta(minutes=1))
    row = story_row(story["id"])
    assert row.approved_at is None and row.shipped_at is None
