"""Sessions that must end: a replayed refresh token's family, the other sessions after a password change,
a deactivated account's API tokens, and a logout only when the form came from this site."""

from __future__ import annotations

import contextlib
import threading

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from autodevhub.account.ui.account_state import AccountState
from autodevhub.admin.ui.users_state import UsersState
from autodevhub.auth import sessions
from autodevhub.auth.web_session import WEB_COOKIE
from autodevhub.core.db import get_engine
from autodevhub.core.identity import SYSTEM
from autodevhub.models import ApiToken, AuditLog, SessionKind, User, UserRole, UserSession
from tests.support.helpers import PASSWORD, api_client, bearer, make_token, make_user
from tests.support.state_harness import Tab, cookie_for

NEW_PASSWORD = "a brand new passphrase for ada"
ORIGIN = {"Origin": "http://localhost:3000"}


@pytest.fixture(params=["app_db", "app_postgres"], ids=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue(request.param)


def api_login(client, email: str = "ada@example.com", password: str = PASSWORD) -> dict:
    response = client.post("/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def refresh(client, token: str):
    return client.post("/auth/refresh", json={"refresh_token": token})


def me(client, token: str) -> int:
    return client.get("/api/me", headers=bearer(token)).status_code


def web_session(user: User) -> str:
    """A committed browser session of `user`: its raw cookie token."""
    with Session(get_engine()) as session:
        _, raw = sessions.start_session(session, SYSTEM, session.get(User, user.id), SessionKind.web)
        session.commit()
    return raw


def signed_in(raw: str) -> bool:
    with Session(get_engine()) as session:
        return sessions.identity_for_web_token(session, raw) is not None


def actions(name: str) -> list[AuditLog]:
    with Session(get_engine()) as session:
        return list(session.exec(select(AuditLog).where(AuditLog.action == name)).all())


def test_a_replayed_refresh_token_revokes_its_whole_family(database):
    make_user("ada@example.com")
    client = api_client()
    first = api_login(client)
    second = refresh(client, first["refresh_token"]).json()
    third = refresh(client, second["refresh_token"]).json()
    assert me(client, third["access_token"]) == 200

    replay = refresh(client, first["refresh_token"])  # an older token of the family, presented again
    assert replay.status_code == 401
    assert refresh(client, third["refresh_token"]).status_code == 401  # the family is gone ...
    assert me(client, third["access_token"]) == 401  # ... with its access tokens
    [reuse] = actions("auth.refresh_reuse")
    assert reuse.resource_type == "session"

    other = api_login(client)  # another login of the same user is another family: untouched
    assert refresh(client, other["refresh_token"]).status_code == 200


def test_concurrent_refreshes_with_one_token_never_give_two_valid_pairs(database):
    """Both requests read the session before either writes: the compare-and-swap lets one rotate, and the
    other, finding its token rotated away, revokes the family."""
    make_user("ada@example.com")
    client = api_client()
    tokens = api_login(client)
    both_read = threading.Barrier(2, timeout=5)

    def hold_rotation(_conn, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith("UPDATE SESSIONS"):
            with contextlib.suppress(threading.BrokenBarrierError):  # one request alone goes on
                both_read.wait()

    answers: list[int] = []
    pairs: list[dict] = []

    def attempt() -> None:
        response = refresh(api_client(), tokens["refresh_token"])
        answers.append(response.status_code)
        if response.status_code == 200:
            pairs.append(response.json())

    event.listen(get_engine(), "before_cursor_execute", hold_rotation)
    try:
        threads = [threading.Thread(target=attempt) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        event.remove(get_engine(), "before_cursor_execute", hold_rotation)
    assert sorted(answers) == [200, 401]
    [pair] = pairs
    assert refresh(client, pair["refresh_token"]).status_code == 401
    assert me(client, pair["access_token"]) == 401


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app_db):
    ada = make_user("ada@example.com")
    here, elsewhere = web_session(ada), web_session(ada)
    client = api_client()
    api = api_login(client)
    with Tab(cookie=cookie_for(here)) as tab:
        tab.open("/account").send(
            AccountState.change_password,
            form_data={
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "repeat_password": NEW_PASSWORD,
            },
        )
        state = tab.state(AccountState)
        assert state.password_error == ""
        assert "other sessions were signed out" in state.password_message
        tab.open("/account")
        assert tab.state(AccountState).user_email == "ada@example.com"  # still signed in here
    assert signed_in(here)
    assert not signed_in(elsewhere)
    assert refresh(client, api["refresh_token"]).status_code == 401
    assert me(client, api["access_token"]) == 401
    assert api_login(client, password=NEW_PASSWORD)["access_token"]


def test_deactivation_revokes_api_tokens_for_good(app_db):
    admin = make_user("admin@example.com", UserRole.admin)
    ada = make_user("ada@example.com")
    token = make_token(ada)
    client = api_client()
    assert me(client, token) == 200
    with Tab(cookie=cookie_for(web_session(admin))) as tab:
        tab.open("/admin/users").send(UsersState.deactivate, user_id=str(ada.id))
        assert "API tokens" in tab.state(UsersState).notice
        assert me(client, token) == 401
        tab.send(UsersState.reactivate, user_id=str(ada.id))
    assert me(client, token) == 401  # reactivating the account does not bring its tokens back
    with Session(get_engine()) as session:
        [row] = session.exec(select(ApiToken).where(ApiToken.user_id == ada.id)).all()
        assert row.revoked_at is not None
    [revoked] = actions("token.revoke")
    assert revoked.audit_metadata == {"reason": "user.deactivate"}


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Referer": "https://evil.example/page"}, {}],
    ids=["foreign-origin", "foreign-referer", "no-origin"],
)
def test_a_cross_site_logout_changes_nothing(app_db, headers):
    ada = make_user("ada@example.com")
    raw = web_session(ada)
    client = api_client()
    client.cookies.set(WEB_COOKIE, raw)
    response = client.post("/auth/web/logout", headers=headers, follow_redirects=False)
    assert response.status_code == 303
    assert WEB_COOKIE not in response.headers.get("set-cookie", "")  # the cookie is not cleared
    assert signed_in(raw)


def test_a_same_site_logout_ends_the_session_and_clears_the_cookie(app_db):
    ada = make_user("ada@example.com")
    raw = web_session(ada)
    client = api_client()
    client.cookies.set(WEB_COOKIE, raw)
    response = client.post("/auth/web/logout", headers=ORIGIN, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert response.headers["set-cookie"].startswith(f'{WEB_COOKIE}=""')
    assert not signed_in(raw)
    with Session(get_engine()) as session:
        assert session.exec(select(UserSession)).all() == []
