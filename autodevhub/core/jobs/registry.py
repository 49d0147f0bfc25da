"""The job registry: features register blocking functions with `@job(name)` (and `@periodic`) at import.

Core never lists features: each feature's start-up hook imports its job modules (autodevhub.features).
A job raising RetryLater runs again after a back-off, up to its max_tries. A job registered with
`listens=TOPIC` runs whenever a feature emits that topic (queue.emit_after_commit), so the emitting
feature needs not know who listens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_BACKOFF_SECONDS = 300
logger = logging.getLogger(__name__)


class RetryLater(Exception):
    """Raised by a job whose failure is temporary (GitHub down...): run it again after a back-off."""

    def __init__(self, reason: str, defer: float | None = None) -> None:
        super().__init__(reason)
        self.defer = defer


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable[..., Any]
    max_tries: int
    keep_result: int


JOBS: dict[str, JobSpec] = {}
PERIODIC: list[str] = []
LISTENERS: dict[str, list[str]] = {}


def job(name: str, *, max_tries: int = 5, keep_result: int = 300, listens: str | None = None) -> Callable:
    """Register a blocking function as a job under `name` (run on every `listens` topic, if given)."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        JOBS[name] = JobSpec(name, func, max_tries, keep_result)
        if listens is not None and name not in LISTENERS.setdefault(listens, []):
            LISTENERS[listens].append(name)
        return func

    return register


def periodic(name: str) -> Callable:
    """Register a job that also runs every sync interval."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        job(name, max_tries=1, keep_result=0)(func)
        PERIODIC.append(name)
        return func

    return register


def backoff(attempt: int) -> float:
    """Seconds before retry number `attempt`: 5, 10, 20... capped at five minutes."""
    return float(min(MAX_BACKOFF_SECONDS, 5 * 2 ** (attempt - 1)))


def run_periodic() -> None:
    """Run every periodic job once, in this thread."""
    for name in PERIODIC:
        try:
            JOBS[name].func()
        except Exception:
            logger.exception("periodic job %s failed", name)
