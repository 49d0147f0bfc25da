"""The home page's project cards: every number of a page of projects in a fixed number of queries.

Each card reads the metric queries' multi-project variants (CI over 7 days, DORA over 30), so the count of
queries does not grow with the number of projects. Docs freshness is absent until the docs service exists.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from autodevhub.models import Project
from autodevhub.models.workflows import WorkflowSync
from autodevhub.stories import queries as stories
from autodevhub.workflows.metrics import alerts, dora
from autodevhub.workflows.metrics import ci as metrics

CI_DAYS = 7
DORA_DAYS = 30
DORA_KEYS = ("deployment_frequency", "lead_time", "change_failure_rate", "time_to_restore")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def sparkline(per_day: list[dict], since: datetime, until: datetime) -> list[dict]:
    """[{day, rate}] for every UTC day of the window, oldest first (rate None: no run counted that day)."""
    rates = {row["day"]: row["rate"] for row in metrics.daily_success_rates(per_day)}
    first, days = since.date(), (until.date() - since.date()).days + 1
    return [
        {"day": d, "rate": rates.get(d)} for d in ((first + timedelta(n)).isoformat() for n in range(days))
    ]


def project_alerts(failing: list[str], branch: str, sync: WorkflowSync | None) -> list[dict[str, Any]]:
    """What needs a look: a failing default branch, a failed sync."""
    found = []
    if failing:
        found.append(
            {
                "kind": "failing_branch",
                "message": f"{branch} is failing: {', '.join(failing)}",
                "workflows": failing,
            }
        )
    if sync is not None and sync.state.value == "failed":
        found.append({"kind": "sync_failed", "message": sync.message or "The last GitHub sync failed."})
    return found


def dora_bands(result: dict[str, Any]) -> dict[str, str | None]:
    return {key: result[key]["band"] for key in DORA_KEYS}


def cards(session: Session, projects: list[Project], now: datetime) -> list[dict[str, Any]]:
    """One card per project, in the order given."""
    ids: list[uuid.UUID] = [project.id for project in projects]
    if not ids:
        return []
    week, month = metrics.bounds(CI_DAYS, now), metrics.bounds(DORA_DAYS, now)
    rates = metrics.rates_many(session, ids, *week)
    per_day = metrics.runs_per_day_many(session, ids, *week)
    doras = dora.dora_many(session, projects, *month, DORA_DAYS)
    failing = alerts.failing_on_branch(session, {pid: d["branch"] for pid, d in doras.items()}, *month)
    counts = stories.status_counts(session, ids)
    syncs = {
        s.project_id: s
        for s in session.exec(select(WorkflowSync).where(col(WorkflowSync.project_id).in_(ids)))
    }
    empty = {"runs": 0, "completed": 0, "successes": 0, "failures": 0, "success_rate": None}
    result = []
    for project in projects:
        sync = syncs.get(project.id)
        result.append(
            {
                "id": str(project.id),
                "name": project.name,
                "repo": project.repo,
                "sync": {
                    "state": sync.state.value if sync else "idle",
                    "last_success_at": _iso(sync.last_success_at if sync else None),
                },
                "ci": {
                    "days": CI_DAYS,
                    **rates.get(project.id, empty),
                    "sparkline": sparkline(per_day.get(project.id, []), *week),
                },
                "dora": {"days": DORA_DAYS, **dora_bands(doras[project.id])},
                "stories": counts[project.id],
                "alerts": project_alerts(failing.get(project.id, []), doras[project.id]["branch"], sync),
            }
        )
    return result
