"""The sign-in and sign-up pages show our words for a refusal code, never text from the link; a failed
sign-in keeps the typed login in the audit log only when it is an e-mail address."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlmodel import Session, select

from autodevhub.auth.github_login import CONFIRM_TO_LINK
from autodevhub.auth.ui.login_state import LoginState, SignupState
from autodevhub.core.db import get_engine
from autodevhub.core.settings import get_settings
from autodevhub.models import AuditLog
from tests.support.helpers import PASSWORD, api_client, make_user
from tests.support.state_harness import Tab

ORIGIN = {"Origin": "http://localhost:3000"}
GENERIC = "Something went wrong. Try again."


@pytest.fixture
def client(app_db):
    return api_client()


def post_login(client, email: str, password: str):
    form = {"email": email, "password": password, "next": "/stories"}
    return client.post("/auth/web/login", data=form, headers=ORIGIN, follow_redirects=False)


def query_of(response) -> dict[str, str]:
    assert response.status_code == 303, response.text
    return {key: values[0] for key, values in parse_qs(urlsplit(response.headers["location"]).query).items()}


class QueryTab(Tab):
    """A tab whose page address carries its query string, as a browser's does (`router.url` reads it)."""

    def router_data(self) -> dict[str, Any]:
        data = super().router_data()
        if self.query:
            data["asPath"] = f"{self.path}?{urlencode(self.query)}"
        return data


def login_page(**query: str) -> LoginState:
    with QueryTab() as tab:
        return tab.open("/login", **query).state(LoginState)


def test_a_wrong_password_sends_a_code_and_the_page_shows_the_words(client):
    make_user("ada@example.com")
    query = query_of(post_login(client, "ada@example.com", "not the password"))
    assert query == {"error": "bad_credentials", "email": "ada@example.com", "next": "/stories"}
    page = login_page(**query)
    assert (page.error, page.email, page.next_path) == (
        "Email or password is incorrect.",
        "ada@example.com",
        "/stories",
    )


def test_rate_limited_names_its_seconds(client, monkeypatch):
    monkeypatch.setenv("AUTODEVHUB_RATE_LIMIT_LOGIN_ACCOUNT", "1/minute")
    get_settings.cache_clear()
    make_user("ada@example.com")
    post_login(client, "ada@example.com", "wrong one")
    query = query_of(post_login(client, "ada@example.com", "wrong two"))
    assert query["error"] == "rate_limited" and query["retry_after"].isdigit()
    seconds = query["retry_after"]
    assert login_page(**query).error == f"Too many attempts. Try again in {seconds} seconds."


@pytest.mark.parametrize(
    "query",
    [
        {"error": "Your account is locked. Call +1 555 0100 to unlock it."},
        {"error": "<b>bold</b>"},
        {"error": "rate_limited", "retry_after": "5 seconds, or call +1 555 0100"},
        {"error": "link_needs_password", "email": "x@evil.example", "login": "call +1 555 0100"},
        {"error": "link_needs_password", "email": "call us@evil.example", "login": "octocat"},
    ],
    ids=["free-text", "markup", "bad-seconds", "bad-login", "bad-email"],
)
def test_a_crafted_link_cannot_write_on_the_login_page(app_db, query):
    assert login_page(**query).error == GENERIC


def test_a_pending_github_link_names_the_account_and_the_github_login(app_db):
    query = {"error": "link_needs_password", "email": "mona@example.com", "login": "octo-cat_acme"}
    page = login_page(**query)
    assert page.error == CONFIRM_TO_LINK.format(email="mona@example.com", login="octo-cat_acme")
    assert page.email == "mona@example.com"


def test_no_error_shows_nothing(app_db):
    assert login_page().error == ""


def test_sign_up_refusals_are_codes_too(client):
    form = {"email": "ada@localhost", "password": PASSWORD, "first_name": "Ada", "last_name": "L"}
    response = client.post("/auth/web/signup", data=form, headers=ORIGIN, follow_redirects=False)
    query = query_of(response)
    assert query == {
        "error": "invalid_email",
        "email": "ada@localhost",
        "first_name": "Ada",
        "last_name": "L",
    }
    with QueryTab() as tab:
        page = tab.open("/signup", **query).state(SignupState)
        assert (page.error, page.first_name) == ("Enter a valid email address.", "Ada")
        assert tab.open("/signup", error="Sign-up closed: mail us").state(SignupState).error == GENERIC


def test_a_cross_site_form_is_a_code(client):
    form = {"email": "ada@example.com", "password": PASSWORD}
    response = client.post(
        "/auth/web/login", data=form, headers={"Origin": "https://evil.example"}, follow_redirects=False
    )
    assert query_of(response) == {"error": "cross_site_login"}
    assert login_page(error="cross_site_login").error == "This sign-in form came from another site."


def failed_logins() -> list[dict]:
    with Session(get_engine()) as session:
        rows = session.exec(select(AuditLog).where(AuditLog.action == "auth.login_failed")).all()
        return [row.audit_metadata for row in rows]


def test_a_failed_login_stores_the_typed_login_only_when_it_is_an_email(client):
    make_user("ada@example.com")
    post_login(client, "correct horse battery staple", "typed into the wrong field")
    post_login(client, "Nobody@Example.com", "not a password of anyone")
    post_login(client, "ada@example.com", "not the password")
    assert failed_logins() == [
        {"reason": "bad_credentials"},
        {"reason": "bad_credentials", "email": "nobody@example.com"},
        {"reason": "bad_credentials", "email": "ada@example.com"},
    ]
    api = client.post("/auth/login", json={"email": "hunter2-secret", "password": "x" * 12})
    assert api.status_code == 401
    assert failed_logins()[-1] == {"reason": "bad_credentials"}


def test_the_form_keeps_a_typed_email_but_never_a_password_typed_there(client):
    make_user("ada@example.com")
    kept = query_of(post_login(client, "ada@example.com", "not the password"))
    lost = post_login(client, "correct horse battery staple", "typed into the wrong field")
    assert kept["email"] == "ada@example.com"
    assert "email" not in query_of(lost) and "horse" not in lost.headers["location"]
