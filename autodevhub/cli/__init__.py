"""The `autodevhub` command: one entry point over the same services as the UI and the API.

`main` (the root click group) lives in `app`; each command module below imports it and attaches its
commands when imported, so importing this package registers them all. The modules import `app` and
`common` only, never this package or each other, so there is no import cycle.
"""

from __future__ import annotations

from autodevhub.cli import backup, db, docs, notify, projects, stories, users, workflows
from autodevhub.cli.app import main
from autodevhub.cli.common import alembic_config  # imported from here by tests/ and bench/

__all__ = [
    "alembic_config",
    "backup",
    "db",
    "docs",
    "main",
    "notify",
    "projects",
    "stories",
    "users",
    "workflows",
]
