"""Background jobs: arq workers on Redis when REDIS_URL is set, an in-process thread runner otherwise.

A job is a plain blocking function registered with `@job(name)`; features list their job modules in
JOB_MODULES. Every enqueue names a job id: while a job with that id is queued or running, enqueueing it
again does nothing, so duplicates (double clicks, webhook redeliveries, several schedulers) collapse.
A job raising RetryLater runs again after a back-off, up to its max_tries. `@periodic` functions run every
AUTODEVHUB_SYNC_INTERVAL_MINUTES: through arq's cron in `autodevhub worker`, or a timer thread in the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import logging
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, ClassVar

from redis.exceptions import RedisError
from sqlalchemy import event
from sqlmodel import Session

from autodevhub.core.errors import ServiceError
from autodevhub.core.settings import get_settings

JOB_MODULES = ("autodevhub.workflows.github.tasks",)
QUEUE_NAME = "autodevhub:queue"
PENDING = "autodevhub.core.jobs.pending"  # session.info key: jobs waiting for the commit
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


def job(name: str, *, max_tries: int = 5, keep_result: int = 300) -> Callable:
    """Register a blocking function as a job under `name`."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        JOBS[name] = JobSpec(name, func, max_tries, keep_result)
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


def load_jobs() -> None:
    for module in JOB_MODULES:
        importlib.import_module(module)


class JobsUnavailable(ServiceError):
    """Redis could not take the job."""

    status = 503


def enqueue(name: str, *args: Any, job_id: str) -> bool:
    """Queue a job; False when one with this id is already queued or running."""
    load_jobs()
    spec = JOBS[name]
    url = get_settings().redis_url
    if not url:
        return local_runner().submit(spec, args, job_id)
    from autodevhub.core.jobs.arq import enqueue_arq

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
    session.info.setdefault(PENDING, []).append((name, args, job_id))
    if not event.contains(session, "after_commit", _enqueue_pending):
        event.listen(session, "after_commit", _enqueue_pending)
        event.listen(session, "after_rollback", _forget_pending)


def _enqueue_pending(session: Session) -> None:
    for name, args, job_id in session.info.pop(PENDING, []):
        enqueue(name, *args, job_id=job_id)


def _forget_pending(session: Session) -> None:
    session.info.pop(PENDING, None)


class LocalRunner:
    """Jobs in a small thread pool of this process, deduplicated by job id, retried after back-offs."""

    def __init__(self, workers: int = 2, remembered: int = 200) -> None:
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="autodevhub-job")
        self._lock = threading.Condition()
        self._active: set[str] = set()
        self._remembered = remembered
        self.results: OrderedDict[str, Any] = OrderedDict()

    def submit(self, spec: JobSpec, args: tuple, job_id: str) -> bool:
        with self._lock:
            if job_id in self._active:
                return False
            self._active.add(job_id)
        self._pool.submit(self._run, spec, args, job_id, 1)
        return True

    def _run(self, spec: JobSpec, args: tuple, job_id: str, attempt: int) -> None:
        try:
            result: Any = spec.func(*args)
        except RetryLater as error:
            if attempt < spec.max_tries:
                delay = error.defer if error.defer is not None else backoff(attempt)
                timer = threading.Timer(
                    delay, self._pool.submit, (self._run, spec, args, job_id, attempt + 1)
                )
                timer.daemon = True
                timer.start()
                return
            result = {"error": str(error)}
        except Exception as error:
            logger.exception("job %s (%s) failed", spec.name, job_id)
            result = {"error": f"{type(error).__name__}: {error}"}
        with self._lock:
            self._active.discard(job_id)
            self.results[job_id] = result
            while len(self.results) > self._remembered:
                self.results.popitem(last=False)
            self._lock.notify_all()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until no job is queued, running or waiting to retry; False on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._active, timeout)


@functools.cache
def local_runner() -> LocalRunner:
    return LocalRunner()


def run_periodic() -> None:
    """Run every periodic job once, in this thread."""
    load_jobs()
    for name in PERIODIC:
        try:
            JOBS[name].func()
        except Exception:
            logger.exception("periodic job %s failed", name)


class LocalScheduler:
    """Runs the periodic jobs every sync interval in a daemon thread (no Redis: the app is the worker)."""

    running: ClassVar[LocalScheduler | None] = None  # one per process

    def __init__(self, interval_seconds: float) -> None:
        self.interval = interval_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="autodevhub-scheduler", daemon=True)

    def start(self) -> LocalScheduler:
        LocalScheduler.running = self
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        if LocalScheduler.running is self:
            LocalScheduler.running = None

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            run_periodic()


def start_local_scheduler() -> LocalScheduler | None:
    """The in-process scheduler, when there is no Redis (the arq worker schedules otherwise) and none runs."""
    settings = get_settings()
    if settings.redis_url or not settings.sync_interval_minutes or LocalScheduler.running is not None:
        return None
    return LocalScheduler(settings.sync_interval_minutes * 60).start()


@contextlib.asynccontextmanager
async def scheduler_lifespan(app: object = None) -> AsyncIterator[None]:
    """The local scheduler for a lifespan: a FastAPI router's, or Reflex's register_lifespan_task."""
    scheduler = start_local_scheduler()
    try:
        yield
    finally:
        if scheduler is not None:
            scheduler.stop()
