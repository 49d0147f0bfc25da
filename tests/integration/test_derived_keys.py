"""JWTs and the OAuth handshake cookie are signed with their own keys, derived (HKDF) from the instance
secret: a token or cookie signed with the raw secret, or with the other purpose's key, is refused."""

from __future__ import annotations

import itsdangerous
import jwt
import pytest

from autodevhub.core import keys
from autodevhub.core.settings import get_settings
from autodevhub.integrations import github_oauth
from tests.support.fake_github import FakeGitHub, fake_github_fixture  # noqa: F401 (provides fake_github)
from tests.support.helpers import api_client, bearer, make_user


def test_each_purpose_has_its_own_key_derived_once_per_process():
    secret = get_settings().resolved_secret_key()
    jwt_key, cookie_key = keys.derive_key(keys.JWT_SIGNING), keys.derive_key(keys.OAUTH_SESSION)
    assert len({jwt_key, cookie_key, secret.encode()}) == 3
    assert len(jwt_key) == len(cookie_key) == keys.KEY_BYTES
    keys._derive.cache_clear()
    for _ in range(3):
        assert keys.derive_key(keys.JWT_SIGNING) == jwt_key
    assert keys._derive.cache_info().misses == 1


@pytest.mark.parametrize("signed_with", ["raw-secret", "cookie-key"])
def test_an_access_token_signed_with_another_key_is_refused(app_db, signed_with):
    make_user("ada@example.com")
    client = api_client()
    access = client.post(
        "/auth/login", json={"email": "ada@example.com", "password": "correct horse battery staple"}
    ).json()["access_token"]
    assert client.get("/api/me", headers=bearer(access)).status_code == 200
    claims = jwt.decode(access, options={"verify_signature": False})
    other = {
        "raw-secret": get_settings().resolved_secret_key(),
        "cookie-key": keys.derive_key(keys.OAUTH_SESSION),
    }[signed_with]
    forged = jwt.encode(claims, other, algorithm="HS256")
    assert client.get("/api/me", headers=bearer(forged)).status_code == 401


def test_the_oauth_cookie_is_signed_with_its_own_key(app_db, fake_github: FakeGitHub, monkeypatch):
    for name, value in fake_github.environment().items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    assert github_oauth.is_configured()
    client = api_client()
    start = client.get("/auth/github/login", follow_redirects=False)
    assert start.status_code == 302
    cookie = client.cookies["autodevhub_oauth"]
    own = itsdangerous.TimestampSigner(keys.derive_key(keys.OAUTH_SESSION).hex())
    assert own.unsign(cookie.encode())
    with pytest.raises(itsdangerous.BadSignature):
        itsdangerous.TimestampSigner(get_settings().resolved_secret_key()).unsign(cookie.encode())
