"""Background jobs: arq workers on Redis when REDIS_URL is set, an in-process thread runner otherwise.

`@job(name)` registers a blocking function (registry), `enqueue` / `enqueue_after_commit` queue it and
`emit_after_commit` queues a topic's listeners (queue), `autodevhub worker` runs them on Redis (arq), the
app runs them itself without Redis (local).
"""

from autodevhub.core.jobs.local import local_runner, scheduler_lifespan
from autodevhub.core.jobs.queue import JobsUnavailable, emit_after_commit, enqueue, enqueue_after_commit
from autodevhub.core.jobs.registry import JOBS, LISTENERS, PERIODIC, RetryLater, job, periodic

__all__ = [
    "JOBS",
    "LISTENERS",
    "PERIODIC",
    "JobsUnavailable",
    "RetryLater",
    "emit_after_commit",
    "enqueue",
    "enqueue_after_commit",
    "job",
    "local_runner",
    "periodic",
    "scheduler_lifespan",
]
