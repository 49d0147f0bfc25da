"""What the backups feature hands core at start-up: its scheduled backup job."""


def register() -> None:
    """Import the schedule module: its decorator registers the periodic job."""
    from autodevhub.backups import schedule  # noqa: F401  (registers the job)
