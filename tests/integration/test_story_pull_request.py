"""Stories pushed to GitHub as a pull request (issue 14): the story's `.feature` file, tagged
`@story-<short id>`, committed through the git data API on `autodevhub/story-<short id>` and proposed
into the default branch; once, whatever the double clicks, retries and lost answers; edits make one new
commit on the same pull request."""

from __future__ import annotations

import json
import uuid

import pytest
from gherkin import Parser
from sqlmodel import Session, select

from autodevhub.core import jobs
from autodevhub.core.db import get_engine
from autodevhub.models import LinkState, LinkTarget, StoryLink
from autodevhub.models.workflows import WebhookDelivery
from autodevhub.projects import members
from autodevhub.stories import push_content
from autodevhub.stories.feature_tags import story_tag
from tests.integration.test_story_push import _actor, _story, new_story, push
from tests.support import fake_github_pulls
from tests.support.helpers import make_token, make_user
from tests.support.webhook_helpers import PAYLOADS, example, hook_fixture  # noqa: F401 (fixture)
from tests.support.workflow_helpers import github_project_fixture  # noqa: F401 (fixture)


def branch_of(story: dict) -> str:
    return f"autodevhub/{story_tag(uuid.UUID(story['id']))}"


def feature_file(github_project, story: dict) -> tuple[str, str]:
    files = github_project.fake.git.files_at(branch_of(story))
    [(path, text)] = [(path, text) for path, text in files.items() if path.startswith("features/")]
    return path, text


def test_a_story_becomes_a_pull_request_adding_its_tagged_feature_file(github_project) -> None:
    story = new_story(github_project)
    assert push(github_project, story["id"]).status_code == 200  # its issue takes number 1
    answer = push(github_project, story["id"], target="pull_request")
    assert answer.status_code == 200, answer.text
    pushed = answer.json()
    assert (pushed["target"], pushed["number"], pushed["state"]) == ("pull_request", 2, "open")
    pull = github_project.fake.git.pulls[2]
    assert pull["html_url"] == pushed["url"]
    assert (pull["head"]["ref"], pull["base"]["ref"]) == (branch_of(story), "main")
    assert push_content.marker(uuid.UUID(story["id"])) in pull["body"]
    path, text = feature_file(github_project, story)
    assert path.startswith("features/") and path.endswith(".feature") and path in pull["body"]
    parsed = Parser().parse(text)["feature"]
    assert [tag["name"] for tag in parsed["tags"]] == ["@" + story_tag(uuid.UUID(story["id"]))]
    original = Parser().parse(story["gherkin_output"])["feature"]
    assert [child["scenario"]["name"] for child in parsed["children"] if "scenario" in child] == [
        child["scenario"]["name"] for child in original["children"] if "scenario" in child
    ]
    assert github_project.fake.git.files_at("main").get(path) is None  # proposed, not pushed to main
    assert sorted(github_project.fake.git.writes) == ["blob", "commit", "pull", "ref", "tree"]
    with Session(get_engine()) as session:
        link = session.exec(select(StoryLink).where(StoryLink.target == LinkTarget.pull_request)).one()
    assert (link.number, link.url, link.state) == (2, pushed["url"], LinkState.open)


def test_pushing_again_writes_nothing_and_an_edit_makes_one_commit_on_the_same_pull_request(
    github_project,
) -> None:
    story = new_story(github_project)
    first = push(github_project, story["id"], target="pull_request").json()
    head = github_project.fake.git.refs[f"heads/{branch_of(story)}"]
    writes = list(github_project.fake.git.writes)
    again = push(github_project, story["id"], target="pull_request")
    assert again.status_code == 200 and again.json()["number"] == first["number"]
    assert github_project.fake.git.writes == writes  # no blob, no commit, no second pull request
    from autodevhub.core.db import session_scope
    from autodevhub.stories.service import StoryUpdate, update_story

    edited = story["gherkin_output"].replace("Scenario:", "Scenario: (edited)", 1)
    with session_scope() as session:
        update_story(session, _actor(github_project), story["id"], StoryUpdate(gherkin_output=edited))
    third = push(github_project, story["id"], target="pull_request")
    assert third.status_code == 200 and third.json()["number"] == first["number"]
    new_head = github_project.fake.git.refs[f"heads/{branch_of(story)}"]
    assert github_project.fake.git.commits[new_head]["parents"] == [{"sha": head}]  # a fast-forward
    assert "(edited)" in feature_file(github_project, story)[1]
    assert len(github_project.fake.git.pulls) == 1


def test_a_pull_request_made_by_an_attempt_whose_answer_was_lost_is_found_not_doubled(
    github_project,
) -> None:
    story = new_story(github_project)
    github_project.fake.fail("POST", "/pulls", 502)  # the branch is committed, then GitHub fails
    failed = push(github_project, story["id"], target="pull_request")
    assert failed.status_code == 502 and "GitHub answered 502" in failed.json()["detail"]
    assert f"heads/{branch_of(story)}" in github_project.fake.git.refs and github_project.fake.git.pulls == {}
    # Someone (or that attempt, whose answer was lost) opens the pull request on GitHub meanwhile.
    content = push_content.pull_content(_story(story["id"]))
    made = {"title": "Opened by hand", "head": content.branch, "base": "main", "body": None}
    status, _ = fake_github_pulls.answer(
        github_project.fake.git, github_project.fake.issues, "POST", ["pulls"], {}, made,
        github_project.fake.api_url,
    )  # fmt: skip
    assert status == 201
    commits = len(github_project.fake.git.commits)
    retried = push(github_project, story["id"], target="pull_request")
    assert retried.status_code == 200 and retried.json()["number"] == 1
    assert len(github_project.fake.git.pulls) == 1 and len(github_project.fake.git.commits) == commits
    assert github_project.fake.git.pulls[1]["title"] == content.title  # brought up to date


