"""Queueing a job: arq on Redis when REDIS_URL is set, the in-process runner otherwise.

Every enqueue names a job id: while a job with that id is queued or running, enqueueing it again does
nothing, so duplicates (double clicks, webhook redeliveries, several schedulers) collapse.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from redis.exceptions import RedisError
from sqlmodel import Session

from autodevhub.core.db import after_commit
from autodevhub.core.errors import ServiceError
from autodevhub.core.jobs.arq import enqueue_arq
from autodevhub.core.jobs.local import local_runner
from autodevhub.core.jobs.registry import JOBS, LISTENERS
from autodevhub.core.settings import get_settings

logger = logging.getLogger(__name__)


class JobsUnavailable(ServiceError):
    """Redis could not take the job."""

    status = 503


def enqueue(name: str, *args: Any, job_id: str) -> bool:
    """Queue a job; False when one with this id is already queued or running."""
    spec = JOBS[name]
    url = get_settings().redis_url
    if not url:
        return local_runner().submit(spec, args, job_id)
    try:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(enqueue_arq(url, name, args, job_id))
        with ThreadPoolExecutor(1) as pool:  # called from async code: arq gets a loop of its own
            return pool.submit(asyncio.run, enqueue_arq(url, name, args, job_id)).result()
    except (RedisError, OSError) as error:
        logger.warning("could not queue %s: %s", job_id, error)
        raise JobsUnavailable("Background jobs are unavailable (Redis did not answer); try again.") from error


def enqueue_after_commit(session: Session, name: str, *args: Any, job_id: str) -> None:
    """Queue the job once the session's transaction commits; a rollback forgets it."""
    after_commit(session, lambda: enqueue(name, *args, job_id=job_id))


def emit_after_commit(session: Session, topic: str, *args: Any, key: str) -> None:
    """Queue every job listening to `topic` once the transaction commits (none listening: nothing)."""
    for name in LISTENERS.get(topic, ()):
        enqueue_after_commit(session, name, *args, job_id=f"{name}:{key}")
