"""The Workflows page in Chromium: charts render and filters change them; maintainer actions and errors."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from unittest import mock

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from sqlmodel import select

from autodevhub.auth.sessions import identity_of
from autodevhub.core.db import session_scope
from autodevhub.core.identity import Actor
from autodevhub.core.settings import get_settings
from autodevhub.integrations.github_data import RunData, WorkflowData
from autodevhub.models import User, utcnow
from autodevhub.projects import service as projects
from autodevhub.workflows.github import store
from tests.support.browser_accounts import ADMIN, CLI, create_account, sign_in
from tests.support.live_app import ARTIFACTS, REPO_ROOT, LiveApp, app_environment

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.support.browser_session",)

DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}
DEMO = "Demo: Acme Shop"
LINKED = "Rocket Shop"
INPUTS = {
    "environment": {"type": "choice", "options": ["staging", "production"], "description": "Where to"},
    "version": {"type": "string", "required": True, "description": "The tag to release"},
    "dry_run": {"type": "boolean", "default": True},
}
CHARTS = ".wf-chart .js-plotly-plot"


@pytest.fixture(scope="module")
def demo_data(live_app: LiveApp, admin_state) -> None:
    """`autodevhub demo` on the live app's data, after the admin signed up (the demo project is theirs)."""
    subprocess.run(
        [str(CLI), "demo"],
        env=app_environment(live_app.data_dir, **live_app.github.environment()),  # the app's GitHub host
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
        timeout=120,
    )


def run(number: int, conclusion: str | None, minutes_ago: int) -> RunData:
    created = utcnow() - timedelta(minutes=minutes_ago)
    return RunData(
        id=number,
        workflow_id=501,
        name="Release",
        path=".github/workflows/release.yml",
        run_number=number,
        run_attempt=1,
        status="completed" if conclusion else "in_progress",
        conclusion=conclusion,
        event="workflow_dispatch",
        branch="main",
        head_sha=f"{number:040x}",
        head_commit_time=created,
        title=f"Release {number}",
        actor="ada",
        html_url=f"https://github.com/acme/rocket/actions/runs/{number}",
        created_at=created,
        started_at=created,
        updated_at=created + timedelta(minutes=3) if conclusion else None,
    )


@pytest.fixture(scope="module")
def linked_project(live_app: LiveApp, demo_data) -> None:
    """In the live app's database: a project on a repository with a dispatchable workflow, a failed run and a
    running one. The app's GitHub (the sign-in fake) knows no Actions, so GitHub refuses every action."""
    with mock.patch.dict(os.environ, {"AUTODEVHUB_DATA_DIR": str(live_app.data_dir)}):
        get_settings.cache_clear()
        try:
            with session_scope() as session:
                admin = Actor.of(
                    identity_of(session.exec(select(User).where(User.email == ADMIN.email)).one())
                )
                fields = projects.ProjectCreate(name=LINKED, repo="acme/rocket")
                project = projects.create_project(session, admin, fields)
                data = WorkflowData(501, "Release", ".github/workflows/release.yml", "active", "", None)
                workflow, _ = store.upsert_workflow(session, project.id, data)
                store.remember_inputs(workflow, None, {"dispatch": True, "inputs": INPUTS})
                session.flush()
                for number, conclusion, minutes in ((9001, "failure", 30), (9002, None, 2)):
                    store.apply_run(session, workflow, run(number, conclusion, minutes), None)
                store.touch(session, project.id)
        finally:
            get_settings.cache_clear()


def watch_errors(context: BrowserContext) -> list[str]:
    errors: list[str] = []
    context.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    context.on("weberror", lambda error: errors.append(f"uncaught: {error.error}"))
    return errors


@pytest.fixture
def desktop(new_context, admin_state, demo_data) -> Iterator[Page]:
    context = new_context(viewport=DESKTOP, storage_state=admin_state)
    errors = watch_errors(context)
    yield context.new_page()
    assert errors == []


@pytest.fixture
def mobile(new_context, admin_state, demo_data) -> Iterator[Page]:
    context = new_context(viewport=MOBILE, is_mobile=True, has_touch=True, storage_state=admin_state)
    errors = watch_errors(context)
    yield context.new_page()
    assert errors == []


def pick_project(page: Page, name: str) -> None:
    page.goto("/workflows")
    expect(page.get_by_role("heading", level=1, name="Workflows", exact=True)).to_be_visible()
    page.get_by_label("Project").click()
    page.get_by_role("option", name=name, exact=True).click()
    expect(page.get_by_label("Project")).to_have_text(name)


def open_demo(page: Page) -> None:
    """Open /workflows and pick the demo project in the project picker."""
    pick_project(page, DEMO)
    expect(page.locator(CHARTS)).to_have_count(3)
    expect(page.locator(f"{CHARTS} .main-svg").first).to_be_visible()
    expect(page.get_by_role("heading", name="Runs", exact=True)).to_be_visible()


def kpi(page: Page, label: str) -> Locator:
    return page.get_by_role("group", name=label, exact=True).locator(".wf-kpi-value")


def bars(page: Page, chart: int) -> Locator:
    """The bar traces (runs per day: one per conclusion) or bars (success rate: one per workflow)."""
    return page.locator(CHARTS).nth(chart).locator("g.barlayer g.point")


