"""What the workflows feature hands core at start-up: its jobs (sync, webhooks, periodic) and its gauges."""

from autodevhub.core import observability


def register() -> None:
    """Import the job module (its decorators register the jobs) and add the CI/DORA gauges to /metrics."""
    from autodevhub.workflows.github import tasks  # noqa: F401  (registers the jobs)
    from autodevhub.workflows.metrics.gauges import WorkflowCollector

    observability.add_collector(WorkflowCollector)
