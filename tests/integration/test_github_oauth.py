"""GitHub sign-in end to end: the real authlib client against a fake GitHub on 127.0.0.1."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from autodevhub.auth import login_errors, policy, sessions
from autodevhub.auth.github_login import (
    CONFIRM_TO_LINK,
    DEACTIVATED,
    LINKED_ELSEWHERE,
    NO_VERIFIED_EMAIL,
    ORG_REFUSED,
)
from autodevhub.auth.tokens import token_hash
from autodevhub.auth.web_session import WEB_COOKIE
from autodevhub.core.cache import get_cache
from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.core.settings import get_settings
from autodevhub.models import AuditLog, User, UserRole, UserSession, utcnow
from autodevhub.web.api import create_api
from tests.support.fake_github import FakeGitHub, fake_github_fixture, s256  # noqa: F401 (provides fake_github)
from tests.support.helpers import PASSWORD, api_client, make_user

CALLBACK = "http://localhost:3000/auth/github/callback"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) pytest-browser/1.0"


@pytest.fixture
def github(app_db, fake_github: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    """The app configured for the fake GitHub (as GitHub Enterprise: web URL plus /api/v3)."""
    for name, value in fake_github.environment().items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    return fake_github


@pytest.fixture
def client(github):
    return api_client()


def callback_url(client, next: str = "/") -> str:
    """Start sign-in on the app, let the fake GitHub consent; the URL GitHub sends the browser back to."""
    start = client.get("/auth/github/login", params={"next": next}, follow_redirects=False)
    assert start.status_code == 302, start.text
    consent = httpx.get(start.headers["location"], follow_redirects=False, timeout=5)
    assert consent.status_code == 302, consent.text
    return consent.headers["location"]


def finish(client, url: str):
    return client.get(url, headers={"User-Agent": BROWSER}, follow_redirects=False)


def sign_in(client, next: str = "/"):
    return finish(client, callback_url(client, next))


def with_query(url: str, **changes: str | None) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    kept = {k: v for k, v in query.items() if v is not None}
    return parts._replace(query=urlencode(kept)).geturl()


def counts() -> tuple[int, int]:
    """(users, sessions) in the database."""
    with Session(get_engine()) as session:
        users = session.exec(select(func.count()).select_from(User)).one()
        logins = session.exec(select(func.count()).select_from(UserSession)).one()
        return users, logins


def audit_rows(action: str) -> list[AuditLog]:
    with Session(get_engine()) as session:
        return list(session.exec(select(AuditLog).where(AuditLog.action == action)).all())


def login_error(response) -> str:
    """The words /login shows after a redirect back to it (the link carries a code, see login_errors)."""
    assert response.status_code == 303, response.text
    location = urlsplit(response.headers["location"])
    assert location.path == "/login"
    query = {key: values[0] for key, values in parse_qs(location.query).items()}
    return login_errors.message_for(query["error"], query)


def test_first_sign_in_creates_the_admin_and_a_web_session(client, github):
    response = sign_in(client, next="/projects?tab=mine")
    assert response.status_code == 303
    assert response.headers["location"] == "/projects?tab=mine"

    asked = github.authorizations[0]
    assert asked["client_id"] == github.client_id
    assert asked["redirect_uri"] == CALLBACK
    assert asked["state"]
    assert asked["code_challenge_method"] == "S256"
    assert set(asked["scope"].split()) == {"read:user", "user:email", "read:org"}
    exchanged = github.token_requests[0]
    assert s256(exchanged["code_verifier"]) == asked["code_challenge"]
    assert github.tokens  # the fake accepted the verifier

    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(f"{WEB_COOKIE}="))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=lax", "path=/"} <= flags
    raw = client.cookies[WEB_COOKIE]
    with Session(get_engine()) as session:
        user = session.exec(select(User)).one()
        assert (user.email, user.role, user.github_id, user.github_login) == (
            "mona@example.com",
            UserRole.admin,
            4242,
            "octocat",
        )
        assert (user.first_name, user.last_name, user.password_hash) == ("Mona", "Octocat", None)
        row = session.exec(select(UserSession)).one()
        assert row.token_hash == token_hash(raw) != raw
        assert (row.user_id, row.ip_address, row.user_agent) == (user.id, "testclient", BROWSER)
        assert timedelta(days=13) < row.expires_at - utcnow() <= timedelta(days=14)
        identity = sessions.identity_for_web_token(session, raw)
        assert identity is not None and identity.id == user.id
    login = audit_rows("auth.login")
    assert [row.audit_metadata for row in login] == [{"method": "github"}]
    assert len(audit_rows("user.create")) == 1


def test_web_session_is_cached_in_redis(client, monkeypatch, redis_url):
    monkeypatch.setenv("REDIS_URL", redis_url)
    get_settings.cache_clear()
    assert sign_in(client).status_code == 303
    raw = client.cookies[WEB_COOKIE]
    with Session(get_engine()) as session:
        assert sessions.identity_for_web_token(session, raw) is not None
    assert get_cache().backend == "redis"
    assert get_cache().get(sessions.CACHE_PREFIX + token_hash(raw)) is not None


@pytest.mark.parametrize("state", [None, "", "forged-state"])
def test_callback_with_missing_or_wrong_state_is_400_and_creates_nothing(client, state):
    response = finish(client, with_query(callback_url(client), state=state))
    assert response.status_code == 400
    assert "state" in response.json()["detail"]
    assert WEB_COOKIE not in client.cookies
    assert counts() == (0, 0)


def test_callback_in_a_browser_that_did_not_start_sign_in_is_400(client):
    url = callback_url(client)
    assert finish(api_client(), url).status_code == 400
    assert counts() == (0, 0)


def test_state_is_single_use(client):
    url = callback_url(client)
    assert finish(client, url).status_code == 303
    assert finish(client, url).status_code == 400
    assert counts() == (1, 1)


def test_github_error_parameter_is_400(client):
    callback_url(client)
    query = {"error": "redirect_uri_mismatch", "error_description": "The redirect_uri is not registered."}
    response = finish(client, f"/auth/github/callback?{urlencode(query)}")
    assert response.status_code == 400
    assert "redirect_uri is not registered" in response.json()["detail"]
    assert counts() == (0, 0)


def test_cancelling_at_github_returns_to_login_with_a_message(client):
    callback_url(client)
    query = {"error": "access_denied", "error_description": "The user has denied your application access."}
    response = finish(client, f"/auth/github/callback?{urlencode(query)}")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?error=github_cancelled"
    assert login_error(response) == "GitHub sign-in was cancelled."
    assert counts() == (0, 0)


def test_token_exchange_refused_by_github_is_400(client, github):
    url = callback_url(client)
    github.client_secret = "rotated-at-github"
    response = finish(client, url)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("GitHub sign-in failed")
    assert counts() == (0, 0)


def password_login(client, email: str, password: str = PASSWORD):
    form = {"email": email, "password": password, "next": "/"}
    origin = {"Origin": "http://localhost:3000"}
    return client.post("/auth/web/login", data=form, headers=origin, follow_redirects=False)


def github_of(user_id) -> tuple[int | None, str | None]:
    with Session(get_engine()) as session:
        user = session.get(User, user_id)
        return user.github_id, user.github_login


def test_an_existing_account_is_linked_only_after_its_password_confirms_it(client, github):
    existing = make_user("mona@example.com")
    github.emails = [{"email": "Mona@Example.COM", "primary": True, "verified": True}]
    response = sign_in(client)
    assert login_error(response) == CONFIRM_TO_LINK.format(email="mona@example.com", login="octocat")
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert (query["error"], query["email"], query["login"]) == (
        ["link_needs_password"],
        ["mona@example.com"],
        ["octocat"],
    )
    assert WEB_COOKIE not in client.cookies and counts() == (1, 0)  # nobody signed in, nothing linked
    assert github_of(existing.id) == (None, None)
    assert [row.audit_metadata["reason"] for row in audit_rows("auth.login_failed")] == [
        "github_link_needs_password"
    ]

    assert password_login(client, "mona@example.com").status_code == 303  # the holder proves it is theirs
    assert github_of(existing.id) == (4242, "octocat")
    [link] = audit_rows("user.github_link")
    assert (link.user_id, link.audit_metadata) == (
        existing.id,
        {"github_login": "octocat", "confirmed_by": "password"},
    )

    github.emails = [{"email": "mona@elsewhere.example", "primary": True, "verified": True}]
    github.user = {**github.user, "login": "mona-renamed"}
    assert sign_in(api_client()).status_code == 303  # found by GitHub id from now on, whatever the email
    assert github_of(existing.id) == (4242, "mona-renamed")
    assert counts() == (1, 2) and len(audit_rows("user.github_link")) == 1


def test_an_invited_account_without_a_password_is_linked_at_its_first_github_sign_in(client, github):
    invited = make_user("mona@example.com", password=None)  # an administrator invited this address
    assert sign_in(client).status_code == 303
    assert github_of(invited.id) == (4242, "octocat") and counts() == (1, 1)
    [link] = audit_rows("user.github_link")
    assert link.audit_metadata == {"github_login": "octocat", "confirmed_by": "invitation"}


def test_a_pending_link_is_kept_by_its_browser_and_its_account_only(client, github):
    mona = make_user("mona@example.com")
    other = make_user("other@example.com")
    assert login_error(sign_in(client)).startswith("An AutoDevHub account already uses mona@example.com")

    assert password_login(api_client(), "mona@example.com").status_code == 303  # another browser
    assert password_login(client, "other@example.com").status_code == 303  # another account
    assert github_of(mona.id) == github_of(other.id) == (None, None)
    assert password_login(client, "mona@example.com").status_code == 303  # the pending link was used up
    assert github_of(mona.id) == (None, None) and audit_rows("user.github_link") == []


def test_sign_in_opened_on_another_host_goes_to_the_public_url_first(github):
    other_host = TestClient(create_api(), base_url="http://127.0.0.1:3000")
    moved = other_host.get("/auth/github/login", params={"next": "/stories"}, follow_redirects=False)
    assert moved.status_code == 307
    assert moved.headers["location"] == "http://localhost:3000/auth/github/login?next=%2Fstories&moved=true"
    assert "set-cookie" not in moved.headers  # no state stored on the host GitHub will not come back to

    public = api_client()
    start = public.get(moved.headers["location"], follow_redirects=False)
    assert start.status_code == 302 and start.headers["location"].startswith(github.url)
    # Behind a proxy that rewrites the host, the flag stops a loop: the sign-in starts where it is.
    again = other_host.get(
        moved.headers["location"].replace("localhost", "127.0.0.1"), follow_redirects=False
    )
    assert again.status_code == 302


def test_a_lost_state_says_which_address_to_open(client):
    response = finish(client, with_query(callback_url(client), state="forged-state"))
    assert "Open AutoDevHub at http://localhost:3000" in response.json()["detail"]


def test_account_linked_to_another_github_user_is_refused(client, github):
    existing = make_user("mona@example.com")
    with Session(get_engine()) as session:
        user = session.get(User, existing.id)
        user.github_id = 1
        session.add(user)
        session.commit()
    assert login_error(sign_in(client)) == LINKED_ELSEWHERE
    assert counts() == (1, 0)


def test_unverified_primary_email_is_refused_and_creates_nothing(client, github):
    github.emails = [
        {"email": "mona@example.com", "primary": True, "verified": False},
        {"email": "mona@backup.example", "primary": False, "verified": True},
    ]
    assert login_error(sign_in(client)) == NO_VERIFIED_EMAIL
    assert WEB_COOKIE not in client.cookies
    assert counts() == (0, 0)
    assert [row.audit_metadata["reason"] for row in audit_rows("auth.login_failed")] == ["no_verified_email"]


def test_deactivated_account_is_refused(client, github):
    existing = make_user("mona@example.com")
    with Session(get_engine()) as session:
        user = session.get(User, existing.id)
        user.is_active = False
        session.add(user)
        session.commit()
    assert login_error(sign_in(client)) == DEACTIVATED
    assert counts() == (1, 0)


def test_organisation_restriction(client, github):
    admin = make_user("admin@example.com", UserRole.admin, PASSWORD)
    with Session(get_engine()) as session:
        as_admin = sessions.identity_of(admin)
        policy.set_github_allowed_orgs(session, Actor.of(as_admin), "Octo-Org, acme")
        policy.set_signup_mode(session, Actor.of(as_admin), "open")
        session.commit()

    github.orgs = ["Other-Org"]
    assert login_error(sign_in(client)) == ORG_REFUSED
    assert counts() == (1, 0)
    assert audit_rows("auth.login_failed")[0].audit_metadata["reason"] == "org_not_allowed"

    github.orgs = ["other-org", "OCTO-ORG"]
    assert sign_in(client).status_code == 303
    with Session(get_engine()) as session:
        assert session.exec(select(User).where(User.github_id == 4242)).one().role is UserRole.member
    assert counts() == (2, 1)


def test_invite_only_refuses_a_new_github_user(client):
    make_user("admin@example.com")
    assert login_error(sign_in(client)).startswith("Sign-up is by invitation only")
    assert counts() == (1, 0)


def test_unsafe_next_falls_back_to_home(client):
    assert sign_in(client, next="//evil.example/steal").headers["location"] == "/"


def test_github_down_sends_back_to_login_with_a_reason(client, github):
    url = callback_url(client)
    github.stop()
    message = login_error(finish(client, url))
    assert message.startswith("GitHub could not be reached")
    assert counts() == (0, 0)


def test_unexpected_github_answer_sends_back_to_login(client, github):
    github.emails = {"message": "Server Error"}
    assert login_error(sign_in(client)).startswith("GitHub could not be reached")
    assert counts() == (0, 0)


def test_not_configured_sends_back_to_login(app_db):
    client = api_client()
    for path in ("/auth/github/login", "/auth/github/callback?code=x&state=y"):
        assert "not configured" in login_error(client.get(path, follow_redirects=False))
    assert counts() == (0, 0)
