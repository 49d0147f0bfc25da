"""The service banner in Chromium: hidden while /health says ok, shown (and the app usable) while degraded.

The live app has no Redis, so the browser is handed degraded /health answers; the Redis outage itself is
played against the in-process app in tests/integration/test_redis_chaos.py.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, Route, expect

from autodevhub.ui.service_banner import BANNER_ID, MESSAGES
from tests.support.live_app import ARTIFACTS

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.support.browser_session",)

DEGRADED = {
    "status": "degraded",
    "reasons": ["redis unavailable: ..."],
    "database": "ok",
    "redis": "unavailable",
}


def degraded_health(route: Route) -> None:
    route.fulfill(status=200, content_type="application/json", body=json.dumps(DEGRADED))


@pytest.fixture
def admin_page(new_context, admin_state) -> Page:
    return new_context(viewport={"width": 1280, "height": 800}, storage_state=admin_state).new_page()


HOME = re.compile(r"^(Welcome to AutoDevHub|Your projects)$")  # no project yet, or the project cards


def heading(page: Page, text: str | re.Pattern[str]):
    return page.get_by_role("heading", level=1, name=text, exact=True)


def test_the_banner_shows_while_the_app_is_degraded_and_goes_when_it_is_not(admin_page: Page) -> None:
    page = admin_page
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    banner = page.locator(f"#{BANNER_ID}")
    page.goto("/")
    expect(heading(page, HOME)).to_be_visible()
    expect(banner).to_be_hidden()

    page.route("**/health", degraded_health)
    page.reload()
    expect(banner).to_be_visible()
    expect(banner).to_have_text(MESSAGES["degraded"])
    expect(page.get_by_role("status").filter(has_text="Redis is unavailable")).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "service-banner-degraded.png", animations="disabled")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Stories").click()
    expect(page).to_have_url(re.compile(r"/stories$"))
    expect(heading(page, "Stories")).to_be_visible()
    expect(banner).to_be_visible()  # the next page's banner is filled in too

    page.unroute("**/health")
    page.reload()
    expect(heading(page, "Stories")).to_be_visible()
    expect(banner).to_be_hidden()
    assert errors == []
