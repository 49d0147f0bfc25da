"""Signing in and out, the account page and API tokens, through the real forms in Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.support.browser_accounts import ADMIN, Account, create_account, expect_signed_in, sign_in
from tests.support.live_app import ARTIFACTS, LiveApp

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.support.browser_session",)

DESKTOP = {"width": 1280, "height": 800}
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def page(new_context, admin_state) -> Iterator[Page]:
    """Instead of pytest-playwright's: an anonymous visitor's page that must log no console error.

    It asks for the admin first, so sign-up is by invitation whichever test runs first.
    """
    context = new_context(viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"])
    errors: list[str] = []
    context.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    context.on("weberror", lambda error: errors.append(f"uncaught: {error.error}"))
    page = context.new_page()
    yield page
    assert errors == []


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header stays on top of a full-page shot
    page.screenshot(path=ARTIFACTS / name, full_page=True, animations="disabled")


def h1(page: Page, text: str):
    return page.get_by_role("heading", level=1, name=text, exact=True)


def signed_in_on_account_page(page: Page, account: Account) -> None:
    page.goto("/login?next=/account")
    sign_in(page, account)
    expect(page).to_have_url(re.compile(r"/account/?$"))
    expect(h1(page, "Account")).to_be_visible()


def me(live_app_url: str, token: str) -> httpx.Response:
    return httpx.get(f"{live_app_url}/api/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_wrong_password_keeps_the_email_then_login_and_logout(page: Page, live_app: LiveApp) -> None:
    grace = create_account(live_app, "Grace", "Hopper")
    page.goto("/login")
    expect(h1(page, "Sign in to AutoDevHub")).to_be_visible()
    expect(page.get_by_label("Email")).to_be_focused()
    expect(page.get_by_role("link", name="Sign in with GitHub")).to_be_visible()
    screenshot(page, "login.png")

    sign_in(page, Account(grace.email, "not the password", "", ""))
    expect(page).to_have_url(re.compile(r"/login/?\?error="))
    expect(page.get_by_role("alert")).to_have_text("Email or password is incorrect.")
    expect(page.get_by_label("Email")).to_have_value(grace.email)
    expect(page.get_by_label("Password")).to_be_focused()
    screenshot(page, "login-error.png")

    page.get_by_label("Password").fill(grace.password)
    page.get_by_label("Password").press("Enter")
    expect(page).to_have_url(re.compile(r"/$"))
    expect_signed_in(page, grace)
    expect(page.get_by_role("banner").get_by_text("member", exact=True)).to_be_visible()

    page.goto("/login")  # already signed in: no form, a way home
    expect(h1(page, "You are already signed in")).to_be_visible()
    expect(page.get_by_text(f"Signed in as {grace.name} ({grace.email}).")).to_be_visible()

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/?$"))
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/login\?next=/account/?$"))


def test_signup_is_by_invitation_after_the_first_account(page: Page) -> None:
    page.goto("/signup")
    expect(h1(page, "Sign-up is by invitation only")).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)
    page.goto("/login")
    expect(page.get_by_text("Need an account? Ask an administrator.")).to_be_visible()


def test_api_token_created_used_and_revoked(page: Page, live_app: LiveApp, live_app_url: str) -> None:
    alan = create_account(live_app, "Alan", "Turing")
    signed_in_on_account_page(page, alan)
    expect(page.get_by_text(alan.email, exact=True)).to_be_visible()
    expect(page.get_by_text("No API tokens yet")).to_be_visible()

    page.get_by_label("Token name").fill("x" * 101)  # the browser stops at 100
    expect(page.get_by_label("Token name")).to_have_value("x" * 100)
    page.get_by_label("Token name").fill("CI pipeline")
    page.get_by_label("Expires after (days)").fill("30")
    page.get_by_role("button", name="Create token").click()
    shown = page.locator("#new-token")
    expect(shown).to_have_text(re.compile(r"^\S{20,}$"))
    token = shown.inner_text()
    expect(page.get_by_text("It will not be shown again.")).to_be_visible()
    expect(page.get_by_label("Token name")).to_have_value("")
    row = page.get_by_role("row").filter(has_text="CI pipeline")
    expect(row).to_contain_text("Never")  # not used yet
    screenshot(page, "account-token.png")
    page.get_by_role("button", name="Copy token").click()
    assert page.evaluate("navigator.clipboard.readText()") == token

    answer = me(live_app_url, token)
    assert answer.status_code == 200, answer.text
    assert answer.json()["email"] == alan.email

    page.get_by_role("button", name="Done").click()
    expect(shown).to_have_count(0)
    page.get_by_role("button", name="Revoke CI pipeline").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Revoke token").click()
    expect(row).to_contain_text("Revoked")
    expect(page.get_by_role("button", name="Revoke CI pipeline")).to_have_count(0)
    assert me(live_app_url, token).status_code == 401


def test_token_form_refusal_keeps_what_was_typed(page: Page, live_app: LiveApp) -> None:
    signed_in_on_account_page(page, create_account(live_app, "Edsger", "Dijkstra"))
    page.get_by_label("Token name").fill("   ")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("alert")).to_have_text("Token name is required, at most 100 characters.")
    expect(page.get_by_label("Token name")).to_have_value("   ")
    expect(page.locator("#new-token")).to_have_count(0)


def test_change_password_then_sign_in_with_the_new_one(page: Page, live_app: LiveApp) -> None:
    barbara = create_account(live_app, "Barbara", "Liskov")
    signed_in_on_account_page(page, barbara)
    page.get_by_label("Current password").fill("a wrong password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_have_text("Current password is incorrect.")
    expect(page.get_by_label("Current password")).to_have_value("a wrong password")
    expect(page.get_by_label("New password", exact=True)).to_have_value(NEW_PASSWORD)

    page.get_by_label("Current password").fill(barbara.password)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status").filter(has_text="Password changed")).to_be_visible()
    for label in ("Current password", "New password", "Repeat new password"):
        expect(page.get_by_label(label, exact=True)).to_have_value("")

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/?$"))
    sign_in(page, barbara)
    expect(page.get_by_role("alert")).to_have_text("Email or password is incorrect.")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect_signed_in(page, barbara)


def test_sign_in_with_github_returns_signed_in(page: Page, live_app: LiveApp) -> None:
    github = live_app.github
    mona = create_account(live_app, "Mona", "Octocat", password=None)  # invited; GitHub only
    github.emails = [{"email": mona.email, "primary": True, "verified": True}]
    page.goto("/workflows")
    expect(page).to_have_url(re.compile(r"/login\?next=/workflows/?$"))
    page.get_by_role("link", name="Sign in with GitHub").click()
    expect(page).to_have_url(re.compile(r"/workflows/?$"))
    expect(h1(page, "Workflows")).to_be_visible()
    expect_signed_in(page, mona)
    assert github.authorizations[-1]["code_challenge_method"] == "S256"


def test_admin_sees_the_role_on_the_account_page(new_context, admin_state) -> None:
    page = new_context(viewport=DESKTOP, storage_state=admin_state).new_page()
    page.goto("/account")
    expect(h1(page, "Account")).to_be_visible()
    expect(page.get_by_text(ADMIN.email, exact=True)).to_be_visible()
    expect(page.get_by_role("main").get_by_text("admin", exact=True)).to_be_visible()
