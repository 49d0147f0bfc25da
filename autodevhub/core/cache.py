"""A small cache interface: Redis when REDIS_URL is set, an in-process TTL store otherwise."""

from __future__ import annotations

import functools
import json
import threading
import time
from typing import Any, Protocol

import redis

from autodevhub.core.settings import get_settings

KEY_PREFIX = "autodevhub:"


class Cache(Protocol):
    """JSON-serialisable values under string keys, each with a time to live in seconds."""

    backend: str

    def get(self, key: str) -> Any | None: ...
    def set(self, key: str, value: Any, ttl: float) -> None: ...
    def delete(self, key: str) -> None: ...
    def ping(self) -> bool: ...


class MemoryCache:
    """Thread-safe in-process cache with per-entry expiry and a size bound."""

    backend = "memory"

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
    """Redis-backed cache; keys are namespaced and expire server-side."""

    backend = "redis"

    def __init__(self, url: str, prefix: str = KEY_PREFIX) -> None:
        self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._prefix = prefix

    def get(self, key: str) -> Any | None:
        payload = self._client.get(self._prefix + key)
        return None if payload is None else json.loads(payload)

    def set(self, key: str, value: Any, ttl: float) -> None:
        self._client.set(self._prefix + key, json.dumps(value), px=max(1, int(ttl * 1000)))

    def delete(self, key: str) -> None:
        self._client.delete(self._prefix + key)

    def ping(self) -> bool:
        try:
            return bool(self._client.ping())
        except redis.RedisError:
            return False


@functools.cache
def cache_for(redis_url: str) -> Cache:
    """One cache per configuration: Redis for a URL, memory for none."""
    return RedisCache(redis_url) if redis_url else MemoryCache()


def get_cache() -> Cache:
    """The configured cache."""
    return cache_for(get_settings().redis_url)
