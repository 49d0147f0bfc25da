"""What the documentation feature hands core at start-up: its job and its freshness gauge."""

from autodevhub.core import observability


def register() -> None:
    """Import the job module (its decorator registers the job) and add the freshness gauge to /metrics."""
    from autodevhub.documentation import publish_tasks, tasks  # noqa: F401  (registers the jobs)
    from autodevhub.documentation.gauges import DocsFreshnessCollector

    observability.add_collector(DocsFreshnessCollector)
