"""The app shell in Chromium: header, sidebar, pages, mobile menu, dark mode, CSP, no console errors.

Every page but /login and /signup needs a signed-in user: the shell is shown to the admin, whose
signed-in storage state comes from the session's first sign-up.
"""

from __future__ import annotations

import re
import urllib.request

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.support.browser_accounts import ADMIN, expect_signed_in, sign_in
from tests.support.live_app import ARTIFACTS

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.support.browser_session",)

# The home page: the getting-started steps, or the project cards once the user has a project.
HOME = re.compile(r"^(Welcome to AutoDevHub|Your projects)$")
# (link text, route, the page's <h1>)
SECTIONS = [
    ("Dashboard", "/", HOME),
    ("Stories", "/stories", "Stories"),
    ("Workflows", "/workflows", "Workflows"),
    ("Docs", "/docs", "Docs"),
    ("Settings", "/settings", "Settings"),
]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}


def watch_errors(context: BrowserContext) -> list[str]:
    """Console errors (CSP violations among them) and uncaught exceptions of every page in `context`."""
    errors: list[str] = []
    context.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    context.on("weberror", lambda error: errors.append(f"uncaught: {error.error}"))
    return errors


@pytest.fixture
def desktop(new_context, admin_state) -> tuple[Page, list[str]]:
    context = new_context(viewport=DESKTOP, storage_state=admin_state)
    return context.new_page(), watch_errors(context)


@pytest.fixture
def mobile(new_context, admin_state) -> tuple[Page, list[str]]:
    context = new_context(viewport=MOBILE, is_mobile=True, has_touch=True, storage_state=admin_state)
    return context.new_page(), watch_errors(context)


@pytest.fixture
def anonymous(new_context, admin_state) -> tuple[Page, list[str]]:
    """A visitor who is not signed in (after the admin exists, so sign-up is by invitation)."""
    context = new_context(viewport=DESKTOP)
    return context.new_page(), watch_errors(context)


def screenshot(page: Page, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / name, full_page=full_page, animations="disabled")


def horizontal_overflow(page: Page) -> int:
    """How many pixels the document is wider than the viewport (0 when nothing sticks out)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def h1(page: Page, text: str | re.Pattern[str]):
    return page.get_by_role("heading", level=1, name=text, exact=True)


def test_home_carries_security_headers(live_app_url: str, desktop) -> None:
    with urllib.request.urlopen(f"{live_app_url}/", timeout=10) as response:
        assert response.status == 200
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]

    page, errors = desktop
    response = page.goto("/")
    assert response is not None and response.ok
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    expect(h1(page, HOME)).to_be_visible()
    assert errors == []


def test_desktop_shell_links_to_every_section(desktop) -> None:
    page, errors = desktop
    page.goto("/")
    header = page.get_by_role("banner")
    expect(header.get_by_role("link", name="AutoDevHub home")).to_be_visible()
    expect(header.get_by_role("button", name="Toggle dark mode")).to_be_visible()
    expect(header.get_by_role("button", name="Open navigation menu")).to_be_hidden()
    expect_signed_in(page, ADMIN)
    expect(header.get_by_role("link", name=ADMIN.name)).to_have_attribute("href", "/account")
    bell = header.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(bell).to_have_attribute("href", "/notifications")
    bell.click()
    expect(h1(page, "Notifications")).to_be_visible()
    page.go_back()
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link")).to_have_count(len(SECTIONS))
    expect(h1(page, HOME)).to_be_visible()
    assert horizontal_overflow(page) == 0
    screenshot(page, "shell-desktop.png", full_page=True)

    for label, route, heading in [*SECTIONS[1:], SECTIONS[0]]:
        link = nav.get_by_role("link", name=label, exact=True)
        expect(link).to_have_attribute("href", route)
        link.click()
        expect(page).to_have_url(re.compile(re.escape(route) + r"$"))
        expect(h1(page, heading)).to_be_visible()
        expect(page).to_have_title(f"{label} · AutoDevHub")
        expect(link).to_have_attribute("aria-current", "page")
        expect(nav.locator("[aria-current=page]")).to_have_count(1)
        assert horizontal_overflow(page) == 0, f"{route} is wider than the window"
        if route == "/stories":
            screenshot(page, "shell-desktop-stories.png", full_page=True)
    assert errors == []


def test_keyboard_reaches_skip_link_and_navigation(desktop) -> None:
    page, errors = desktop
    page.goto("/")
    expect(h1(page, HOME)).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    stories = page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Stories")
    for _ in range(10):
        page.keyboard.press("Tab")
        if stories.evaluate("link => link === document.activeElement"):
            break
    expect(stories).to_be_focused()
    outline = stories.evaluate(
        "link => getComputedStyle(link).outlineStyle + ' ' + getComputedStyle(link).outlineWidth"
    )
    assert not outline.startswith("none") and not outline.endswith(" 0px"), (
        f"no visible focus ring: {outline}"
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/stories$"))
    expect(h1(page, "Stories")).to_be_visible()
    assert errors == []


def test_mobile_menu_replaces_the_sidebar(mobile) -> None:
    page, errors = mobile
    for _, route, heading in SECTIONS:
        page.goto(route)
        expect(h1(page, heading)).to_be_visible()
        assert horizontal_overflow(page) == 0, f"{route} is wider than a 390 px phone"
    page.goto("/")
    expect(h1(page, HOME)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_hidden()
    screenshot(page, "shell-mobile.png")

    page.get_by_role("button", name="Open navigation menu").click()
    menu = page.get_by_role("dialog")
    expect(menu).to_be_visible()
    nav = menu.get_by_role("navigation", name="Mobile navigation")
    for label, route, _ in SECTIONS:
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_attribute("href", route)
    expect(nav.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")
    assert horizontal_overflow(page) == 0
    screenshot(page, "shell-mobile-menu.png")

    nav.get_by_role("link", name="Workflows").click()
    expect(page).to_have_url(re.compile(r"/workflows$"))
    expect(h1(page, "Workflows")).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert errors == []


def test_dark_mode_toggle(desktop) -> None:
    page, errors = desktop
    page.goto("/")
    html = page.locator("html")
    expect(html).to_have_class(re.compile(r"\blight\b"))
    page.get_by_role("button", name="Toggle dark mode").click()
    expect(html).to_have_class(re.compile(r"\bdark\b"))
    screenshot(page, "shell-dark.png", full_page=True)

    page.reload()  # the choice is remembered
    expect(h1(page, HOME)).to_be_visible()
    expect(html).to_have_class(re.compile(r"\bdark\b"))
    page.get_by_role("button", name="Toggle dark mode").click()
    expect(html).to_have_class(re.compile(r"\blight\b"))
    assert errors == []


def test_anonymous_visit_goes_to_login_and_back(anonymous) -> None:
    page, errors = anonymous
    page.goto("/stories")  # the static server adds a slash: /stories/
    expect(page).to_have_url(re.compile(r"/login\?next=/stories/?$"))
    expect(h1(page, "Sign in to AutoDevHub")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_label("Email")).to_be_focused()

    sign_in(page, ADMIN)
    expect(page).to_have_url(re.compile(r"/stories/?$"))
    expect(h1(page, "Stories")).to_be_visible()
    expect_signed_in(page, ADMIN)
    assert errors == []
