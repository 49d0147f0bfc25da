"""Rate limits in `limits` notation: Redis storage when configured, memory when Redis is unset or away.

While Redis errs or times out (the cache's circuit breaker is open), each process counts in its own memory,
so with N processes a limit allows up to N times its hits; counts start afresh in Redis once it is back.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from autodevhub.core.breaker import CircuitBreaker
from autodevhub.core.cache import SOCKET_TIMEOUT, cache_for
from autodevhub.core.settings import get_settings

STORAGE_ERRORS = (StorageError, RedisError, OSError)
T = TypeVar("T")


@dataclass(frozen=True)
class Decision:
    """Whether a hit was allowed and, if not, how many seconds until it would be."""

    allowed: bool
    retry_after: int = 0


class RateLimiter:
    """Moving-window limits keyed by a name and identifiers; in memory while Redis fails (see the module)."""

    def __init__(self, redis_url: str, breaker: CircuitBreaker | None = None) -> None:
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._redis = None
        if redis_url:
            storage = storage_from_string(
                redis_url,
                socket_timeout=SOCKET_TIMEOUT,
                socket_connect_timeout=SOCKET_TIMEOUT,
                retry=Retry(NoBackoff(), 0),
            )
            self._redis = MovingWindowRateLimiter(storage)
        self._breaker = breaker or CircuitBreaker("redis")

    @property
    def status(self) -> str:
        """Where limits are counted, as /health reports it."""
        if self._redis is None:
            return "memory"
        return "memory (redis unavailable)" if self._breaker.is_open else "redis"

    def hit(self, limit: str, *identifiers: str) -> Decision:
        """Count one event against `limit` (e.g. '5/minute') for these identifiers."""
        item = parse(limit)
        decision = self._on_redis(lambda redis: self._decide(redis, item, identifiers))
        return decision or self._decide(self._memory, item, identifiers)

    def reset(self, limit: str, *identifiers: str) -> None:
        """Forget the hits recorded for these identifiers (e.g. after a successful login)."""
        item = parse(limit)
        self._memory.clear(item, *identifiers)
        self._on_redis(lambda redis: redis.clear(item, *identifiers))

    def _on_redis(self, action: Callable[[MovingWindowRateLimiter], T]) -> T | None:
        """`action(the Redis limiter)`; None when Redis is unset, skipped by the breaker or failing."""
        if self._redis is None or not self._breaker.allow():
            return None
        try:
            result = action(self._redis)
        except STORAGE_ERRORS as error:
            self._breaker.failure(error)
            return None
        self._breaker.success()
        return result

    @staticmethod
    def _decide(
        limiter: MovingWindowRateLimiter, item: RateLimitItem, identifiers: tuple[str, ...]
    ) -> Decision:
        if limiter.hit(item, *identifiers):
            return Decision(True)
        reset_at = limiter.get_window_stats(item, *identifiers).reset_time
        return Decision(False, max(1, math.ceil(reset_at - time.time())))


@functools.cache
def limiter_for(redis_url: str) -> RateLimiter:
    """One limiter per configuration, sharing the cache's breaker: both talk to the same Redis."""
    return RateLimiter(redis_url, cache_for(redis_url).breaker)


def get_limiter() -> RateLimiter:
    """The process-wide rate limiter for the configured Redis (or memory)."""
    return limiter_for(get_settings().redis_url)
