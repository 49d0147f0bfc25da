"""A small cache interface: Redis when REDIS_URL is set, an in-process TTL store otherwise.

The Redis cache fails open: when Redis errs or times out, a read is a miss (the caller goes to the
database) and a write is skipped, and a circuit breaker skips Redis for a few seconds instead of waiting
on it at each call.
A delete Redis missed is kept and sent before anything else once Redis answers again, so an entry that comes
back with Redis (a restart from its snapshot) cannot outlive the change that deleted it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from autodevhub.core.breaker import CircuitBreaker
from autodevhub.core.settings import get_settings

KEY_PREFIX = "autodevhub:"
SOCKET_TIMEOUT = 0.5  # seconds: a cache that answers slower than this is skipped
MAX_MISSED_DELETES = 10_000
REDIS_ERRORS = (redis.RedisError, OSError)
T = TypeVar("T")


class Cache(Protocol):
    """JSON-serialisable values under string keys, each with a time to live in seconds."""

    backend: str
    breaker: CircuitBreaker | None

    def get(self, key: str) -> Any | None: ...
    def set(self, key: str, value: Any, ttl: float) -> None: ...
    def delete(self, key: str) -> None: ...
    def ping(self) -> bool: ...


class MemoryCache:
    """Thread-safe in-process cache with per-entry expiry and a size bound."""

    backend = "memory"
    breaker = None

    def __init__(self, max_entries: int = 10_000) -> None:
        self._entries: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()
        self._max_entries = max_entries

    def get(self, key: str) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires_at, payload = entry
            if expires_at <= time.monotonic():
                del self._entries[key]
                return None
        return json.loads(payload)

    def set(self, key: str, value: Any, ttl: float) -> None:
        payload = json.dumps(value)
        with self._lock:
            if len(self._entries) >= self._max_entries and key not in self._entries:
                self._evict()
            self._entries[key] = (time.monotonic() + ttl, payload)

    def delete(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def ping(self) -> bool:
        return True

    def _evict(self) -> None:
        now = time.monotonic()
        expired = [key for key, (expires_at, _) in self._entries.items() if expires_at <= now]
        for key in expired or [min(self._entries, key=lambda k: self._entries[k][0])]:
            del self._entries[key]


class RedisCache:
    """Redis-backed cache; keys are namespaced and expire server-side. Fails open (see the module)."""

    backend = "redis"

    def __init__(self, url: str, prefix: str = KEY_PREFIX, breaker: CircuitBreaker | None = None) -> None:
        self._client = redis.Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT,
            socket_connect_timeout=SOCKET_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )
        self._prefix = prefix
        self.breaker = breaker or CircuitBreaker("redis")
        self._missed_deletes: dict[str, None] = {}  # ordered: the oldest is dropped past the bound
        self._lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        payload = self._run(lambda: self._client.get(self._prefix + key))
        return None if payload is None else json.loads(payload)

    def set(self, key: str, value: Any, ttl: float) -> None:
        payload = json.dumps(value)
        self._run(lambda: self._client.set(self._prefix + key, payload, px=max(1, int(ttl * 1000))))

    def delete(self, key: str) -> None:
        """Send the delete now, or with the next call that reaches Redis (see the module)."""
        with self._lock:
            self._missed_deletes[self._prefix + key] = None
            while len(self._missed_deletes) > MAX_MISSED_DELETES:
                del self._missed_deletes[next(iter(self._missed_deletes))]
        self._run(lambda: None)

    def ping(self) -> bool:
        return bool(self._run(self._client.ping))

    def _run(self, command: Callable[[], T]) -> T | None:
        """`command()` after the deletes Redis missed; None while the breaker is open or when Redis fails."""
        if not self.breaker.allow():
            return None
        try:
            self._send_missed_deletes()
            result = command()
        except REDIS_ERRORS as error:
            self.breaker.failure(error)
            return None
        self.breaker.success()
        return result

    def _send_missed_deletes(self) -> None:
        if not self._missed_deletes:  # the usual case, without taking the lock
            return
        with self._lock:
            keys = list(self._missed_deletes)
        if keys:
            self._client.delete(*keys)
            with self._lock:
                for key in keys:
                    self._missed_deletes.pop(key, None)


@functools.cache
def cache_for(redis_url: str) -> Cache:
    """One cache per configuration: Redis for a URL, memory for none."""
    return RedisCache(redis_url) if redis_url else MemoryCache()


def get_cache() -> Cache:
    """The configured cache."""
    return cache_for(get_settings().redis_url)


def memoized(prefix: str, scope: list[Any], ttl: float, compute: Callable[[], T]) -> T:
    """`compute()`'s JSON-serialisable answer, shared through the cache under `prefix` and a digest of
    `scope` (everything the answer depends on) for `ttl` seconds."""
    key = prefix + hashlib.sha256(json.dumps(scope, default=str).encode()).hexdigest()
    cache = get_cache()
    if (hit := cache.get(key)) is not None:
        return hit
    value = compute()
    cache.set(key, value, ttl)
    return value
