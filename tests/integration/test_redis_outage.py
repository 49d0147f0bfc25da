"""Redis stopping or hanging under the cache, the rate limiter and the session lookups: they fail open."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlmodel import Session

from autodevhub.auth import sessions
from autodevhub.auth.tokens import token_hash
from autodevhub.core import breaker
from autodevhub.core.breaker import CircuitBreaker
from autodevhub.core.cache import KEY_PREFIX, RedisCache, get_cache
from autodevhub.core.db import get_engine
from autodevhub.core.identity import SYSTEM
from autodevhub.core.ratelimit import RateLimiter, get_limiter
from autodevhub.core.settings import get_settings
from autodevhub.models import SessionKind, User
from tests.support.helpers import make_user
from tests.support.redis_server import RedisServer, redis_server_fixture  # noqa: F401 (fixture)

SHORT = 0.3  # seconds a test breaker stays open


def timed(action: Callable[[], object], limit: float = 10.0) -> float:
    """Seconds `action` took, run in a thread so a call that never returns fails the test instead."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as error:  # reported in the test's thread
            failures.append(error)

    started = time.monotonic()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(limit)
    assert not worker.is_alive(), f"still waiting on Redis after {limit:.0f} s"
    if failures:
        raise failures[0]
    return time.monotonic() - started


@pytest.fixture
def app_on_redis(monkeypatch, app_db, redis_server: RedisServer) -> RedisServer:
    """The app's settings point at the test's own redis-server; its breaker stays open for SHORT."""
    monkeypatch.setattr(breaker, "COOLDOWN_SECONDS", SHORT)
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    get_settings.cache_clear()
    return redis_server


def test_cache_reads_and_writes_fail_open_when_redis_stops(redis_server):
    cache = RedisCache(redis_server.url)
    cache.set("story:1", {"a": 1}, ttl=60)
    redis_server.stop()
    assert cache.get("story:1") is None
    cache.set("story:2", {"b": 2}, ttl=60)
    cache.delete("story:1")
    assert cache.ping() is False
    assert cache.breaker.is_open


def test_a_hung_redis_costs_one_short_timeout_then_is_skipped(redis_server):
    cache = RedisCache(redis_server.url)
    assert cache.get("warm") is None  # the pooled connection is open before the hang
    redis_server.hang()
    assert timed(lambda: cache.get("story:1")) < 1.5
    assert timed(lambda: [cache.get(f"story:{n}") for n in range(100)]) < 0.2


def test_the_cache_is_used_again_once_redis_is_back(redis_server):
    cache = RedisCache(redis_server.url, breaker=CircuitBreaker("redis", cooldown=SHORT))
    redis_server.stop()
    cache.set("story:1", "lost", ttl=60)
    redis_server.start()
    assert cache.get("story:1") is None  # still open: Redis is not asked yet
    time.sleep(SHORT)
    cache.set("story:1", "kept", ttl=60)
    assert cache.get("story:1") == "kept"
    assert not cache.breaker.is_open


def test_a_delete_redis_missed_is_sent_before_anything_else_once_it_is_back(redis_server):
    cache = RedisCache(redis_server.url, breaker=CircuitBreaker("redis", cooldown=SHORT))
    cache.set("session:abc", {"user": "ada"}, ttl=3600)
    redis_server.stop()  # saves: the entry comes back with Redis
    cache.delete("session:abc")
    redis_server.start()
    assert redis_server.client().exists(f"{KEY_PREFIX}session:abc") == 1
    time.sleep(SHORT)
    assert cache.get("session:abc") is None
    assert redis_server.client().exists(f"{KEY_PREFIX}session:abc") == 0


def test_rate_limits_count_in_memory_while_redis_is_away(redis_server):
    limiter = RateLimiter(redis_server.url)
    assert limiter.hit("3/minute", "login", "ada").allowed
    assert limiter.status == "redis"
    redis_server.hang()
    decisions = []
    assert timed(lambda: decisions.extend(limiter.hit("3/minute", "login", "ada") for _ in range(4))) < 1.5
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert decisions[-1].retry_after > 0
    assert limiter.status == "memory (redis unavailable)"
    limiter.reset("3/minute", "login", "ada")
    assert limiter.hit("3/minute", "login", "ada").allowed


def test_the_cache_and_the_limiter_share_one_breaker(app_on_redis):
    assert get_cache().get("warm") is None
    app_on_redis.hang()
    get_cache().get("story:1")  # the one call that waits
    assert timed(lambda: [get_limiter().hit("100/minute", "api", str(n)) for n in range(50)]) < 0.2


def test_session_lookups_logout_and_deactivation_work_while_redis_is_down(app_on_redis):
    user = make_user("ada@example.com")
    with Session(get_engine()) as session:
        _, raw = sessions.start_session(session, SYSTEM, session.get(User, user.id), SessionKind.web)
        session.commit()
        assert sessions.identity_for_web_token(session, raw).email == "ada@example.com"  # cached in Redis
    app_on_redis.stop()
    with Session(get_engine()) as session:
        assert sessions.identity_for_web_token(session, raw).email == "ada@example.com"
        row = sessions.session_for_token(session, raw, SessionKind.web)
        sessions.end_session(session, SYSTEM, row)
        session.commit()
        assert sessions.identity_for_web_token(session, raw) is None
    with Session(get_engine()) as session:
        _, other = sessions.start_session(session, SYSTEM, session.get(User, user.id), SessionKind.web)
        sessions.end_all_sessions(session, user.id)
        session.commit()
    app_on_redis.start()
    assert app_on_redis.client().exists(KEY_PREFIX + sessions.CACHE_PREFIX + token_hash(raw)) == 1
    time.sleep(SHORT)
    with Session(get_engine()) as session:
        assert sessions.identity_for_web_token(session, raw) is None
        assert sessions.identity_for_web_token(session, other) is None
    assert app_on_redis.client().exists(KEY_PREFIX + sessions.CACHE_PREFIX + token_hash(raw)) == 0
