"""The composition root: every feature hands core its jobs and gauges here (core never lists features).

The app, `autodevhub worker` and the CLI call `register()` once before they run jobs or serve /metrics.
"""

import functools

from autodevhub.backups import startup as backups
from autodevhub.documentation import startup as documentation
from autodevhub.notifications import startup as notifications
from autodevhub.storage import startup as storage
from autodevhub.stories import startup as stories
from autodevhub.workflows import startup as workflows


@functools.cache
def register() -> None:
    """Register every feature's jobs and gauges, once per process."""
    workflows.register()
    stories.register()
    notifications.register()
    documentation.register()
    backups.register()
    storage.register()
