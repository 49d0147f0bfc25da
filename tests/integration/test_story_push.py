"""Stories pushed to GitHub as issues (issue 14, part 1): through the real PyGithub against the fake GitHub,
once per story whatever the double clicks and retries; edits update the issue; the issues webhook moves
the story (closed -> done, reopened -> in progress)."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlmodel import Session, select

from autodevhub.core import jobs
from autodevhub.core.db import get_engine
from autodevhub.models import AuditLog, LinkState, StoryLink, UserStory
from autodevhub.models.workflows import WebhookDelivery
from autodevhub.stories import github_push, push_content
from autodevhub.stories.service import StoryUpdate, update_story
from tests.support.cli import cli_in
from tests.support.helpers import api_client, bearer, make_token, make_user
from tests.support.webhook_helpers import PAYLOADS, example, hook_fixture  # noqa: F401 (fixture)
from tests.support.workflow_helpers import github_project_fixture  # noqa: F401 (fixture)

DESCRIPTION = "Finance managers export the monthly invoices as CSV or PDF, at most 10,000 rows per file."


def new_story(github_project) -> dict:
    response = api_client().post(
        "/api/stories/generate",
        json={"project_id": str(github_project.project_id), "feature_description": DESCRIPTION},
        headers=bearer(github_project.token),
    )
    assert response.status_code == 201, response.text
    return response.json()


def push(github_project, story_id: str, token: str | None = None, target: str = "issue"):
    return api_client().post(
        f"/api/stories/{story_id}/push",
        json={"target": target},
        headers=bearer(token or github_project.token),
    )


def approve(github_project, story_id: str) -> None:
    response = api_client().patch(
        f"/api/stories/{story_id}", json={"status": "approved"}, headers=bearer(github_project.token)
    )
    assert response.status_code == 200, response.text


def status_of(story_id: str) -> str:
    with Session(get_engine()) as session:
        return session.get(UserStory, uuid.UUID(story_id)).status.value


def issue_event(number: int, action: str) -> dict:
    """octokit/webhooks' `issues` reopened example, moved to the project's repository and issue (and
    closed, for "closed": GitHub's examples have no closed one)."""
    payload = example("issues/reopened.payload.json")
    payload["action"] = action
    payload["issue"].update(number=number, state="closed" if action == "closed" else "open")
    payload["repository"].update(full_name="octo/shop", name="shop")
    return payload


def test_a_story_becomes_one_issue_and_a_second_push_updates_it(github_project) -> None:
    story = new_story(github_project)
    first = push(github_project, story["id"])
    assert first.status_code == 200, first.text
    pushed = first.json()
    assert (pushed["target"], pushed["number"], pushed["state"]) == ("issue", 1, "open")
    issue = github_project.fake.issues[1]
    assert issue["html_url"] == pushed["url"]
    feature = next(
        line for line in story["gherkin_output"].splitlines() if line.strip().startswith("Feature:")
    )
    assert issue["title"] == feature.strip().removeprefix("Feature:").strip()
    assert "```gherkin\n" + story["gherkin_output"].rstrip() in issue["body"]
    assert push_content.marker(uuid.UUID(story["id"])) in issue["body"]
    assert [item["name"] for item in issue["labels"]] == ["user-story", "draft"]
    again = push(github_project, story["id"])
    assert again.status_code == 200 and again.json()["number"] == 1
    assert len(github_project.fake.issues) == 1  # updated, never a second issue
    assert github_project.fake.count("PATCH", "/issues/1") == 1
    with Session(get_engine()) as session:
        actions = [row.action for row in session.exec(select(AuditLog).order_by(AuditLog.created_at))]
    assert actions.count("story.push") == 2 and actions.count("story.push.result") == 2


def test_a_push_whose_issue_was_created_but_not_saved_finds_it_instead_of_making_another(
    github_project,
) -> None:
    story = new_story(github_project)
    github_project.fake.fail("POST", "/issues", 502)  # GitHub answered 502 ... after all it made no issue
    refused = push(github_project, story["id"])
    assert refused.status_code == 502 and "GitHub answered 502" in refused.json()["detail"]
    assert github_project.fake.issues == {}
    # Now the opposite: GitHub made the issue, the answer was lost (a timeout): the row stays pending.
    title, body, labels = push_content.issue_content(_story(story["id"]))
    github_project.fake.issues[1] = _made_on_github(github_project, title, body, labels)
    found = push(github_project, story["id"])
    assert found.status_code == 200 and found.json()["number"] == 1
    assert len(github_project.fake.issues) == 1 and github_project.fake.count("POST", "/issues") == 1


def test_a_double_click_pushes_once(github_project) -> None:
    story = new_story(github_project)
    with Session(get_engine()) as session:  # the first click's claim, its GitHub call still on the way
        link = github_push.StoryLink(
            story_id=uuid.UUID(story["id"]), project_id=github_project.project_id, repo="octo/shop"
        )
        session.add(link)
        session.commit()
    second = push(github_project, story["id"])
    assert second.status_code == 409 and "being pushed already" in second.json()["detail"]
    assert github_project.fake.issues == {}


def test_edits_update_the_issue_body_off_the_request(github_project) -> None:
    story = new_story(github_project)
    assert push(github_project, story["id"]).status_code == 200
    edited = story["gherkin_output"].replace("Scenario:", "Scenario: (edited)", 1)
    with Session(get_engine()) as session:
        update_story(session, _actor(github_project), story["id"], StoryUpdate(gherkin_output=edited))
        session.commit()
    assert jobs.local_runner().wait_idle(20)
    assert "(edited)" in github_project.fake.issues[1]["body"]
    assert github_project.fake.count("PATCH", "/issues/1") == 1
    approve(github_project, story["id"])  # the status label follows
    assert jobs.local_runner().wait_idle(20)
    assert [item["name"] for item in github_project.fake.issues[1]["labels"]] == ["user-story", "approved"]


def test_closing_the_issue_makes_the_story_done_and_reopening_brings_it_back(github_project, hook) -> None:
    story = new_story(github_project)
    approve(github_project, story["id"])
    assert push(github_project, story["id"]).status_code == 200
    github_project.fake.issues[1]["state"] = "closed"  # someone closes it on GitHub, which tells us
    assert hook("issues", issue_event(1, "closed")).status_code == 202
    assert jobs.local_runner().wait_idle(20)
    assert status_of(story["id"]) == "done"
    with Session(get_engine()) as session:
        link = session.exec(select(StoryLink)).one()
        assert link.state is LinkState.closed
        why = [
            row.audit_metadata
            for row in session.exec(select(AuditLog).where(AuditLog.action == "story.update"))
        ]
    assert {"issue": 1, "issue_action": "closed"}.items() <= why[-1].items()
    github_project.fake.issues[1]["state"] = "open"
    assert hook("issues", issue_event(1, "reopened")).status_code == 202
    assert jobs.local_runner().wait_idle(20)
    assert status_of(story["id"]) == "in_progress"
    assert hook("issues", issue_event(99, "closed")).status_code == 202  # not a story's issue
    assert jobs.local_runner().wait_idle(20) and status_of(story["id"]) == "in_progress"


def test_every_issues_example_is_accepted_and_applied(github_project, hook) -> None:
    for path in sorted((PAYLOADS / "issues").glob("*.json")):
        response = hook("issues", json.loads(path.read_text()))
        assert response.status_code == 202, (path.name, response.text)
    with Session(get_engine()) as session:
        outcomes = {row.outcome for row in session.exec(select(WebhookDelivery))}
    assert outcomes == {"no project tracks this repository"}


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_below_maintainer_nothing_is_pushed(github_project, role: str) -> None:
    from autodevhub.projects import members

    story = new_story(github_project)
    user = make_user(f"{role}@example.com")
    with Session(get_engine()) as session:
        members.add_member(session, _actor(github_project), github_project.project_id, user.email, role)
        session.commit()
    refused = push(github_project, story["id"], token=make_token(user))
    assert refused.status_code == 403 and github_project.fake.issues == {}


def test_bad_targets_are_422(github_project) -> None:
    story = new_story(github_project)
    for body in ({"target": "wiki"}, {"target": None}, {"target": ["issue"]}):
        answer = api_client().post(
            f"/api/stories/{story['id']}/push", json=body, headers=bearer(github_project.token)
        )
        assert answer.status_code == 422, body
    assert github_project.fake.issues == {} and github_project.fake.git.writes == []


def _actor(github_project):
    from autodevhub.core.identity import Actor

    return Actor.of(github_project.owner)


def _story(story_id: str) -> UserStory:
    with Session(get_engine(), expire_on_commit=False) as session:
        return session.get(UserStory, uuid.UUID(story_id))


def _made_on_github(github_project, title: str, body: str, labels: list[str]) -> dict:
    from tests.support import fake_github_issues

    return fake_github_issues.new_issue(
        1, {"title": title, "body": body, "labels": labels}, github_project.fake.api_url
    )


def test_the_story_page_pushes_and_shows_the_issue(github_project) -> None:
    from autodevhub.auth.sessions import start_session
    from autodevhub.models import SessionKind, User
    from autodevhub.stories.ui.detail_state import StoryDetailState
    from tests.support.state_harness import Tab, cookie_for

    story = new_story(github_project)
    with Session(get_engine()) as session:
        user = session.get(User, github_project.owner.id)
        _, raw = start_session(session, _actor(github_project), user, SessionKind.web)
        session.commit()
    with Tab(cookie=cookie_for(raw)) as tab:
        tab.open("/stories/[story_id]", story_id=story["id"])
        page = tab.state(StoryDetailState)
        assert page.can_push and page.issue.number == 0
        tab.send(StoryDetailState.push_issue)
        page = tab.state(StoryDetailState)
        assert page.notice == "Pushed to GitHub as issue #1." and not page.pushing and not tab.errors
        assert (page.issue.number, page.issue.state) == (1, "open")
        assert page.issue.url == github_project.fake.issues[1]["html_url"]
        tab.send(StoryDetailState.push_issue)  # again: the same issue
    assert len(github_project.fake.issues) == 1


def test_the_cli_pushes_a_story_as_an_issue_and_as_a_pull_request(github_project, tmp_path) -> None:
    fake_rest = github_project.fake  # its environment is set; the CLI has a database of its own
    invoke = cli_in(tmp_path)
    assert invoke("project", "create", "Shop", "--repo", "octo/shop").returncode == 0
    made = invoke("story", "generate", DESCRIPTION, "--project", "Shop", "--json")
    story_id = json.loads(made.stdout)["id"]
    pushed = invoke("story", "push", story_id, "--issue")
    assert pushed.returncode == 0, pushed.stderr
    assert pushed.stdout.strip() == fake_rest.issues[1]["html_url"] and "issue #1 (open)" in pushed.stderr
    pull = invoke("story", "push", story_id, "--pr")
    assert pull.returncode == 0, pull.stderr
    assert (
        pull.stdout.strip() == fake_rest.git.pulls[2]["html_url"] and "pull request #2 (open)" in pull.stderr
    )
    assert [number for number, issue in fake_rest.issues.items() if "pull_request" not in issue] == [1]
