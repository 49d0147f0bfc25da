"""Rate limits in `limits` notation: Redis storage when configured, memory when Redis is unset or down."""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

from autodevhub.core.settings import get_settings

REDIS_RECHECK_SECONDS = 15


@dataclass(frozen=True)
class Decision:
    """Whether a hit was allowed and, if not, how many seconds until it would be."""

    allowed: bool
    retry_after: int = 0


class RateLimiter:
    """Moving-window limits keyed by a name and identifiers; falls back to memory if Redis fails."""

    def __init__(self, redis_url: str) -> None:
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._redis = MovingWindowRateLimiter(storage_from_string(redis_url)) if redis_url else None
        self.degraded = False
        self._next_check = 0.0

    @property
    def status(self) -> str:
        """Where limits are counted, as /health reports it."""
        if self._redis is None:
            return "memory"
        return "memory (redis unavailable)" if self.degraded else "redis"

    def hit(self, limit: str, *identifiers: str) -> Decision:
        """Count one event against `limit` (e.g. '5/minute') for these identifiers."""
        item = parse(limit)
        limiter = self._active()
        try:
            return self._decide(limiter, item, identifiers)
        except (StorageError, RedisError, ConnectionError, OSError):
            self.degraded = True
            return self._decide(self._memory, item, identifiers)

    def reset(self, limit: str, *identifiers: str) -> None:
        """Forget the hits recorded for these identifiers (e.g. after a successful login)."""
        item = parse(limit)
        for limiter in filter(None, (self._memory, self._redis)):
            try:
                limiter.clear(item, *identifiers)
            except (StorageError, RedisError, ConnectionError, OSError):
                self.degraded = True

    def _active(self) -> MovingWindowRateLimiter:
        if self._redis is None:
            return self._memory
        if self.degraded and time.monotonic() >= self._next_check:
            self._next_check = time.monotonic() + REDIS_RECHECK_SECONDS
            self.degraded = not self._redis_reachable()
        return self._memory if self.degraded else self._redis

    def _redis_reachable(self) -> bool:
        storage = self._redis.storage
        try:
            return isinstance(storage, RedisStorage) and storage.check()
        except (StorageError, RedisError, ConnectionError, OSError):
            return False

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
    return RateLimiter(redis_url)


def get_limiter() -> RateLimiter:
    """The process-wide rate limiter for the configured Redis (or memory)."""
    return limiter_for(get_settings().redis_url)
