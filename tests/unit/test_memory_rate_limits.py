"""The in-process rate-limit windows (no Redis, or Redis away): moving windows, no thread per hit."""

from __future__ import annotations

import threading

from autodevhub.core.ratelimit import MemoryWindows, parse


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_moving_window_allows_its_amount_then_says_when_to_retry() -> None:
    clock, limit = Clock(), parse("3/minute")
    windows = MemoryWindows(clock)
    for second in (0, 10, 20):
        clock.now = 1000.0 + second
        assert windows.hit(limit, "token-a").allowed
    clock.now = 1030.0
    refused = windows.hit(limit, "token-a")
    assert not refused.allowed and refused.retry_after == 30  # the first hit leaves the window at 1060
    assert windows.hit(limit, "token-b").allowed  # another key counts apart
    clock.now = 1060.0
    assert windows.hit(limit, "token-a").allowed  # the oldest hit aged out: one slot again
    assert not windows.hit(limit, "token-a").allowed
    windows.clear(limit, "token-a")
    assert windows.hit(limit, "token-a").allowed


def test_refused_hits_do_not_count_and_idle_keys_are_swept() -> None:
    clock, limit = Clock(), parse("1/second")
    windows = MemoryWindows(clock)
    assert windows.hit(limit, "x").allowed
    assert not any(windows.hit(limit, "x").allowed for _ in range(5))
    clock.now += 1.0
    assert windows.hit(limit, "x").allowed  # the refusals did not extend the window
    for key in range(MemoryWindows.SWEEP_EVERY):
        windows.hit(limit, f"key-{key}")
    clock.now += 5.0
    for _ in range(MemoryWindows.SWEEP_EVERY):
        windows.hit(limit, "busy")
    assert len(windows._hits) <= 2  # every idle key was dropped


def test_counting_starts_no_thread() -> None:
    windows, limit = MemoryWindows(), parse("600/minute")
    before = threading.active_count()
    for hit in range(300):
        windows.hit(limit, f"token-{hit % 7}")
    assert threading.active_count() == before
