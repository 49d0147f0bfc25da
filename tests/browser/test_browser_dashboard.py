"""The home page and a project's overview in Chromium: the demo project's card, its overview, a tile that
opens the filtered runs list; screenshots at 1280 and 390 px."""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.support.browser_accounts import CLI
from tests.support.live_app import ARTIFACTS, REPO_ROOT, LiveApp, app_environment

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.support.browser_session",)

DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}
DEMO = "Demo: Acme Shop"


@pytest.fixture(scope="module")
def demo_data(live_app: LiveApp, admin_state) -> None:
    """`autodevhub demo` on the live app's data (idempotent), after the admin signed up."""
    subprocess.run(
        [str(CLI), "demo"],
        env=app_environment(live_app.data_dir, **live_app.github.environment()),
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
        timeout=120,
    )


def watch_errors(context: BrowserContext) -> list[str]:
    errors: list[str] = []
    context.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    context.on("weberror", lambda error: errors.append(f"uncaught: {error.error}"))
    return errors


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=ARTIFACTS / name, full_page=True, animations="disabled")


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0


def open_overview(page: Page) -> str:
    """From the home page, the demo project's card to its overview; the overview's 30-day run count."""
    page.goto("/")
    expect(page.get_by_role("heading", level=1, name="Your projects")).to_be_visible()
    card = page.get_by_role("group", name=DEMO, exact=True)
    expect(card).to_be_visible()
    expect(card).to_contain_text("CI success, 7 days")
    expect(card.get_by_role("img", name="Success rate per day, last 7 days")).to_be_visible()
    card.get_by_role("link", name=DEMO).click()
    expect(page).to_have_url(re.compile(r"/projects/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", level=1, name=DEMO)).to_be_visible()
    for label in ("Deployment frequency", "Lead time for changes", "Change failure rate", "Time to restore"):
        expect(page.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Last 10 runs")).to_be_visible()
    expect(page.get_by_role("heading", name="AI spend")).to_be_visible()
    expect(page.get_by_text("Updating…")).to_have_count(0)
    runs = page.get_by_role("link", name="Runs", exact=True).locator(".dash-kpi-value").inner_text()
    assert int(runs.replace(",", "")) > 100
    return runs


def test_the_demo_projects_card_overview_and_a_tile_to_its_runs(new_context, admin_state, demo_data) -> None:
    context = new_context(viewport=DESKTOP, storage_state=admin_state)
    errors = watch_errors(context)
    page = context.new_page()
    runs = open_overview(page)
    fits(page)
    screenshot(page, "dashboard-overview-desktop.png")
    page.goto("/")
    expect(page.get_by_role("group", name=DEMO, exact=True)).to_be_visible()
    screenshot(page, "dashboard-home-desktop.png")
    page.go_back()
    expect(page.get_by_role("heading", level=1, name=DEMO)).to_be_visible()

    page.get_by_role("link", name="Runs", exact=True).click()  # the tile opens the project's runs
    expect(page).to_have_url(re.compile(r"/workflows\?project=[0-9a-f-]{36}$"))
    expect(page.get_by_label("Project")).to_have_text(DEMO)
    expect(page.get_by_role("group", name="Runs", exact=True).locator(".wf-kpi-value")).to_have_text(runs)
    page.go_back()
    page.get_by_role("link", name="Docs freshness", exact=True).click()  # the docs tiles open its Docs page
    expect(page).to_have_url(re.compile(r"/docs\?project=[0-9a-f-]{36}$"))
    assert errors == []

    phone = new_context(viewport=MOBILE, is_mobile=True, has_touch=True, storage_state=admin_state)
    phone_errors = watch_errors(phone)
    page = phone.new_page()
    open_overview(page)
    fits(page)
    screenshot(page, "dashboard-overview-mobile.png")
    page.goto("/")
    expect(page.get_by_role("group", name=DEMO, exact=True)).to_be_visible()
    fits(page)
    screenshot(page, "dashboard-home-mobile.png")
    assert phone_errors == []
