"""A circuit breaker: after a failure, skip the dependency for a few seconds instead of waiting on it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

COOLDOWN_SECONDS = 5.0


class CircuitBreaker:
    """Closed: calls go through. A failure opens it for `cooldown` seconds, during which `allow()` says no;
    then one caller at a time may try again (half-open) until a success closes it."""

    def __init__(
        self, name: str, cooldown: float | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.name = name
        self._cooldown = COOLDOWN_SECONDS if cooldown is None else cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._retry_at = 0.0
        self._open = False

    @property
    def is_open(self) -> bool:
        """Whether the last call failed (and no call has succeeded since)."""
        return self._open

    def allow(self) -> bool:
        """May a call go to the dependency now? While open, yes once per cooldown (the trial call)."""
        if not self._open:  # the usual case, without taking the lock
            return True
        with self._lock:
            now = self._clock()
            if now < self._retry_at:
                return False
            self._retry_at = now + self._cooldown  # the others keep skipping while this trial runs
            return True

    def failure(self, error: BaseException) -> None:
        """The call failed: open (or stay open) for another cooldown."""
        with self._lock:
            was_open, self._open = self._open, True
            self._retry_at = self._clock() + self._cooldown
        if not was_open:
            logger.warning(
                "%s unavailable, skipped for %.0f s at a time: %s", self.name, self._cooldown, error
            )

    def success(self) -> None:
        """The call went through: close."""
        with self._lock:
            was_open, self._open = self._open, False
        if was_open:
            logger.warning("%s is back", self.name)
