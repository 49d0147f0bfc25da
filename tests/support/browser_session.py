"""The session's first browser action: the admin signs up through the real /signup form.

Test modules load this plugin with `pytest_plugins = ("tests.support.browser_session",)`: pytest registers it
once, so the session-scoped fixture runs once whichever modules ask for it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.support.browser_accounts import ADMIN, expect_signed_in


@pytest.fixture(scope="session")
def admin_state(
    browser: Browser, browser_context_args: dict, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The session's first browser action: sign up the admin; the signed-in storage state (a JSON file)."""
    context = browser.new_context(**{**browser_context_args, "viewport": {"width": 1280, "height": 800}})
    page = context.new_page()
    page.goto("/signup")
    expect(page.get_by_text("the first account becomes its administrator")).to_be_visible()
    page.get_by_label("First name").fill(ADMIN.first_name)
    page.get_by_label("Last name").fill(ADMIN.last_name)
    page.get_by_label("Email").fill("ada@localhost")  # the browser accepts it, the server does not
    page.get_by_label("Password").fill(ADMIN.password)
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(re.compile(r"/signup/?\?error="))
    expect(page.get_by_role("alert")).to_have_text("Enter a valid email address.")
    expect(page.get_by_label("First name")).to_have_value(ADMIN.first_name)
    expect(page.get_by_label("Last name")).to_have_value(ADMIN.last_name)
    expect(page.get_by_label("Password")).to_have_value("")
    page.get_by_label("Email").fill(ADMIN.email)
    page.get_by_label("Password").fill(ADMIN.password)
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect_signed_in(page, ADMIN)
    expect(page.get_by_role("banner").get_by_text("admin", exact=True)).to_be_visible()
    path = tmp_path_factory.mktemp("browser") / "admin-state.json"
    context.storage_state(path=path)
    context.close()
    return path
