"""Both cache backends behave the same: values, expiry, deletion, namespacing."""

from __future__ import annotations

import time

import pytest
import redis

from autodevhub.core.cache import KEY_PREFIX, MemoryCache, RedisCache, get_cache


@pytest.fixture(params=["memory", "redis"])
def any_cache(request):
    if request.param == "memory":
        return MemoryCache()
    return RedisCache(request.getfixturevalue("redis_url"))


def test_round_trip_of_json_values(any_cache):
    value = {"feature": "Login", "scenarios": [1, 2.5, None, True], "nested": {"ok": "ü"}}
    any_cache.set("story:1", value, ttl=60)
    assert any_cache.get("story:1") == value
    assert any_cache.get("story:missing") is None


def test_entries_expire(any_cache):
    any_cache.set("short", "lived", ttl=0.2)
    assert any_cache.get("short") == "lived"
    time.sleep(0.35)
    assert any_cache.get("short") is None


def test_delete_and_overwrite(any_cache):
    any_cache.set("k", 1, ttl=60)
    any_cache.set("k", 2, ttl=60)
    assert any_cache.get("k") == 2
    any_cache.delete("k")
    assert any_cache.get("k") is None
    any_cache.delete("never-set")


def test_ping(any_cache):
    assert any_cache.ping() is True


def test_redis_keys_are_namespaced_and_expire_server_side(redis_url):
    RedisCache(redis_url).set("story:9", {"a": 1}, ttl=30)
    client = redis.Redis.from_url(redis_url)
    assert client.exists(f"{KEY_PREFIX}story:9") == 1
    assert 0 < client.pttl(f"{KEY_PREFIX}story:9") <= 30_000


def test_redis_down_pings_false():
    assert RedisCache("redis://127.0.0.1:1/0").ping() is False


def test_memory_cache_is_bounded():
    small = MemoryCache(max_entries=3)
    for index in range(5):
        small.set(f"k{index}", index, ttl=60)
    kept = [key for key in (f"k{i}" for i in range(5)) if small.get(key) is not None]
    assert len(kept) == 3
    assert "k4" in kept


def test_backend_follows_redis_url(monkeypatch, redis_url):
    assert get_cache().backend == "memory"
    monkeypatch.setenv("REDIS_URL", redis_url)
    from autodevhub.core.settings import get_settings

    get_settings.cache_clear()
    assert get_cache().backend == "redis"
