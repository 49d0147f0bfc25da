"""What the notifications feature hands core at start-up: its jobs."""


def register() -> None:
    """Import the job module: its decorators register the jobs and the run listener."""
    from autodevhub.notifications import tasks  # noqa: F401  (registers the jobs)
