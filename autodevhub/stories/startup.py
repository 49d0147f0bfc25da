"""What the stories feature hands core at start-up: its jobs."""


def register() -> None:
    """Import the job module: its decorators register the jobs and their topics."""
    from autodevhub.stories import tasks  # noqa: F401  (registers the jobs)
    from autodevhub.stories.results import tasks as results  # noqa: F401  (the CI results' job)
