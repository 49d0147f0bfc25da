"""Issue 14's "done when" in Chromium: a member generates a story, approves it and pushes it as a pull
request from its page; the pull request is merged on (the fake) GitHub and announced by a signed
pull_request webhook; CI runs the merged .feature file with behave and uploads its Cucumber report as an
artifact, a deploy run succeeds, both announced by signed workflow_run webhooks; the story page shows its
scenarios passing and its lead time. Nothing is patched: the app hears only what GitHub would send and
asks only what GitHub would answer."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from gherkin import Parser
from playwright.sync_api import Locator, Page, expect

from autodevhub.stories.feature_tags import story_tag
from tests.browser.test_browser_stories import DESCRIPTION, choose_project, cli, create_project
from tests.support import github_history as history
from tests.support.behave_reports import PASSING_STEPS, run_behave, zipped
from tests.support.browser_accounts import ADMIN, create_account, sign_in
from tests.support.fake_github_live import LiveGitHub
from tests.support.helpers import bearer
from tests.support.live_app import LiveApp
from tests.support.scale_out import wait_for
from tests.support.webhook_helpers import URL, encode, example, run_payload, signed_headers

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.support.browser_session",)

PROJECT_TOKEN = "ghp_" + "projecttokenforthelivepush" * 2  # the project's own GitHub token
CI_RUN, DEPLOY_RUN = 9401, 9402
WAIT_S = 30.0


def deliver(live_app: LiveApp, event: str, payload: dict) -> None:
    """A signed webhook delivery, as GitHub sends it."""
    body = encode(payload, "application/json")
    answer = httpx.post(live_app.url + URL, content=body, headers=signed_headers(event, body), timeout=30)
    assert answer.status_code == 202, answer.text


def api_get(live_app: LiveApp, path: str, token: str) -> dict:
    answer = httpx.get(live_app.url + path, headers=bearer(token), timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def merged_event(pull: dict) -> dict:
    """GitHub's `pull_request` closed delivery (octokit's example) carrying the merged pull request."""
    payload = example("pull_request/closed.payload.json")
    payload["number"] = pull["number"]
    payload["pull_request"].update(pull)
    payload["repository"].update(full_name=history.FULL_NAME, name=history.NAME)
    return payload


def ci_run(github: LiveGitHub, run_id: int, workflow_id: int, sha: str, artifacts: dict[str, bytes]) -> dict:
    """A completed, successful run of the merge commit on main with its uploaded artifacts (on the fake
    GitHub, where the app reads them), as its workflow_run delivery."""
    run = history.make_run(run_id, workflow_id, datetime.now(UTC))
    run.sha = sha
    with github.rest.lock:
        github.rest.runs[run.id] = run
        for name, data in artifacts.items():
            github.rest.artifacts.add(run, name, data)
    return run_payload(run)


@pytest.fixture
def member_page(new_context, live_app: LiveApp, admin_state) -> Iterator[tuple[Page, str]]:
    """A member signed in in Chromium, and an API token of theirs (for the waits)."""
    account = create_account(live_app, "Sam", f"Ship{uuid.uuid4().hex[:4]}")
    token = cli(live_app, "token", "create", account.email).strip().splitlines()[-1]
    context = new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto("/login")
    sign_in(page, account)
    expect(page).to_have_url(re.compile(r"/$"))
    yield page, token
    context.close()


def link_repository(live_app: LiveApp, project: str, member_token: str) -> None:
    """The administrator links the member's project to the fake's repository with a token of its own."""
    projects = api_get(live_app, "/api/projects?limit=100", member_token)["items"]
    [project_id] = [item["id"] for item in projects if item["name"] == project]
    admin_token = cli(live_app, "token", "create", ADMIN.email).strip().splitlines()[-1]
    answer = httpx.patch(
        f"{live_app.url}/api/projects/{project_id}",
        json={"repo": history.FULL_NAME, "github_token": PROJECT_TOKEN},
        headers=bearer(admin_token),
        timeout=30,
    )
    assert answer.status_code == 200, answer.text


def reload_until(page: Page, locator: Locator, what: str) -> None:
    """Reload the page until `locator` shows (the jobs after a webhook run in the background)."""

    def shown() -> bool:
        page.reload()
        page.get_by_role("heading", name="CI results").wait_for()
        return locator.count() > 0

    wait_for(shown, what, WAIT_S)


def test_a_story_pushed_as_a_pull_request_comes_back_passing_with_its_lead_time(
    member_page: tuple[Page, str], live_app: LiveApp, tmp_path: Path
) -> None:
    page, token = member_page
    github = live_app.github
    assert isinstance(github, LiveGitHub)
    project = f"Ship {uuid.uuid4().hex[:6]}"
    create_project(page, project)
    link_repository(live_app, project, token)

    page.goto("/stories/new")
    choose_project(page, project)
    page.get_by_label("Feature description").fill(DESCRIPTION)
    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_role("heading", name="Generated story")).to_be_visible()
    page.get_by_role("link", name="Edit").click()
    expect(page).to_have_url(re.compile(r"/stories/[0-9a-f-]{36}/?$"))
    story_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    expect(page.get_by_text("No CI results yet", exact=False)).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status").filter(has_text="Moved to Approved.")).to_be_visible()

    page.get_by_role("button", name="Push as a pull request (.feature file)").click()
    pushed = page.get_by_role("status").filter(
        has_text=re.compile(r"^Pushed to GitHub as pull request #\d+\.")
    )
    expect(pushed).to_be_visible(timeout=WAIT_S * 1000)
    number = int(re.search(r"#(\d+)", pushed.inner_text()).group(1))
    pull = github.rest.git.pulls[number]
    tag = story_tag(uuid.UUID(story_id))
    branch = f"autodevhub/{tag}"
    assert (pull["head"]["ref"], pull["base"]["ref"], pull["state"]) == (branch, "main", "open")
    expect(page.get_by_role("link", name=f"Pull request #{number}")).to_have_attribute(
        "href", pull["html_url"]
    )
    writes = [
        tok
        for (method, _), tok in zip(github.rest.requests, github.rest.tokens, strict=True)
        if method != "GET"
    ]
    assert writes and set(writes) == {PROJECT_TOKEN}  # the project's own token, nobody else's

    merged = github.merge(number)  # someone presses Merge on GitHub
    deliver(live_app, "pull_request", merged_event(merged))
    [feature_path] = [path for path in github.rest.git.files_at("main") if path.startswith("features/")]
    feature = github.rest.git.files_at("main")[feature_path]
    assert feature.startswith(f"@{tag}\nFeature: ")

    # CI on main runs the merged .feature file with behave and uploads the Cucumber report; then a deploy.
    report = run_behave(tmp_path, feature, steps=PASSING_STEPS)["cucumber.json"]
    children = Parser().parse(feature)["feature"]["children"]
    scenarios = [child["scenario"]["name"] for child in children if "scenario" in child]
    artifacts = {"cucumber-report": zipped({"cucumber.json": report})}
    deliver(live_app, "workflow_run", ci_run(github, CI_RUN, 101, merged["merge_commit_sha"], artifacts))
    deliver(live_app, "workflow_run", ci_run(github, DEPLOY_RUN, 102, merged["merge_commit_sha"], {}))

    results = wait_for(
        lambda: api_get(live_app, f"/api/stories/{story_id}/results", token)["items"],
        "the scenario results",
        WAIT_S,
    )
    shipped = wait_for(
        lambda: api_get(live_app, f"/api/stories/{story_id}", token)["lead_time_seconds"],
        "the lead time",
        WAIT_S,
    )
    assert {item["result"] for item in results} == {"passed"}
    assert sorted(item["scenario"] for item in results) == sorted(scenarios)

    card = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Scenario"))
    reload_until(page, card, "the CI results card")
    rows = card.get_by_role("row")
    expect(rows).to_have_count(len(scenarios) + 1)  # a header, then one row per scenario
    expect(card.get_by_text("Passed", exact=True)).to_have_count(len(scenarios))
    expect(card.get_by_text("Failed", exact=True)).to_have_count(0)
    expect(card.get_by_role("link", name=re.compile(rf"^run {CI_RUN} · "))).to_have_count(len(scenarios))
    expect(card.get_by_text(re.compile(r"^Refused when "))).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Lead time .+: approved \d{4}-"))).to_be_visible()
    expect(page.get_by_role("link", name="the deploy run")).to_have_attribute(
        "href", re.compile(rf"/actions/runs/{DEPLOY_RUN}$")
    )
    expect(page.get_by_text(f"Pull request #{number}")).to_be_visible()
    expect(page.get_by_text("merged", exact=True)).to_be_visible()
    assert 0 < float(shipped) < 3600  # approved minutes ago; the deploy finished five minutes after it began

    page.get_by_role("button", name="Push edits as a new pull request").click()  # with no edit since
    notice = f"Nothing new to push: pull request #{number} is merged with this story's text."
    expect(page.get_by_role("status").filter(has_text=notice)).to_be_visible()
    assert max(github.rest.git.pulls) == number  # no second pull request
