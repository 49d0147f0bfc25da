"""Stories in Chromium: generate, see the Feature, break and fix the Gherkin, save, download, list, phones."""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.test_browser_shell import h1, horizontal_overflow, watch_errors
from tests.support.browser_accounts import CLI
from tests.support.live_app import ARTIFACTS, REPO_ROOT, LiveApp, app_environment

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.support.browser_session",)

DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}
DESCRIPTION = (
    "As a store manager I want to export last month's orders as a CSV or PDF file so that I can reconcile "
    "them in the accounting tool. Only managers may export, and an export holds at most 10,000 orders."
)
BROKEN = "    Thn the export is refused"


@pytest.fixture
def admin(new_context, admin_state) -> Iterator[tuple[BrowserContext, list[str]]]:
    """The admin's desktop browser, allowed to use the clipboard; no console error may be logged."""
    context = new_context(
        viewport=DESKTOP, storage_state=admin_state, permissions=["clipboard-read", "clipboard-write"]
    )
    errors = watch_errors(context)
    yield context, errors
    assert errors == []


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=ARTIFACTS / name, full_page=True, animations="disabled")


def create_project(page: Page, name: str) -> None:
    """Through the real form on /settings."""
    page.goto("/settings")
    expect(h1(page, "Settings")).to_be_visible()
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("status").filter(has_text=f"Project {name} created.")).to_be_visible()


def choose_project(page: Page, name: str) -> None:
    page.get_by_role("combobox", name="Project").click()
    page.get_by_role("option", name=name, exact=True).click()
    expect(page.get_by_role("combobox", name="Project")).to_have_text(name)


def editor_text(page: Page) -> str:
    return page.locator("#gherkin-editor").input_value()


def test_generate_edit_save_download_and_list(admin) -> None:
    context, _ = admin
    page = context.new_page()
    project = f"Storefront {uuid.uuid4().hex[:6]}"
    create_project(page, project)

    page.goto("/stories/new")
    expect(h1(page, "New story")).to_be_visible()
    choose_project(page, project)
    description = page.get_by_label("Feature description")
    description.fill("Too short")
    expect(page.locator("#feature-description-counter")).to_have_text("9 / 10,000")
    expect(page.get_by_role("button", name="Generate")).to_be_disabled()
    description.fill(DESCRIPTION)
    expect(page.locator("#feature-description-counter")).to_have_text(f"{len(DESCRIPTION):,} / 10,000")
    page.reload()  # the description survives a reload
    expect(page.get_by_label("Feature description")).to_have_value(DESCRIPTION)
    expect(page.get_by_role("combobox", name="Project")).to_have_text(project)

    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_role("heading", name="Generated story")).to_be_visible()
    result = page.get_by_role("heading", level=3)
    expect(result).to_have_text(re.compile(r"^Export "))
    title = result.inner_text()
    expect(
        page.get_by_text("Written by the built-in rule engine: no Anthropic API key is configured.")
    ).to_be_visible()
    expect(page.get_by_text(f"Feature: {title}")).to_be_visible()
    expect(page.get_by_role("heading", name="Quality score")).to_be_visible()
    expect(page.get_by_text("Given / When / Then")).to_be_visible()
    assert horizontal_overflow(page) == 0
    screenshot(page, "stories-generator.png")

    page.get_by_role("link", name="Edit").click()
    expect(page).to_have_url(re.compile(r"/stories/[0-9a-f-]{36}/?$"))
    expect(h1(page, title)).to_be_visible()
    editor = page.locator("#gherkin-editor")
    expect(editor).to_have_value(re.compile(r"^Feature: "))
    expect(page.locator("#gherkin-errors")).to_have_text("Valid Gherkin.")
    lines = editor_text(page).split("\n")
    at = next(number for number, line in enumerate(lines) if line.strip().startswith("Then"))
    broken = "\n".join([*lines[:at], BROKEN, *lines[at + 1 :]])
    editor.fill(broken)
    expect(
        page.get_by_text(re.compile(rf"^line {at + 1}: unexpected “Thn the export is refused”"))
    ).to_be_visible()
    expect(editor).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Unsaved edits.")).to_be_visible()
    screenshot(page, "stories-editor-error.png")

    fixed = broken.replace(BROKEN, "    Then the export is refused")
    editor.fill(fixed)
    expect(page.locator("#gherkin-errors")).to_have_text("Valid Gherkin.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(
        page.get_by_role("status").filter(has_text=re.compile(r"^Saved\. The score is now \d+%\."))
    ).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status").filter(has_text="Moved to Approved.")).to_be_visible()
    expect(page.get_by_role("button", name="Start work")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("button", name="Download .feature").click()
    assert download.value.suggested_filename.endswith(".feature")
    saved = download.value.path().read_text()
    assert saved == fixed if fixed.endswith("\n") else saved == fixed + "\n"
    screenshot(page, "stories-detail.png")
    page.get_by_role("button", name="Copy", exact=True).click()
    assert page.evaluate("navigator.clipboard.readText()") == fixed
    expect(page.get_by_text("Gherkin copied to the clipboard.")).to_be_hidden(timeout=15_000)

    page.get_by_role("link", name="All stories").click()
    expect(h1(page, "Stories")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=title)
    expect(row).to_contain_text(project)
    expect(row).to_contain_text("Approved")
    page.get_by_label("Search").fill("reconcile")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("row").filter(has_text=title)).to_be_visible()
    screenshot(page, "stories-list.png")


def cli(app: LiveApp, *args: str) -> str:
    """`autodevhub ARGS` on the live app's data (as the first admin)."""
    done = subprocess.run(
        [str(CLI), *args],
        env=app_environment(app.data_dir),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def test_the_story_pages_fit_a_phone(new_context, admin_state, live_app: LiveApp) -> None:
    project = f"Mobile {uuid.uuid4().hex[:6]}"
    cli(live_app, "project", "create", project)
    story = json.loads(cli(live_app, "story", "generate", DESCRIPTION, "--project", project, "--json"))
    context = new_context(viewport=MOBILE, is_mobile=True, has_touch=True, storage_state=admin_state)
    errors = watch_errors(context)
    page = context.new_page()
    page.goto("/stories")
    expect(page.get_by_role("link", name=re.compile(r"^Export ")).first).to_be_visible()
    assert horizontal_overflow(page) == 0
    screenshot(page, "stories-mobile-list.png")
    page.goto("/stories/new")
    expect(page.get_by_role("button", name="Generate")).to_be_visible()
    assert horizontal_overflow(page) == 0
    screenshot(page, "stories-mobile-generator.png")
    page.goto(f"/stories/{story['id']}")
    expect(page.locator("#gherkin-editor")).to_have_value(story["gherkin_output"])
    assert horizontal_overflow(page) == 0
    screenshot(page, "stories-mobile-detail.png")
    page.goto(f"/stories/{uuid.uuid4()}")
    expect(h1(page, "Story unavailable")).to_be_visible()
    expect(page.get_by_text("Story not found.")).to_be_visible()
    assert errors == []