def settled(page: Page) -> None:
    expect(page.get_by_text("Updating…")).to_have_count(0)


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=ARTIFACTS / name, full_page=True, animations="disabled")


def test_the_charts_render_and_a_filter_changes_them(desktop: Page, live_app: LiveApp) -> None:
    page = desktop
    open_demo(page)
    for label in ("Deployment frequency", "Lead time for changes", "Change failure rate", "Time to restore"):
        expect(page.get_by_role("group", name=label, exact=True)).to_be_visible()
    month = kpi(page, "Runs").inner_text()
    assert int(month.replace(",", "")) > 100
    expect(bars(page, 2)).to_have_count(3)  # success rate of CI, Deploy and Nightly
    daily_bars = bars(page, 0).count()
    assert daily_bars > 30

    page.get_by_role("radio", name="7 days").click()
    expect(kpi(page, "Runs")).not_to_have_text(month)
    settled(page)
    week = int(kpi(page, "Runs").inner_text().replace(",", ""))
    assert 0 < week < int(month.replace(",", ""))
    expect(bars(page, 0)).not_to_have_count(daily_bars)

    page.get_by_label("Workflow", exact=True).click()
    page.get_by_role("option", name="Nightly", exact=True).click()
    expect(bars(page, 2)).to_have_count(1)  # only Nightly's success rate is left
    settled(page)
    nightly = int(kpi(page, "Runs").inner_text().replace(",", ""))
    assert 0 < nightly < week
    rows = page.get_by_role("region", name="Runs table").locator("tbody tr")
    expect(rows.first).to_contain_text("Nightly")
    link = rows.first.get_by_role("link", name=re.compile(r"^Open Nightly #\d+ on GitHub$"))
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    runs = re.escape(f"{live_app.github.url}/acme/shop/actions/runs/")  # the app's GitHub host
    expect(link).to_have_attribute("href", re.compile(rf"^{runs}\d+$"))

    page.get_by_role("button", name="Clear filters").click()
    page.get_by_role("radio", name="30 days").click()
    expect(kpi(page, "Runs")).to_have_text(month)
    settled(page)
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
    screenshot(page, "workflows-desktop.png")


def test_the_page_fits_a_phone(mobile: Page) -> None:
    page = mobile
    open_demo(page)
    settled(page)
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
    table = page.get_by_role("region", name="Runs table")
    assert table.evaluate("el => el.scrollWidth > el.clientWidth")  # the table scrolls inside its card
    width = page.locator(CHARTS).first.bounding_box()["width"]
    assert 250 < width <= MOBILE["width"]
    screenshot(page, "workflows-mobile.png")


def test_maintainers_dispatch_rerun_cancel_and_sync_with_clear_errors(desktop: Page, linked_project) -> None:
    page = desktop
    pick_project(page, LINKED)
    expect(page.get_by_text("acme/rocket")).to_be_visible()
    rows = page.get_by_role("region", name="Runs table").locator("tbody tr")
    expect(rows).to_have_count(2)
    running, failed = rows.nth(0), rows.nth(1)
    expect(running.get_by_role("button", name="Re-run failed")).to_have_count(0)
    expect(failed.get_by_role("button", name="Cancel")).to_have_count(0)

    page.get_by_role("button", name="Run workflow").click()
    dialog = page.get_by_role("dialog", name="Run workflow")
    expect(dialog.get_by_label("Workflow")).to_have_text("Release")
    expect(dialog.get_by_label("Branch or tag")).to_have_value("main")
    expect(dialog.get_by_label("Environment")).to_have_text("staging")
    expect(dialog.get_by_label("Dry run")).to_have_text("true")
    dialog.get_by_label("Version").fill("v1.2.3")
    screenshot(page, "workflows-dispatch.png")
    dialog.get_by_role("button", name="Run workflow").click()
    expect(dialog.get_by_role("alert")).to_have_text("GitHub answered 404: Not Found")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)

    failed.get_by_role("button", name="Re-run failed").click()
    confirm = page.get_by_role("alertdialog", name="Re-run failed jobs?")
    expect(confirm).to_contain_text("Release #9001 on main")
    confirm.get_by_role("button", name="Re-run failed jobs").click()
    expect(page.get_by_role("alert")).to_have_text("GitHub answered 404: Not Found")
    running.get_by_role("button", name="Cancel").click()
    page.get_by_role("alertdialog", name="Cancel this run?").get_by_role("button", name="Keep it").click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)

    page.get_by_role("button", name="Sync now").click()  # the sync runs, then fails on GitHub's answer
    expect(page.get_by_role("status").filter(has_text="GitHub answered 404")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Sync now")).to_be_enabled()


def test_a_member_without_projects_is_told_how_to_get_data(new_context, live_app: LiveApp, demo_data) -> None:
    context = new_context(viewport=DESKTOP)
    errors = watch_errors(context)
    page = context.new_page()
    page.goto("/login?next=/workflows")
    sign_in(page, create_account(live_app, "Linus", "Pauling"))
    expect(page).to_have_url(re.compile(r"/workflows/?$"))
    expect(page.get_by_role("heading", name="No project to show yet")).to_be_visible()
    expect(page.get_by_text("autodevhub demo")).to_be_visible()
    expect(page.get_by_role("link", name="Go to Settings")).to_have_attribute("href", "/settings")
    assert errors == []
