"""Test helpers: accounts and tokens made through the real services."""

from __future__ import annotations

import functools

from fastapi.testclient import TestClient
from sqlmodel import Session

from autodevhub.auth import accounts, api_tokens
from autodevhub.auth.passwords import hash_password
from autodevhub.auth.sessions import identity_of
from autodevhub.core.db import get_engine
from autodevhub.core.identity import SYSTEM, Actor
from autodevhub.models import User, UserRole
from autodevhub.web.api import create_api

PASSWORD = "correct horse battery staple"
# One real argon2id hash per password, made once: seeding an account need not pay the hash each time.
_hash_once = functools.cache(hash_password)


def api_client() -> TestClient:
    return TestClient(create_api(), base_url="http://localhost:3000")


def make_user(email: str, role: UserRole = UserRole.member, password: str | None = PASSWORD) -> User:
    """An account made by the real service; its password hash is the shared real hash of `password`."""
    with Session(get_engine(), expire_on_commit=False) as session:
        account = accounts.NewAccount(email=email, password=None, role=role)
        user = accounts.create_user(session, SYSTEM, account)
        user.password_hash = _hash_once(password) if password is not None else None
        session.commit()
        return user


def make_token(user: User, name: str = "test") -> str:
    with Session(get_engine()) as session:
        _, raw = api_tokens.create_token(session, Actor.of(identity_of(user)), name)
        session.commit()
        return raw


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
