"""Background jobs: arq workers on Redis when REDIS_URL is set, an in-process thread runner otherwise.

`@job(name)` registers a blocking function (registry), `enqueue` / `enqueue_after_commit` queue it (queue),
`autodevhub worker` runs them on Redis (arq), the app runs them itself without Redis (local).
"""

from autodevhub.core.jobs.local import local_runner, scheduler_lifespan
from autodevhub.core.jobs.queue import JobsUnavailable, enqueue, enqueue_after_commit
from autodevhub.core.jobs.registry import JOBS, PERIODIC, RetryLater, job, periodic

__all__ = [
    "JOBS",
    "PERIODIC",
    "JobsUnavailable",
    "RetryLater",
    "enqueue",
    "enqueue_after_commit",
    "job",
    "local_runner",
    "periodic",
    "scheduler_lifespan",
]
