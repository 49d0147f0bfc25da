"""Rate limits in `limits` notation: Redis storage when configured, memory when Redis is unset or away.

While Redis errs or times out (the cache's circuit breaker is open), each process counts in its own memory,
so with N processes a limit allows up to N times its hits; counts start afresh in Redis once it is back.
The memory windows are this module's own: `limits`' MemoryStorage starts a timer thread on nearly every
hit to expire entries, a new thread per API request.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from limits import RateLimitItem
from limits import parse as parse_limit
from limits.errors import StorageError
from limits.storage import storage_from_string
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


@functools.lru_cache(maxsize=64)
def parse(limit: str) -> RateLimitItem:
    """A limit such as '600/minute' (the few configured ones, parsed once)."""
    return parse_limit(limit)


class MemoryWindows:
    """Moving windows in this process: the times of the hits within each key's window, pruned as they
    age; keys whose hits have all aged out are dropped every SWEEP_EVERY hits."""

    SWEEP_EVERY = 1000

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hits: dict[str, tuple[float, deque[float]]] = {}  # key -> (window seconds, hit times)
        self._lock = threading.Lock()
        self._count = 0

    def hit(self, item: RateLimitItem, *identifiers: str) -> Decision:
        key, window, now = item.key_for(*identifiers), float(item.get_expiry()), self._clock()
        with self._lock:
            self._count += 1
            if self._count % self.SWEEP_EVERY == 0:
                self._sweep(now)
            times = self._hits.setdefault(key, (window, deque()))[1]
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) < item.amount:
                times.append(now)
                return Decision(True)
            return Decision(False, max(1, math.ceil(times[0] + window - now)))

    def clear(self, item: RateLimitItem, *identifiers: str) -> None:
        with self._lock:
            self._hits.pop(item.key_for(*identifiers), None)

    def _sweep(self, now: float) -> None:
        idle = [key for key, (window, times) in self._hits.items() if not times or times[-1] <= now - window]
        for key in idle:
            del self._hits[key]


class RateLimiter:
    """Moving-window limits keyed by a name and identifiers; in memory while Redis fails (see the module)."""

    def __init__(self, redis_url: str, breaker: CircuitBreaker | None = None) -> None:
        self._memory = MemoryWindows()
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
        return decision or self._memory.hit(item, *identifiers)

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
