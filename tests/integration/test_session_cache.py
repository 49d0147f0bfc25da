"""The Redis cache of browser sessions never outlives a logout: not through a race, not for over a minute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, delete

from autodevhub.auth import sessions
from autodevhub.auth.tokens import token_hash
from autodevhub.core.cache import get_cache
from autodevhub.core.db import get_engine
from autodevhub.core.identity import SYSTEM
from autodevhub.core.settings import get_settings
from autodevhub.models import SessionKind, User, UserSession, utcnow
from tests.support.helpers import make_user


@pytest.fixture
def signed_in(app_db, monkeypatch, redis_url) -> str:
    """The raw cookie token of a committed browser session, with the session cache in Redis."""
    monkeypatch.setenv("REDIS_URL", redis_url)
    get_settings.cache_clear()
    user = make_user("ada@example.com")
    with Session(get_engine()) as session:
        _, raw = sessions.start_session(session, SYSTEM, session.get(User, user.id), SessionKind.web)
        session.commit()
    assert get_cache().backend == "redis"
    return raw


def lookup(raw: str):
    with Session(get_engine()) as session:
        return sessions.identity_for_web_token(session, raw)


def test_a_lookup_during_logout_does_not_keep_the_session_alive(signed_in):
    with Session(get_engine()) as logout:
        row = sessions.session_for_token(logout, signed_in, SessionKind.web)
        sessions.end_session(logout, SYSTEM, row)
        logout.flush()  # the delete is written but not committed: another request still sees the row
        assert lookup(signed_in) is not None  # ... and caches it
        logout.commit()
    assert lookup(signed_in) is None


def test_a_cached_session_is_checked_against_its_row_after_a_minute(signed_in):
    assert lookup(signed_in) is not None
    key = sessions.CACHE_PREFIX + token_hash(signed_in)
    with Session(get_engine()) as session:  # the row goes without the cache hearing of it
        session.exec(delete(UserSession))
        session.commit()
    assert lookup(signed_in) is not None  # a fresh cached answer is trusted for a minute at most
    entry = get_cache().get(key)
    entry["checked_at"] = (utcnow() - sessions.SESSION_RECHECK - timedelta(seconds=1)).isoformat()
    get_cache().set(key, entry, 3600)
    assert lookup(signed_in) is None
