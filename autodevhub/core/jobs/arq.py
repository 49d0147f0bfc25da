"""The arq side of the jobs: enqueueing on Redis and the `autodevhub worker` process."""

from __future__ import annotations

import asyncio
from typing import Any

from arq import Retry, Worker
from arq.connections import ArqRedis, RedisSettings
from arq.cron import CronJob, cron
from arq.worker import Function, func
from redis.asyncio import ConnectionPool
from redis.asyncio.retry import Retry as RedisRetry
from redis.backoff import NoBackoff

from autodevhub.core.jobs.registry import JOBS, PERIODIC, JobSpec, RetryLater, backoff, run_periodic
from autodevhub.core.settings import get_settings

JOB_TIMEOUT_SECONDS = 1800
QUEUE_NAME = "autodevhub:queue"


async def enqueue_arq(url: str, name: str, args: tuple, job_id: str) -> bool:
    """arq's enqueue_job with our job id: None (here False) when that id is queued, running or just done."""
    once = RedisRetry(NoBackoff(), 1)  # a request thread must not wait long for a Redis that is away
    connections = ConnectionPool.from_url(url, socket_connect_timeout=2, socket_timeout=5, retry=once)
    pool = ArqRedis(connection_pool=connections, retry=once, default_queue_name=QUEUE_NAME)
    try:
        return await pool.enqueue_job(name, *args, _job_id=job_id) is not None
    finally:
        await pool.aclose()


def arq_function(spec: JobSpec) -> Function:
    """The blocking job run in a thread; RetryLater becomes arq's Retry with our back-off."""

    async def run(ctx: dict[str, Any], *args: Any) -> Any:
        try:
            return await asyncio.to_thread(spec.func, *args)
        except RetryLater as error:
            if ctx["job_try"] >= spec.max_tries:
                return {"error": str(error)}
            defer = error.defer if error.defer is not None else backoff(ctx["job_try"])
            raise Retry(defer=defer) from error

    return func(run, name=spec.name, max_tries=spec.max_tries, keep_result=spec.keep_result)


async def _periodic(_ctx: dict[str, Any]) -> None:
    await asyncio.to_thread(run_periodic)


def cron_jobs(interval_minutes: int) -> list[CronJob]:
    """The periodic jobs at every `interval_minutes` (minute steps within the hour, or hour steps)."""
    if not interval_minutes or not PERIODIC:
        return []
    if interval_minutes < 60:
        return [cron(_periodic, name="periodic", minute=set(range(0, 60, interval_minutes)))]
    return [cron(_periodic, name="periodic", minute={0}, hour=set(range(0, 24, interval_minutes // 60)))]


def create_worker(*, burst: bool = False) -> Worker:
    """A worker for REDIS_URL running every registered job (register features first) and the periodic ones."""
    settings = get_settings()
    return Worker(
        functions=[arq_function(spec) for spec in JOBS.values()],
        cron_jobs=cron_jobs(settings.sync_interval_minutes),
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        queue_name=QUEUE_NAME,
        burst=burst,
        job_timeout=JOB_TIMEOUT_SECONDS,
        max_jobs=4,
    )