def test_below_maintainer_no_pull_request_is_made(github_project) -> None:
    story = new_story(github_project)
    user = make_user("member@example.com")
    with Session(get_engine()) as session:
        members.add_member(session, _actor(github_project), github_project.project_id, user.email, "member")
        session.commit()
    refused = push(github_project, story["id"], token=make_token(user), target="pull_request")
    assert refused.status_code == 403 and github_project.fake.git.writes == []


def test_a_repository_without_write_access_gets_a_clear_error_and_the_next_push_goes(github_project) -> None:
    story = new_story(github_project)
    github_project.fake.grants["ghp_fake"] = {"admin": False, "push": False, "pull": True}
    refused = push(github_project, story["id"], target="pull_request")
    assert refused.status_code == 502 and "403" in refused.json()["detail"]
    with Session(get_engine()) as session:
        link = session.exec(select(StoryLink)).one()
    assert link.error and link.number is None
    github_project.fake.grants.pop("ghp_fake")
    assert push(github_project, story["id"], target="pull_request").status_code == 200


def pull_event(number: int, action: str, merged: bool = False) -> dict:
    """octokit/webhooks' `pull_request` examples, moved to the project's repository and pull request."""
    payload = example(f"pull_request/{action}.payload.json")
    payload["number"] = number
    payload["pull_request"].update(number=number, state="closed" if action == "closed" else "open")
    payload["pull_request"]["merged_at"] = "2026-12-01T10:00:00Z" if merged else None
    payload["repository"].update(full_name="octo/shop", name="shop")
    return payload


def link_state() -> LinkState:
    with Session(get_engine()) as session:
        return session.exec(select(StoryLink).where(StoryLink.target == LinkTarget.pull_request)).one().state


def test_the_pull_requests_webhook_moves_its_state_and_merged_stays_merged(github_project, hook) -> None:
    story = new_story(github_project)
    assert push(github_project, story["id"], target="pull_request").json()["number"] == 1
    assert hook("pull_request", pull_event(1, "closed")).status_code == 202  # closed unmerged
    assert jobs.local_runner().wait_idle(20) and link_state() is LinkState.closed
    assert hook("pull_request", pull_event(1, "reopened")).status_code == 202
    assert jobs.local_runner().wait_idle(20) and link_state() is LinkState.open
    assert hook("pull_request", pull_event(1, "closed", merged=True)).status_code == 202
    assert jobs.local_runner().wait_idle(20) and link_state() is LinkState.merged
    assert hook("pull_request", pull_event(1, "synchronize")).status_code == 202  # delivered late
    assert jobs.local_runner().wait_idle(20) and link_state() is LinkState.merged
    assert hook("pull_request", pull_event(7, "closed", merged=True)).status_code == 202  # not a story's


def test_every_pull_request_example_is_accepted(github_project, hook) -> None:
    for path in sorted((PAYLOADS / "pull_request").glob("*.json")):
        response = hook("pull_request", json.loads(path.read_text()))
        assert response.status_code == 202, (path.name, response.text)
    with Session(get_engine()) as session:
        outcomes = {row.outcome for row in session.exec(select(WebhookDelivery))}
    assert outcomes == {"no project tracks this repository"}


@pytest.mark.parametrize("branch_deleted", [False, True], ids=["branch kept", "branch deleted on merge"])
def test_an_edit_after_the_merge_opens_a_fresh_pull_request_from_the_default_branch(
    github_project, branch_deleted: bool
) -> None:
    story = new_story(github_project)
    git = github_project.fake.git
    assert push(github_project, story["id"], target="pull_request").json()["number"] == 1
    merged = fake_github_pulls.merge(git, github_project.fake.issues, 1)
    if branch_deleted:  # the repository deletes head branches once merged
        del git.refs[f"heads/{branch_of(story)}"]
    writes = list(git.writes)
    again = push(github_project, story["id"], target="pull_request")
    assert again.status_code == 200, again.text
    assert (again.json()["number"], again.json()["state"]) == (1, "merged")  # nothing new to propose
    assert git.writes == writes and len(git.pulls) == 1
    from autodevhub.core.db import session_scope
    from autodevhub.stories.service import StoryUpdate, update_story

    edited = story["gherkin_output"].replace("Scenario:", "Scenario: (edited)", 1)
    with session_scope() as session:
        update_story(session, _actor(github_project), story["id"], StoryUpdate(gherkin_output=edited))
    fresh = push(github_project, story["id"], target="pull_request")
    assert fresh.status_code == 200, fresh.text
    assert (fresh.json()["number"], fresh.json()["state"]) == (2, "open")
    head = git.refs[f"heads/{branch_of(story)}"]
    assert git.commits[head]["parents"] == [{"sha": merged["merge_commit_sha"]}]  # on main's head
    assert git.refs["heads/main"] == merged["merge_commit_sha"]  # main itself untouched
    path, text = feature_file(github_project, story)
    assert "(edited)" in text and "(edited)" not in git.files_at("main")[path]
    assert (git.pulls[2]["head"]["ref"], git.pulls[2]["state"]) == (branch_of(story), "open")
    assert git.pulls[1]["merged"] is True
    with Session(get_engine()) as session:
        link = session.exec(select(StoryLink).where(StoryLink.target == LinkTarget.pull_request)).one()
    assert (link.number, link.state) == (2, LinkState.open)
