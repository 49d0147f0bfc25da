"""REST route for a project's overview: thin, over the dashboard service the overview page calls too."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query

from autodevhub.dashboard import activity, service
from autodevhub.web.deps import CurrentIdentity, Offset, ReadSession

router = APIRouter(tags=["dashboard"])


@router.get("/api/projects/{project_id}/overview")
def project_overview(
    project_id: uuid.UUID,
    identity: CurrentIdentity,
    session: ReadSession,
    days: Annotated[
        int, Query(ge=7, le=90, description="the window of the KPI and DORA tiles: 7, 30 or 90")
    ] = 30,
    activity_limit: Annotated[int, Query(ge=1, le=activity.MAX_LIMIT, description="activity page size")] = (
        service.ACTIVITY_PAGE
    ),
    activity_offset: Offset = 0,
) -> dict[str, Any]:
    """KPI tiles, DORA, stories by status, docs (pages, freshness without asking GitHub, a link), the last
    runs and stories, activity and AI spend (stories and docs)."""
    return service.project_overview(
        session,
        identity,
        project_id,
        days=days,
        activity_limit=activity_limit,
        activity_offset=activity_offset,
    )
