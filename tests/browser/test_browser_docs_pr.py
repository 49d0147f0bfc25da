"""The Docs page's pull request bar in Chromium: a member publishes the docs as a pull request on the fake
GitHub, sees its link and state, and after it is merged on GitHub (announced by a signed pull_request
webhook) sees it merged."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser_stories import cli
from tests.browser.test_browser_story_shipped import (  # noqa: F401 (fixture)
    api_get,
    deliver,
    link_repository,
    member_page,
    merged_event,
)
from tests.support.live_app import LiveApp

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.support.browser_session",)

PROJECT = "Docs PR"


def test_a_member_publishes_the_docs_as_a_pull_request_and_sees_it_merged(
    live_app: LiveApp,
    member_page,  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    page: Page
    page, token = member_page
    source = tmp_path / "shop"
    source.mkdir()
    (source / "shop.py").write_text(
        'def price(n: int) -> int:\n    """The price of n items."""\n    return n\n'
    )
    email = api_get(live_app, "/api/me", token)["email"]
    cli(live_app, "project", "create", PROJECT, "--owner", email)
    cli(live_app, "docs", "generate", PROJECT, "--path", str(source))
    link_repository(live_app, PROJECT, token)

    page.goto("/docs")
    expect(page.get_by_label("Project")).to_have_text(PROJECT)
    expect(page.get_by_text("Not published as a pull request yet.")).to_be_visible()
    page.get_by_role("button", name="Publish as pull request").click()
    expect(page.locator("#docs-pr-message")).to_contain_text("is open on autodevhub/docs", timeout=30_000)
    link = page.locator("#docs-pr-link")
    expect(link).to_contain_text("Docs pull request #")
    expect(page.locator("#docs-pr-state")).to_have_text("open")
    github = live_app.github
    [number] = [n for n, pull in github.rest.git.pulls.items() if pull["head"]["ref"] == "autodevhub/docs"]
    expect(link).to_have_attribute("href", github.rest.git.pulls[number]["html_url"])
    assert "docs/api/shop.md" in github.rest.git.files_at("autodevhub/docs")

    deliver(live_app, "pull_request", merged_event(github.merge(number)))
    page.wait_for_timeout(1000)
    page.reload()
    expect(page.locator("#docs-pr-state")).to_have_text("merged", timeout=30_000)
