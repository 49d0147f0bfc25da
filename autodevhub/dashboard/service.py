"""The dashboard's service: the home page's project cards and a project's overview and activity.

The web pages, `GET /api/projects/{id}/overview` and any other front door call these; each checks the
caller (signed in; PROJECT_READ on a project) before reading, and validates its arguments.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Session

from autodevhub.auth.guard import require_project
from autodevhub.auth.permissions import Permission
from autodevhub.core.errors import InvalidInput
from autodevhub.core.identity import Identity
from autodevhub.dashboard import activity, overview, portfolio
from autodevhub.models import utcnow
from autodevhub.projects import service as projects
from autodevhub.workflows.metrics.ci import WINDOWS

MAX_CARDS = 50
ACTIVITY_PAGE = 20


def _whole(value: object, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{what} must be a whole number from {low} to {high}.")
    return value


def project_cards(
    session: Session,
    identity: Identity | None,
    *,
    limit: int = MAX_CARDS,
    offset: int = 0,
    now: datetime | None = None,
) -> dict[str, Any]:
    """{items, total}: one page of cards for the projects the caller can read (admins: all), the most
    recently active first (their runs changed last), then by name."""
    limit = _whole(limit, 1, MAX_CARDS, "limit")
    offset = _whole(offset, 0, 10_000_000, "offset")
    found, total = projects.visible_projects(session, identity, limit=limit, offset=offset, recent_first=True)
    return {"items": portfolio.cards(session, found, now or utcnow()), "total": total}


def project_overview(
    session: Session,
    identity: Identity | None,
    project_id: uuid.UUID | str,
    *,
    days: int = 30,
    activity_limit: int = ACTIVITY_PAGE,
    activity_offset: int = 0,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Everything the overview page shows (dashboard.overview); refusals as require_project's."""
    project = require_project(session, identity, Permission.PROJECT_READ, project_id)
    assert identity is not None  # require_project refused anonymous callers
    if days not in WINDOWS:
        raise InvalidInput("The window must be 7, 30 or 90 days.")
    return overview.build(
        session,
        identity,
        project,
        days=days,
        activity_limit=_whole(activity_limit, 1, activity.MAX_LIMIT, "activity_limit"),
        activity_offset=_whole(activity_offset, 0, 10_000_000, "activity_offset"),
        now=now or utcnow(),
    )


def project_activity(
    session: Session, identity: Identity | None, project_id: uuid.UUID | str, *, limit: int, offset: int
) -> dict[str, Any]:
    """One page of the project's activity feed (see dashboard.activity)."""
    project = require_project(session, identity, Permission.PROJECT_READ, project_id)
    return activity.project_activity(
        session,
        project.id,
        limit=_whole(limit, 1, activity.MAX_LIMIT, "limit"),
        offset=_whole(offset, 0, 10_000_000, "offset"),
    )
