"""What the storage feature hands core at start-up: its periodic jobs."""


def register() -> None:
    """Import the job module: its decorators register the periodic jobs."""
    from autodevhub.storage import tasks  # noqa: F401  (registers the jobs)
