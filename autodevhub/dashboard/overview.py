"""One project's overview: KPI tiles, DORA, stories, docs, last runs and stories, activity, AI spend.

Every number comes from the queries the Workflows, Stories and Docs pages use (CI summary and DORA over the
same window, the runs and stories lists, docs freshness); the caller has checked PROJECT_READ, and the list
services check their own permission again. Docs freshness asks no GitHub: a page from a local directory is
checked against its files, a page from GitHub counts as unknown (the Docs page compares those).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from autodevhub.core.cache import memoized
from autodevhub.core.identity import Identity
from autodevhub.core.settings import get_settings
from autodevhub.dashboard import activity, spend
from autodevhub.dashboard.portfolio import project_alerts
from autodevhub.documentation import freshness
from autodevhub.models import Documentation, Project, UserStory
from autodevhub.models.workflows import WorkflowSync
from autodevhub.stories import queries as stories
from autodevhub.workflows import service as workflows
from autodevhub.workflows.metrics import alerts, dora
from autodevhub.workflows.metrics import ci as metrics

LAST = 10
RUNS_TTL_SECONDS = 30.0
RUNS_KEY = "overview-runs:"


def story_row(story: UserStory) -> dict[str, Any]:
    return {
        "id": str(story.id),
        "feature_description": story.feature_description,
        "status": story.status.value,
        "confidence_score": story.confidence_score,
        "engine": story.story_metadata.get("engine"),
        "created_at": story.created_at.isoformat(),
        "updated_at": story.updated_at.isoformat(),
    }


def docs_summary(session: Session, project: Project) -> dict[str, Any]:
    """{pages, fresh, stale, unknown, percent (of the pages whose freshness is known, else None), href}:
    one query, then local sources hashed; GitHub pages are unknown here."""
    query = select(Documentation.id, Documentation.version_info).where(Documentation.project_id == project.id)
    _, summary = freshness.check((str(page_id), info) for page_id, info in session.exec(query).all())
    found = {key: summary[key] for key in ("pages", "fresh", "stale", "unknown", "percent")}
    return {**found, "href": f"/docs?project={project.id}"}


def run_metrics(
    session: Session, project: Project, days: int, now: datetime, changed_at: str
) -> dict[str, Any]:
    """{window, ci, dora, failing}: the window's run metrics, shared through the cache by every reader of the
    project until its runs change (`changed_at`) or RUNS_TTL_SECONDS pass, as on the Workflows page."""

    def compute() -> dict[str, Any]:
        scope = metrics.scope_for(project.id, days, now=now)
        found = dora.dora(session, project, scope)
        failing = alerts.failing_on_branch(session, {project.id: found["branch"]}, scope.since, scope.until)
        return {
            "window": {"days": days, "since": scope.since.isoformat(), "until": scope.until.isoformat()},
            "ci": metrics.summary(session, scope),
            "dora": found,
            "failing": failing.get(project.id, []),
        }

    moment = int(now.timestamp() // RUNS_TTL_SECONDS)  # an explicit `now` elsewhere in time is its own entry
    return memoized(RUNS_KEY, [str(project.id), days, changed_at, moment], RUNS_TTL_SECONDS, compute)


def build(
    session: Session,
    identity: Identity,
    project: Project,
    *,
    days: int,
    activity_limit: int,
    activity_offset: int,
    now: datetime,
) -> dict[str, Any]:
    """The overview's data for one window (7, 30 or 90 days ending `now`)."""
    sync = workflows.sync_status(session, identity, project.id)
    runs_view = run_metrics(session, project, days, now, sync["changed_at"])
    found = runs_view["dora"]
    runs, runs_total = workflows.list_executions(session, identity, project.id, limit=LAST)
    recent, stories_total = stories.list_stories(session, identity, project_id=project.id, limit=LAST)
    repo_url = f"{get_settings().github_url}/{project.repo}" if project.repo else None
    return {
        "project": {"id": str(project.id), "name": project.name, "repo": project.repo, "repo_url": repo_url},
        "window": runs_view["window"],
        "sync": sync,
        "ci": runs_view["ci"],
        "dora": found,
        "alerts": project_alerts(
            runs_view["failing"], found["branch"], session.get(WorkflowSync, project.id)
        ),
        "stories": {
            "total": stories_total,
            "by_status": stories.status_counts(session, [project.id])[project.id],
        },
        "docs": docs_summary(session, project),
        "last_runs": {"items": runs, "total": runs_total},
        "last_stories": {"items": [story_row(s) for s in recent], "total": stories_total},
        "activity": activity.project_activity(
            session, project.id, limit=activity_limit, offset=activity_offset
        ),
        "ai_spend": spend.ai_spend(session, project.id, now),
        "changed_at": sync["changed_at"],
    }
