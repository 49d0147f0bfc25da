"""Accounts for the browser tests, made the way people make them.

The admin signs up through /signup (tests/support/browser_session.py); sign-up is then by invitation only,
so everyone after comes from the CLI.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.support.live_app import REPO_ROOT, LiveApp, app_environment

CLI = Path(sys.executable).parent / "autodevhub"
PASSWORD = "correct horse battery staple"


@dataclasses.dataclass(frozen=True)
class Account:
    email: str
    password: str
    first_name: str
    last_name: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


ADMIN = Account("ada@example.com", "analytical engine 1843", "Ada", "Lovelace")


def create_account(
    app: LiveApp, first_name: str, last_name: str, password: str | None = PASSWORD, role: str = "member"
) -> Account:
    """An account with a fresh email, made with `autodevhub user create` on the app's data."""
    email = f"{first_name.lower()}-{uuid.uuid4().hex[:8]}@example.com"
    command = [str(CLI), "user", "create", email, "--role", role]
    command += ["--first-name", first_name, "--last-name", last_name]
    subprocess.run(
        [*command, "--password-stdin"] if password else command,
        input=f"{password}\n" if password else "",
        text=True,
        env=app_environment(app.data_dir),
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return Account(email, password or "", first_name, last_name)


def sign_in(page: Page, account: Account) -> None:
    """Fill in and submit the real sign-in form of the page (on /login)."""
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def expect_signed_in(page: Page, account: Account) -> None:
    header = page.get_by_role("banner")
    expect(header.get_by_text(account.name, exact=True)).to_be_visible()
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()
