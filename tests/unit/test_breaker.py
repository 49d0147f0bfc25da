"""The circuit breaker: open after a failure, one trial call per cooldown, closed again by a success."""

from __future__ import annotations

from autodevhub.core.breaker import CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_failure_skips_the_dependency_until_the_cooldown_ends():
    clock = Clock()
    breaker = CircuitBreaker("redis", cooldown=5, clock=clock)
    assert breaker.allow() and not breaker.is_open
    breaker.failure(ConnectionError("refused"))
    assert breaker.is_open and not breaker.allow()
    clock.now += 4.9
    assert not breaker.allow()


def test_after_the_cooldown_one_caller_tries_while_the_others_keep_skipping():
    clock = Clock()
    breaker = CircuitBreaker("redis", cooldown=5, clock=clock)
    breaker.failure(TimeoutError("no answer"))
    clock.now += 5
    assert [breaker.allow() for _ in range(3)] == [True, False, False]
    breaker.failure(TimeoutError("still no answer"))  # the trial failed: another full cooldown
    clock.now += 4
    assert not breaker.allow()
    clock.now += 1
    assert breaker.allow()
    breaker.success()
    assert not breaker.is_open and all(breaker.allow() for _ in range(3))
