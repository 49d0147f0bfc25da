"""API authentication: password login, JWT access, refresh rotation, logout, API tokens, rate limits."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from sqlmodel import Session, select

from autodevhub.auth.sessions import identity_of
from autodevhub.auth.tokens import JWT_ALGORITHM, JWT_AUDIENCE
from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.core.keys import JWT_SIGNING, derive_key
from autodevhub.core.settings import get_settings
from autodevhub.models import AuditLog, User, UserRole, utcnow
from tests.support.helpers import PASSWORD, api_client, bearer, make_token, make_user


@pytest.fixture
def client(app_db):
    return api_client()


def login(client, email="ada@example.com", password=PASSWORD):
    return client.post("/auth/login", json={"email": email, "password": password})


def audit_actions() -> list[str]:
    with Session(get_engine()) as session:
        return [row.action for row in session.exec(select(AuditLog).order_by(AuditLog.id)).all()]


def test_login_me_refresh_logout(client):
    make_user("ada@example.com")
    response = login(client, "  ADA@example.com ")
    assert response.status_code == 200
    tokens = response.json()
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 900
    me = client.get("/api/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json()["email"] == "ada@example.com"
    assert me.json()["role"] == "admin"  # the first account

    rotated = client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert rotated.status_code == 200
    assert rotated.json()["refresh_token"] != tokens["refresh_token"]
    # A rotated-away token presented again: tests/integration/test_session_revocation.py.

    access = rotated.json()["access_token"]
    assert client.post("/auth/logout", headers=bearer(access)).status_code == 204
    assert client.get("/api/me", headers=bearer(access)).status_code == 401
    assert (
        client.post("/auth/refresh", json={"refresh_token": rotated.json()["refresh_token"]}).status_code
        == 401
    )
    assert {"auth.login", "auth.refresh", "auth.logout"} <= set(audit_actions())


def test_wrong_password_is_401_and_audited(client):
    make_user("ada@example.com")
    response = login(client, password="not the password at all")
    assert response.status_code == 401
    assert response.json() == {"detail": "Email or password is incorrect."}
    assert login(client, email="nobody@example.com").status_code == 401
    assert audit_actions().count("auth.login_failed") == 2


def test_login_rehashes_a_password_hashed_with_weaker_parameters(client):
    from argon2 import PasswordHasher

    from autodevhub.auth.passwords import needs_rehash, verify_password

    user = make_user("ada@example.com")
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    with Session(get_engine()) as session:
        session.get(User, user.id).password_hash = weak
        session.commit()
    assert (
        client.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD}).status_code == 200
    )
    with Session(get_engine()) as session:
        stored = session.get(User, user.id).password_hash
    assert stored != weak and not needs_rehash(stored) and verify_password(stored, PASSWORD)


def test_deactivated_account_cannot_log_in(client):
    admin = make_user("ada@example.com")
    with Session(get_engine()) as session:
        user = session.get(User, admin.id)
        user.is_active = False
        session.add(user)
        session.commit()
    assert login(client).status_code == 401


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "adh_pat_doesnotexist",
        jwt.encode({"sub": "x", "sid": "y", "aud": JWT_AUDIENCE}, "wrong-key" * 8, algorithm=JWT_ALGORITHM),
    ],
    ids=["empty", "garbage", "unknown-api-token", "forged-jwt"],
)
def test_bad_tokens_are_401(client, token):
    make_user("ada@example.com")
    response = client.get("/api/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["detail"]


def test_expired_access_token_is_401(client):
    user = make_user("ada@example.com")
    access = login(client).json()["access_token"]
    claims = jwt.decode(access, options={"verify_signature": False})
    claims["exp"] = utcnow() - timedelta(seconds=1)
    expired = jwt.encode(claims, derive_key(JWT_SIGNING), algorithm=JWT_ALGORITHM)
    assert client.get("/api/me", headers=bearer(expired)).status_code == 401
    assert claims["sub"] == str(user.id)


def test_missing_authorization_is_401(client):
    response = client.get("/api/me")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_api_tokens_create_list_use_revoke(client):
    user = make_user("ada@example.com")
    cli_token = make_token(user, "ci")
    created = client.post(
        "/api/tokens", json={"name": "laptop", "expires_in_days": 30}, headers=bearer(cli_token)
    )
    assert created.status_code == 201
    raw = created.json()["token"]
    assert raw.startswith("adh_pat_")
    assert client.get("/api/me", headers=bearer(raw)).json()["email"] == "ada@example.com"

    listed = client.get("/api/tokens", headers=bearer(cli_token)).json()
    assert listed["total"] == 2
    assert all("token" not in item for item in listed["items"])
    laptop = next(item for item in listed["items"] if item["name"] == "laptop")
    assert laptop["last_used_at"] is not None

    assert client.delete(f"/api/tokens/{laptop['id']}", headers=bearer(cli_token)).status_code == 204
    assert client.get("/api/me", headers=bearer(raw)).status_code == 401
    assert {"token.create", "token.revoke"} <= set(audit_actions())


def test_cannot_revoke_someone_elses_token(client):
    ada, bob = make_user("ada@example.com"), make_user("bob@example.com")
    make_token(ada)
    bob_token = make_token(bob)
    ada_tokens = client.get("/api/tokens", headers=bearer(make_token(ada))).json()["items"]
    response = client.delete(f"/api/tokens/{ada_tokens[0]['id']}", headers=bearer(bob_token))
    assert response.status_code == 404


def test_expired_api_token_is_401(client):
    user = make_user("ada@example.com")
    raw = make_token(user)
    from autodevhub.auth.tokens import token_hash
    from autodevhub.models import ApiToken

    with Session(get_engine()) as session:
        row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(raw))).one()
        row.expires_at = utcnow() - timedelta(minutes=1)
        session.add(row)
        session.commit()
    assert client.get("/api/me", headers=bearer(raw)).status_code == 401


def test_brute_force_is_429_with_retry_after_then_recovers(client, monkeypatch):
    monkeypatch.setenv("AUTODEVHUB_RATE_LIMIT_LOGIN_ACCOUNT", "3/2 second")
    get_settings.cache_clear()
    make_user("ada@example.com")
    statuses = [login(client, password="wrong password guess").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    limited = login(client)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 2
    assert "Try again in" in limited.json()["detail"]
    import time

    time.sleep(2.1)
    assert login(client).status_code == 200


def test_login_limit_per_ip_spans_accounts(client, monkeypatch):
    monkeypatch.setenv("AUTODEVHUB_RATE_LIMIT_LOGIN_IP", "4/minute")
    get_settings.cache_clear()
    statuses = [login(client, email=f"u{i}@example.com").status_code for i in range(5)]
    assert statuses == [401, 401, 401, 401, 429]


def test_api_rate_limit_per_token(client, monkeypatch):
    monkeypatch.setenv("AUTODEVHUB_RATE_LIMIT_API", "3/minute")
    get_settings.cache_clear()
    user = make_user("ada@example.com")
    first, second = make_token(user, "one"), make_token(user, "two")
    statuses = [client.get("/api/me", headers=bearer(first)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/api/me", headers=bearer(second)).status_code == 200


def test_rate_limits_use_redis_when_configured(client, monkeypatch, redis_url):
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("AUTODEVHUB_RATE_LIMIT_LOGIN_ACCOUNT", "2/minute")
    get_settings.cache_clear()
    make_user("ada@example.com")
    statuses = [login(client, password="wrong password guess").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    import redis

    assert any(b"login" in key for key in redis.Redis.from_url(redis_url).keys("*"))


def test_rate_limits_fall_back_to_memory_when_redis_is_down(client, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("AUTODEVHUB_RATE_LIMIT_LOGIN_ACCOUNT", "2/minute")
    get_settings.cache_clear()
    statuses = [login(client, password="wrong password guess").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    assert client.get("/health").json()["rate_limits"] == "memory (redis unavailable)"


def test_validation_errors_are_one_readable_detail(client):
    response = client.post("/auth/login", json={"email": "a@b.co"})
    assert response.status_code == 422
    assert response.json() == {"detail": "password: Field required"}


def test_signup_role_defaults(client):
    admin = make_user("first@example.com")
    member = make_user("second@example.com")
    assert admin.role is UserRole.admin
    assert member.role is UserRole.member


@pytest.mark.parametrize(
    ("target", "followed"),
    [
        ("/stories?x=1", "/stories?x=1"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("https://evil.example", "/"),
        ("", "/"),
    ],
)
def test_only_same_site_paths_are_followed_after_login(target, followed):
    from autodevhub.auth.web_session import safe_next

    assert safe_next(target) == followed


def test_guessing_the_current_password_is_rate_limited(app_db, monkeypatch):
    from autodevhub.auth import accounts
    from autodevhub.core.errors import InvalidInput, RateLimited

    monkeypatch.setenv("AUTODEVHUB_RATE_LIMIT_LOGIN_ACCOUNT", "2/minute")
    get_settings.cache_clear()
    user = make_user("ada@example.com")
    new = "a brand new passphrase"
    actor = Actor.of(identity_of(user), "10.0.0.1")
    with Session(get_engine()) as session:
        for _ in range(2):
            with pytest.raises(InvalidInput):
                accounts.change_password(session, actor, "wrong guess", new)
        with pytest.raises(RateLimited):
            accounts.change_password(session, actor, PASSWORD, new)


def test_client_ip_behind_trusted_proxies(client, monkeypatch):
    make_user("ada@example.com")
    forwarded = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7"}
    client.post("/auth/login", json={"email": "ada@example.com", "password": "x" * 12}, headers=forwarded)
    monkeypatch.setenv("AUTODEVHUB_TRUSTED_PROXY_HOPS", "2")
    get_settings.cache_clear()
    client.post("/auth/login", json={"email": "ada@example.com", "password": "x" * 12}, headers=forwarded)
    with Session(get_engine()) as session:
        ips = [row.ip_address for row in session.exec(select(AuditLog).order_by(AuditLog.id)).all()][-2:]
    assert ips == ["testclient", "203.0.113.9"]


def test_audit_action_filter_treats_wildcards_literally(app_db):
    from autodevhub.admin.service import AuditFilters, audit_entries
    from autodevhub.core import audit

    admin = identity_of(make_user("ada@example.com"))
    with Session(get_engine()) as session:
        audit.record(session, Actor.of(admin), "auth.login", "user", admin.id)
        session.commit()
        assert audit_entries(session, admin, AuditFilters(action="auth."), limit=50, offset=0)[1] >= 1
        assert audit_entries(session, admin, AuditFilters(action="%"), limit=50, offset=0)[1] == 0
