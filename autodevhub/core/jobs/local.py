"""Jobs without Redis: a small thread pool of this process, and a timer thread for the periodic jobs."""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

from autodevhub.core.jobs.registry import JobSpec, RetryLater, backoff, run_periodic
from autodevhub.core.settings import get_settings

logger = logging.getLogger(__name__)


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
